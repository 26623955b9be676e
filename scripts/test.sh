#!/bin/bash
# Quick start, command 2 (and what .ci/run runs): install every package, build,
# start the container runtimes and the system bus, run all test suites, then
# stop what was started. The exit code is meson test's.
#
#   scripts/test.sh                      every suite
#   scripts/test.sh --suite integration  other arguments go to `meson test`
#   scripts/test.sh --suite unit         no root, no fixtures needed
#   scripts/test.sh --sanitize           then the unit and integration suites
#                                        again, built with ASan+UBSan (build-asan)
#   scripts/test.sh --fuzz               then each fuzz target for
#                                        $FUZZ_SECONDS (20) s (tests/fuzz/run.sh)
#
# Unless only the unit suite is asked for it needs root: as root it just runs;
# otherwise it runs itself again with sudo (scripts/root.sh), and says what to
# do when there is no sudo. The unit suite alone runs as any user (deps.sh
# asks for sudo only when it has packages to install).
#
# Under CI=true a skipped test or a run of no test at all fails the run: the
# integration tests fail rather than skip when a prerequisite is missing. CI
# also runs the sanitizer and fuzz passes. The exit code is the first failure:
# meson test's, then the sanitizer run's, then the fuzzers'.
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin # dockerd, bpftool

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
fixtures=tests/fixtures

# Our own flags; the rest goes to `meson test`.
sanitize=
fuzz=
if [[ ${CI:-} == true ]]; then
	sanitize=1
	fuzz=1
fi
original_args=("$@")
args=()
for arg in "$@"; do
	case $arg in
	--sanitize) sanitize=1 ;;
	--fuzz) fuzz=1 ;;
	*) args+=("$arg") ;;
	esac
done
set -- "${args[@]}"

# Fixtures (and root) are needed unless only the unit suite was asked for.
unit_only=
suites=()
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

# shellcheck source=scripts/root.sh
source "$root/scripts/root.sh"
if [[ -z $unit_only ]]; then
	become_root "the integration and e2e suites load eBPF programs, start container runtimes and boot machines" "${original_args[@]}"
fi
cd "$root"

scripts/deps.sh all
build_options=()
[[ -n $unit_only ]] || build_options=(-Dintegration_tests=enabled)
scripts/build.sh "${build_options[@]}"

export TRACKER_TEST_IMAGE=localhost/tracker-test/busybox:latest
export TRACKER_FIXTURES_HOLDER=$$

# shellcheck disable=SC2317 # called by the EXIT trap
finish() {
	local rc=$?
	trap - EXIT
	if [[ -n ${fixtures_started:-} ]]; then
		"$fixtures/runtimes.sh" stop || {
			echo "test.sh: stopping the fixtures failed" >&2
			((rc != 0)) || rc=1
		}
	fi
	echo "test.sh: total time $((SECONDS / 60)) min $((SECONDS % 60)) s (exit $rc)"
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

# `meson test` in build directory $1 (the arguments after the label go to
# it), then one closing line that any CI reader understands, "<label>: N
# passed, N failed, N skipped", from the log meson just wrote (testlog.json,
# or testlog-<wrapper>.json and the like). Under CI=true a run with a skipped
# test, or with no test at all, fails. Returns meson test's exit code.
run_suites() {
	local dir=$1 label=$2 rc=0
	shift 2
	mkdir -p "$dir/meson-logs"
	local started=$dir/meson-logs/.test-sh-started
	touch "$started"
	meson test -C "$dir" --print-errorlogs "$@" || rc=$?

	local summary passed failed skipped
	summary=$(python3 - "$dir/meson-logs" "$started" <<'EOF'
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
	echo "$label: $passed passed, $failed failed, $skipped skipped"

	if [[ ${CI:-} == true && $rc == 0 ]]; then
		if ((passed + failed == 0)); then
			echo "test.sh: CI=true and no test ran" >&2
			rc=1
		elif ((skipped > 0)); then
			echo "test.sh: CI=true and $skipped test(s) skipped: a prerequisite is missing" >&2
			rc=1
		fi
	fi
	return "$rc"
}

rc=0
run_suites "$build_dir" tests "$@" || rc=$?

# The unit and integration suites again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer: any report fails the test that caused it
# (UBSan does not recover; LeakSanitizer runs at each exit, with the
# third-party leaks of tests/sanitizers/lsan.supp suppressed).
if [[ -n $sanitize ]]; then
	asan_dir=${ASAN_BUILD_DIR:-build-asan}
	sanitize_rc=0
	BUILD_DIR=$asan_dir scripts/build.sh "${build_options[@]}" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbenchmarks=false -Dc_args=-fno-sanitize-recover=undefined \
		-Dcpp_args=-fno-sanitize-recover=undefined || sanitize_rc=$?
	if ((sanitize_rc == 0)); then
		asan_args=("$@")
		((${#suites[@]} > 0)) || asan_args+=(--suite unit --suite integration)
		ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0 \
			run_suites "$asan_dir" "tests under ASan+UBSan" --timeout-multiplier 3 \
			"${asan_args[@]}" || sanitize_rc=$?
	else
		echo "test.sh: the sanitizer build ($asan_dir) failed" >&2
	fi
	((rc != 0)) || rc=$sanitize_rc
fi

# Each libFuzzer target for a short, fixed time: a crash fails the run.
if [[ -n $fuzz ]]; then
	fuzz_rc=0
	tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" || fuzz_rc=$?
	((rc != 0)) || rc=$fuzz_rc
fi
exit "$rc"
