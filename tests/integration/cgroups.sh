#!/bin/bash
# Test functions are called indirectly, through run_test; "A && B || fail"
# chains are meant (fail returns 1); sh -c and python scripts are
# single-quoted on purpose:
# shellcheck disable=SC2317,SC2015,SC2016
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Privileged integration tests of the tenants' cgroups and limits (issue
# 14): real cgroups, real setuid copies, real (temporary) users.
#
#   tests/integration/cgroups.sh NSCELL_BINARY
#
# unmount_ns and cmd_ns must be built next to NSCELL_BINARY.  The manager
# is the one nscell picks here: systemd when it is PID 1 (the tenant's
# scope in user-UID.slice), else cgroupfs, on cgroup v2 or on the v1
# hierarchies.  With cgroupfs every cgroup the tests make is below a
# cgroupRoot of their own: on v1, below this job's own memory cgroup (and
# the same path in the other hierarchies), never at a hierarchy's root
# itself; all of it is removed at the end, and the harness checks that
# (CGDIR= notes).  No cgroup mount of the machine is changed: the one test
# that needs "no cgroups here" mounts an empty tmpfs over /sys/fs/cgroup
# inside the suite's own mount namespace.
#
# The harness is lib.sh.  Exit status: 0 iff nothing failed; 77 when not
# root.

# shellcheck source=tests/integration/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" || exit 1

CMD_NS=""
CG_MGR=""		# systemd | cgroupfs
CG_KIND=""		# v1 | v2
CG_ROOT=""		# cgroupRoot (cgroupfs)
CG_MADE=()		# directories this suite made, deepest last
CG_UIDS=()		# tenants whose cgroups the tests may have made
declare -A CG_V1	# v1: controller -> its hierarchy's mount point

# ---------------------------------------------------------------- setup ---

v1_mounts() {
	local mnt opts c
	while read -r mnt opts; do
		for c in memory pids cpuacct cpu blkio; do
			case ,$opts, in
			*,"$c",*) [ -n "${CG_V1[$c]:-}" ] || CG_V1[$c]=$mnt ;;
			*) ;;
			esac
		done
	done < <(findmnt -rn -t cgroup -o TARGET,OPTIONS)
}

# mkdir -p PATH, noting every directory it makes (for the clean-up).
cg_mkdirs() {
	local p=$1 parts=() d
	while [ ! -d "$p" ]; do
		parts=("$p" "${parts[@]}")
		p=$(dirname -- "$p")
	done
	for d in "${parts[@]}"; do
		mkdir "$d" || return 1
		CG_MADE+=("$d")
		note "CGDIR=$d"
	done
}

suite_setup() {
	local bin=$1 b c mem
	if [ -z "$UNMOUNT_NS" ] || [ ! -x "$(dirname -- "$bin")/cmd_ns" ]; then
		echo "# setup: unmount_ns and cmd_ns must be built next to $bin" >&2
		return 1
	fi
	cp -- "$(dirname -- "$bin")/cmd_ns" "$T/bin/cmd_ns" &&
		chmod 0755 "$T/bin/cmd_ns" || return 1
	CMD_NS=$T/bin/cmd_ns
	EXTRA_BINS+=("$CMD_NS")
	b=${UID_OF[nsct_a]}
	add_user nsct_e "$((b + 5))" "$H/nsct_e" || return 1
	add_user nsct_f "$((b + 6))" "$H/nsct_f" || return 1
	add_user nsct_i "$((b + 7))" "$H/nsct_i" || return 1
	add_user nsct_j "$((b + 8))" "$H/nsct_j" || return 1
	for c in nsct_a nsct_b nsct_c nsct_d nsct_e nsct_f nsct_i nsct_j; do
		CG_UIDS+=("${UID_OF[$c]}")
	done
	mkdir -m 0755 "$CONF_DIR/users.d" || return 1

	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		CG_KIND=v2
	else
		CG_KIND=v1
		v1_mounts
		[ -n "${CG_V1[memory]:-}" ] || {
			echo "# setup: no cgroup v1 memory hierarchy" >&2
			return 1
		}
	fi
	if [ -d /run/systemd/system ] && [ "$CG_KIND" = v2 ]; then
		CG_MGR=systemd
		for c in "${CG_UIDS[@]}"; do
			note "CGDIR=/sys/fs/cgroup/user.slice/user-$c.slice/nscell-$c.scope"
		done
	else
		CG_MGR=cgroupfs
	fi
	if [ "$CG_MGR" = cgroupfs ] && [ "$CG_KIND" = v2 ]; then
		CG_ROOT=/nscell-it.$$.$RANDOM
		note "CGDIR=/sys/fs/cgroup$CG_ROOT"
		# Made by the administrator (nscell.conf(5), cgroupRoot): the
		# v2 root is 0555, and nscell keeps no CAP_DAC_OVERRIDE.
		mkdir "/sys/fs/cgroup$CG_ROOT" || return 1
	elif [ "$CG_MGR" = cgroupfs ]; then
		# Below this job's own memory cgroup: never at a root.
		mem=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup)
		CG_ROOT=${mem%/}/nscell-it.$$.$RANDOM
		[ "${CG_ROOT#/*/}" != "$CG_ROOT" ] || {
			echo "# setup: this job is in the memory root ($mem):" \
				"no cgroup of its own to work below" >&2
			return 1
		}
		# The same path in the other hierarchies: made here, so
		# that the clean-up knows what was not there before.
		for c in "${!CG_V1[@]}"; do
			cg_mkdirs "${CG_V1[$c]}$CG_ROOT" || return 1
		done
	fi
	echo "# cgroups: manager $CG_MGR, cgroup $CG_KIND${CG_ROOT:+, cgroupRoot $CG_ROOT}"
	mkb home <<EOF
\$HOMEDIR,bind
EOF
}

# Every process still in a tenant's cgroup is killed, then the cgroups go,
# deepest first.
suite_cleanup() {
	local u d i p
	[ -n "$UNMOUNT_NS" ] && "$UNMOUNT_NS" -a -k -t 5 >/dev/null 2>&1
	for u in "${CG_UIDS[@]}"; do
		for d in $(cg_dirs_of "$u"); do
			for ((i = 0; i < 50; i++)); do
				[ -s "$d/cgroup.procs" ] || break
				for p in $(cat "$d/cgroup.procs"); do
					kill -KILL "$p" 2>/dev/null
				done
				sleep 0.1
			done
			[ "$CG_MGR" = cgroupfs ] && rmdir "$d" 2>/dev/null
		done
	done
	if [ "$CG_MGR" = systemd ]; then
		for u in "${CG_UIDS[@]}"; do
			for ((i = 0; i < 50; i++)); do
				[ -e "/sys/fs/cgroup/user.slice/user-$u.slice/nscell-$u.scope" ] ||
					break
				sleep 0.1
			done
		done
	fi
	[ "$CG_KIND" = v2 ] && [ -n "$CG_ROOT" ] && rmdir "/sys/fs/cgroup$CG_ROOT" 2>/dev/null
	if [ "$CG_KIND" = v1 ] && [ -n "$CG_ROOT" ]; then
		for d in "${CG_V1[@]}"; do
			rmdir "$d$CG_ROOT" 2>/dev/null
		done
	fi
	for ((i = ${#CG_MADE[@]} - 1; i >= 0; i--)); do
		rmdir "${CG_MADE[$i]}" 2>/dev/null
	done
}

# ------------------------------------------------------------- helpers ---

# cg_dir USER [CONTROLLER]: the tenant's cgroup directory (v1: in that
# controller's hierarchy, memory by default).
cg_dir() {
	local uid=${UID_OF[$1]:-$1}
	if [ "$CG_MGR" = systemd ]; then
		echo "/sys/fs/cgroup/user.slice/user-$uid.slice/nscell-$uid.scope"
	elif [ "$CG_KIND" = v2 ]; then
		echo "/sys/fs/cgroup$CG_ROOT/user-$uid"
	else
		echo "${CG_V1[${2:-memory}]}$CG_ROOT/user-$uid"
	fi
}

cg_dirs_of() {	# every directory of a tenant (uid)
	local c
	if [ "$CG_KIND" = v1 ] && [ "$CG_MGR" = cgroupfs ]; then
		for c in "${!CG_V1[@]}"; do
			echo "${CG_V1[$c]}$CG_ROOT/user-$1"
		done
	else
		cg_dir "$1"
	fi
}

# The cgroup of PID as /proc shows it from here (v1: its memory line).
cg_of_pid() {
	if [ "$CG_KIND" = v2 ]; then
		sed -n 's/^0::\(.*\)$/\1/p' "/proc/$1/cgroup" 2>/dev/null
	else
		sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' "/proc/$1/cgroup" 2>/dev/null
	fi
}

# The tenant's cgroup as /proc/PID/cgroup names it.
cg_name() {
	local d
	d=$(cg_dir "$1")
	if [ "$CG_KIND" = v2 ]; then
		echo "${d#/sys/fs/cgroup}"
	else
		echo "${d#"${CG_V1[memory]}"}"
	fi
}

# cg_conf LINE...: the standard configuration with cgroups on, plus LINEs.
cg_conf() {
	local l=(cgroups\ 2)
	[ "$CG_MGR" = cgroupfs ] && l+=("cgroupRoot $CG_ROOT")
	std_conf "${l[@]}" "$@"
	CONF_DIRTY=1
}

user_file() {	# user_file USER LINE...: USER's limits file
	printf '%s\n' "${@:2}" >"$CONF_DIR/users.d/$1.conf"
	chmod 0644 "$CONF_DIR/users.d/$1.conf"
}

rm_user_files() { rm -f "$CONF_DIR"/users.d/*.conf; }

reset_user() {	# no set left for USER, nothing running in one
	"$UNMOUNT_NS" -u "$1" -k -t 5 >/dev/null 2>&1
}

# bg WHO TAG ARGS...: nscell as WHO in the background, its exit status in
# $T/bg/TAG.rc, its output in TAG.out and TAG.err.
bg() {
	local who=$1 tag=$2
	shift 2
	mkdir -p "$T/bg"
	{
		timeout -k 3 60 setpriv --reuid="$who" --regid="${GID_OF[$who]}" \
			--init-groups -- env -i PATH="$SAFE_PATH" \
			HOME="${HOME_OF[$who]}" "$NS" "${ONESHOT[@]}" "$@" \
			</dev/null >"$T/bg/$tag.out" 2>"$T/bg/$tag.err"
		echo $? >"$T/bg/$tag.rc"
	} &
}

wait_rc() {	# wait_rc TAG TENTHS: until TAG's status is there
	local i
	for ((i = 0; i < $2; i++)); do
		[ -s "$T/bg/$1.rc" ] && return 0
		sleep 0.1
	done
	return 1
}

# A usage counter of the tenant's cgroup: cpu (µs), memory (bytes).
cpu_usec() {
	if [ "$CG_KIND" = v2 ]; then
		sed -n 's/^usage_usec //p' "$(cg_dir "$1")/cpu.stat"
	else
		echo $(($(cat "$(cg_dir "$1" cpuacct)/cpuacct.usage") / 1000))
	fi
}

# systemd stops a tenant's scope when its last process ends (a one-shot
# launch leaves none): a test that reads the scope after its launches
# keeps a persisted set, whose holder keeps the scope.
keep_scope() {
	[ "$CG_MGR" = systemd ] && ONESHOT=()
	return 0
}

oom_kills() {
	local f
	if [ "$CG_KIND" = v2 ]; then
		f=$(cg_dir "$1")/memory.events
	else
		f=$(cg_dir "$1")/memory.oom_control
	fi
	sed -n 's/^oom_kill //p' "$f" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------- tests ---

# Unavailable: with no cgroup file system, a launch that must enforce
# cgroups (-c, or "cgroups 2") exits 125 naming what is missing, and the
# command never runs; without them, the same launch runs.
t_unavailable() {
	local r=0
	std_conf "cgroups 1" "memoryMax 64M"
	CONF_DIRTY=1
	mount -t tmpfs -o mode=0755,size=1m nscell-it-nocg /sys/fs/cgroup || return 1
	nsc nsct_a -f "$TD/base.tmpl" -- touch /mark/cg-off
	{ expect_rc 0 && [ -e "$T/mark/cg-off" ]; } || r=1
	nsc nsct_a -c -f "$TD/base.tmpl" -- touch /mark/cg-c
	expect_refused cg-c '^nscell: cgroups: no cgroup v1 hierarchy with the memory controller is mounted, and a limit needs it$' || r=1
	std_conf "cgroups 2"
	nsc nsct_a -f "$TD/base.tmpl" -- touch /mark/cg-2
	expect_refused cg-2 '^nscell: cgroups: no cgroup v1 hierarchy \(memory, pids, cpuacct\) is mounted under /sys/fs/cgroup$' || r=1
	umount /sys/fs/cgroup || r=1
	if [ "$CG_MGR" != systemd ]; then
		std_conf "cgroups 2" "cgroupManager systemd"
		nsc nsct_a -f "$TD/base.tmpl" -- touch /mark/cg-sd
		expect_refused cg-sd '^nscell: cgroups: cgroupManager is systemd, but systemd is not running here \(no /run/systemd/system\)$' || r=1
	fi
	rm -f "$T/mark/cg-off"
	return "$r"
}

# The command is in the tenant's cgroup before it executes anything: the
# first program it runs finds itself there.
t_placed_before_exec() {
	local want
	cg_conf
	nsc nsct_a -f "$TD/base.tmpl" -- cat /proc/self/cgroup
	expect_rc 0 || return 1
	if [ "$CG_KIND" = v2 ]; then
		# Its cgroup namespace is rooted at the tenant's cgroup.
		expect_out "0::/"
	else
		want=$(ere_quote "/user-${UID_OF[nsct_a]}")
		out_has "^[0-9]+:memory:.*$want\$" && out_has "^[0-9]+:pids:.*$want\$" &&
			out_has "^[0-9]+:cpuacct:.*$want\$"
	fi
}

# Off (not written), the launch is not placed: a control for the above.
t_not_placed_when_off() {
	std_conf
	nsc nsct_a -f "$TD/base.tmpl" -- cat /proc/self/cgroup
	expect_rc 0 && out_lacks "user-${UID_OF[nsct_a]}" &&
		out_lacks "nscell-${UID_OF[nsct_a]}"
}

# Two vhosts and cmd_ns -c of one tenant: one cgroup, holders included;
# the monitors stay outside it.
t_one_cgroup() {
	local u=nsct_d pids p want got bad="" i mon
	cg_conf
	reset_user "$u"
	ONESHOT=()
	rm -rf "$T/bg"
	bg "$u" v1 -s v1 -f "$TD/base.tmpl" -- sleep 21
	bg "$u" plain -s plain -f "$TD/base.tmpl" -- sleep 22
	timeout -k 3 60 env -i PATH="$SAFE_PATH" "$CMD_NS" -c -u "$u" \
		-f "$TD/base.tmpl" -- sleep 23 </dev/null >/dev/null 2>"$T/cmdns.err" &
	for ((i = 0; i < 300; i++)); do
		[ "$(pgrep -u "${UID_OF[$u]}" -x sleep | grep -c .)" = 3 ] && break
		sleep 0.1
	done
	pids=$(pgrep -u "${UID_OF[$u]}" -x sleep)
	[ "$(grep -c . <<<"$pids")" = 3 ] ||
		{ fail "3 commands expected, found: $pids; $(cat "$T/cmdns.err" "$T/bg/"*.err)"; return 1; }
	want=$(cg_name "$u")
	for p in $pids $(pgrep -x "nsh:${UID_OF[$u]}"); do
		got=$(cg_of_pid "$p")
		[ "$got" = "$want" ] || bad="$bad $p($(cat "/proc/$p/comm"):$got)"
	done
	for p in $(running_ns); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		nsh:*) continue ;;	# a holder: it belongs there
		*) ;;
		esac
		[ "$(cg_of_pid "$p")" = "$want" ] && mon="${mon:-} $p"
	done
	pkill -KILL -u "${UID_OF[$u]}" -x sleep
	wait
	[ -z "$bad" ] || fail "not in $want:$bad" || return 1
	[ "$(pgrep -x "nsh:${UID_OF[$u]}" | grep -c .)" -ge 2 ] ||
		fail "the two vhosts' holders were not found" || return 1
	[ -z "${mon:-}" ] || fail "monitors in the tenant's cgroup:$mon"
}

# 64 concurrent first launches of a tenant set its cgroup up once.
t_concurrent_first() {
	local u=nsct_e i rcs set joined
	cg_conf
	reset_user "$u"
	ONESHOT=()
	rm -rf "$T/bg"
	for ((i = 0; i < 64; i++)); do
		bg "$u" "c$i" -v -f "$TD/base.tmpl" -- true
	done
	wait
	rcs=$(cat "$T/bg/"c*.rc | sort | uniq -c | tr -s ' ' | tr '\n' ',')
	[ "$rcs" = " 64 0," ] || fail "exit codes:$rcs $(cat "$T/bg/"c*.err | grep -v '^nscell: \(built\|joined\|set up\|the tenant\)' | sort | uniq -c | head -n 3)" || return
	set=$(cat "$T/bg/"c*.err | grep -c "^nscell: set up the tenant's cgroup $(ere_quote "$(cg_dir "$u")")")
	joined=$(cat "$T/bg/"c*.err | grep -c "^nscell: the tenant's cgroup $(ere_quote "$(cg_dir "$u")")")
	[ "$set" = 1 ] && [ "$joined" = 63 ] ||
		fail "set up $set times, opened $joined times: want 1 and 63"
}

FORK_PY='import errno, os, sys, time
n, hold = int(sys.argv[1]), float(sys.argv[2])
kids, fails, err = [], 0, 0
for i in range(n):
    try:
        p = os.fork()
    except OSError as e:
        fails, err = fails + 1, e.errno
        continue
    if p == 0:
        time.sleep(hold)
        os._exit(0)
    kids.append(p)
print(len(kids), fails, err)
sys.stdout.flush()
for p in kids:
    os.waitpid(p, 0)'

# tasksMax 50: a bounded fork bomb of 100 inside the sandbox stops at the
# limit (EAGAIN); another tenant forks 40 meanwhile; afterwards the
# tenant's next launch runs.
t_tasks_max() {
	local forked fails err
	cg_conf "tasksMax 50"
	reset_user nsct_a
	reset_user nsct_b
	printf '%s\n' "$FORK_PY" >"$T/mark/fork.py"
	rm -rf "$T/bg"
	bg nsct_a bomb -f "$TD/base.tmpl" -- python3 /mark/fork.py 100 4
	sleep 1
	bg nsct_b other -f "$TD/base.tmpl" -- python3 /mark/fork.py 40 1
	wait
	read -r forked fails err <"$T/bg/bomb.out"
	[ "$(cat "$T/bg/bomb.rc")" = 0 ] && [ "${fails:-0}" -gt 0 ] &&
		[ "$err" = 11 ] && [ "$forked" -lt 50 ] && [ "$forked" -ge 30 ] &&
		[ $((forked + fails)) = 100 ] ||
		fail "bomb: exit $(cat "$T/bg/bomb.rc"), forked ${forked:-?}, failed ${fails:-?} (errno ${err:-?}); $(cat "$T/bg/bomb.err")" ||
		return 1
	[ "$(cat "$T/bg/other.rc")" = 0 ] && [ "$(cat "$T/bg/other.out")" = "40 0 0" ] ||
		fail "the other tenant: exit $(cat "$T/bg/other.rc"), $(cat "$T/bg/other.out" "$T/bg/other.err")" ||
		return 1
	nsc nsct_a -f "$TD/base.tmpl" -- python3 /mark/fork.py 10 0
	expect_rc 0 && expect_out "10 0 0"
}

# memoryMax 64M: a 200 MB hog is killed in its own cgroup, the monitor
# reports 128+9, the other tenant's job is unaffected.
t_memory_max() {
	local swap=() a0 b0
	grep -q '^/' /proc/swaps && swap=("swapMax 0")
	cg_conf "memoryMax 64M" "${swap[@]}"
	reset_user nsct_f
	reset_user nsct_b
	keep_scope
	# Make both cgroups exist (and read their counters) first.
	nsc nsct_f -f "$TD/base.tmpl" -- true
	nsc nsct_b -f "$TD/base.tmpl" -- true
	a0=$(oom_kills nsct_f) b0=$(oom_kills nsct_b)
	rm -rf "$T/bg"
	bg nsct_b other -f "$TD/base.tmpl" -- python3 -c \
		'import time; x = b"y" * (32 << 20); time.sleep(2); print("alive")'
	nsc nsct_f -f "$TD/base.tmpl" -- python3 -c \
		'x = b"x" * (200 << 20); print("survived")'
	wait
	expect_rc 137 && out_lacks survived || return 1
	[ "$(oom_kills nsct_f)" -gt "$a0" ] ||
		fail "no OOM kill counted in $(cg_dir nsct_f)" || return 1
	[ "$(cat "$T/bg/other.rc")" = 0 ] && [ "$(cat "$T/bg/other.out")" = alive ] &&
		[ "$(oom_kills nsct_b)" = "$b0" ] ||
		fail "the other tenant: exit $(cat "$T/bg/other.rc"), $(cat "$T/bg/other.out" "$T/bg/other.err"), oom kills $(oom_kills nsct_b)"
}

# cpu 20%: a 3-second busy loop gets 0.5-0.7 s of CPU by the cgroup's own
# accounting.  A control tenant without the quota runs the same loop at
# the same time: if it gets less than 1 s, the host is too busy to tell a
# low share from the quota, and only the upper bound is asserted (said so
# in the output).
t_cpu_quota() {
	local c0 c1 k0 k1 got ctl w0 w1 wall max
	cg_conf "cpu 20%"
	user_file nsct_j "cpu infinity"
	reset_user nsct_i
	reset_user nsct_j
	keep_scope
	nsc nsct_i -f "$TD/base.tmpl" -- true
	nsc nsct_j -f "$TD/base.tmpl" -- true
	c0=$(cpu_usec nsct_i) k0=$(cpu_usec nsct_j)
	rm -rf "$T/bg"
	bg nsct_j ctl -f "$TD/base.tmpl" -- timeout 3 sh -c 'while :; do :; done'
	w0=$(date +%s%N)
	nsc nsct_i -f "$TD/base.tmpl" -- timeout 3 sh -c 'while :; do :; done'
	w1=$(date +%s%N)
	wait
	rm_user_files
	c1=$(cpu_usec nsct_i) k1=$(cpu_usec nsct_j)
	got=$(((c1 - c0) / 1000)) ctl=$(((k1 - k0) / 1000))
	# The cgroup holds the launch from before nscell's own exec of the
	# command: the quota applies to the whole launch, 3 s of loop and
	# what a slow machine (TCG: 20-80 ms per exec) adds around it.
	wall=$(((w1 - w0) / 1000000)) max=$((wall / 5 + 100))
	echo "# cpu 20%: ${got} ms of CPU in a ${wall} ms launch (at most ${max}; control without the quota: ${ctl} ms)"
	expect_rc 124 || return 1
	# Nothing read is no measurement (a cgroup gone, a wrong path): a
	# failure, never "0 ms, under the limit".
	[ "$ctl" -gt 0 ] ||
		fail "the control's cgroup shows no CPU time: nothing measured" ||
		return 1
	[ "$got" -le "$max" ] || fail "${got} ms > ${max} ms" || return 1
	if [ "$ctl" -lt 1000 ]; then
		skip "host busy (control ${ctl} ms < 1000 ms): the quota's lower bound cannot be told from the load"
		return
	fi
	[ "$got" -ge 500 ] || fail "${got} ms < 500 ms (control ${ctl} ms)"
}

# LiteSpeed's six rlimit keys, with cgroups off: in /proc/self/limits
# inside the sandbox; a caller's lower limit wins, a higher one does not;
# a user's file overrides the server level.
t_rlimits() {
	local r=0
	std_conf "CPUSoftLimit 100" "CPUHardLimit 200" "memSoftLimit 1G" \
		"memHardLimit 2G" "procSoftLimit 500" "procHardLimit 600"
	CONF_DIRTY=1
	nsc nsct_a -f "$TD/base.tmpl" -- cat /proc/self/limits
	{ expect_rc 0 && out_has '^Max cpu time +100 +200 +seconds' &&
		out_has '^Max address space +1073741824 +2147483648 +bytes' &&
		out_has '^Max processes +500 +600 +processes'; } || r=1
	NSC_WRAP=(prlimit --cpu=50:150 --nproc=700:800 --)
	nsc nsct_a -f "$TD/base.tmpl" -- cat /proc/self/limits
	NSC_WRAP=()
	{ expect_rc 0 && out_has '^Max cpu time +50 +150 +seconds' &&
		out_has '^Max processes +500 +600 +processes'; } || r=1
	user_file nsct_b "# nsct_b" "CPUSoftLimit 30" "memHardLimit infinity"
	nsc nsct_b -f "$TD/base.tmpl" -- cat /proc/self/limits
	{ expect_rc 0 && out_has '^Max cpu time +30 +200 +seconds' &&
		out_has '^Max address space +1073741824 +unlimited +bytes'; } || r=1
	user_file nsct_b "CPUSoftLimit 300"
	nsc nsct_b -f "$TD/base.tmpl" -- touch /mark/rl-bad
	expect_refused rl-bad "^nscell: $(ere_quote "$CONF_DIR/users.d/nsct_b.conf"):1:1: CPUSoftLimit 300 is above CPUHardLimit 200\$" || r=1
	user_file nsct_b "CPUSoftLimit 30"
	chown nsct_b "$CONF_DIR/users.d/nsct_b.conf"
	nsc nsct_b -f "$TD/base.tmpl" -- touch /mark/rl-own
	expect_refused rl-own "nsct_b.conf" || r=1
	rm_user_files
	return "$r"
}

# The limits follow the configuration: changed, lifted, per user.
t_limits_change() {
	local d r=0
	cg_conf "memoryMax 100M" "tasksMax 77"
	keep_scope
	nsc nsct_a -f "$TD/base.tmpl" -- true
	d=$(cg_dir nsct_a)
	mem_is() {
		if [ "$CG_KIND" = v2 ]; then
			[ "$(cat "$d/memory.max")" = "$1" ]
		else
			[ "$(cat "$d/memory.limit_in_bytes")" = "${2:-$1}" ]
		fi
	}
	{ expect_rc 0 && mem_is 104857600 && [ "$(cat "$(cg_dir nsct_a pids)/pids.max")" = 77 ]; } ||
		{ fail "100M/77: $(cat "$d/memory.max" "$d/memory.limit_in_bytes" 2>/dev/null)"; r=1; }
	cg_conf "memoryMax 200M"
	nsc nsct_a -f "$TD/base.tmpl" -- true
	{ expect_rc 0 && mem_is 209715200 && [ "$(cat "$(cg_dir nsct_a pids)/pids.max")" = max ]; } ||
		{ fail "200M: $(cat "$d/memory.max" "$d/memory.limit_in_bytes" 2>/dev/null)"; r=1; }
	user_file nsct_a "memoryMax 50M"
	nsc nsct_a -f "$TD/base.tmpl" -- true
	{ expect_rc 0 && mem_is 52428800; } || { fail "user's 50M"; r=1; }
	rm_user_files
	cg_conf
	nsc nsct_a -f "$TD/base.tmpl" -- true
	{ expect_rc 0 && mem_is max 9223372036854771712; } ||
		{ fail "lifted: $(cat "$d/memory.max" "$d/memory.limit_in_bytes" 2>/dev/null)"; r=1; }
	if [ "$CG_MGR" = systemd ]; then
		cg_conf "memoryMax 300M"
		nsc nsct_a -f "$TD/base.tmpl" -- true
		[ "$(systemctl show -P MemoryMax "nscell-${UID_OF[nsct_a]}.scope")" = 314572800 ] ||
			{ fail "systemctl show: $(systemctl show -P MemoryMax "nscell-${UID_OF[nsct_a]}.scope")"; r=1; }
	fi
	return "$r"
}

# maxEntryProcesses 4, 8 concurrent 20-second launches: 4 run; the others
# wait 1 s and exit 125 with the reason; with a 30 s wait all 8 run, never
# more than 4 at once.
t_entry_processes() {
	local u=nsct_j i n max=0 rcs
	cg_conf "maxEntryProcesses 4" "maxEntryProcessesWait 1"
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -f "$TD/base.tmpl" -- true	# the set, built once
	rm -rf "$T/bg"
	# (20 s: every launch must start while the first four still run; in
	# a loaded QEMU guest a launch has taken 7 s to start.)
	for ((i = 0; i < 8; i++)); do
		bg "$u" "e$i" -f "$TD/base.tmpl" -- sleep 20
	done
	wait
	rcs=$(cat "$T/bg/"e*.rc | sort | uniq -c | tr -s ' ' | tr '\n' ',')
	[ "$rcs" = " 4 0, 4 125," ] ||
		fail "wait 1 s: exit codes$rcs" || return 1
	[ "$(cat "$T/bg/"e*.err | grep -c "^nscell: uid ${UID_OF[$u]} already has 4 launches running (maxEntryProcesses 4), and none ended within 1 s\$")" = 4 ] ||
		fail "messages: $(cat "$T/bg/"e*.err | sort | uniq -c)" || return 1
	cg_conf "maxEntryProcesses 4" "maxEntryProcessesWait 30"
	rm -rf "$T/bg"
	for ((i = 0; i < 8; i++)); do
		bg "$u" "w$i" -f "$TD/base.tmpl" -- sleep 2
	done
	for ((i = 0; i < 150; i++)); do
		n=$(pgrep -u "${UID_OF[$u]}" -x sleep | grep -c .)
		[ "$n" -gt "$max" ] && max=$n
		[ "$(cat "$T/bg/"w*.rc 2>/dev/null | grep -c .)" = 8 ] && break
		sleep 0.1
	done
	wait
	rcs=$(cat "$T/bg/"w*.rc | sort | uniq -c | tr -s ' ' | tr '\n' ',')
	[ "$rcs" = " 8 0," ] || fail "wait 30 s: exit codes$rcs $(cat "$T/bg/"w*.err)" || return 1
	[ "$max" -le 4 ] && [ "$max" -ge 1 ] || fail "$max running at once"
}

# ioWriteBandwidthMax 2M on the home's disk: 6 MB of direct writes take
# 2.5 s or more (v1's blkio throttles direct IO only); a tenant without
# the limit writes the same faster.
t_io_write() {
	local dev t0 ta tb
	dev=$(findmnt -n -o SOURCE -T "${HOME_OF[nsct_a]}")
	case $dev in
	/dev/*) [ -b "$dev" ] ;;
	*) false ;;
	esac || skip "the homes are on $dev, not a block device" || return
	cg_conf "ioWriteBandwidthMax 2M"
	user_file nsct_b "ioWriteBandwidthMax infinity"
	t0=$(date +%s%N)
	nsc nsct_a -f "$TD/home.tmpl" -- dd if=/dev/zero of="${HOME_OF[nsct_a]}/io" \
		bs=1M count=6 oflag=direct
	ta=$((($(date +%s%N) - t0) / 1000000))
	expect_rc 0 || return 1
	t0=$(date +%s%N)
	nsc nsct_b -f "$TD/home.tmpl" -- dd if=/dev/zero of="${HOME_OF[nsct_b]}/io" \
		bs=1M count=6 oflag=direct
	tb=$((($(date +%s%N) - t0) / 1000000))
	rm_user_files
	rm -f "${HOME_OF[nsct_a]}/io" "${HOME_OF[nsct_b]}/io"
	echo "# io: 6 MB direct writes: ${ta} ms at 2M/s, ${tb} ms without a limit"
	expect_rc 0 && [ "$ta" -ge 2500 ] && [ "$tb" -lt "$ta" ] ||
		fail "limited ${ta} ms, unlimited ${tb} ms"
}

# unmount_ns -l shows the tenant's usage beside its sets; unmount_ns -u
# removes its sets and then its (empty) cgroup.
t_unmount() {
	local u=nsct_d d line
	cg_conf
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -f "$TD/base.tmpl" -- true
	expect_rc 0 || return 1
	timeout 30 "$UNMOUNT_NS" -l >"$T/out" 2>"$T/err"
	OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	out_has '^UID +USER +VHOST +STATE +HOLDER +PROCS +AGE +IDLE +INSTANCE +HASH +MEMORY +TASKS +CPU$' || return 1
	line=$(grep "^${UID_OF[$u]} " "$T/out")
	# The holder alone (no process besides it): one task, some memory,
	# some CPU time.
	[ "$(awk '{ print $4, $6 }' <<<"$line")" = "live 0" ] &&
		grep -Eq ' [0-9.]+[KMG]? +1 +[0-9.]+s$' <<<"$line" ||
		fail "row: $line" || return 1
	d=$(cg_dir "$u")
	[ -d "$d" ] || fail "no $d before" || return 1
	timeout 30 "$UNMOUNT_NS" -u "$u" -k -t 5 >"$T/out" 2>&1
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "$d" ] || break
		sleep 0.1
	done
	[ ! -e "$d" ] || fail "$d is still there: $(cat "$T/out"; cat "$d/cgroup.procs")"
}

# --------------------------------------------------------------- suite ---

suite_tests() {
	run_test "cgroups unavailable: -c and cgroups 2 exit 125 and say why; off, the launch runs" t_unavailable
	run_test "placement: the first program is already in the tenant's cgroup" t_placed_before_exec
	run_test "placement: cgroups off (not written), nothing is placed" t_not_placed_when_off
	run_test "one cgroup: two vhosts, cmd_ns -c and the holders of one tenant; monitors outside" t_one_cgroup
	run_test "64 concurrent first launches set the cgroup up once" t_concurrent_first
	run_test "tasksMax 50: a fork bomb stops at the limit, another tenant forks, the next launch runs" t_tasks_max
	run_test "memoryMax 64M: a 200 MB hog is OOM-killed in its cgroup, 137, the other tenant unaffected" t_memory_max
	run_test "cpu 20%: a 3 s busy loop gets at least 0.5 s and at most a fifth of its launch (cgroup accounting)" t_cpu_quota
	run_test "rlimits: the six keys in /proc/self/limits, the caller's lower ones, a user's file" t_rlimits
	run_test "limits follow the configuration: changed, lifted, a user's file" t_limits_change
	run_test "maxEntryProcesses 4: 8 launches, 4 run, 4 wait then 125; with a long wait all run, 4 at once" t_entry_processes
	run_test "ioWriteBandwidthMax 2M: direct writes throttled on the home's disk" t_io_write
	run_test "unmount_ns -l shows usage; unmount_ns -u removes the empty cgroup" t_unmount
	run_test "no leaked holders" t_no_leaked_holders
}

integration_main "$@"
