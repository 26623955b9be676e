#!/bin/bash
# Quick start, command 1: install the build packages, build, and run tracker in
# the foreground with container enrichment on. Arguments go to tracker:
#
#   sudo scripts/run.sh --output json --scope container
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ((EUID != 0)); then
	echo "run.sh: tracker loads eBPF programs and reads every runtime's socket:" \
		"it must run as root. Try: sudo $0 $*" >&2
	exit 1
fi

scripts/deps.sh build
scripts/build.sh

exec "${BUILD_DIR:-build}/src/tracker/tracker" --containers "$@"
