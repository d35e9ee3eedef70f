#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs in the "minimal" guest (tests/vm/run minimal ...): Debian 12's 6.1
# kernel, pure cgroup v2, no systemd.  Says what the kernel offers, then
# runs the integration, seccomp, persistence and security suites against
# NSCELL (the cgroups suite runs in its own guest: tests/vm/cgroups.sh).
#
#   tests/vm/run minimal tests/vm/minimal.sh [--full] NSCELL NSCELL_TESTING
#
# NSCELL_TESTING is a -DNSCELL_TESTING=ON build of the same tree, for the
# persistence suite's kill points (compiling it in the guest takes four
# minutes under TCG).
#
# Under TCG every exec costs 40 ms instead of 0.5-2 ms, so the suites take
# 6-10 times as long as on the host (one vCPU, as tests/vm/all runs it): 5
# min for the integration suite, 30 for the persistence suite, 10 for the
# security suite.  Without --full,
# this runs the whole integration suite and the tests of the other two
# that depend on the kernel (joins, which take the /proc path on 6.1, the
# holder, unmount_ns and cmd_ns joining, ptrace, fds, TIOCSTI, Landlock,
# symlink races with 200 launches); those not run are listed, by name, in
# the output ("# vm: not run here").  --full runs everything (about 45
# minutes), the security suite's races with 2000 launches.
#
# Output: each suite's own, a "# vm:" line per suite with its time, and a
# last line "vm minimal: N suites passed, M failed".  Exit status 0 iff
# every suite passed.

set -u
SRC=$(cd "$(dirname -- "$(readlink -f -- "$0")")/../.." && pwd)
FULL=0
if [ "${1:-}" = --full ]; then
	FULL=1
	shift
fi
[ $# = 2 ] || {
	echo "usage: minimal.sh [--full] NSCELL NSCELL_TESTING" >&2
	exit 2
}
BIN=$(readlink -f -- "$1")
TBIN=$(readlink -f -- "$2")

# What runs without --full (EREs on the tests' names; "leak" keeps every
# suite's own leak checks).
PERSIST_ONLY='^join: |^holder: |^holder killed|^unmount_ns -k:|^cmd_ns: joins|^teardown|^leak'
SEC_ONLY='^class (1|2|3|7|8|9):|^leak'
RACES=200
[ "$FULL" = 1 ] && PERSIST_ONLY="" SEC_ONLY="" RACES=2000

echo "# vm: kernel $(uname -r), PID 1 $(cat /proc/1/comm), $(nproc) CPUs"
echo "# vm: cgroup: $(findmnt -n -o FSTYPE,OPTIONS /sys/fs/cgroup)," \
	"controllers: $(cat /sys/fs/cgroup/cgroup.controllers)," \
	"enabled below the root: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
# landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
abi=$(python3 -c 'import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
print(r if r >= 0 else "none (%s)" % os.strerror(ctypes.get_errno()))')
echo "# vm: Landlock ABI $abi; LSMs $(cat /sys/kernel/security/lsm 2>/dev/null)"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || {
	echo "not ok - the guest's cgroup is not pure v2"
	exit 1
}

# not_run SUITE_FILE ERE: the names of the suite's tests the ERE leaves out.
not_run() {
	[ -n "$2" ] || return 0
	sed -n 's/^[[:space:]]*run_test "\([^"]*\)".*/\1/p' "$1" |
		grep -Ev -- "$2" | sed 's/^/# vm: not run here: /'
}

# stamp: each line of a suite's output after the seconds since the suite
# began, so that the slow tests show (under TCG they set the budget).
stamp() {
	local l t0=$SECONDS
	while IFS= read -r l; do
		printf '[%4d] %s\n' $((SECONDS - t0)) "$l"
	done
}

pass=0 fail=0
suite() {
	local name=$1 only=$2 t0 rc
	shift 2
	echo "# vm: --- $name: $*${only:+ (only /$only/)}"
	t0=$(date +%s)
	NSCELL_IT_ONLY=$only "$@" 2>&1 | stamp
	rc=${PIPESTATUS[0]}
	echo "# vm: $name: exit $rc in $(($(date +%s) - t0)) s"
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
}
suite integration "" "$SRC/tests/integration/run.sh" "$BIN"
# The command's seccomp filter and the nested user namespaces refused
# (issue 15), on the oldest kernel tested.
suite seccomp "" "$SRC/tests/integration/seccomp.sh" "$BIN"
not_run "$SRC/tests/integration/persist.sh" "$PERSIST_ONLY"
suite persistence "$PERSIST_ONLY" \
	"$SRC/tests/integration/persist.sh" "$BIN" "$SRC" "$TBIN"
not_run "$SRC/tests/security/run.sh" "$SEC_ONLY"
suite security "$SEC_ONLY" "$SRC/tests/security/run.sh" "$BIN" "$SRC" "$RACES"
echo "vm minimal: $pass suites passed, $fail failed"
[ "$fail" = 0 ]
