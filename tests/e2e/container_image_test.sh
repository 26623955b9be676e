#!/bin/bash
# The container image: builds it from the Containerfile (base: the debootstrap
# root file system of tests/fixtures/rootfs.sh, imported as
# localhost/tracker-base:bookworm; `docker build --network none`), runs it as
# the feature description (SEED.md) shows and checks its output:
#
#   container_image_test.sh docker   run by Docker
#   container_image_test.sh podman   the same image run by Podman, with
#                                    exactly SEED.md's flags
#
#   <engine> run --name tracker-e2e-<pid> -d --pid=host --cgroupns=host --privileged \
#       -v /etc/os-release:/etc/os-release-host:ro \
#       -v /var/run/docker.sock:/var/run/docker.sock \
#       -e CONTAINERS_ENRICHMENT=1 \
#       --network none --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
#       localhost/tracker:test --output json
#
# (--network none, runc and the ulimits are what every container needs on these
# machines; --rm is left out so that the log of a crash survives, the test
# removes the container.) The checks, on the JSON lines of `<engine> logs`:
# tracker becomes ready; a Docker container started before it is an
# existing_container, and one started after it a container_create, each with
# its id, name and image (from the Docker socket: CONTAINERS_ENRICHMENT=1);
# removing the latter gives its container_remove; tracker exits 0 on stop.
#
# Docker 20.10 (Debian's docker.io) gives a --privileged container every
# capability the kernel knows; where root's bounding set lacks one (these
# machines have no CAP_SYS_RESOURCE) runc fails with "unable to apply caps".
# The Docker variant then says so and runs the closest equivalent:
# --cap-add=ALL --cap-drop=<the missing ones> and no seccomp, AppArmor or
# masked paths. Podman grants a privileged container the bounding set, so the
# Podman variant runs the exact flags (its image comes from Docker's store by
# `podman pull docker-daemon:`, no registry).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

engine=${1:-docker}
[[ $engine == docker || $engine == podman ]] || fail "usage: $0 docker|podman"
e2e_name="container_image_$engine"
image=${TRACKER_E2E_IMAGE:-localhost/tracker:test}
test_image=${TRACKER_TEST_IMAGE:-localhost/tracker-test/busybox:latest}
tracker_bin=${TRACKER_BIN:-$e2e_build_root/src/tracker/tracker}
label=org.khulnasoft.tracker.e2e
# Debian's docker.io 20.10 builds with the classic builder; a newer CLI would
# otherwise want the buildx plugin.
export DOCKER_BUILDKIT=0

require_root
require_command docker python3
[[ $engine == docker ]] || require_command podman
timeout 10 docker version >/dev/null 2>&1 || missing "dockerd answering at /var/run/docker.sock (tests/fixtures/runtimes.sh start)"
docker image inspect "$test_image" >/dev/null 2>&1 || missing "$test_image in Docker (tests/fixtures/busybox-image.sh)"
[[ -x $tracker_bin ]] || missing "a built tracker at $tracker_bin"

podman=(podman --runtime runc --cgroup-manager cgroupfs)
if [[ $engine == docker ]]; then
	run=(docker)
	machine_flags=(--network none --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
else
	run=("${podman[@]}")
	machine_flags=(--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
fi
docker_flags=(--network none --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# Our containers carry "<pid>:<start time>" of this test; those of a test that
# is gone are removed here, ours at the end.
me="$$:$(start_time_of $$)"
remove_stale() {
	local -a cmd=("$@")
	local cid owner pid started
	while read -r cid owner; do
		[[ -n ${cid:-} ]] || continue
		pid=${owner%%:*} started=${owner#*:}
		if [[ $(start_time_of "$pid" 2>/dev/null || true) != "$started" ]]; then
			"${cmd[@]}" rm -f "$cid" >/dev/null 2>&1 || true
		fi
	done < <("${cmd[@]}" ps -a --filter "label=$label" --format "{{.ID}} {{index .Labels \"$label\"}}" 2>/dev/null || true)
}
remove_stale docker
[[ $engine == docker ]] || remove_stale "${podman[@]}"

work=$(mktemp -d /var/tmp/tracker-e2e-image.XXXXXX)
name=tracker-e2e-$$
before=tracker-e2e-before-$$
after=tracker-e2e-after-$$
follower=
waiter=

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	local rc=$?
	"${run[@]}" rm -f "$name" >/dev/null 2>&1 || true
	docker rm -f "$before" "$after" >/dev/null 2>&1 || true
	[[ -z $follower ]] || stop_pid "$follower" 5
	[[ -z $waiter ]] || stop_pid "$waiter" 5
	if ((rc != 0)) && [[ -f $work/tracker.log ]]; then
		echo "---- tracker's log (without process events) ----" >&2
		grep -v '"eventName":"sched_process_' "$work/tracker.log" | tail -n 40 >&2 || true
	fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the image ------------------------------------------------------------

start=$SECONDS
"$e2e_source_root/tests/fixtures/rootfs.sh" docker-image >/dev/null ||
	fail "no base image (tests/fixtures/rootfs.sh docker-image)"
note "base image localhost/tracker-base:bookworm ready in $((SECONDS - start))s"

# A context with just what the Containerfile copies.
context=$work/context
mkdir -p "$context/build/src/tracker" "$context/systemd"
if command -v objcopy >/dev/null; then
	objcopy --strip-debug "$tracker_bin" "$context/build/src/tracker/tracker"
else
	cp "$tracker_bin" "$context/build/src/tracker/tracker"
fi
cp "$e2e_source_root/systemd/tracker.conf" "$context/systemd/"
previous=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
start=$SECONDS
docker build --network none -f "$e2e_source_root/Containerfile" -t "$image" "$context" \
	>"$work/build.log" 2>&1 || {
	tail -n 30 "$work/build.log" >&2
	fail "docker build --network none -f Containerfile failed"
}
note "built $image (docker build --network none, classic builder) in $((SECONDS - start))s"
# The image this test built last time, now untagged, goes (unless in use).
if [[ -n $previous && $previous != $(docker image inspect -f '{{.Id}}' "$image") ]]; then
	docker rmi "$previous" >/dev/null 2>&1 || true
fi

if [[ $engine == podman ]]; then
	want=$(docker image inspect -f '{{.Id}}' "$image")
	have=$("${podman[@]}" image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
	if [[ sha256:$have != "$want" && $have != "$want" ]]; then
		start=$SECONDS
		"${podman[@]}" pull -q "docker-daemon:$image" >"$work/pull.log" 2>&1 || {
			cat "$work/pull.log" >&2
			fail "podman pull docker-daemon:$image failed"
		}
		[[ -z $have ]] || "${podman[@]}" rmi "$have" >/dev/null 2>&1 || true
		note "copied $image from Docker's store to Podman's in $((SECONDS - start))s"
	fi
fi

# ---- a container from before tracker --------------------------------------

before_id=$(docker run -d "${docker_flags[@]}" --label "$label=$me" --name "$before" "$test_image") ||
	fail "docker run $test_image failed"

# ---- tracker, as SEED.md runs it --------------------------------------------

seed_flags=(
	--pid=host --cgroupns=host --privileged
	-v /etc/os-release:/etc/os-release-host:ro
	-v /var/run/docker.sock:/var/run/docker.sock
	-e CONTAINERS_ENRICHMENT=1
)
start_tracker() {
	"${run[@]}" run --name "$name" -d "$@" "${machine_flags[@]}" --label "$label=$me" \
		"$image" --output json >"$work/run.out" 2>&1
}

# Capabilities the kernel has (cap_last_cap) that root's bounding set lacks.
missing_capabilities() {
	local last bounding i
	last=$(cat /proc/sys/kernel/cap_last_cap)
	bounding=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
	for ((i = 0; i <= last; i++)); do
		((bounding >> i & 1)) || echo "$i"
	done
}
capability_name() {
	python3 -c '
import sys
names = ["CHOWN","DAC_OVERRIDE","DAC_READ_SEARCH","FOWNER","FSETID","KILL","SETGID","SETUID",
 "SETPCAP","LINUX_IMMUTABLE","NET_BIND_SERVICE","NET_BROADCAST","NET_ADMIN","NET_RAW","IPC_LOCK",
 "IPC_OWNER","SYS_MODULE","SYS_RAWIO","SYS_CHROOT","SYS_PTRACE","SYS_PACCT","SYS_ADMIN","SYS_BOOT",
 "SYS_NICE","SYS_RESOURCE","SYS_TIME","SYS_TTY_CONFIG","MKNOD","LEASE","AUDIT_WRITE",
 "AUDIT_CONTROL","SETFCAP","MAC_OVERRIDE","MAC_ADMIN","SYSLOG","WAKE_ALARM","BLOCK_SUSPEND",
 "AUDIT_READ","PERFMON","BPF","CHECKPOINT_RESTORE"]
print(names[int(sys.argv[1])])' "$1"
}

privilege_note=
if ! start_tracker "${seed_flags[@]}"; then
	mapfile -t lacking < <(missing_capabilities)
	if [[ $engine == docker ]] && grep -q 'unable to apply caps' "$work/run.out" && ((${#lacking[@]} > 0)); then
		drops=()
		for cap in "${lacking[@]}"; do drops+=("--cap-drop=$(capability_name "$cap")"); done
		privilege_note="--privileged refused by runc (Docker 20.10 asks for every capability; root's bounding set lacks ${drops[*]#--cap-drop=}): ran with --cap-add=ALL ${drops[*]} and seccomp, AppArmor and masked paths off"
		note "NOTE: $privilege_note"
		"${run[@]}" rm -f "$name" >/dev/null 2>&1 || true
		equivalent=("${seed_flags[@]/--privileged/--cap-add=ALL}" "${drops[@]}"
			--security-opt seccomp=unconfined --security-opt apparmor=unconfined
			--security-opt systempaths=unconfined)
		start_tracker "${equivalent[@]}" || {
			cat "$work/run.out" >&2
			fail "$engine run of $image failed with the --privileged equivalent too"
		}
	else
		cat "$work/run.out" >&2
		fail "$engine run ${seed_flags[*]} $image --output json failed"
	fi
fi
"${run[@]}" logs -f "$name" >"$work/tracker.log" 2>&1 &
follower=$!
"${run[@]}" wait "$name" >"$work/exit" 2>&1 &
waiter=$!

ready() {
	grep -q 'agent: ready' "$work/tracker.log" && return 0
	[[ $("${run[@]}" inspect -f '{{.State.Running}}' "$name" 2>/dev/null) == true ]] ||
		fail "tracker's container exited before it was ready"
	return 1
}
start=$SECONDS
wait_until 60 "tracker's readiness" ready || fail "tracker did not log 'agent: ready' within 60s"
note "tracker ready in its container after $((SECONDS - start))s: $(grep -E '^tracker: [a-z]+: (cgroup|kernel):' "$work/tracker.log" | sed 's/^tracker: [a-z]*: //' | paste -sd ';')"

# ---- the events ---------------------------------------------------------------

event_of() { # event_of NAME ID: the first such JSON line
	grep -F "\"eventName\":\"$1\"" "$work/tracker.log" | grep -F "$2" >"$work/candidates" || true
	json_lines "$work/candidates" "e.get('eventName') == '$1' and e.get('containerId') == '$2'" | head -n 1
}
has_event() { [[ -n $(event_of "$1" "$2") ]]; }
check_event() { # check_event JSON NAME ID CONTAINER-NAME
	local event=$1 what=$2 id=$3 want_name=$4 got
	got=$(json_get container.id <<<"$event")
	[[ $got == "$id" ]] || fail "$what: container.id is '$got', not $id"
	got=$(json_get container.name <<<"$event")
	[[ $got == "$want_name" ]] || fail "$what: container.name is '$got', not $want_name: $event"
	got=$(json_get container.image <<<"$event")
	[[ $got == "$test_image" ]] || fail "$what: container.image is '$got', not $test_image: $event"
	got=$(json_arg runtime <<<"$event")
	[[ $got == docker ]] || fail "$what: runtime is '$got', not docker"
	got=$(json_arg container_name <<<"$event")
	[[ $got == "$want_name" ]] || fail "$what: arg container_name is '$got', not $want_name"
}

wait_until 20 "existing_container" has_event existing_container "$before_id" ||
	fail "no existing_container event for $before ($before_id), started before tracker"
check_event "$(event_of existing_container "$before_id")" existing_container "$before_id" "$before"
note "existing_container: ${before_id:0:12} $before $test_image"

start=$SECONDS
after_id=$(docker run -d "${docker_flags[@]}" --label "$label=$me" --name "$after" "$test_image") ||
	fail "docker run $test_image failed"
wait_until 20 "container_create" has_event container_create "$after_id" ||
	fail "no container_create event for $after ($after_id) within 20s"
check_event "$(event_of container_create "$after_id")" container_create "$after_id" "$after"
note "container_create: ${after_id:0:12} $after $test_image ($((SECONDS - start))s after docker run)"

docker rm -f "$after" >/dev/null
wait_until 20 "container_remove" has_event container_remove "$after_id" ||
	fail "no container_remove event for $after_id"
note "container_remove: ${after_id:0:12}"

# ---- stop ---------------------------------------------------------------------

"${run[@]}" stop -t 10 "$name" >/dev/null || fail "$engine stop $name failed"
wait "$waiter" || true
waiter=
status=$(tail -n 1 "$work/exit")
[[ $status == 0 ]] || fail "tracker's container exited with $status on stop"
if grep -E '^tracker: error:' "$work/tracker.log"; then
	fail "tracker logged errors"
fi
note "stopped: exit status 0; passed${privilege_note:+ (with the --privileged equivalent, see NOTE)}; total $((SECONDS - e2e_started))s"
