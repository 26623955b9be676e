#!/bin/bash
# Builds the khulnasoft-tracker .deb of this source tree and prints its path.
#
#   tests/e2e/build-deb.sh
#
# `dpkg-buildpackage -us -uc -b` runs in a scratch copy of the tree (the files
# git tracks plus untracked ones it does not ignore, as they are in the work
# tree) under /var/tmp, never in the tree itself: it writes its results into
# the parent directory and its own build directory into the copy. The .deb is
# kept in $TRACKER_DEB_CACHE/<hash> (default /var/cache/tracker-tests/deb),
# the hash being that of the files that make the package (all but tests/,
# .ci/, scripts/, the Containerfile and the top-level *.md), so a second run
# on the same sources builds nothing; the three newest builds are kept.
# DEB_BUILD_OPTIONS is $TRACKER_DEB_BUILD_OPTIONS (default nocheck: the tests
# run from meson, not from the package build, and the .deb is the same either
# way) plus parallel=<cores>. dpkg-buildpackage checks the Build-Depends.
set -euo pipefail
# One compound command: bash reads it whole before it runs, so editing this
# file does not derail a build in progress.
{
export LC_ALL=C

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${TRACKER_DEB_CACHE:-/var/cache/tracker-tests/deb}
package=khulnasoft-tracker

say() { echo "build-deb: $*" >&2; }
die() {
	say "$@"
	exit 1
}

[[ -f $src/debian/control ]] || die "no debian/control in $src"
command -v dpkg-buildpackage >/dev/null || die "dpkg-buildpackage is missing (dpkg-dev)"
command -v git >/dev/null || die "git is missing"

# The files of the tree, NUL separated, sorted.
list_files() {
	git -C "$src" ls-files -z --cached --others --exclude-standard | sort -zu |
		while IFS= read -r -d '' file; do
			[[ -f $src/$file || -L $src/$file ]] && printf '%s\0' "$file"
		done
}

files=$(mktemp)
scratch=
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	rm -f "$files"
	[[ -z $scratch ]] || rm -rf "$scratch"
}
trap cleanup EXIT
list_files >"$files"
[[ -s $files ]] || die "git lists no files in $src"
# What the package is made of: the tests, CI and documentation of the tree
# are copied and built, but change nothing installed, so editing them keeps
# the cached .deb (the packaging suite builds the package every time anyway).
hash=$( (cd "$src" && tr '\0' '\n' <"$files" | grep -Ev '^(tests/|\.ci/|scripts/|Containerfile$|[^/]*\.md$)' |
	tr '\n' '\0' | xargs -0 sha256sum --) | sha256sum | cut -c1-16)
dir=$cache/$hash

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock -w 3600 9 || die "timed out waiting for $cache/.lock"

find_deb() {
	[[ -d $dir ]] || return 0
	compgen -G "$dir/${package}_*.changes" >/dev/null || return 0
	find "$dir" -maxdepth 1 -name "${package}_*.deb" ! -name '*-dbgsym_*' 2>/dev/null | sort | tail -n 1
}
deb=$(find_deb)
if [[ -n $deb ]]; then
	say "cached: $deb"
	echo "$deb"
	exit 0
fi

scratch=$(mktemp -d /var/tmp/tracker-deb.XXXXXX)
mkdir "$scratch/src"
(cd "$src" && tar --null -T "$files" -cf -) | tar -C "$scratch/src" -xf -
log=$scratch/build.log
say "dpkg-buildpackage -us -uc -b in $scratch/src (log: $cache/$hash.log)"
started=$SECONDS
if ! (cd "$scratch/src" &&
	DEB_BUILD_OPTIONS="${TRACKER_DEB_BUILD_OPTIONS-nocheck} parallel=$(nproc)" dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	cp "$log" "$cache/$hash.log" || true
	tail -n 40 "$log" >&2
	die "dpkg-buildpackage failed (log: $cache/$hash.log)"
fi
mkdir -p "$dir.new"
find "$scratch" -maxdepth 1 \( -name '*.deb' -o -name '*.changes' -o -name '*.buildinfo' \) \
	-exec cp {} "$dir.new/" \;
cp "$log" "$dir.new/build.log"
rm -rf "$dir"
mv "$dir.new" "$dir"
deb=$(find_deb)
[[ -n $deb ]] || die "dpkg-buildpackage made no ${package}_*.deb (see $dir/build.log)"
say "built $(basename "$deb") in $((SECONDS - started))s"

# Keep the three newest builds.
find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +4 |
	cut -d' ' -f2- | while IFS= read -r old; do rm -rf "$old"; done
rm -f "$cache"/*.log
echo "$deb"
exit 0
}
