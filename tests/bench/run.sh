#!/bin/bash
# tracker's benchmarks, in one command: build a release tree, start the
# fixtures (system bus, containerd, dockerd, Podman's API service, the busybox
# test image), run every benchmark, and write BENCHMARKS.md at the top of the
# repository (the part between its "bench" markers; anything else in the file,
# such as a "## Fuzzing" section, is kept).
#
#   sudo tests/bench/run.sh [--quick]
#
# --quick runs every benchmark with small counts (a smoke test of the
# machinery; its figures are not the ones to publish).
#
# Environment: BENCH_BUILD_DIR (default build-bench), BENCH_RESULTS (default
# $BENCH_BUILD_DIR/bench-results), BENCH_REPORT (default BENCHMARKS.md at the
# top of the repository).
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
results=${BENCH_RESULTS:-$build/bench-results}
report=${BENCH_REPORT:-$root/BENCHMARKS.md}
quick=0

die() {
	echo "bench: $*" >&2
	exit 1
}
say() { echo "bench: $*" >&2; }

case ${1:-} in
"") ;;
--quick) quick=1 ;;
*) die "usage: $0 [--quick]" ;;
esac
((EUID == 0)) || die "must run as root (BPF, cgroups, the runtimes); try: sudo $0 $*"

# Packages: the project's own lists, plus Google Benchmark for pipeline_bench.
"$root/scripts/deps.sh" all
if [[ $(dpkg-query -W -f='${db:Status-Status}' libbenchmark-dev 2>/dev/null || true) != installed ]]; then
	say "installing libbenchmark-dev"
	DEBIAN_FRONTEND=noninteractive apt-get -y -q install libbenchmark-dev >/dev/null
fi

# A release build of tracker and the benchmarks.
if [[ -f $build/build.ninja ]]; then
	meson configure "$build" -Dbuildtype=release >/dev/null
else
	meson setup "$build" -Dbuildtype=release >/dev/null
fi
targets=(src/tracker/tracker tests/bench/spawn tests/bench/pipeline_bench tests/bench/ringbuf_bench
	tests/bench/overhead_bench tests/bench/enrich_latency_bench tests/bench/scale_bench
	tests/bench/churn_bench)
ninja -C "$build" "${targets[@]}"

# The fixtures. Daemons that already answer belong to someone else (another
# engineer's tests, say): when all of them do, this run stops nothing; else
# `runtimes.sh stop` takes down what the fixtures started, once no other
# holder uses them.
export TRACKER_FIXTURES_HOLDER=$$
stop_fixtures=1
if "$root/tests/fixtures/runtimes.sh" status >/dev/null 2>&1; then
	stop_fixtures=0
fi
synthetic=/sys/fs/cgroup/unified/tracker-bench
[[ -d /sys/fs/cgroup/unified ]] || synthetic=/sys/fs/cgroup/tracker-bench
cleanup() {
	local rc=$?
	# scale_bench removes its synthetic cgroups; this is for a run cut short.
	if [[ -d $synthetic ]]; then
		find "$synthetic" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null || true
		rmdir "$synthetic" 2>/dev/null || true
	fi
	if ((stop_fixtures)); then
		"$root/tests/fixtures/runtimes.sh" stop || true
	else
		rm -f "${TRACKER_FIXTURES_STATE:-/run/tracker-fixtures}/holders/$$"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/tests/fixtures/runtimes.sh" start
"$root/tests/fixtures/busybox-image.sh"

rm -rf "$results"
mkdir -p "$results"
export TRACKER_SOURCE_ROOT=$root
export TRACKER_BIN=$build/src/tracker/tracker
bench=$build/tests/bench
spawn=$bench/spawn

# Machine facts, and the load the machine carries besides the benchmarks.
python3 "$here/report.py" machine --results "$results" --root "$root" --quick "$quick"

commands=$results/commands.txt
: >"$commands"
# Runs one benchmark, recording its command line (as it would be typed in the
# repository) for the report.
run() {
	local name=${1##*/} shown=("${@}")
	shown=("${shown[@]//$root\//}")
	echo "${shown[*]}" >>"$commands"
	say "${shown[*]}"
	set +e
	"$@" 2>&1 | tee "$results/$name.out"
	local rc=${PIPESTATUS[0]}
	set -e
	if ((rc != 0)); then
		say "$name failed (exit status $rc); see $results/$name.out"
		echo "$name $rc" >>"$results/failures.txt"
	fi
}

if ((quick)); then
	pipeline_args=(--benchmark_min_time=0.05)
	ringbuf_args=(--rounds=1 --spawns=2000 --ring-mib=32)
	overhead_args=(--rounds=2 --spawns=500)
	enrich_args=(--count=3)
	scale_args=(--cgroups=1000 --large=3000 --existing=10 --runs=1)
	churn_args=(--workers=3 --per-worker=3)
else
	pipeline_args=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
	ringbuf_args=(--rounds=3 --spawns=15000 --ring-mib=128)
	overhead_args=(--rounds=15 --spawns=2000)
	enrich_args=(--count=20)
	scale_args=(--cgroups=10000 --large=100000 --existing=200 --runs=2)
	churn_args=(--workers=6 --per-worker=24)
fi

run "$bench/pipeline_bench" "${pipeline_args[@]}" \
	--benchmark_out="$results/pipeline.json" --benchmark_out_format=json
run "$bench/ringbuf_bench" --spawn="$spawn" "${ringbuf_args[@]}" --out="$results/ringbuf.json"
run "$bench/overhead_bench" --spawn="$spawn" "${overhead_args[@]}" \
	--out="$results/overhead.json" --log="$results/overhead-tracker.log"
run "$bench/enrich_latency_bench" "${enrich_args[@]}" \
	--out="$results/enrich.json" --log="$results/enrich-tracker.log"
run "$bench/scale_bench" "${scale_args[@]}" \
	--out="$results/scale.json" --log="$results/scale-tracker.log"
run "$bench/churn_bench" "${churn_args[@]}" \
	--out="$results/churn.json" --log="$results/churn-tracker.log"

python3 "$here/report.py" machine --results "$results" --after
python3 "$here/report.py" write --results "$results" --report "$report"
say "wrote $report (raw results in $results)"
