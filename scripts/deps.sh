#!/bin/bash
# Install tracker's Debian packages, as listed in scripts/packages.txt.
#
#   scripts/deps.sh build   the "# build" group: enough to build tracker
#   scripts/deps.sh all     the "# build" and "# test" groups
#
# Idempotent and quiet: when every package is installed it only says so; it runs
# `apt-get update` only when something is missing. Services that packages would
# start on installation (dockerd, containerd) are kept from starting: the test
# fixtures start them with the flags this project needs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
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

[[ -r $list ]] || die "cannot read $list"

packages=()
group=
while IFS= read -r line || [[ -n $line ]]; do
	if [[ $line =~ ^#[[:space:]]*(build|test)[[:space:]]*$ ]]; then
		group=${BASH_REMATCH[1]}
		continue
	fi
	line=${line%%#*}
	read -r name _ <<<"$line" || true
	[[ -n ${name:-} ]] || continue
	[[ -n $group ]] || die "$list: package '$name' comes before any '# build' or '# test' line"
	if [[ $want == all || $group == build ]]; then
		packages+=("$name")
	fi
done <"$list"

((${#packages[@]} > 0)) || die "$list lists no packages for '$want'"

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[[ $status == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
	echo "deps: all ${#packages[@]} '$want' packages are installed"
	exit 0
fi

if ((EUID != 0)); then
	die "missing packages: ${missing[*]}; run as root (sudo $0 $want) to install them"
fi

echo "deps: installing ${missing[*]}"

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
if ! apt-get "${apt_opts[@]}" install "${missing[@]}" >>"$log" 2>&1; then
	tail -n 60 "$log" >&2
	die "apt-get install failed"
fi

still=()
for pkg in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[[ $status == installed ]] || still+=("$pkg")
done
((${#still[@]} == 0)) || die "still not installed after apt-get: ${still[*]}"
echo "deps: installed ${#missing[@]} package(s)"
