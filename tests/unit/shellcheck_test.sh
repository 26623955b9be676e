#!/bin/bash
# Every shell script of the tree passes shellcheck (scripts/, tests/,
# systemd/, debian/ and .ci/run): the quick start and CI run through them.
set -euo pipefail

source_root=${TRACKER_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$source_root"

if ! command -v shellcheck >/dev/null; then
	[[ ${CI:-} != true ]] || {
		echo "FAIL: missing prerequisite: shellcheck (scripts/deps.sh all)" >&2
		exit 1
	}
	echo "SKIP: missing prerequisite: shellcheck (scripts/deps.sh all)" >&2
	exit 77
fi

mapfile -t scripts < <(
	find scripts tests systemd debian -name .cache -prune -o -type f -name '*.sh' -print | sort
	echo .ci/run
)
((${#scripts[@]} > 1)) || {
	echo "FAIL: no shell scripts found under $source_root" >&2
	exit 1
}
# -x follows `source` lines; their "shellcheck source=" paths are relative to the root.
shellcheck -x "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"
