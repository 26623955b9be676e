#!/bin/bash
# Quick start, command 2 (and what .ci/run runs): install every package, build,
# start the container runtimes and the system bus, run all test suites, then
# stop what was started. The exit code is meson test's.
#
#   sudo scripts/test.sh                      unit and integration suites
#   sudo scripts/test.sh --suite integration  other arguments go to `meson test`
#   scripts/test.sh --suite unit              no root, no fixtures needed
#
# Under CI=true a skipped test or a run of no test at all fails the run: the
# integration tests fail rather than skip when a prerequisite is missing.
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin # dockerd, bpftool

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}
fixtures=tests/fixtures

# Fixtures (and root) are needed unless only the unit suite was asked for.
unit_only=
suites=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[i]} in
	--suite) suites+=("${args[i + 1]:-}") ;;
	--suite=*) suites+=("${args[i]#--suite=}") ;;
	esac
done
if ((${#suites[@]} > 0)); then
	unit_only=1
	for s in "${suites[@]}"; do
		[[ $s == unit || $s == *:unit ]] || unit_only=
	done
fi

if ((EUID != 0)) && [[ -z $unit_only ]]; then
	echo "test.sh: the integration suite loads eBPF programs and starts container" \
		"runtimes: it must run as root. Try: sudo $0 $*" >&2
	exit 1
fi

scripts/deps.sh all
if [[ -n $unit_only ]]; then
	scripts/build.sh
else
	scripts/build.sh -Dintegration_tests=enabled
fi

export TRACKER_TEST_IMAGE=localhost/tracker-test/busybox:latest
export TRACKER_FIXTURES_HOLDER=$$

# shellcheck disable=SC2317 # called by the EXIT trap
finish() {
	local rc=$?
	if [[ -n ${fixtures_started:-} ]]; then
		"$fixtures/runtimes.sh" stop || {
			echo "test.sh: stopping the fixtures failed" >&2
			((rc != 0)) || rc=1
		}
	fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z $unit_only ]]; then
	fixtures_started=1
	"$fixtures/runtimes.sh" start
	"$fixtures/busybox-image.sh"
	"$fixtures/runtimes.sh" cleanup # containers a killed run left behind
fi

mkdir -p "$build_dir/meson-logs"
started=$build_dir/meson-logs/.test-sh-started
touch "$started"
rc=0
meson test -C "$build_dir" --print-errorlogs "$@" || rc=$?

# One closing line that any CI reader understands, from the log meson just
# wrote (testlog.json, or testlog-<wrapper>.json and the like).
summary=$(python3 - "$build_dir/meson-logs" "$started" <<'EOF'
import json, os, sys
logs, started = sys.argv[1], os.stat(sys.argv[2]).st_mtime
counts = {"passed": 0, "failed": 0, "skipped": 0}
for name in os.listdir(logs):
    path = os.path.join(logs, name)
    if not (name.startswith("testlog") and name.endswith(".json")):
        continue
    if os.stat(path).st_mtime < started:
        continue
    with open(path) as log:
        for line in log:
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                counts["passed"] += 1
            elif result == "SKIP":
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
print(counts["passed"], counts["failed"], counts["skipped"])
EOF
)
read -r passed failed skipped <<<"$summary"
echo "tests: $passed passed, $failed failed, $skipped skipped"

if [[ ${CI:-} == true && $rc == 0 ]]; then
	if ((passed + failed == 0)); then
		echo "test.sh: CI=true and no test ran" >&2
		rc=1
	elif ((skipped > 0)); then
		echo "test.sh: CI=true and $skipped test(s) skipped: a prerequisite is missing" >&2
		rc=1
	fi
fi
exit "$rc"
