# shellcheck shell=bash
# Helpers of the end-to-end tests (sourced). The tests are bash scripts that
# meson runs with the exitcode protocol: 0 passed, 77 skipped, anything else
# failed. A missing prerequisite is a skip on a developer's machine and a
# failure under CI=true.

export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export LC_ALL=C.UTF-8

e2e_name=$(basename "$0" .sh)
e2e_started=$SECONDS
e2e_source_root=${TRACKER_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck disable=SC2034 # for the tests
e2e_build_root=${TRACKER_BUILD_ROOT:-$e2e_source_root/build}

note() { printf '[%s +%ss] %s\n' "$e2e_name" "$((SECONDS - e2e_started))" "$*"; }

fail() {
	printf '[%s +%ss] FAIL: %s\n' "$e2e_name" "$((SECONDS - e2e_started))" "$*" >&2
	exit 1
}

# A prerequisite is missing: skip (77), or fail under CI=true.
missing() {
	if [[ ${CI:-} == true ]]; then
		fail "missing prerequisite: $*"
	fi
	printf '[%s] SKIP: missing prerequisite: %s\n' "$e2e_name" "$*" >&2
	exit 77
}

require_root() {
	((EUID == 0)) || missing "root (it boots machines, loads eBPF programs and runs containers)"
}

require_command() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || missing "command '$cmd' (scripts/deps.sh all)"
	done
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.2s; false after
# SECONDS (WHAT only documents the call).
wait_until() {
	local timeout=$1 deadline
	shift 2
	deadline=$((SECONDS + timeout))
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

# Field 22 of /proc/PID/stat, which tells a PID from its reuse.
start_time_of() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	local fields
	read -ra fields <<<"$stat"
	echo "${fields[19]}"
}

# Ends a process this test started (TERM, then KILL after TIMEOUT seconds).
stop_pid() {
	local pid=$1 timeout=${2:-10} deadline
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	deadline=$((SECONDS + timeout))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# json_lines FILE PYTHON-EXPRESSION: prints the JSON objects of FILE (one per
# line, other lines ignored) for which the expression over `e` is true.
json_lines() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
path, expression = sys.argv[1], sys.argv[2]
with open(path, errors="replace") as f:
    for line in f:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if eval(expression, {"e": e}):
            print(line)
EOF
}

# Value of arg NAME of the JSON event on stdin.
json_arg() {
	python3 -c '
import json, sys
e = json.loads(sys.stdin.readline())
print(next((a["value"] for a in e.get("args", []) if a["name"] == sys.argv[1]), ""))' "$1"
}

# Value of a dotted path (container.name) of the JSON object on stdin.
json_get() {
	python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[k]
print(str(v).lower() if isinstance(v, bool) else v)' "$1"
}
