#!/bin/bash
# Install tracker's Debian packages.
#
#   scripts/deps.sh build   the Build-Depends of debian/control: enough to build
#                           tracker, run its unit tests and build its package
#   scripts/deps.sh all     those, and the "# test" group of scripts/packages.txt
#                           that the integration and packaging suites need
#
# debian/control is the one list of build packages; `apt-get build-dep` reads
# it (build profiles, version constraints and debhelper-compat included) and
# dpkg-checkbuilddeps tells whether anything is missing.
#
# Idempotent and quiet: when every package is installed it only says so; it runs
# `apt-get update` only when something is missing, and needs root only then
# (as another user it runs itself again with sudo: scripts/root.sh). Services that packages would
# start on installation (dockerd, containerd) are kept from starting: the test
# fixtures start them with the flags this project needs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
control="$root/debian/control"
list="$here/packages.txt"

die() {
	echo "deps: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 build|all" >&2
	exit 2
}

[[ $# -eq 1 ]] || usage
case $1 in
build | all) want=$1 ;;
*) usage ;;
esac

[[ -r $control ]] || die "cannot read $control"
[[ -r $list ]] || die "cannot read $list"

# The unmet Build-Depends (build-essential included), one word each; every
# one of them when dpkg-dev, which checks them, is missing itself.
unmet_build_deps() {
	if ! command -v dpkg-checkbuilddeps >/dev/null; then
		echo "dpkg-dev"
		return
	fi
	local out
	if out=$(cd "$root" && dpkg-checkbuilddeps "$control" 2>&1); then
		return
	fi
	[[ $out == *"Unmet build dependencies:"* ]] || die "dpkg-checkbuilddeps: $out"
	echo "${out#*Unmet build dependencies: }"
}

test_packages=()
group=
while IFS= read -r line || [[ -n $line ]]; do
	if [[ $line =~ ^#[[:space:]]*(test)[[:space:]]*$ ]]; then
		group=${BASH_REMATCH[1]}
		continue
	fi
	line=${line%%#*}
	read -r name _ <<<"$line" || true
	[[ -n ${name:-} ]] || continue
	[[ -n $group ]] || die "$list: package '$name' comes before the '# test' line"
	test_packages+=("$name")
done <"$list"
((${#test_packages[@]} > 0)) || die "$list lists no test packages"

unmet=$(unmet_build_deps)
missing_tests=()
if [[ $want == all ]]; then
	for pkg in "${test_packages[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		[[ $status == installed ]] || missing_tests+=("$pkg")
	done
fi

if [[ -z $unmet ]] && ((${#missing_tests[@]} == 0)); then
	if [[ $want == all ]]; then
		echo "deps: the Build-Depends of debian/control and all ${#test_packages[@]} test packages are installed"
	else
		echo "deps: the Build-Depends of debian/control are installed"
	fi
	exit 0
fi

# shellcheck source=scripts/root.sh
source "$here/root.sh"
missing_text=${unmet:+Build-Depends ($unmet)}
((${#missing_tests[@]} == 0)) || missing_text+="${missing_text:+ and }test packages (${missing_tests[*]})"
become_root "it installs $missing_text" "$want"

echo "deps: installing${unmet:+ Build-Depends ($unmet)}${missing_tests[*]:+ test packages (${missing_tests[*]})}"

# Keep maintainer scripts from starting services (dockerd, containerd, dbus):
# the fixtures start them with the right flags and stop what they started.
policy=/usr/sbin/policy-rc.d
log=$(mktemp /tmp/tracker-deps.XXXXXX)
cleanup() {
	[[ -n ${our_policy:-} ]] && rm -f "$policy"
	rm -f "$log"
}
trap cleanup EXIT
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	our_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -y -o DPkg::Lock::Timeout=600
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

if ! apt-get "${apt_opts[@]}" update >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "apt-get update failed"
fi
if [[ -n $unmet ]] && ! apt-get "${apt_opts[@]}" build-dep "$root" >>"$log" 2>&1; then
	tail -n 60 "$log" >&2
	die "apt-get build-dep failed"
fi
if ((${#missing_tests[@]} > 0)) &&
	! apt-get "${apt_opts[@]}" install "${missing_tests[@]}" >>"$log" 2>&1; then
	tail -n 60 "$log" >&2
	die "apt-get install failed"
fi

still=$(unmet_build_deps)
[[ -z $still ]] || die "Build-Depends still unmet after apt-get build-dep: $still"
for pkg in "${missing_tests[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[[ $status == installed ]] || die "still not installed after apt-get: $pkg"
done
echo "deps: done"
