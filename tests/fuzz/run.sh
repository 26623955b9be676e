#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz in their own clang build
# (build-fuzz, or $FUZZ_BUILD_DIR) and runs each for a fixed time, starting
# from the seed corpus in tests/fuzz/corpus/<target>, with the dictionary
# tests/fuzz/dict/<target>.dict where there is one. Prints executions,
# speed and coverage per target; fails when a target crashes (or breaks one
# of its properties), leaving the input in <build>/fuzz-artifacts/<target>/.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]    every target, or the ones named
#
# What a run finds is kept in <build>/fuzz-corpus/<target> and is where the
# next run starts from; the seeds in the source tree are only read. Reproduce
# a crash with: <build>/tests/fuzz/<target>_fuzzer <artifact>.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
targets_all=(cgroup_path docker_inspect podman_inspect docker_event podman_event cri_info cri_reply
	containerd_reply config dbus_args containerd_events cri_events)

die() {
	echo "fuzz: $*" >&2
	exit 1
}
usage() {
	echo "usage: $0 SECONDS [TARGET...]; targets: ${targets_all[*]}" >&2
	exit 2
}

(($# >= 1)) || usage
seconds=$1
shift
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then usage; fi
targets=("$@")
((${#targets[@]} > 0)) || targets=("${targets_all[@]}")
for t in "${targets[@]}"; do
	[[ " ${targets_all[*]} " == *" $t "* ]] || die "unknown target '$t' (${targets_all[*]})"
	[[ -d tests/fuzz/corpus/$t ]] || die "no seed corpus tests/fuzz/corpus/$t"
done

command -v clang++ >/dev/null || die "clang++ is missing (scripts/deps.sh all)"
fuzzer_lib=$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
[[ -f $fuzzer_lib ]] || die "libFuzzer is missing: install libclang-rt-14-dev (scripts/deps.sh all)"

setup_log=$(mktemp)
trap 'rm -f "$setup_log"' EXIT
if [[ ! -f $build_dir/build.ninja ]]; then
	CC=clang CXX=clang++ meson setup "$build_dir" -Dfuzzing=true -Dintegration_tests=disabled \
		>"$setup_log" 2>&1 || {
		tail -n 30 "$setup_log" >&2
		die "meson setup $build_dir failed"
	}
elif ! meson configure "$build_dir" | grep -qE '^ *fuzzing +true'; then
	meson configure "$build_dir" -Dfuzzing=true >"$setup_log" 2>&1 || {
		tail -n 30 "$setup_log" >&2
		die "meson configure $build_dir -Dfuzzing=true failed"
	}
fi
binaries=()
for t in "${targets[@]}"; do binaries+=("tests/fuzz/${t}_fuzzer"); done
if ! ninja -C "$build_dir" "${binaries[@]}" >"$build_dir/fuzz-build.log" 2>&1; then
	grep -E 'error|FAILED' "$build_dir/fuzz-build.log" | head -n 30 >&2 || true
	die "building the fuzz targets failed; see $build_dir/fuzz-build.log"
fi

# The value of libFuzzer's final "stat::<name>:" line.
stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }
# "cov: N ft: N corp: N/..." of the last status line.
field_of() { grep -o "$1: [0-9]*" "$2" | tail -n 1 | awk '{print $2}'; }

# Runs of more than 10 minutes keep 2-frame allocation stacks and a smaller
# quarantine. ASan unwinds by frame pointers, which Debian's jsoncpp and
# protobuf lack: deeper frames are stack garbage, nearly every stack is new,
# and the stack depot grows until -rss_limit_mb ends the run (BENCHMARKS.md).
asan_options=detect_leaks=1
((seconds <= 600)) || asan_options+=:quarantine_size_mb=64:malloc_context_size=2

mkdir -p "$build_dir/fuzz-logs"
failed=()
printf '%-17s %12s %9s %6s %7s %8s %s\n' target execs exec/s cov ft corpus result
for t in "${targets[@]}"; do
	corpus=$build_dir/fuzz-corpus/$t
	artifacts=$build_dir/fuzz-artifacts/$t
	log=$build_dir/fuzz-logs/$t.log
	mkdir -p "$corpus" "$artifacts"
	dict=()
	[[ ! -f tests/fuzz/dict/$t.dict ]] || dict=(-dict="tests/fuzz/dict/$t.dict")
	rc=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-$asan_options} UBSAN_OPTIONS=print_stacktrace=1 \
		"$build_dir/tests/fuzz/${t}_fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts/" \
		"${dict[@]}" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
	result=ok
	if ((rc != 0)); then
		artifact=$(find "$artifacts" -type f -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)
		result="CRASH (exit $rc): ${artifact:-no artifact}, log $log"
		failed+=("$t")
	fi
	printf '%-17s %12s %9s %6s %7s %8s %s\n' "$t" "$(stat_of number_of_executed_units "$log")" \
		"$(stat_of average_exec_per_sec "$log")" "$(field_of cov "$log")" "$(field_of ft "$log")" \
		"$(find "$corpus" -type f | wc -l)" "$result"
done

if ((${#failed[@]} > 0)); then
	for t in "${failed[@]}"; do
		echo "---- $t: $build_dir/fuzz-logs/$t.log" >&2
		grep -A 25 -m 1 -E '^==[0-9]+==ERROR|runtime error|property broken|deadly signal' \
			"$build_dir/fuzz-logs/$t.log" >&2 || tail -n 30 "$build_dir/fuzz-logs/$t.log" >&2
	done
	die "${#failed[@]} target(s) crashed: ${failed[*]}"
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, no crash"
