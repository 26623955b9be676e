#!/bin/bash
# scripts/root.sh, which lets the quick-start commands work as written for
# root on a minimal Debian (no sudo there) and for a user with sudo:
#   1. as a user, with sudo: the script runs itself again through sudo, with
#      its absolute path, its arguments intact and the CI/TRACKER_* variables
#      kept (--preserve-env);
#   2. as a user, without sudo: exit 1 and a message that says root is
#      needed, why, and how (su -c ...);
#   3. as root (when this test runs as root): no sudo, the script goes on.
# The user cases run as nobody (setpriv) when the test runs as root. Commands
# are found only in a PATH made here, so a sudo of this machine plays no part.
set -euo pipefail

source_root=${TRACKER_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
work=$(mktemp -d /tmp/tracker-scripts-root.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# What root.sh needs besides bash builtins (and sudo, in case 1).
mkdir "$work/tools" "$work/with-sudo" "$work/out"
chmod 1777 "$work/out"
for tool in realpath basename dirname cat; do
	ln -s "$(command -v "$tool")" "$work/tools/$tool"
done
cat >"$work/with-sudo/sudo" <<EOF
#!/bin/bash
printf '%s\n' "\$@" >"$work/out/sudo-args"
EOF
chmod 755 "$work/with-sudo/sudo"

cp "$source_root/scripts/root.sh" "$work/root.sh"
cat >"$work/caller.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
source "$(dirname "$0")/root.sh"
become_root "it tests become_root" "$@"
echo "went on as $EUID"
EOF
chmod 755 "$work/caller.sh"

as_user() {
	if ((EUID == 0)); then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}

# 1. A user with sudo.
rm -f "$work/out/sudo-args"
out=$(cd "$work" && as_user env -i PATH="$work/with-sudo:$work/tools" CI=true TRACKER_X='a b' \
	UNRELATED=1 /bin/bash ./caller.sh one 'two words' 2>"$work/out/stderr") || fail "1: exit status $?"
expected=$(printf '%s\n' --preserve-env=CI,TRACKER_X -- "$work/caller.sh" one 'two words')
if [[ ! -f $work/out/sudo-args ]]; then
	fail "1: sudo was not run (stdout: $out; stderr: $(cat "$work/out/stderr"))"
elif [[ $(cat "$work/out/sudo-args") != "$expected" ]]; then
	fail "1: sudo got $(cat "$work/out/sudo-args"), expected $expected"
fi
[[ -z $out ]] || fail "1: the script went on as the user: $out"
grep -q 'running it again with sudo' "$work/out/stderr" || fail "1: no note that sudo is used: $(cat "$work/out/stderr")"
echo "1. user with sudo: sudo $(paste -sd' ' "$work/out/sudo-args")"

# 2. A user without sudo.
rc=0
out=$(cd "$work" && as_user env -i PATH="$work/tools" /bin/bash ./caller.sh one 2>"$work/out/stderr") || rc=$?
((rc == 1)) || fail "2: exit status $rc, expected 1"
[[ -z $out ]] || fail "2: the script went on: $out"
for want in "needs root: it tests become_root" "sudo is not installed" "su -c '$work/caller.sh one'"; do
	grep -qF "$want" "$work/out/stderr" || fail "2: the message lacks \"$want\": $(cat "$work/out/stderr")"
done
echo "2. user without sudo: exit 1: $(paste -sd' ' "$work/out/stderr")"

# 3. Root.
if ((EUID == 0)); then
	rm -f "$work/out/sudo-args"
	out=$(cd "$work" && env -i PATH="$work/with-sudo:$work/tools" /bin/bash ./caller.sh one) || fail "3: exit status $?"
	[[ $out == "went on as 0" ]] || fail "3: root did not go on: $out"
	[[ ! -f $work/out/sudo-args ]] || fail "3: root ran sudo"
	echo "3. root: goes on without sudo"
else
	echo "3. root: not checked (this test does not run as root)"
fi

((failures == 0))
