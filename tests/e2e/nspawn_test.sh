#!/bin/bash
# tracker.service under a real systemd: boots Debian 12 (the cached root file
# system of tests/fixtures/rootfs.sh, variant nspawn) with systemd-nspawn,
# installs tracker in it and checks, inside:
#
#   1. `systemctl enable --now tracker` reaches active (Type=notify: only after
#      READY=1), and the eBPF tracepoints attached;
#   2. `trackerctl status` answers over the machine's system bus;
#   3. a drop-in in /etc/tracker/tracker.conf.d/ and `systemctl reload tracker`
#      toggle enrichment (trackerctl, the D-Bus property and STATUS= agree),
#      and removing it toggles back;
#   4. a synthetic Docker container (cgroup /docker/<id> in the machine's own
#      unified hierarchy, a process moved in that execs in a new mount
#      namespace) is listed by trackerctl and leaves tracker's structured
#      journal entries (CONTAINER_ID=, RUNTIME=, MESSAGE_ID=, ...), added and
#      removed;
#   5. `systemd-analyze security tracker.service` reports an exposure of at
#      most $TRACKER_E2E_MAX_EXPOSURE (default 1.5, as systemd/check-unit.sh);
#   6. `systemctl stop tracker` is clean: result success, exit status 0, no
#      error in its journal.
#
# What is installed:
#   TRACKER_DEB=<file>        that khulnasoft-tracker .deb, with dpkg -i;
#   otherwise, with debian/ in the tree, the .deb that build-deb.sh makes from
#                             a scratch copy of the tree (cached per tree content);
#   TRACKER_E2E_PAYLOAD=meson (or no debian/ yet) `meson install` of the build
#                             directory, moved to /usr and /etc.
#
# The machine: `systemd-nspawn -D <cache> --volatile=overlay -b --register=no
# --keep-unit --private-network --capability=CAP_BPF,CAP_PERFMON
# --system-call-filter=bpf`. --volatile=overlay keeps every change in a tmpfs,
# so the cache stays pristine; the cache is held with a shared lock meanwhile.
# nspawn's own seccomp filter refuses bpf(2) unless --system-call-filter adds
# it, and its default capability set lacks CAP_BPF and CAP_PERFMON. When PID 1
# of the host is not systemd, nspawn runs in a cgroup of its own, created here
# and removed afterwards. Commands run inside with `nsenter -t <leader> -a`.
# TRACKER_E2E_NSPAWN_CAPABILITIES and TRACKER_E2E_NSPAWN_SYSCALLS replace the
# values of --capability and --system-call-filter (to show what fails without).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

max_exposure=${TRACKER_E2E_MAX_EXPOSURE:-1.5}
rootfs_sh=$e2e_source_root/tests/fixtures/rootfs.sh
machine=tracker-e2e-$$
inside_payload=/mnt/tracker-e2e

require_root
require_command systemd-nspawn nsenter python3 flock

work=$(mktemp -d /var/tmp/tracker-e2e-nspawn.XXXXXX)
payload=$work/payload
mkdir -p "$payload"
nspawn_pid=
leader=
leader_started=
cgroup_dirs=()
rootfs=

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	local rc=$? dir
	if [[ -n $nspawn_pid ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
		note "cleanup: stopping the machine (nspawn pid $nspawn_pid)"
		if [[ -n $leader ]]; then
			in_machine systemctl poweroff --no-block >/dev/null 2>&1 || true
			wait_until 20 "poweroff" machine_gone || true
		fi
		stop_pid "$nspawn_pid" 10
	fi
	# nspawn killed before its machine: end the machine's init, and with it
	# every process of the machine's PID namespace.
	if [[ -n $leader ]] && [[ $(start_time_of "$leader" 2>/dev/null || true) == "$leader_started" ]]; then
		kill -KILL "$leader" 2>/dev/null || true
		wait_until 10 "the machine's processes" leader_gone || true
	fi
	if ((rc != 0)) && [[ -f $work/console.log ]]; then
		echo "---- last lines of the machine's console ----" >&2
		tail -n 40 "$work/console.log" >&2 || true
	fi
	# nspawn removes this itself, unless it was killed.
	rmdir "/run/systemd/nspawn/propagate/$machine" 2>/dev/null || true
	for dir in "${cgroup_dirs[@]}"; do
		# Depth first: nspawn's payload/ and the machine's own cgroups, all empty now.
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
		[[ ! -d $dir ]] || echo "cleanup: could not remove cgroup $dir" >&2
	done
	rm -rf --one-file-system "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

machine_gone() { ! kill -0 "$nspawn_pid" 2>/dev/null; }
leader_gone() { ! kill -0 "$leader" 2>/dev/null; }

in_machine() {
	nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

# ---- what to install ----------------------------------------------------

# meson's install tree of the build directory, moved from its prefix to /usr
# and /etc (the build directory is usually configured for /usr/local).
stage_meson_install() {
	local stage=$payload/stage prefix sysconfdir
	[[ -f $e2e_build_root/build.ninja ]] || missing "a build directory at $e2e_build_root"
	meson install -C "$e2e_build_root" --destdir "$work/destdir" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
		{
			cat "$work/install.log" >&2
			fail "meson install failed"
		}
	read -r prefix sysconfdir < <(meson introspect "$e2e_build_root" --buildoptions | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
s = o["sysconfdir"]
print(o["prefix"], s if s.startswith("/") else o["prefix"] + "/" + s)')
	mkdir -p "$stage/usr" "$stage/etc"
	if [[ -d $work/destdir$sysconfdir ]]; then
		cp -a "$work/destdir$sysconfdir/." "$stage/etc/"
		rm -rf "${work:?}/destdir$sysconfdir"
	fi
	cp -a "$work/destdir$prefix/." "$stage/usr/"
	rm -rf "${work:?}/destdir$prefix"
	if [[ -d $work/destdir/lib ]]; then # the unit, in systemd's /lib/systemd/system
		mkdir -p "$stage/usr/lib"
		cp -a "$work/destdir/lib/." "$stage/usr/lib/"
		rm -rf "$work/destdir/lib"
	fi
	if [[ -d $work/destdir/etc ]]; then
		cp -a "$work/destdir/etc/." "$stage/etc/"
		rm -rf "$work/destdir/etc"
	fi
	[[ -z $(find "$work/destdir" -type f) ]] ||
		fail "meson installs files outside $prefix, $sysconfdir and /lib: $(find "$work/destdir" -type f)"
	local unit
	unit=$(find "$stage" -name tracker.service -path '*/system/*' | head -n 1)
	[[ -n $unit ]] || fail "meson install has no tracker.service"
	sed -i "s|$prefix/|/usr/|g" "$unit"
	[[ -x $stage/usr/sbin/tracker && -x $stage/usr/bin/trackerctl ]] ||
		fail "meson install lacks usr/sbin/tracker or usr/bin/trackerctl"
}

payload_kind=
deb_file=
if [[ -n ${TRACKER_DEB:-} ]]; then
	[[ -f $TRACKER_DEB ]] || fail "TRACKER_DEB=$TRACKER_DEB is not a file"
	cp "$TRACKER_DEB" "$payload/"
	deb_file=$(basename "$TRACKER_DEB")
	payload_kind=deb
elif [[ ${TRACKER_E2E_PAYLOAD:-} != meson && -f $e2e_source_root/debian/control ]]; then
	note "building the .deb from a scratch copy of the tree (tests/e2e/build-deb.sh)"
	deb=$("$e2e_source_root/tests/e2e/build-deb.sh") || fail "building the .deb failed"
	cp "$deb" "$payload/"
	deb_file=$(basename "$deb")
	payload_kind=deb
else
	[[ ${TRACKER_E2E_PAYLOAD:-} == meson ]] ||
		note "NOTE: no debian/control in the tree: installing meson's install tree instead of the .deb"
	stage_meson_install
	payload_kind=meson
fi
note "installing: ${deb_file:-meson install of $e2e_build_root}"

# ---- the machine ----------------------------------------------------------

rootfs=$("$rootfs_sh" build nspawn) || fail "no nspawn root file system (tests/fixtures/rootfs.sh)"
exec 7<"$rootfs.lock"
flock -s -w 1200 7 || fail "timed out waiting for $rootfs.lock"

# Where our process sits in a hierarchy: "0::" for v2, "name=systemd" for v1.
own_cgroup() {
	awk -F: -v want="$1" '($1 == "0" && want == "v2") || $2 == want { print $3; exit }' /proc/self/cgroup
}

# Without systemd as PID 1, nspawn --keep-unit puts the machine under the
# cgroup it runs in, as payload/: give it one of its own per run, in the
# unified hierarchy and in the name=systemd one of hybrid hosts.
if [[ ! -d /run/systemd/system ]]; then
	v2_mount=$(findmnt -rn -t cgroup2 -o TARGET | head -n 1)
	named_mount=$(findmnt -rn -t cgroup -o TARGET,OPTIONS | awk '$2 ~ /(^|,)name=systemd(,|$)/ { print $1; exit }')
	[[ -z $v2_mount ]] || cgroup_dirs+=("$v2_mount$(own_cgroup v2)/$machine")
	[[ -z $named_mount ]] || cgroup_dirs+=("$named_mount$(own_cgroup name=systemd)/$machine")
	cgroup_dirs=("${cgroup_dirs[@]//\/\//\/}")
	# nspawn removes this itself, unless it was killed.
	rmdir "/run/systemd/nspawn/propagate/$machine" 2>/dev/null || true
	for dir in "${cgroup_dirs[@]}"; do mkdir "$dir"; done
fi

# shellcheck disable=SC2054 # the commas are nspawn's
nspawn_flags=(
	-D "$rootfs" --volatile=overlay
	-b --register=no --keep-unit
	--machine="$machine" --private-network
	--capability="${TRACKER_E2E_NSPAWN_CAPABILITIES-CAP_BPF,CAP_PERFMON}"
	--system-call-filter="${TRACKER_E2E_NSPAWN_SYSCALLS-bpf}"
	--bind-ro="$payload:$inside_payload"
)
note "booting: systemd-nspawn ${nspawn_flags[*]}"
(
	# nspawn removes this itself, unless it was killed.
	rmdir "/run/systemd/nspawn/propagate/$machine" 2>/dev/null || true
	for dir in "${cgroup_dirs[@]}"; do echo "$BASHPID" >"$dir/cgroup.procs"; done
	exec 7<&-
	exec systemd-nspawn "${nspawn_flags[@]}"
) </dev/null >"$work/console.log" 2>&1 &
nspawn_pid=$!
boot_started=$SECONDS

find_leader() {
	local child nspid
	for child in $(pgrep -P "$nspawn_pid" || true); do
		nspid=$(awk '/^NSpid:/ { print $NF }' "/proc/$child/status" 2>/dev/null || true)
		[[ $nspid == 1 ]] || continue
		leader=$child
		leader_started=$(start_time_of "$child") || return 1
		return 0
	done
	kill -0 "$nspawn_pid" 2>/dev/null || fail "systemd-nspawn exited during start-up"
	return 1
}
wait_until 30 "the machine's init" find_leader || fail "no init in the machine after 30s"
# The manager answers on its private socket once it is up; then wait for boot.
# ("offline" is what systemctl says when it cannot connect yet.)
manager_answers() {
	in_machine test -S /run/systemd/private &&
		[[ $(in_machine systemctl is-system-running 2>/dev/null || true) =~ ^(initializing|starting|running|degraded|maintenance|stopping)$ ]]
}
wait_until 60 "the machine's manager" manager_answers || fail "the machine's systemd does not answer after 60s"
state=$(in_machine timeout 90 systemctl is-system-running --wait 2>&1) || true
case $state in
running) ;;
degraded)
	note "NOTE: the machine is degraded; failed units:"
	in_machine systemctl --failed --no-legend --plain || true
	;;
*) fail "the machine did not boot: is-system-running says '$state'" ;;
esac
note "booted in $((SECONDS - boot_started))s (leader pid $leader, state $state)"

# ---- install ----------------------------------------------------------------

if [[ $payload_kind == deb ]]; then
	in_machine dpkg -i "$inside_payload/$deb_file" >"$work/dpkg.log" 2>&1 || {
		cat "$work/dpkg.log" >&2
		fail "dpkg -i $deb_file failed in the machine (Depends not in the nspawn rootfs? see tests/fixtures/rootfs.sh)"
	}
	note "dpkg -i $deb_file: ok"
else
	in_machine sh -c "tar -C $inside_payload/stage -cf - . | tar -C / --keep-directory-symlink -xf -"
	in_machine systemctl daemon-reload
	note "copied the install tree into the machine"
fi
# A package may start its service on installation; the test starts it itself.
if in_machine systemctl -q is-active tracker; then
	note "the installation started tracker.service already; stopping it for the enable --now check"
	in_machine systemctl stop tracker
fi

# ---- 1. enable --now ----------------------------------------------------------

show() { in_machine systemctl show -p "$1" --value tracker; }
start=$SECONDS
in_machine timeout 60 systemctl enable --now tracker >"$work/enable.log" 2>&1 || {
	cat "$work/enable.log" >&2
	in_machine journalctl -u tracker --no-pager -n 40 >&2 || true
	fail "systemctl enable --now tracker failed"
}
[[ $(show Type) == notify ]] || fail "tracker.service is Type=$(show Type), not notify"
[[ $(show ActiveState) == active && $(show SubState) == running ]] ||
	fail "tracker.service is $(show ActiveState)/$(show SubState) after enable --now"
[[ $(in_machine systemctl is-enabled tracker) == enabled ]] || fail "tracker.service is not enabled"
# Active for a Type=notify unit means READY=1 arrived; tracker logs it too.
journal() { in_machine journalctl -u tracker -o cat --no-pager; }
journal | grep -q '^agent: ready' || fail "no 'agent: ready' in tracker's journal"
attached=$(journal | sed -n 's/^kernel: attached \(.*\) tracepoints$/\1/p' | tail -n 1)
[[ -n $attached ]] || fail "tracker did not log attaching its tracepoints"
hierarchy=$(journal | sed -n 's/^cgroup: \(.*\)$/\1/p' | tail -n 1)
note "1. enable --now: active (running) after READY=1 in $((SECONDS - start))s; BPF: $attached tracepoints attached; $hierarchy"
note "   status: $(show StatusText)"

# ---- 2. trackerctl status ------------------------------------------------------

status_json() { in_machine trackerctl --json status; }
in_machine trackerctl status >"$work/status.txt" 2>&1 || {
	cat "$work/status.txt" >&2
	fail "trackerctl status failed in the machine"
}
grep -q 'Version' "$work/status.txt" || fail "trackerctl status printed no version: $(cat "$work/status.txt")"
enrichment_at_start=$(status_json | json_get enrichmentEnabled)
note "2. trackerctl status: ok (enrichment ${enrichment_at_start})"

# ---- 3. drop-in + reload toggle enrichment -------------------------------------

property() {
	in_machine busctl get-property org.khulnasoft.Tracker1 /org/khulnasoft/Tracker1 \
		org.khulnasoft.Tracker1.Manager EnrichmentEnabled | awk '{ print $2 }'
}
expect_enrichment() {
	local want=$1 word
	[[ $want == true ]] && word=on || word=off
	[[ $(status_json | json_get enrichmentEnabled) == "$want" ]] ||
		fail "trackerctl status: enrichment is not $want after the reload"
	[[ $(property) == "$want" ]] || fail "EnrichmentEnabled is $(property), not $want, after the reload"
	[[ $(show StatusText) == *"enrichment $word"* ]] ||
		fail "STATUS= does not say 'enrichment $word': $(show StatusText)"
	[[ $(show ActiveState) == active ]] || fail "tracker.service is $(show ActiveState) after the reload"
}
if [[ $enrichment_at_start == true ]]; then flipped=false value=no; else flipped=true value=yes; fi
pid_before=$(show MainPID)
in_machine mkdir -p /etc/tracker/tracker.conf.d
in_machine sh -c "printf '[Enrichment]\nEnabled=$value\n' >/etc/tracker/tracker.conf.d/90-e2e.conf"
in_machine timeout 30 systemctl reload tracker || fail "systemctl reload tracker failed"
expect_enrichment "$flipped"
in_machine rm /etc/tracker/tracker.conf.d/90-e2e.conf
in_machine timeout 30 systemctl reload tracker || fail "systemctl reload tracker failed"
expect_enrichment "$enrichment_at_start"
[[ $(show MainPID) == "$pid_before" ]] || fail "the reloads restarted tracker"
note "3. drop-in Enabled=$value + reload: enrichment $flipped; drop-in removed + reload: $enrichment_at_start (same pid)"

# ---- 4. a synthetic container ---------------------------------------------------

unified=$(in_machine findmnt -rn -t cgroup2 -o TARGET | head -n 1)
[[ -n $unified ]] || fail "no cgroup2 hierarchy in the machine"
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cg=$unified/docker/$id
in_machine mkdir -p "$cg"
# A process of the machine's own (the cgroup namespace only lets processes
# inside it be moved), parked until it is moved into the container's cgroup,
# where it execs in a new mount namespace: the container has started.
in_machine systemd-run --quiet --unit=tracker-e2e-container --collect -p TimeoutStopSec=5 -- /bin/sh -c \
	"until grep -qx '0::/docker/$id' /proc/self/cgroup; do sleep 0.1; done; exec unshare --mount sleep 600"
main_pid=$(in_machine systemctl show -p MainPID --value tracker-e2e-container)
[[ $main_pid =~ ^[1-9][0-9]*$ ]] || fail "the container process did not start"
in_machine sh -c "echo $main_pid >$cg/cgroup.procs"

# Listed by trackerctl; "started" once its process exec'd in a new mount
# namespace. trackerctl's default list shows running containers only.
container_json() { in_machine trackerctl --json containers --all | python3 -c '
import json, sys
d = json.load(sys.stdin)
found = [c for c in (d["containers"] if isinstance(d, dict) else d) if c.get("id") == sys.argv[1]]
print(json.dumps(found[0]) if found else "")' "$id"; }
listed() { [[ -n $(container_json) ]]; }
wait_until 15 "trackerctl containers --all" listed ||
	fail "trackerctl containers --all does not list $id: $(in_machine trackerctl --json containers --all)"
[[ $(container_json | json_get runtime) == docker ]] || fail "trackerctl: runtime of $id is not docker: $(container_json)"
started() { [[ $(container_json | json_get started) == true ]]; }
wait_until 5 "Started" started ||
	fail "trackerctl: $id is not started after its process exec'd: $(container_json)"
in_machine trackerctl container "${id:0:12}" >"$work/container.txt" ||
	fail "trackerctl container ${id:0:12} failed"
grep -q "$id" "$work/container.txt" || fail "trackerctl container ${id:0:12} does not show $id"

entries() { in_machine journalctl -o json --no-pager "CONTAINER_ID=$id" >"$work/journal.json"; }
has_entry() {
	entries
	[[ -n $(json_lines "$work/journal.json" "e.get('MESSAGE_ID') == '$1'") ]]
}
added_id=4f3a0d6c2b1e4f7a9c5d8e2b6a1f0c37
gone_id=c7d1e9a35b2f4c8e6a0d3b7f9e1c5a62
wait_until 15 "the journal entry" has_entry "$added_id" || fail "no 'added' journal entry with CONTAINER_ID=$id"

# Remove it: kill what runs in it, then its cgroup.
in_machine sh -c "if [ -e $cg/cgroup.kill ]; then echo 1 >$cg/cgroup.kill; else kill -9 \$(cat $cg/cgroup.procs); fi"
empty() { [[ -z $(in_machine cat "$cg/cgroup.procs") ]]; }
wait_until 10 "the container's processes to end" empty || fail "processes remain in $cg"
in_machine rmdir "$cg" "$unified/docker"
wait_until 15 "the journal entry" has_entry "$gone_id" || fail "no 'removed' journal entry with CONTAINER_ID=$id"

added=$(json_lines "$work/journal.json" "e.get('MESSAGE_ID') == '$added_id'" | head -n 1)
check_field() {
	local got
	got=$(json_get "$1" <<<"$added")
	[[ $got == "$2" ]] || fail "journal entry: $1=$got, expected $2 ($added)"
}
check_field CONTAINER_ID "$id"
check_field RUNTIME docker
check_field CONTAINER_ORIGIN created
check_field SYSLOG_IDENTIFIER tracker
check_field _SYSTEMD_UNIT tracker.service
check_field PRIORITY 6
[[ $(json_get CGROUP_PATH <<<"$added") == */docker/"$id" ]] ||
	fail "journal entry: CGROUP_PATH=$(json_get CGROUP_PATH <<<"$added")"
note "4. container docker/${id:0:12}: listed by trackerctl, started; journal: $(json_get MESSAGE <<<"$added") / removed"
note "   fields: $(python3 -c 'import json,sys; e=json.loads(sys.argv[1]); print(" ".join(k+"="+str(e[k]) for k in sorted(e) if not k.startswith("_") and k not in ("MESSAGE","CODE_FILE","CODE_LINE","CODE_FUNC")))' "$added")"

# ---- 5. systemd-analyze security ------------------------------------------------

in_machine systemd-analyze security --no-pager tracker.service >"$work/security.txt" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for tracker.service: \([0-9.]*\).*/\1/p' "$work/security.txt")
[[ -n $exposure ]] || {
	tail -n 20 "$work/security.txt" >&2
	fail "systemd-analyze security gave no exposure level"
}
python3 -c "import sys; sys.exit(0 if float('$exposure') <= float('$max_exposure') else 1)" ||
	fail "exposure $exposure is above $max_exposure: $(grep -E '^✗' "$work/security.txt" | head -n 10)"
note "5. systemd-analyze security tracker.service (inside): $(tail -n 1 "$work/security.txt" | sed 's/^→ //')"

# ---- 6. stop --------------------------------------------------------------------

start=$SECONDS
in_machine timeout 60 systemctl stop tracker || fail "systemctl stop tracker failed"
[[ $(show ActiveState) == inactive ]] || fail "tracker.service is $(show ActiveState) after stop"
[[ $(show Result) == success ]] || fail "tracker.service stopped with result $(show Result)"
[[ $(show ExecMainCode) == 1 && $(show ExecMainStatus) == 0 ]] ||
	fail "tracker exited with code $(show ExecMainCode) status $(show ExecMainStatus), not exit status 0"
errors=$(in_machine journalctl -u tracker -p err -q --no-pager -o cat)
[[ -z $errors ]] || fail "errors in tracker's journal: $errors"
note "6. systemctl stop: clean in $((SECONDS - start))s (result success, exit status 0, no errors logged)"

# ---- power off --------------------------------------------------------------------

in_machine systemctl poweroff --no-block >/dev/null 2>&1 || true
wait_until 30 "poweroff" machine_gone || fail "the machine did not power off in 30s"
nspawn_rc=0
wait "$nspawn_pid" || nspawn_rc=$?
nspawn_pid=
((nspawn_rc == 0)) || fail "systemd-nspawn exited with $nspawn_rc"
[[ ! -e $rootfs/usr/sbin/tracker && ! -e $rootfs/etc/tracker ]] || fail "the cached rootfs $rootfs was modified"
note "powered off; the cached rootfs is untouched; total $((SECONDS - e2e_started))s"
