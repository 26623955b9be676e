#!/bin/bash
# Quick start, command 1: install the build packages, build, and run tracker in
# the foreground with container enrichment on. Arguments go to tracker:
#
#   scripts/run.sh --output json --scope container
#
# It needs root: as root it just runs; otherwise it runs itself again with sudo
# (scripts/root.sh), and says what to do when there is no sudo.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/root.sh
source "$root/scripts/root.sh"
become_root "tracker loads eBPF programs and reads every runtime's socket" "$@"
cd "$root"

scripts/deps.sh build
scripts/build.sh

exec "${BUILD_DIR:-build}/src/tracker/tracker" --containers "$@"
