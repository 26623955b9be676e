#!/bin/bash
# Builds the khulnasoft-tracker package from a scratch copy of the source tree,
# runs lintian on it, installs it, installs it again (an upgrade in place),
# removes it and purges it, and fails on anything that is not clean:
#
#   - dpkg-buildpackage -us -uc -b fails;
#   - lintian reports an error or a warning (warnings that are accepted are
#     overridden, with the reason, in debian/khulnasoft-tracker.lintian-overrides);
#   - dpkg -i, -r or -P fails, or the installed package lacks a file it must
#     ship, or its programs do not run;
#   - anything of the package, or named after it, is left after the purge.
#
# Needs root (it installs the package) and the Build-Depends plus lintian
# (scripts/deps.sh all). Without them it skips (exit 77), or fails under
# CI=true. It refuses to run while khulnasoft-tracker is installed, since it
# would remove it. KEEP=1 keeps the scratch directory. The package is the one
# tests/e2e/build-deb.sh builds and caches for the nspawn test (so a CI run
# builds it once); BUILT=DIR takes the .deb and .changes from DIR instead,
# and BUILT=fresh builds it here from a scratch copy of the tree.
#
#   sudo tests/packaging/check-deb.sh [SOURCE_DIR]
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export LC_ALL=C.UTF-8

package=khulnasoft-tracker
source_dir=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)

say() { printf 'check-deb: %s\n' "$*"; }
fail() {
	printf 'check-deb: FAIL %s\n' "$*" >&2
	failed=1
}
die() {
	printf 'check-deb: FAIL %s\n' "$*" >&2
	exit 1
}
cannot_run() {
	if [[ ${CI:-} == true ]]; then
		die "$* (CI=true: a missing prerequisite is a failure)"
	fi
	say "SKIP $*"
	exit 77
}

failed=
((EUID == 0)) || cannot_run "needs root: it installs and purges $package"
for tool in dpkg-buildpackage dpkg-checkbuilddeps dh lintian; do
	command -v "$tool" >/dev/null || cannot_run "$tool is missing (scripts/deps.sh all)"
done
if ! unmet=$(cd "$source_dir" && dpkg-checkbuilddeps 2>&1); then
	cannot_run "${unmet#dpkg-checkbuilddeps: error: } (scripts/deps.sh build)"
fi
status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
if [[ -n $status && $status != not-installed ]]; then
	cannot_run "$package is installed ($status): purge it first, this test would"
fi

version=$(cd "$source_dir" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
scratch=$(mktemp -d /tmp/tracker-deb.XXXXXX)
tree=$scratch/$package-${version%-*}
deb=$scratch/${package}_${version}_${arch}.deb
changes=$scratch/${package}_${version}_${arch}.changes

# shellcheck disable=SC2317 # the EXIT trap
finish() {
	local rc=$?
	status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
	if [[ -n $status && $status != not-installed ]]; then
		say "purging $package after a failure"
		dpkg -P "$package" >/dev/null 2>&1 || true
	fi
	if [[ -n ${KEEP:-} ]]; then
		say "kept $scratch"
	else
		rm -rf "$scratch"
	fi
	exit "$rc"
}
trap finish EXIT

# ---------------------------------------------------------------- build

# The working tree as it is (committed or not), without build directories.
say "copying $source_dir to $tree"
mkdir -p "$tree"
if git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$source_dir" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' file; do
			if [[ -e $source_dir/$file ]]; then printf '%s\0' "$file"; fi
		done |
		tar -C "$source_dir" --null -T - -cf - | tar -C "$tree" -xf -
else
	tar -C "$source_dir" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$tree" -xf -
fi

start=$(date +%s)
if [[ -z ${BUILT:-} ]]; then
	built_deb=$("$source_dir/tests/e2e/build-deb.sh") || die "tests/e2e/build-deb.sh failed"
	BUILT=$(dirname "$built_deb")
fi
if [[ $BUILT != fresh ]]; then
	# A package built before, e.g. by a run with KEEP=1: lint and install only.
	say "using the package in $BUILT"
	cp "$BUILT"/*.deb "$BUILT"/*.changes "$BUILT"/*.buildinfo "$scratch/"
else
	say "dpkg-buildpackage -us -uc -b (log: $scratch/build.log)"
	if ! (cd "$tree" && dpkg-buildpackage -us -uc -b -jauto) >"$scratch/build.log" 2>&1; then
		tail -n 60 "$scratch/build.log" >&2
		KEEP=1
		die "dpkg-buildpackage failed"
	fi
	say "built $(basename "$deb") in $(($(date +%s) - start))s"
fi
[[ -f $deb && -f $changes ]] || die "no $deb or $changes"

# ---------------------------------------------------------------- lintian

say "lintian $(basename "$changes")"
# The spelling-error-in-binary overrides name fragments of string constants
# that the compiler stores eight bytes at a time; which fragments a build has
# changes with the code, so an override that matches nothing this time is not
# an error (mismatched-override; lintian 2.116 reports it whatever
# --suppress-tags says, hence the filter). Any other error or warning fails.
lintian_rc=0
lintian --display-info "$changes" >"$scratch/lintian.log" 2>&1 || lintian_rc=$?
if ((lintian_rc > 1)); then # 1: it found something, told below; more: it failed
	cat "$scratch/lintian.log" >&2
	fail "lintian failed (exit $lintian_rc)"
fi
if grep -E '^[EW]: ' "$scratch/lintian.log" | grep -qv ' mismatched-override '; then
	cat "$scratch/lintian.log" >&2
	fail "lintian reports errors or warnings"
fi
sed 's/^/  /' "$scratch/lintian.log"

# ---------------------------------------------------------------- leftovers

# What the package ships, and what its scripts and its service create.
mapfile -t shipped < <(dpkg-deb --fsys-tarfile "$deb" | tar -tf - | sed 's|^\./|/|; s|/$||' |
	grep -v '^/\?$')
runtime=(
	/etc/tracker
	/var/log/tracker
	/etc/systemd/system/multi-user.target.wants/tracker.service
	/var/lib/systemd/deb-systemd-helper-enabled/tracker.service.dsh-also
	/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/tracker.service
	/var/lib/systemd/deb-systemd-helper-masked/tracker.service
)
watched=(/etc /usr/share/dbus-1 /usr/share/polkit-1 /lib/systemd /usr/lib/systemd /usr/sbin
	/usr/bin /usr/share/man /usr/share/doc /usr/share/bash-completion /usr/share/lintian
	/var/lib/systemd /var/log /usr/lib/tracker /run/tracker)

# Files of ours anywhere in the watched directories.
ours() {
	{ find "${watched[@]}" \( -iname '*tracker*' -o -iname '*khulnasoft*' \) 2>/dev/null || true; } |
		sort
}

# Directories the package shares with the system (/usr, /usr/share/man/man8...)
# exist before; everything else of it must not.
before_dirs=()
for path in "${shipped[@]}"; do
	if [[ -d $path ]]; then
		before_dirs+=("$path")
	elif [[ -e $path || -L $path ]]; then
		die "$path exists before $package is installed"
	fi
done
ours >"$scratch/ours.before"

leftovers() {
	local when=$1 path
	local -A shared=()
	for path in "${before_dirs[@]}"; do shared[$path]=1; done
	for path in "${shipped[@]}" "${runtime[@]}"; do
		[[ -n ${shared[$path]:-} ]] && continue
		if [[ -e $path || -L $path ]]; then fail "$path is left after $when"; fi
	done
	ours >"$scratch/ours.after"
	if ! diff -u "$scratch/ours.before" "$scratch/ours.after" >"$scratch/ours.diff"; then
		grep '^+/' "$scratch/ours.diff" | sed "s/^+/left after $when: /" >&2 || true
		grep -q '^+/' "$scratch/ours.diff" && fail "files named after tracker are left after $when"
	fi
}

# ---------------------------------------------------------------- install

expected=(
	/usr/sbin/tracker
	/usr/bin/trackerctl
	/etc/tracker/tracker.conf
	/usr/share/dbus-1/interfaces/org.khulnasoft.Tracker1.xml
	/usr/share/dbus-1/system.d/org.khulnasoft.Tracker1.conf
	/usr/share/dbus-1/system-services/org.khulnasoft.Tracker1.service
	/usr/share/polkit-1/actions/org.khulnasoft.tracker1.policy
	/usr/share/man/man8/tracker.8.gz
	/usr/share/man/man1/trackerctl.1.gz
	/usr/share/man/man5/tracker.conf.5.gz
	/usr/share/man/man5/org.khulnasoft.Tracker1.5.gz
	/usr/share/bash-completion/completions/trackerctl
	"/usr/share/doc/$package/copyright"
	"/usr/share/doc/$package/README.Debian"
	"/usr/share/doc/$package/examples/50-enrichment.conf.example"
)

install_deb() {
	say "dpkg -i $(basename "$deb") ($1)"
	if ! dpkg -i "$deb" >"$scratch/install.log" 2>&1; then
		cat "$scratch/install.log" >&2
		die "dpkg -i failed ($1)"
	fi
	status=$(dpkg-query -W -f='${db:Status-Status}' "$package")
	[[ $status == installed ]] || die "$package is $status after dpkg -i ($1)"
}

install_deb "first installation"
mapfile -t listed < <(dpkg -L "$package")
for path in "${expected[@]}" /lib/systemd/system/tracker.service; do
	if [[ $path == /lib/systemd/system/tracker.service ]]; then
		# Debian 12's systemd.pc says /lib; later releases say /usr/lib.
		[[ " ${listed[*]} " == *" /lib/systemd/system/tracker.service "* ||
			" ${listed[*]} " == *" /usr/lib/systemd/system/tracker.service "* ]] ||
			fail "dpkg -L lists no tracker.service"
		continue
	fi
	[[ " ${listed[*]} " == *" $path "* ]] || fail "dpkg -L does not list $path"
	[[ -e $path ]] || fail "$path is not installed"
done
dpkg-query -W -f='${Conffiles}\n' "$package" | grep -q ' /etc/tracker/tracker.conf ' ||
	fail "/etc/tracker/tracker.conf is not a conffile"
[[ -L /etc/systemd/system/multi-user.target.wants/tracker.service ]] ||
	fail "tracker.service is not enabled"
/usr/sbin/tracker --version >/dev/null || fail "the installed tracker does not run"
/usr/bin/trackerctl --help >/dev/null || fail "the installed trackerctl does not run"
for page in tracker.8 trackerctl.1 tracker.conf.5 org.khulnasoft.Tracker1.5; do
	section=${page##*.}
	out=$(MANWIDTH=80 man --warnings -l "/usr/share/man/man$section/$page.gz" 2>&1 >/dev/null) ||
		fail "man cannot show the installed $page"
	[[ -z $out ]] || fail "man --warnings on the installed $page: $out"
done

install_deb "again, as an upgrade in place"

# ---------------------------------------------------------------- remove, purge

say "dpkg -r $package"
dpkg -r "$package" >"$scratch/remove.log" 2>&1 || {
	cat "$scratch/remove.log" >&2
	die "dpkg -r failed"
}
status=$(dpkg-query -W -f='${db:Status-Status}' "$package")
[[ $status == config-files ]] || fail "$package is $status after dpkg -r, not config-files"
[[ -f /etc/tracker/tracker.conf ]] || fail "dpkg -r removed the conffile /etc/tracker/tracker.conf"
for path in /usr/sbin/tracker /usr/bin/trackerctl /usr/share/dbus-1/system.d/org.khulnasoft.Tracker1.conf; do
	[[ ! -e $path ]] || fail "$path is left after dpkg -r"
done

say "dpkg -P $package"
dpkg -P "$package" >"$scratch/purge.log" 2>&1 || {
	cat "$scratch/purge.log" >&2
	die "dpkg -P failed"
}
status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
[[ -z $status || $status == not-installed ]] || fail "$package is $status after dpkg -P"
grep -i 'warning' "$scratch/purge.log" >&2 && fail "dpkg -P warned"
leftovers "dpkg -P"

if [[ -n $failed ]]; then
	KEEP=1
	exit 1
fi
say "OK: built in $(($(date +%s) - start))s overall, lintian clean, installed, upgraded, removed and purged without leftovers"
