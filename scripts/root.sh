# shellcheck shell=bash
# Sourced by the scripts that need root for part of their work.
#
#   become_root WHY "$@"
#
# returns at once when the script already runs as root (a minimal Debian has
# no sudo, and root needs none); otherwise re-runs the calling script, with the
# same arguments, through sudo when sudo is installed; otherwise says why root
# is needed and how to get it, and exits 1. WHY completes "<script> needs
# root: ...".
#
# sudo resets the environment; the variables these scripts and the tests read
# (CI, BUILD_DIR, TRACKER_*, ...) and apt's proxy settings are passed on with
# --preserve-env, which the usual "%sudo ALL=(ALL:ALL) ALL" rule allows.
# Call it before the script changes directory: $0 may be relative.

become_root() {
	local why=$1 script name
	shift
	((EUID == 0)) && return 0
	script=$(realpath -e -- "$0")
	name=$(basename "$0")
	if ! command -v sudo >/dev/null 2>&1; then
		echo "$name: needs root: $why." >&2
		echo "$name: you are not root and sudo is not installed: run it as root," \
			"e.g. su -c '$script${*:+ $*}' (or install sudo and add yourself to the sudo group)" >&2
		exit 1
	fi
	local keep=() var
	for var in $(compgen -e); do
		case $var in
		CI | BUILD_DIR | ASAN_BUILD_DIR | FUZZ_SECONDS | MESON_TESTTHREADS | TRACKER_*) keep+=("$var") ;;
		http_proxy | https_proxy | no_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY) keep+=("$var") ;;
		esac
	done
	echo "$name: needs root ($why): running it again with sudo" >&2
	local IFS=,
	if ((${#keep[@]} > 0)); then
		exec sudo --preserve-env="${keep[*]}" -- "$script" "$@"
	fi
	exec sudo -- "$script" "$@"
}
