#!/bin/sh
# usage: check-unit.sh UNIT BINARY MAX_EXPOSURE
# Checks the configured tracker.service the way systemd reads it: no warnings
# from `systemd-analyze verify` (with ExecStart= pointed at the built BINARY,
# since the installed path need not exist), and an exposure from
# `systemd-analyze security` of at most MAX_EXPOSURE tenths (15 = 1.5).
set -eu
unit=$1 binary=$2 max_exposure=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|^ExecStart=[^ ]*|ExecStart=$binary|" "$unit" >"$dir/tracker.service"

messages=$(systemd-analyze verify --man=no "$dir/tracker.service" 2>&1) || {
	echo "$messages"
	exit 1
}
if [ -n "$messages" ]; then
	echo "systemd-analyze verify: $messages"
	exit 1
fi
systemd-analyze security --offline=true --threshold="$max_exposure" --no-pager \
	"$dir/tracker.service" | tail -n 1
