# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A private /dev/log for the root suites (sourced after lib.sh, inside the
# suite's own mount namespace), and helpers to read what nscell's launch
# log wrote to it.

SYSLOG_HELPERS=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/helpers" && pwd)

wait_for_file_line() {	# wait_for_file_line FILE LINE
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

LOGD_PID=""

# A private /dev/log for this suite's mount namespace (private already):
# an overlay over /dev whose upper layer is ours, the host's submounts
# bound back, and tests/integration/helpers/syslogd.py reading the socket
# into $T/syslog.  The host has no /dev/log of its own to borrow.
log_setup() {
	local m
	mkdir -p "$T/devov" "$T/odev" &&
		mount -t tmpfs -o mode=0755,size=4m nscell-it-dev "$T/devov" &&
		mkdir "$T/devov/u" "$T/devov/w" &&
		mount --rbind /dev "$T/odev" &&
		mount -t overlay -o "lowerdir=/dev,upperdir=$T/devov/u,workdir=$T/devov/w" \
			nscell-it-dev /dev || return 1
	for m in pts shm mqueue hugepages; do
		if mountpoint -q "$T/odev/$m"; then
			mount --rbind "$T/odev/$m" "/dev/$m" || return 1
		fi
	done
	: >"$T/syslog"
	python3 "$SYSLOG_HELPERS/syslogd.py" /dev/log \
		"$T/syslog" &
	LOGD_PID=$!
	wait_for_file_line "$T/syslog" ready
}

log_teardown() {
	if [ -n "$LOGD_PID" ]; then
		kill "$LOGD_PID" 2>/dev/null
		wait "$LOGD_PID" 2>/dev/null
		LOGD_PID=""
	fi
	if awk '$1 == "nscell-it-dev" && $2 == "/dev" { f = 1 } END { exit !f }' \
		/proc/self/mounts; then
		# Lazily if a process still holds a file of it (this mount
		# namespace is the suite's own).
		umount -R /dev 2>/dev/null || umount -R -l /dev
	fi
	umount -R "$T/odev" 2>/dev/null
	umount "$T/devov" 2>/dev/null
	rmdir "$T/odev" "$T/devov" 2>/dev/null
	[ ! -e /dev/log ] || echo "# /dev/log is still there" >&2
}

log_lines() {	# log_lines UID: the launch lines of a target uid
	grep -E " uid=$1[ :]" "$T/syslog"
}

# Age the launch log's shared counter of UID by one minute, as if the
# next launch came in the next minute (the file is root's, in persistDir).
age_rate() {
	python3 -c '
import mmap, struct, sys
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 0)
off = (int(sys.argv[2]) % 4096) * 16
state, = struct.unpack_from("<Q", m, off)
struct.pack_into("<Q", m, off, state - (1 << 32))
' "$T/lsns/lograte" "$1"
}

