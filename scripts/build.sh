#!/bin/bash
# Configure (once) and build tracker with meson + ninja.
#
#   scripts/build.sh [meson options...]     e.g. -Dintegration_tests=enabled
#
# The build directory is ./build, or $BUILD_DIR. Options are passed to
# `meson setup` on the first run and to `meson setup --reconfigure` afterwards
# (which, unlike `meson configure`, knows options added to meson_options.txt
# since); ninja regenerates the build by itself when a meson.build changes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}

if [[ -f $build_dir/meson-private/coredata.dat && -f $build_dir/build.ninja ]]; then
	if (($# > 0)); then
		meson setup --reconfigure "$build_dir" "$@"
	fi
elif [[ -f $build_dir/meson-private/coredata.dat ]]; then
	# A previous setup stopped half way: redo it from the stored options.
	meson setup --reconfigure "$build_dir" "$@"
else
	meson setup "$build_dir" "$@"
fi

ninja -C "$build_dir"
