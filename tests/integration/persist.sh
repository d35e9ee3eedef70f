#!/bin/bash
# Test functions are called indirectly, through run_test; "A && B || fail"
# chains are meant (fail returns 1); sh -c scripts are single-quoted on
# purpose:
# shellcheck disable=SC2317,SC2015,SC2016,SC2012
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Privileged integration tests of persisted sandboxes, unmount_ns and
# cmd_ns: real namespaces, real setuid copies, real (temporary) users.
#
#   tests/integration/persist.sh NSCELL_BINARY [SOURCE_DIR [TESTING_BINARY]]
#
# unmount_ns and cmd_ns must be built next to NSCELL_BINARY.  The crash
# tests need a second nscell built with -DNSCELL_TESTING=ON (kill points):
# this script configures and builds it itself from SOURCE_DIR (default: the
# tree this script is in) in a build directory inside its work dir, which is
# removed at the end; that binary is never installed.  TESTING_BINARY names
# one already built so (with the default configuration path) instead: the
# QEMU guests, where compiling it would take minutes, get it from the host.
#
# The harness (root check, private mount namespace, work dir, config,
# users, leak checks, TAP-like output and the summary line) is lib.sh,
# shared with run.sh.  Exit status: 0 iff nothing failed; 77 when not root.

# shellcheck source=tests/integration/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" || exit 1
# shellcheck source=tests/integration/syslog.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/syslog.sh" || exit 1

# The source tree this script is in (resolved before the inner part's cd /).
DEFAULT_SRC=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
NST=""			# setuid copy of the NSCELL_TESTING build (kill points)
CMD_NS=""		# copy of cmd_ns
KILL_POINTS=(locked holder-mid-build holder-built before-publish before-commit)

# ---------------------------------------------------------------- setup ---

suite_setup() {
	local bin=$1 src=${2:-} tbin=${3:-} b
	[ -n "$src" ] || src=$DEFAULT_SRC
	if [ -z "$UNMOUNT_NS" ] || [ ! -x "$(dirname -- "$bin")/cmd_ns" ]; then
		echo "# setup: unmount_ns and cmd_ns must be built next to $bin" >&2
		return 1
	fi
	cp -- "$(dirname -- "$bin")/cmd_ns" "$T/bin/cmd_ns" &&
		chmod 0755 "$T/bin/cmd_ns" || return 1
	CMD_NS=$T/bin/cmd_ns

	# The test-only build, with the same configuration path.
	if [ -n "$tbin" ]; then
		if ! grep -q NSCELL_KILL_POINT "$tbin" 2>/dev/null ||
			! grep -qF "$CONF" "$tbin"; then
			echo "# setup: $tbin is not a -DNSCELL_TESTING=ON build reading $CONF" >&2
			return 1
		fi
	elif ! { cmake -S "$src" -B "$T/build-testing" -DNSCELL_TESTING=ON \
		-DNSCELL_CONF_PATH="$CONF" >"$T/build-testing.log" 2>&1 &&
		cmake --build "$T/build-testing" --target nscell \
			-j "$(nproc 2>/dev/null || echo 2)" \
			>>"$T/build-testing.log" 2>&1; }; then
		echo "# setup: building the NSCELL_TESTING binary failed:" >&2
		tail -n 20 "$T/build-testing.log" | sed 's/^/#   /' >&2
		return 1
	else
		tbin=$T/build-testing/nscell
	fi
	# Setuid like the copy under test: 4750 root:$EXEC_GROUP, on the
	# suite's private tmpfs (a testing build has kill points: nobody but
	# the test users may ever run it setuid).
	install_suid "$tbin" "$T/bin/nscell-testing" \
		"$EXEC_GROUP" || return 1
	NST=$T/bin/nscell-testing
	EXTRA_BINS=("$NST" "$CMD_NS")
	echo "# testing binary $NST, cmd_ns $CMD_NS"

	# Users of their own, so that each group of tests starts from no set.
	b=${UID_OF[nsct_a]}
	add_user nsct_p "$((b + 5))" "$H/nsct_p" || return 1	# concurrency
	add_user nsct_k "$((b + 6))" "$H/nsct_k" || return 1	# kill points
	add_user nsct_e "$((b + 7))" "$H/nsct_e" || return 1	# unmount_ns
	add_user nsct_f "$((b + 8))" "$H/nsct_f" || return 1	# unmount_ns
	mkdir -m 0755 "$T/sock" && chown nsct_a: "$T/sock" || return 1
	echo "keep me" >"$T/rootfile" && chmod 0644 "$T/rootfile"
	# The TIOCSTI/controlling-tty probe shared with the security suite.
	install -m 0644 "$DEFAULT_SRC/tests/security/helpers/sti.py" \
		"$T/mark/sti.py"
	mkb pers <<EOF
$T/data /data,ro-bind
EOF
	mkb kp <<EOF
$T/data /data,ro-bind
$T/data2 /data2,ro-bind
/tmp/kp,tmpfs
/tmp/kp/x,dir
EOF
}

# ------------------------------------------------------------- helpers ---


# Live sandbox holders: pid 1 of a pid namespace, running one of our copies.
holders() {
	local p
	for p in $(running_ns); do
		[ "$(sed -n 's/^NSpid:.*[[:space:]]\([0-9]*\)$/\1/p' "/proc/$p/status" 2>/dev/null)" = 1 ] &&
			echo "$p"
	done
}

# Holders that no record under our persistDir names.
stray_holders() {
	local rec p
	rec=" $(recorded_holders | tr '\n' ' ') "
	for p in $(holders); do
		case $rec in
		*" $p "*) ;;
		*) echo "$p" ;;
		esac
	done
}

no_strays_within() {	# no_strays_within TENTHS
	local i
	for ((i = 0; i < $1; i++)); do
		[ -z "$(stray_holders)" ] && return 0
		sleep 0.1
	done
	return 1
}

kill_strays() {
	local p
	for p in $(stray_holders); do
		kill -KILL "$p" 2>/dev/null
	done
}

host_mounts() {	# the mounts of pid 1's (the host's) mount namespace
	awk '{ print $5, $4 }' /proc/1/mountinfo | sort
}

# um ARGS...: run the copy of unmount_ns; sets OUT, ERR, RC (and MS, the
# milliseconds it took).
um() {
	local t0
	t0=$(date +%s%N)
	timeout -k 3 30 "$UNMOUNT_NS" "$@" </dev/null >"$T/out" 2>"$T/err"
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

reset_user() {	# no set left for USER, nothing running in one
	"$UNMOUNT_NS" -u "$1" -k -t 3 >/dev/null 2>&1
	kill_strays
}

# The real wait status of a launch: nsc runs it under this perl reaper when
# NSC_WRAP=(perl -e "$WS_PERL" FILE), which writes "exit N" or "sig N" to
# FILE and exits like bash would report it.
# shellcheck disable=SC2016
WS_PERL='my $f = shift; my $p = fork();
if (!$p) { exec { $ARGV[0] } @ARGV; exit 127; }
waitpid($p, 0); my $s = $?;
open(my $o, ">", $f); print $o (($s & 127) ? "sig " . ($s & 127) : "exit " . ($s >> 8)), "\n"; close($o);
exit(($s & 127) ? 128 + ($s & 127) : $s >> 8);'

# pids_of USER CMDLINE: host pids of USER's processes running exactly CMDLINE.
pids_of() {
	pgrep -u "${UID_OF[$1]}" -x -f "$2" | sort -n
}

wait_count() {	# wait_count USER CMDLINE N TENTHS
	local i
	for ((i = 0; i < $4; i++)); do
		[ "$(pids_of "$1" "$2" | grep -c .)" = "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# -------------------------------------------------------- 1: join ---

# The second launch is a join, told three independent ways: -v says
# "joined" with the first holder's pid, the record file is the same file
# (same inode, same instance: nothing was republished), and all six
# namespaces seen from inside are identical to the first launch's and to
# the holder's own (/proc/HOLDER/ns/*, its fd 0 for the user namespace).
t_join_same_namespaces() {
	local u=nsct_a d h1 ns1 i1 inst1 n want=""
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- sh -c \
		'for n in mnt pid ipc uts cgroup user; do readlink /proc/self/ns/$n; done'
	expect_rc 0 && err_has '^nscell: built a persisted sandbox \(holder pid [0-9]+\)$' ||
		return 1
	h1=$(v_holder) ns1=$OUT i1=$(stat -c %i "$d/record") inst1=$(rec "$d" instance)
	[ "$(grep -c . <<<"$ns1")" = 6 ] || fail "expected six namespaces: $ns1" || return
	for n in mnt pid ipc uts cgroup; do
		want="$want$(readlink "/proc/$h1/ns/$n")
"
	done
	want="$want$(readlink "/proc/$h1/fd/0")"
	[ "$ns1" = "$want" ] || fail "inside: $(tr '\n' ' ' <<<"$ns1"); holder: $(tr '\n' ' ' <<<"$want")" ||
		return
	nsc "$u" -v -f "$TD/pers.tmpl" -- sh -c \
		'for n in mnt pid ipc uts cgroup user; do readlink /proc/self/ns/$n; done'
	expect_rc 0 && err_has "^nscell: joined the persisted sandbox \(holder pid $h1\)$" ||
		return 1
	[ "$OUT" = "$ns1" ] || fail "other namespaces: $(tr '\n' ' ' <<<"$OUT"), first $(tr '\n' ' ' <<<"$ns1")" ||
		return
	[ "$(rec "$d" holder)" = "$h1" ] && [ "$(rec "$d" instance)" = "$inst1" ] &&
		[ "$(stat -c %i "$d/record")" = "$i1" ] ||
		fail "the record changed: holder $(rec "$d" holder) (was $h1), instance $(rec "$d" instance) (was $inst1)" ||
		return
	[ "$(rec "$d" mnt)" = "$(ns_ino "/proc/$h1/ns/mnt")" ] &&
		[ "$(rec "$d" user)" = "$(ns_ino "/proc/$h1/fd/0")" ] ||
		fail "record inodes are not the holder's"
}

# The holder after its build: root in all ids, no capability (permitted,
# effective, inheritable, ambient), no new privileges, and it is alive.
# (Its bounding set is not emptied: it never executes; holder.c says why.)
# A libcap-ng that reports failing to drop a bounding set it could not
# drop (upstream) once made every holder exit at this point.
t_holder_has_no_privileges() {
	local u=nsct_a h st
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	h=$(v_holder)
	st=$(grep -E '^(State|Uid|Gid|CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs):' \
		"/proc/$h/status" | tr -s '\t' ' ' | sed 's/^State: \([A-Z]\).*/State: \1/')
	[ "$st" = "State: S
Uid: 0 0 0 0
Gid: 0 0 0 0
CapInh: 0000000000000000
CapPrm: 0000000000000000
CapEff: 0000000000000000
CapAmb: 0000000000000000
NoNewPrivs: 1" ] || fail "holder $h: $(tr '\n' ';' <<<"$st")"
}

# Joins take the holder's namespaces through its pidfd (Linux 6.11); on
# an older kernel through /proc/PID, which the testing build can be told
# to pretend (NSCELL_TEST_OLD_KERNEL=1).  Both join the same set.
t_join_through_proc() {
	local u=nsct_b h want
	reset_user "$u"
	ONESHOT=()
	NSC_BIN=$NST
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	h=$(v_holder)
	want="$(readlink "/proc/$h/ns/mnt") $(readlink "/proc/$h/fd/0")"
	for old in 0 1; do
		NSC_BIN=$NST EXTRA_ENV=(NSCELL_TEST_OLD_KERNEL=$old)
		nsc "$u" -v -f "$TD/pers.tmpl" -- sh -c \
			'echo $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/user)'
		expect_rc 0 && err_has "^nscell: joined the persisted sandbox \(holder pid $h\)$" &&
			expect_out "$want" || return 1
	done
}

# The groups cached in the record are looked up again once /etc/group
# changes, and the join stores them with the new stamp (same set, same
# holder), so later joins use the cache again.
t_groups_cache_refreshed() {
	local u=nsct_d d h s1 s2 g1
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- id -G
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	h=$(v_holder) s1=$(rec "$d" groupstamp) g1=$(rec "$d" groups)
	[ -n "$s1" ] && [ "$g1" = "${GID_OF[$u]},$(getent group nsct_g | cut -d: -f3),$EXEC_GID" ] ||
		fail "record: groupstamp '$s1', groups '$g1'" || return
	retry groupadd nsct_gx || fail "groupadd" || return
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	groupdel nsct_gx
	expect_rc 0 && err_has "^nscell: joined the persisted sandbox \(holder pid $h\)$" ||
		return 1
	s2=$(rec "$d" groupstamp)
	[ -n "$s2" ] && [ "$s2" != "$s1" ] && [ "$(rec "$d" groups)" = "$g1" ] &&
		[ "$(rec "$d" holder)" = "$h" ] ||
		fail "after the join: groupstamp '$s2' (was '$s1'), groups '$(rec "$d" groups)', holder $(rec "$d" holder)"
}

# Issue 18: a user whose primary gid changed was locked out (every launch
# joined the old set, whose user namespace maps the old gid, and failed
# to drop: 125) until .lsns_reload.  The gid is part of the set's hash.
t_primary_gid_change_rebuilds() {
	local u=nsct_d g
	g=$(getent group nsct_g | cut -d: -f3)
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- id -g
	expect_rc 0 && expect_out "${GID_OF[$u]}" || return 1
	retry usermod -g nsct_g "$u" || fail "usermod" || return
	nsc "$u" -v -f "$TD/pers.tmpl" -- id -g
	retry usermod -g "$u" "$u"
	expect_rc 0 && expect_out "$g" && err_has '^nscell: built a persisted sandbox' ||
		return 1
	reset_user "$u"
}

# ------------------------------------------------- 2: concurrency ---

t_concurrent_first_launches() {
	local u=nsct_p d i pids=() rcs bad=0 nb nj new before mnts
	d=$(set_dir "$u")
	reset_user "$u"
	[ ! -e "$d/record" ] || fail "a record is left from before" || return
	before=" $(holders | tr '\n' ' ') "
	mkdir -p "$T/c" && rm -f "$T/c/"*
	for ((i = 0; i < 64; i++)); do
		{
			timeout -k 3 50 setpriv --reuid="$u" --regid="${GID_OF[$u]}" \
				--init-groups -- env -i PATH="$SAFE_PATH" \
				HOME="${HOME_OF[$u]}" "$NS" -v -f "$TD/pers.tmpl" -- \
				readlink /proc/self/ns/mnt </dev/null \
				>"$T/c/$i.out" 2>"$T/c/$i.err"
			echo $? >"$T/c/$i.rc"
		} &
		pids+=($!)
	done
	wait "${pids[@]}"
	rcs=$(cat "$T/c/"*.rc | sort | uniq -c | tr -s ' ' | tr '\n' ',')
	for ((i = 0; i < 64; i++)); do
		[ "$(cat "$T/c/$i.rc" 2>/dev/null)" = 0 ] || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || fail "$bad of 64 launches failed (exit codes:$rcs); e.g. $(cat "$T/c/"*.err | grep -v 'sandbox (holder' | sort | uniq -c | head -n 3)" ||
		return
	nb=$(cat "$T/c/"*.err | grep -c '^nscell: built a persisted sandbox')
	nj=$(cat "$T/c/"*.err | grep -c '^nscell: joined the persisted sandbox')
	[ "$nb" = 1 ] && [ "$nj" = 63 ] || fail "$nb built and $nj joined, want 1 and 63" ||
		return
	mnts=$(cat "$T/c/"*.out | sort -u)
	[ "$(grep -c . <<<"$mnts")" = 1 ] || fail "the launches saw $(grep -c . <<<"$mnts") mount namespaces" ||
		return
	[ "$(find "$T/lsns/${UID_OF[$u]}" -name record | grep -c .)" = 1 ] &&
		[ "$(rec "$d" instance)" = 1 ] ||
		fail "want one record, instance 1: $(find "$T/lsns/${UID_OF[$u]}" -name 'record*')" || return
	new=""
	for i in $(holders); do
		case $before in *" $i "*) ;; *) new="$new $i" ;; esac
	done
	[ "$new" = " $(rec "$d" holder)" ] || fail "new holders:$new; the record names $(rec "$d" holder)"
}

# A launch whose command ends at once exits right after telling its new
# holder to stay: the holder must survive it, however late it gets the CPU
# (on a loaded host it may run only after the launch has ended).  Made
# deterministic here: the new holder is stopped while it
# builds (a template of 3000 dir ops makes that take a while), strace then
# delays its next three prctl() calls (re-arming and then clearing its death
# signal) by 1.5 s each, and it is let go.  The launch
# (/bin/true) ends while the holder is still on its way from the builder's
# go-ahead to clearing its death signal.  A holder that stops dying with
# the builder only after the builder may already have gone is killed here.
t_holder_survives_slow_commit() {
	local r
	slow_commit_case
	r=$?
	reset_user nsct_p
	return "$r"
}
slow_commit_case() {
	local u=nsct_p i h="" st tr l reaper
	command -v strace >/dev/null || skip "no strace" || return
	reset_user "$u"
	{
		base_lines
		for ((i = 0; i < 3000; i++)); do echo "/many/d$i,dir"; done
	} | mkt slow
	rm -f "$T/spawn.st" "$T/holder.pid"
	# setpriv and env exec: $! is nscell; its status goes to spawn.st.
	{
		setpriv --reuid="$u" --regid="${GID_OF[$u]}" --init-groups -- \
			env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$u]}" \
			"$NS" -f "$TD/slow.tmpl" -- /bin/true </dev/null \
			>/dev/null 2>"$T/spawn.err" &
		l=$!
		# Stop its holder (the child that is pid 1 of a pid namespace)
		# as soon as it appears.
		h=$(perl -e '
			my ($p, $n) = @ARGV;
			for (1 .. 2000000) {
				open(my $f, "<", "/proc/$p/task/$p/children") or exit 1;
				my @c = split(" ", <$f> // "");
				for my $c (@c) {
					open(my $s, "<", "/proc/$c/status") or next;
					while (<$s>) {
						if (/^NSpid:.*\s1$/) { kill("STOP", $c); print "$c\n"; exit 0; }
					}
				}
			}
			exit 1;' "$l")
		echo "$h" >"$T/holder.pid"
		wait "$l"
		echo "exit $?" >"$T/spawn.st"
	} &
	reaper=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$T/holder.pid" ] && break
		sleep 0.05
	done
	h=$(cat "$T/holder.pid" 2>/dev/null)
	if [ -z "$h" ] || [ -e "$T/spawn.st" ]; then
		[ -z "$h" ] || kill -CONT "$h"
		wait "$reaper"
		skip "could not stop the holder before it reported: $(cat "$T/spawn.st" 2>/dev/null)"
		return
	fi
	strace -qq -o "$T/strace.log" -p "$h" -e trace=prctl,read,write \
		-e inject=prctl:delay_enter=1500000:when=1..3 2>/dev/null &
	tr=$!
	sleep 0.5
	kill -CONT "$h"
	wait "$reaper"
	st=$(cat "$T/spawn.st")
	sleep 2
	if alive "$h"; then
		kill "$tr" 2>/dev/null
	fi
	wait "$tr" 2>/dev/null
	[ "$st" = "exit 0" ] || fail "the launch: $st; $(head -c 300 "$T/spawn.err")" || return
	alive "$h" || fail "holder $h died (wait status $(awk '{ print $NF }' "/proc/$h/stat" 2>/dev/null)) when its launch exited; strace: $(tr -s ' \n' ' ' <"$T/strace.log" | tail -c 400)" ||
		return
	reset_user "$u"
}

# A record whose holder has died names namespace inodes that the kernel
# hands out again (lowest free number first): another set built right
# after may get the dead set's pid namespace inode.  unmount_ns -u on the
# dead set must not count that other set's processes as its own (exit 2,
# "still used by", pids of another user's set).
t_unmount_dead_holder_not_busy() {
	local r
	dead_holder_case
	r=$?
	reset_user nsct_e
	reset_user nsct_f
	return "$r"
}
dead_holder_case() {
	local ha hb pa pb sr i u=nsct_e
	reset_user nsct_e
	reset_user nsct_f
	# nsct_e's launch runs under a child subreaper (prctl 36), so that
	# its holder, once killed, is reaped (this host's pid 1 may never
	# reap) and its namespaces really freed.
	rm -f "$T/sr.out"
	perl -e 'require "syscall.ph"; syscall(&SYS_prctl, 36, 1, 0, 0, 0) == 0 or exit 99;
		$SIG{TERM} = sub { exit 0 };
		my $p = fork(); if (!$p) { exec { $ARGV[0] } @ARGV; exit 127; }
		for (;;) { if (wait() < 0) { sleep 1 } }' \
		setpriv --reuid="$u" --regid="${GID_OF[$u]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$u]}" "$NS" -v \
		-f "$TD/pers.tmpl" -- true </dev/null >/dev/null 2>"$T/sr.out" &
	sr=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'sandbox (holder pid' "$T/sr.out" 2>/dev/null && break
		sleep 0.05
	done
	ERR=$(cat "$T/sr.out")
	ha=$(v_holder) pa=$(rec "$(set_dir "$u")" pid)
	[ -n "$ha" ] && [ -n "$pa" ] || { kill "$sr"; wait "$sr"; fail "no set for $u: $ERR"; return; }
	kill -KILL "$ha"
	for ((i = 0; i < 30; i++)); do
		[ -e "/proc/$ha" ] || break
		sleep 0.1
	done
	kill "$sr" 2>/dev/null
	wait "$sr" 2>/dev/null
	[ ! -e "/proc/$ha" ] || skip "holder $ha was not reaped" || return
	ONESHOT=()
	nsc nsct_f -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	hb=$(v_holder) pb=$(rec "$(set_dir nsct_f)" pid)
	um -u "$u" -t 2
	[ "$RC" = 0 ] && ! grep -q 'still used' <<<"$OUT" ||
		fail "the dead set of $u (pid ns $pa, holder $ha dead and reaped) is reported busy; nsct_f's live set has pid ns $pb, holder $hb; $(ctx)"
}

# ---------------------------------------------------- 3: kill points ---

# Record absent, or well-formed for USER and, if its holder is alive,
# naming that holder's namespaces (a dead holder is a stale record, which
# the next launch replaces).
record_sane() {
	local u=$1 d=$2 h
	[ -e "$d/record" ] || return 0
	[ "$(head -n 1 "$d/record")" = "nscell-record 1" ] &&
		[ "$(rec "$d" uid)" = "${UID_OF[$u]}" ] ||
		fail "malformed record: $(tr '\n' ' ' <"$d/record")" || return
	[ "$(stat -c '%u %a' "$d/record")" = "0 600" ] ||
		fail "record is $(stat -c '%u %a' "$d/record")" || return
	[ ! -e "$d/record.new" ] || [ "$(stat -c %u "$d/record.new")" = 0 ] ||
		fail "record.new not root-owned" || return
	h=$(rec "$d" holder)
	alive "$h" || return 0
	[ "$(ns_ino "/proc/$h/ns/mnt")" = "$(rec "$d" mnt)" ] &&
		[ "$(ns_ino "/proc/$h/ns/pid")" = "$(rec "$d" pid)" ] ||
		fail "the record names live pid $h, whose namespaces are not the recorded ones"
}

# kill_case POINT fresh|rebuild: a launch of the testing binary dies by
# SIGKILL at POINT, on a fresh set or while rebuilding over a live one
# (~/.lsns_reload); checks what is left, then that the production binary
# works and unmount_ns cleans up.
kill_case() {
	local point=$1 variant=$2 u=nsct_k d h0="" inst0="" st want ms_self ms_host
	d=$(set_dir "$u")
	ONESHOT=()
	if [ "$variant" = rebuild ]; then
		nsc "$u" -v -f "$TD/kp.tmpl" -- true
		expect_rc 0 || return 1
		h0=$(v_holder) inst0=$(rec "$d" instance)
		as_user "$u" touch "${HOME_OF[$u]}/.lsns_reload"
	fi
	rm -f "$T/mark/kp" "$T/ws"
	ms_self=$(mount_list) ms_host=$(host_mounts)
	NSC_BIN=$NST NSC_WRAP=(perl -e "$WS_PERL" "$T/ws")
	EXTRA_ENV=(NSCELL_KILL_POINT="$point")
	nsc "$u" -v -f "$TD/kp.tmpl" -- touch /mark/kp
	NSC_BIN="" NSC_WRAP=() EXTRA_ENV=()
	st=$(cat "$T/ws" 2>/dev/null)
	case $point in
	holder-*) want="exit 125" ;;	# the builder survives, the holder not
	*) want="sig 9" ;;
	esac
	[ "$st" = "$want" ] ||
		fail "the killed launch: '$st', want '$want' (did the kill point fire?); $(ctx)" ||
		return
	case $point in
	holder-*) err_has '^nscell: the sandbox holder died while building$' || return ;;
	*) ;;
	esac
	[ ! -e "$T/mark/kp" ] || fail "the command ran" || return
	no_strays_within 30 || fail "holders no record names: $(stray_holders | tr '\n' ' ')(old holder ${h0:-none}, record: $(tr '\n' ' ' <"$d/record" 2>/dev/null))" ||
		return
	[ "$(mount_list)" = "$ms_self" ] && [ "$(host_mounts)" = "$ms_host" ] ||
		fail "mounts changed" || return
	record_sane "$u" "$d" || return 1
	if [ "$variant" = rebuild ] && [ "$point" != before-commit ]; then
		# Killed before the rename: the record still names the previous
		# set.  Up to the build it is untouched and alive; from
		# before-publish on it has been told to retire (so that a killed
		# rebuild never leaves a holder no record names) and exits when
		# idle: either way the next launch below recovers.
		[ "$(rec "$d" holder)" = "$h0" ] && [ "$(rec "$d" instance)" = "$inst0" ] &&
			{ [ "$point" = before-publish ] || alive "$h0"; } ||
			fail "the previous set is gone: record holder $(rec "$d" holder), instance $(rec "$d" instance); old holder $h0" ||
			return
	fi
	nsc "$u" -v -f "$TD/kp.tmpl" -- cat /data/hello.txt
	expect_rc 0 && expect_out hello || return 1
	if [ "$variant" = fresh ]; then
		err_has '^nscell: built a persisted sandbox' || return 1
	fi
	h0=$(v_holder)
	um -u "$u" -t 3
	expect_rc 0 || return 1
	[ ! -e "$d/record" ] || fail "record left after unmount_ns -u" || return
	gone_within "$h0" 30 || fail "holder $h0 still running after unmount_ns -u" || return
	no_strays_within 10 || fail "holders left: $(stray_holders | tr '\n' ' ')"
}

kill_test() {
	local r
	reset_user nsct_k
	kill_case "$1" "$2"
	r=$?
	kill_strays
	reset_user nsct_k
	return "$r"
}
t_kill_locked_fresh() { kill_test locked fresh; }
t_kill_locked_rebuild() { kill_test locked rebuild; }
t_kill_holder_mid_build_fresh() { kill_test holder-mid-build fresh; }
t_kill_holder_mid_build_rebuild() { kill_test holder-mid-build rebuild; }
t_kill_holder_built_fresh() { kill_test holder-built fresh; }
t_kill_holder_built_rebuild() { kill_test holder-built rebuild; }
t_kill_before_publish_fresh() { kill_test before-publish fresh; }
t_kill_before_publish_rebuild() { kill_test before-publish rebuild; }
t_kill_before_commit_fresh() { kill_test before-commit fresh; }
t_kill_before_commit_rebuild() { kill_test before-commit rebuild; }

# Control for the above: the production binary has no kill points (the
# variable's name is not even in it) and ignores the variable.
t_kill_points_absent_in_production() {
	local p
	for p in NSCELL_KILL_POINT NSCELL_TEST_OLD_KERNEL; do
		! grep -q "$p" "$NS" || fail "$NS contains $p" || return
		grep -q "$p" "$NST" || fail "$NST lacks $p" || return
	done
	reset_user nsct_k
	ONESHOT=()
	for p in "${KILL_POINTS[@]}"; do
		EXTRA_ENV=(NSCELL_KILL_POINT="$p")
		nsc nsct_k -f "$TD/kp.tmpl" -- cat /data/hello.txt
		expect_rc 0 && expect_out hello || fail "(NSCELL_KILL_POINT=$p)" ||
			return
		as_user nsct_k touch "${HOME_OF[nsct_k]}/.lsns_reload"
	done
	EXTRA_ENV=()
	reset_user nsct_k
}

# --------------------------------------------------- 4: fake sets ---


# A root-made namespace set (unshare as root); the record's holder is
# pointed at it, the recorded inodes kept.
t_fake_root_holder() {
	local u=nsct_a d h1 inst1 up fake r=0
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	h1=$(v_holder) inst1=$(rec "$d" instance)
	unshare --mount --pid --ipc --uts --cgroup --fork sleep 300 \
		</dev/null >/dev/null 2>&1 &
	up=$!
	fake=$(fake_pid "$up") || { kill -KILL "$up"; fail "no fake set"; return; }
	rewrite_record "$d" holder "$fake"
	nsc "$u" -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	{ expect_rc 0 && err_has '^nscell: built a persisted sandbox' &&
		[ "$(v_holder)" != "$fake" ] && [ "$(rec "$d" instance)" = $((inst1 + 1)) ] &&
		[ "$OUT" != "$(readlink "/proc/$fake/ns/mnt")" ]; } ||
		fail "joined or used the fake set (pid $fake, mnt $(readlink "/proc/$fake/ns/mnt")): instance $(rec "$d" instance); $(ctx)" ||
		r=1
	kill -KILL "$fake" "$up" 2>/dev/null
	wait "$up" 2>/dev/null
	kill -KILL "$h1" 2>/dev/null	# no record names it any more
	reset_user "$u"
	return "$r"
}

# A set made by the user (unshare -U -r as nsct_a, its user namespace on
# fd 0 like a real holder's): the record names it completely (holder and
# all six inodes), so only the owner check of the user namespace (uid 0)
# stands between the launch and the user's own namespaces.
t_fake_user_set() {
	local u=nsct_a d h1 inst1 up fake r=0 n
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	h1=$(v_holder) inst1=$(rec "$d" instance)
	setpriv --reuid=nsct_a --regid="${GID_OF[nsct_a]}" --init-groups -- \
		unshare -U -r --mount --pid --ipc --uts --cgroup --fork \
		sh -c 'exec sleep 300 </proc/self/ns/user' </dev/null >/dev/null 2>&1 &
	up=$!
	fake=$(fake_pid "$up") || {
		kill -KILL "$up"
		wait "$up" 2>/dev/null
		skip "unprivileged unshare -U failed"
		return
	}
	[ -n "$(ns_ino "/proc/$fake/fd/0")" ] || { kill -KILL "$fake" "$up"; fail "the fake's fd 0 is no namespace"; return; }
	rewrite_record "$d" holder "$fake" user "$(ns_ino "/proc/$fake/fd/0")"
	for n in mnt pid ipc uts cgroup; do
		rewrite_record "$d" "$n" "$(ns_ino "/proc/$fake/ns/$n")"
	done
	nsc "$u" -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	{ expect_rc 0 && err_has '^nscell: built a persisted sandbox' &&
		[ "$(v_holder)" != "$fake" ] && [ "$(rec "$d" instance)" = $((inst1 + 1)) ] &&
		[ "$OUT" != "$(readlink "/proc/$fake/ns/mnt")" ]; } ||
		fail "joined or used the user's set (pid $fake, mnt $(readlink "/proc/$fake/ns/mnt")): instance $(rec "$d" instance); $(ctx)" ||
		r=1
	kill -KILL "$fake" "$up" 2>/dev/null
	wait "$up" 2>/dev/null
	kill -KILL "$h1" 2>/dev/null
	reset_user "$u"
	return "$r"
}

# ---------------------------------------------- 5: template change ---

t_template_change_new_instance() {
	local u=nsct_b d h1 mnt1 sl r=0 reaper
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	mkb tchange <<EOF
$T/data /data,ro-bind
EOF
	spawn "$u" -v -f "$TD/tchange.tmpl" -- sleep 71
	reaper=$SPAWN_REAPER
	sl=$(wait_child_comm "$SPAWN_PID" sleep) ||
		fail "no sleep in instance 1; $(cat "$T/spawn.err")" || return
	h1=$(rec "$d" holder) mnt1=$(rec "$d" mnt)
	[ "$(rec "$d" instance)" = 1 ] && [ "$(ns_ino "/proc/$sl/ns/mnt")" = "$mnt1" ] ||
		fail "sleep is not in instance 1" || r=1
	# Same file, new content.
	mkb tchange <<EOF
$T/data2 /data,ro-bind
EOF
	nsc "$u" -v -f "$TD/tchange.tmpl" -- sh -c 'readlink /proc/self/ns/mnt; cat /data/two.txt'
	[ "$r" = 0 ] && expect_rc 0 && err_has '^nscell: built a persisted sandbox' &&
		out_has '^data2$' || r=1
	[ "$r" = 0 ] && { [ "$(rec "$d" instance)" = 2 ] && [ "$(rec "$d" holder)" != "$h1" ] ||
		fail "record: instance $(rec "$d" instance), holder $(rec "$d" holder) (old $h1)"; } || r=1
	[ "$r" = 0 ] && { alive "$sl" && [ "$(ns_ino "/proc/$sl/ns/mnt")" = "$mnt1" ] ||
		fail "the old sleep is gone or moved"; } || r=1
	[ "$r" = 0 ] && { alive "$h1" || fail "the old holder left while its sleep runs"; } || r=1
	kill -KILL "$sl" 2>/dev/null
	wait "$reaper" 2>/dev/null
	[ "$r" = 0 ] && { gone_within "$h1" 50 ||
		fail "the old holder $h1 still runs 5 s after its last process"; } || r=1
	reset_user "$u"
	return "$r"
}

# -------------------------------------------------- 6: .lsns_reload ---

t_reload_file() {
	local u=nsct_b d f=${HOME_OF[nsct_b]}/.lsns_reload h1
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	h1=$(v_holder)
	as_user "$u" touch "$f"
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	[ "$(rec "$d" instance)" = 2 ] && [ "$(v_holder)" != "$h1" ] ||
		fail "instance $(rec "$d" instance), holder $(v_holder) (old $h1)" || return
	[ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f not removed" || return
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	err_has 'joined the persisted sandbox' || return 1
	reset_user "$u"
}

t_reload_symlink_to_root_file() {
	local u=nsct_b d f=${HOME_OF[nsct_b]}/.lsns_reload
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	as_user "$u" ln -s "$T/rootfile" "$f" || fail "cannot make the link" || return
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	[ ! -L "$f" ] || fail "the link is still there" || return
	[ "$(cat "$T/rootfile" 2>/dev/null)" = "keep me" ] &&
		[ "$(stat -c '%u %a' "$T/rootfile")" = "0 644" ] ||
		fail "the target changed: $(stat -c '%u %a' "$T/rootfile" 2>&1)"
	reset_user "$u"
}

# ------------------------------------------------- 7: holder killed ---

t_holder_killed_rebuilds() {
	local u=nsct_b d h1 mnt1
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 || return 1
	h1=$(v_holder) mnt1=$OUT
	kill -KILL "$h1"
	gone_within "$h1" 30 || fail "holder $h1 survived SIGKILL" || return
	nsc "$u" -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	[ "$(v_holder)" != "$h1" ] && [ "$OUT" != "$mnt1" ] &&
		[ "$(rec "$d" instance)" = 2 ] && [ "$(rec "$d" holder)" = "$(v_holder)" ] ||
		fail "holder $(v_holder) (dead $h1), mnt $OUT (was $mnt1), instance $(rec "$d" instance)"
	reset_user "$u"
}

# ---------------------------------------------- orphan root holders ---

alive_holders() {	# alive_holders USER: holders of USER not yet exited
	local p
	for p in $(pgrep -x "nsh:${UID_OF[$1]}"); do
		alive "$p" && echo "$p"
	done
}

# Issue 18: a tenant fills a FIFO's buffer, points nscell -v's stderr at
# it and kills its own nscell (it may: same real uid).  The root holder
# used to stay blocked writing the trace, parent pid 1, recorded nowhere.
t_no_orphan_holder_full_fifo() {
	local u=nsct_f f=$T/fifo.$$ pid i left
	reset_user "$u"
	rm -f "$f" && mkfifo -m 0666 "$f" || return 1
	exec 8<>"$f"
	perl -e 'use Fcntl; sysopen(my $h, $ARGV[0], O_WRONLY|O_NONBLOCK) or die;
		while (defined(syswrite($h, "x" x 4096))) {}' "$f"
	setpriv --reuid="$u" --regid="${GID_OF[$u]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$u]}" \
		"$NS" -v -n -f "$TD/pers.tmpl" -- true </dev/null >/dev/null 2>"$f" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -n "$(alive_holders "$u")" ] && break
		sleep 0.05
	done
	sleep 0.3
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		left=$(alive_holders "$u")
		[ -z "$left" ] && break
		sleep 0.1
	done
	exec 8<&-
	rm -f "$f"
	[ -z "$left" ] || { fail "holder(s) left running: $left"; kill -KILL $left; return 1; }
}

# A copy whose source is a FIFO: refused at once (the holder used to block
# in open(2) for as long as the tenant liked), nothing left running.
t_copy_from_fifo_refused() {
	local u=nsct_f f
	f=${HOME_OF[$u]}/fifo
	reset_user "$u"
	rm -f "$f" && mkfifo -m 0644 "$f" && chown "$u:" "$f" || return 1
	mkb copyfifo <<EOF
\$HOMEDIR/fifo /etc/fifo,copy
EOF
	nsc "$u" -n -f "$TD/copyfifo.tmpl" -- true
	expect_rc 125 && err_has 'the source is not a regular file' && err_one_line ||
		return 1
	rm -f "$f"
	[ -z "$(alive_holders "$u")" ] || fail "holder left: $(alive_holders "$u")"
}

# ------------------------------------------------ maxSetsPerUser ---

live_sets() {	# live_sets USER: the holders named nsh:UID alive now
	local p n=0
	# Not zombies: an exited holder waits for this host's pid 1.
	for p in $(pgrep -x "nsh:${UID_OF[$1]}"); do
		alive "$p" && n=$((n + 1))
	done
	echo "$n"
}

# One plain user, 100 configured vhosts, maxSetsPerUser 4: never more
# than 4 of its root holders alive; the least recently used idle set is
# the one retired; with every set in use, a new one is refused (125).
t_max_sets_per_user() {
	local u=nsct_e i lines=() max=0 n pids=()
	for ((i = 0; i < 100; i++)); do
		lines+=("vhost c$i {" "}")
	done
	std_conf "maxSetsPerUser 4" "${lines[@]}"
	CONF_DIRTY=1	# after std_conf, which clears it
	reset_user "$u"
	ONESHOT=()
	for ((i = 0; i < 100; i++)); do
		nsc "$u" -s "c$i" -f "$TD/pers.tmpl" -- true
		expect_rc 0 || { fail "vhost c$i"; std_conf; return 1; }
		n=$(live_sets "$u")
		((n > max)) && max=$n
	done
	[ "$max" -le 4 ] || fail "$max holders of $u alive at once, cap 4" || return
	# LRU: c96..c99 are live; use c96 again, then a new vhost retires
	# c97 (the least recently used), not c96.
	sleep 0.05
	nsc "$u" -s c96 -f "$TD/pers.tmpl" -- true
	nsc "$u" -s c0 -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	[ -e "$(set_dir "$u" c96)/record" ] && [ ! -e "$(set_dir "$u" c97)/record" ] ||
		fail "LRU: c96 record $(ls "$(set_dir "$u" c96)"), c97 $(ls "$(set_dir "$u" c97)")" || return
	# Every set in use: refused, nothing built; once one ends, room.
	reset_user "$u"
	for ((i = 0; i < 4; i++)); do
		spawn "$u" -s "c$i" -f "$TD/pers.tmpl" -- sleep 60
		pids+=("$SPAWN_PID")
	done
	for ((i = 0; i < 50; i++)); do
		[ "$(live_sets "$u")" = 4 ] && break
		sleep 0.1
	done
	nsc "$u" -s c50 -f "$TD/pers.tmpl" -- true
	expect_rc 125 && err_has 'maxSetsPerUser is 4, and none is idle' &&
		err_one_line || { kill "${pids[@]}"; return 1; }
	[ ! -e "$(set_dir "$u" c50)/record" ] || fail "c50 was built" || return
	kill -TERM "${pids[0]}"
	gone_within "${pids[0]}" 50
	nsc "$u" -s c50 -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	kill -TERM "${pids[@]:1}" 2>/dev/null
	reset_user "$u"
	std_conf
}

# -------------------------------------------- resource limits ---

# A caller's lowered limit must neither crash nscell (a 16 KiB stack did:
# 139 where the contract says 125) nor leave a set that is broken for good
# (a set built under a low RLIMIT_NPROC could never fork again).  For each
# limit: a set is built under it, the command sees the caller's limit
# (restored just before exec), and a later launch without the limit joins
# that set and forks.
t_rlimits_build_and_restore() {
	local u=nsct_p spec res want field r=0
	cc -static -O2 -o "$T/mark/limchk" "$DEFAULT_SRC/tests/integration/helpers/limchk.c" &&
		chmod 0755 "$T/mark/limchk" || return 1
	for spec in stack=16384:16384 as=67108864:67108864 \
		data=67108864:67108864 nofile=4:4 fsize=0:0 cpu=1:1 \
		nproc=3:3 sigpending=1:1; do
		res=${spec%%=*} want=${spec#*=} want=${want%%:*}
		case $res in
		stack) field='Max stack size' ;;
		as) field='Max address space' ;;
		data) field='Max data size' ;;
		nofile) field='Max open files' ;;
		fsize) field='Max file size' ;;
		cpu) field='Max cpu time' ;;
		nproc) field='Max processes' ;;
		sigpending) field='Max pending signals' ;;
		*) field=none ;;
		esac
		reset_user "$u"
		ONESHOT=()
		# Soft limit only (prlimit's "N:" keeps the hard one), set
		# just before nscell (setpriv itself may crash on 16 KiB).  A
		# static checker with no output: the command runs under the
		# caller's limits too (a 16 KiB stack is too small for some
		# shell tools; RLIMIT_FSIZE 0 and stdout is a file).  Exit 0
		# iff the caller's limit is back.
		NSC_EXEC_WRAP=(prlimit "--${res}=${want}:")
		nsc "$u" -v -f "$TD/pers.tmpl" -- /mark/limchk "$field" "$want"
		NSC_EXEC_WRAP=()
		expect_rc 0 && err_has '^nscell: built a persisted sandbox' ||
			{ fail "built under $res=$want"; r=1; continue; }
		nsc "$u" -v -f "$TD/pers.tmpl" -- sh -c \
			'for i in 1 2 3 4 5 6 7 8; do (sleep 0.2) & done; wait; echo forked'
		expect_rc 0 && err_has '^nscell: joined the persisted sandbox' &&
			expect_out forked || { fail "joined after $res=$want"; r=1; }
	done
	reset_user "$u"
	return "$r"
}

# A hard limit below what nscell needs: raised when nscell has
# CAP_SYS_RESOURCE (then the launch works and the command gets the limit
# back), else refused with 125 and one line before anything is built.
t_rlimits_hard() {
	local u=nsct_p bnd
	bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	reset_user "$u"
	ONESHOT=()
	NSC_EXEC_WRAP=(prlimit --stack=16384:16384)
	nsc "$u" -f "$TD/pers.tmpl" -- cat /proc/self/limits
	NSC_EXEC_WRAP=()
	if (( (16#$bnd >> 24) & 1 )); then
		expect_rc 0 && out_has '^Max stack size +16384 +16384 '
	else
		expect_rc 125 && err_one_line &&
			err_has '^nscell: RLIMIT_STACK has a hard limit below' &&
			{ [ ! -e "$(set_dir "$u")/record" ] ||
				fail "a set was built"; }
	fi
}

# --------------------------------------------------- 8: unix socket ---

SERVER_PY='import os, socket, sys
path, gen = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(16)
open(path + ".ready", "w").close()
while True:
    c, _ = s.accept()
    c.sendall(("gen %s\n" % gen).encode())
    c.close()'
CLIENT_PY='import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("/run/s.sock")
    print(s.recv(100).decode().strip())
except OSError as e:
    print("connect failed errno %d" % e.errno)'

start_server() {	# start_server GEN: sets SRV (its pid)
	local i
	rm -f "$T/sock/s.sock.ready"
	# setpriv and env exec: $! is the server itself.
	setpriv --reuid=nsct_a --regid="${GID_OF[nsct_a]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" /usr/bin/python3 -c "$SERVER_PY" \
		"$T/sock/s.sock" "$1" </dev/null >/dev/null 2>&1 &
	SRV=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$T/sock/s.sock.ready" ] && return 0
		sleep 0.05
	done
	return 1
}

t_socket_replaced_rebuilds() {
	local u=nsct_a d h1 s1 r=0
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	mkb sock <<EOF
$T/sock/s.sock /run/s.sock,bind-try
EOF
	start_server 1 || { kill "$SRV" 2>/dev/null; fail "server 1 did not start"; return; }
	s1=$(stat -c %i "$T/sock/s.sock")
	nsc "$u" -v -f "$TD/sock.tmpl" -- /usr/bin/python3 -c "$CLIENT_PY"
	expect_rc 0 && expect_out "gen 1" && err_has 'built a persisted sandbox' || r=1
	h1=$(v_holder)
	[ "$r" = 0 ] && nsc "$u" -v -f "$TD/sock.tmpl" -- /usr/bin/python3 -c "$CLIENT_PY"
	[ "$r" = 0 ] && expect_rc 0 && expect_out "gen 1" &&
		err_has "joined the persisted sandbox \(holder pid $h1\)" || r=1
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	if [ "$r" = 0 ]; then
		start_server 2 || fail "server 2 did not start" || r=1
	fi
	[ "$r" = 0 ] && { [ "$(stat -c %i "$T/sock/s.sock")" != "$s1" ] ||
		fail "the new socket has the old inode $s1"; } || r=1
	[ "$r" = 0 ] && nsc "$u" -v -f "$TD/sock.tmpl" -- /usr/bin/python3 -c "$CLIENT_PY"
	[ "$r" = 0 ] && expect_rc 0 && expect_out "gen 2" &&
		err_has '^nscell: built a persisted sandbox' || r=1
	[ "$r" = 0 ] && { [ "$(rec "$d" instance)" = 2 ] || fail "instance $(rec "$d" instance)"; } || r=1
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	rm -f "$T/sock/s.sock" "$T/sock/s.sock.ready"
	reset_user "$u"
	return "$r"
}

# ---------------------------------------------------- 9: 50 workers ---

# spawn_workers USER ARG: one launch in USER's persisted set running 50
# "sleep ARG" (49 children of a shell that then becomes the 50th).
spawn_workers() {
	ONESHOT=()
	spawn "$1" -f "$TD/pers.tmpl" -- sh -c \
		"i=1; while [ \$i -lt 50 ]; do sleep $2 & i=\$((i + 1)); done; exec sleep $2"
	wait_count "$1" "sleep $2" 50 100
}

list_row() {	# list_row UID VHOST [STATE]: -l rows of a set, blanks squeezed
	tr -s ' ' <<<"$OUT" | awk -v u="$1" -v v="$2" -v s="${3:-}" \
		'$1 == u && $3 == v && (s == "" || $4 == s)'
}

t_unmount_busy_set() {
	local u=nsct_e d uid=${UID_OF[nsct_e]} h1 want got r1 r2 row
	d=$(set_dir "$u")
	reset_user "$u"
	spawn_workers "$u" 61 || fail "no 50 workers: $(pids_of "$u" 'sleep 61' | grep -c .); $(cat "$T/spawn.err")" ||
		return
	r1=$SPAWN_REAPER
	h1=$(rec "$d" holder)
	um -l
	row=$(list_row "$uid" -)
	[ "$(awk '{ print $2, $4, $5, $6, $9 }' <<<"$row")" = "$u live $h1 50 1" ] ||
		fail "-l before: '$row', want user $u, live, holder $h1, 50 procs, instance 1" || return
	want=$(pids_of "$u" "sleep 61" | tr '\n' ' ')
	um -u "$u" -t 2
	expect_rc 2 || return 1
	[ "$MS" -lt 4000 ] || fail "unmount_ns -t 2 took $MS ms" || return
	out_has "^uid $uid vhost '': detached; still used by 50 processes: [0-9 ]+$" ||
		return 1
	got=$(sed -n 's/.*processes: //p' <<<"$OUT" | tr ' ' '\n' | sort -n | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "printed pids: $got; the workers' host pids: $want" ||
		return
	[ ! -e "$d/record" ] && alive "$h1" &&
		[ "$(pids_of "$u" 'sleep 61' | grep -c .)" = 50 ] ||
		fail "after detaching: record $(test -e "$d/record" && echo present || echo gone), holder $h1 $(alive "$h1" && echo alive || echo gone), $(pids_of "$u" 'sleep 61' | grep -c .) workers" ||
		return
	# Still listed (issue 16): detached, no record, its processes.
	um -l
	row=$(list_row "$uid" -)
	[ "$(awk '{ print $4, $5, $6, $9, $10 }' <<<"$row")" = "detached $h1 50 - -" ] ||
		fail "-l after detaching: '$row'" || return
	# The next launch builds a new set: 50 more.
	spawn_workers "$u" 62 || fail "no 50 new workers" || return
	r2=$SPAWN_REAPER
	um -l
	[ "$(awk '{ print $6, $9 }' <<<"$(list_row "$uid" - live)")" = "50 1" ] &&
		[ "$(awk '{ print $5, $6 }' <<<"$(list_row "$uid" - detached)")" = "$h1 50" ] ||
		fail "-l: '$(list_row "$uid" - | tr '\n' '|')', want instance 1 (new after removal) with 50 procs, and the detached one" ||
		return
	# -k reaches both: the recorded set and the one no record names.
	um -u "$u" -k -t 2
	expect_rc 0 || return 1
	[ "$MS" -lt 4000 ] || fail "unmount_ns -k -t 2 took $MS ms" || return
	[ -z "$(pids_of "$u" 'sleep 62')" ] && [ -z "$(pids_of "$u" 'sleep 61')" ] ||
		fail "-k left $(pids_of "$u" 'sleep 6[12]' | grep -c .) workers" || return
	wait "$r1" "$r2" 2>/dev/null
	gone_within "$h1" 50 || fail "the detached holder $h1 survived -k" || return
	um -l
	[ -z "$(list_row "$uid" -)" ] || fail "-l after -k: $(list_row "$uid" -)" || return
	[ ! -e "$d" ] || fail "$d left behind: $(ls -A "$d" | tr '\n' ' ')"
}

# ------------------------------------------------ 10: unmount_ns each ---

two_sets() {	# two_sets USER: a server-level and a vhost set; H0, HV
	ONESHOT=()
	nsc "$1" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	H0=$(v_holder)
	nsc "$1" -v -s plain -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	HV=$(v_holder)
	[ -e "$(set_dir "$1")/record" ] && [ -e "$(set_dir "$1" plain)/record" ] ||
		fail "records missing"
}

t_unmount_user() {
	local u=nsct_f
	reset_user "$u"
	two_sets "$u" || return 1
	um -u "$u"
	expect_rc 0 || return 1
	[ ! -e "$(set_dir "$u")/record" ] && [ ! -e "$(set_dir "$u" plain)/record" ] ||
		fail "records left" || return
	gone_within "$H0" 30 && gone_within "$HV" 30 || fail "holders left: $H0 $HV"
}

t_unmount_uid_after_userdel() {
	# A user removed with userdel after its set was built: unmount_ns
	# takes the uid (issue 16); the name is unknown now.
	local u=nsct_r uid h
	uid=$((${UID_OF[nsct_a]} + 11))
	add_user "$u" "$uid" "$H/$u" || skip "cannot add $u (uid $uid)" || return
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	h=$(v_holder)
	[ -n "$h" ] && [ -e "$(set_dir "$u")/record" ] || fail "no set built: $(ctx)" || return
	retry userdel "$u" >/dev/null 2>&1
	! getent passwd "$uid" >/dev/null || fail "uid $uid still has a passwd entry" || return
	um -u "$u" -t 5
	expect_rc 125 && err_has "unknown user $u \(give the uid after userdel\)" || return 1
	um -u "$uid" -t 5
	expect_rc 0 || return 1
	[ ! -e "$T/lsns/$uid/record" ] || fail "record left" || return
	gone_within "$h" 30 || fail "holder $h still running"
}

t_unmount_vhost_only() {
	local u=nsct_f
	reset_user "$u"
	two_sets "$u" || return 1
	um -u "$u" -s plain
	expect_rc 0 || return 1
	[ ! -e "$(set_dir "$u" plain)/record" ] || fail "vhost record left" || return
	gone_within "$HV" 30 || fail "vhost holder $HV left" || return
	[ "$(rec "$(set_dir "$u")" holder)" = "$H0" ] && alive "$H0" ||
		fail "the server-level set went too" || return
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	err_has "joined the persisted sandbox \(holder pid $H0\)" || return 1
	reset_user "$u"
}

t_unmount_all() {
	local h1 h2 h3
	reset_user nsct_f
	reset_user nsct_e
	two_sets nsct_f || return 1
	h1=$H0 h2=$HV
	nsc nsct_e -v -f "$TD/pers.tmpl" -- true
	h3=$(v_holder)
	um -a
	expect_rc 0 || return 1
	[ -z "$(find "$T/lsns" -name record)" ] || fail "records left: $(find "$T/lsns" -name record)" ||
		return
	gone_within "$h1" 30 && gone_within "$h2" 30 && gone_within "$h3" 30 ||
		fail "holders left"
}

t_unmount_list() {
	local u=nsct_f uid=${UID_OF[nsct_f]} row reaper sl
	reset_user "$u"
	two_sets "$u" || return 1
	spawn "$u" -f "$TD/pers.tmpl" -- sleep 63
	reaper=$SPAWN_REAPER
	sl=$(wait_child_comm "$SPAWN_PID" sleep) || fail "no sleep" || return
	um -l
	expect_rc 0 || return 1
	[ "$(head -n 1 <<<"$OUT" | tr -s ' ')" = "UID USER VHOST STATE HOLDER PROCS AGE IDLE INSTANCE HASH MEMORY TASKS CPU" ] ||
		fail "header: $(head -n 1 <<<"$OUT")" || return
	# In use: no idle time.
	row=$(list_row "$uid" -)
	[ "$(awk '{ print $2, $4, $5, $6, $8, $9, $10 }' <<<"$row")" = "$u live $H0 1 - 1 $(rec "$(set_dir "$u")" hash)" ] &&
		awk '{ print $7 }' <<<"$row" | grep -Eq '^[0-9]+s$' ||
		fail "server row: '$row'" || return
	# Idle since its launch ended.
	row=$(list_row "$uid" plain)
	[ "$(awk '{ print $2, $4, $5, $6, $9 }' <<<"$row")" = "$u live $HV 0 1" ] &&
		awk '{ print $8 }' <<<"$row" | grep -Eq '^[0-9]+s$' ||
		fail "vhost row: '$row'" || return
	kill -KILL "$sl" "$HV"
	wait "$reaper" 2>/dev/null
	gone_within "$HV" 30
	um -l
	[ "$(awk '{ print $4, $5, $6, $8 }' <<<"$(list_row "$uid" plain)")" = "gone - - -" ] &&
		[ "$(awk '{ print $4, $6 }' <<<"$(list_row "$uid" -)")" = "live 0" ] ||
		fail "after killing: $(list_row "$uid" - | tr '\n' '|') $(list_row "$uid" plain)" ||
		return
	reset_user "$u"
}

# -J: the same as JSON, for monitoring; python3 parses it.
t_unmount_list_json() {
	local u=nsct_f uid=${UID_OF[nsct_f]} got
	command -v python3 >/dev/null || skip "no python3 to parse the JSON" || return
	reset_user "$u"
	two_sets "$u" || return 1
	um -l -J
	expect_rc 0 || return 1
	got=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
for s in sorted(d["sets"], key=lambda s: s["vhost"]):
    if s["uid"] == int(sys.argv[1]):
        print(s["user"], repr(s["vhost"]), s["state"], s["holder"], s["procs"],
              s["instance"], s["idle"] is not None, s["age"] >= 0,
              len(s["hash"]), d["idleTimeout"])
' "$uid" <<<"$OUT" 2>&1)
	[ "$got" = "$u '' live $H0 0 1 True True 16 0
$u 'plain' live $HV 0 1 True True 16 0" ] || fail "parsed: '$got'; $(ctx)" || return
	um -J
	[ "$RC" = 1 ] || fail "-J without -l: $(ctx)"
	reset_user "$u"
}

t_unmount_kill() {
	local u=nsct_f reaper sl h
	reset_user "$u"
	ONESHOT=()
	spawn "$u" -v -f "$TD/pers.tmpl" -- sleep 64
	reaper=$SPAWN_REAPER
	sl=$(wait_child_comm "$SPAWN_PID" sleep) || fail "no sleep" || return
	h=$(rec "$(set_dir "$u")" holder)
	um -u "$u" -k -t 3
	expect_rc 0 && [ -z "$OUT" ] || fail "-k: $(ctx)" || return
	wait "$reaper" 2>/dev/null
	! alive "$sl" && ! alive "$h" || fail "sleep $sl or holder $h survived -k"
}

t_unmount_verbose() {
	local u=nsct_f uid=${UID_OF[nsct_f]} h
	reset_user "$u"
	ONESHOT=()
	nsc "$u" -v -f "$TD/pers.tmpl" -- true
	h=$(v_holder)
	um -v -u "$uid"
	expect_rc 0 && out_has "^uid $uid vhost '': locking$" &&
		out_has "^uid $uid vhost '': removed instance 1 \(holder $h\)$"
}

t_unmount_root_only() {
	local rc
	as_user nsct_f "$UNMOUNT_NS" -l >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" != 0 ] && grep -q 'only root' "$T/err" ||
		fail "a user ran unmount_ns -l: exit $rc, $(cat "$T/err")"
}

# ------------------------------------- 10b: the operator's side (16) ---

# 30 vhost sets and the server-level one, past maxSetsPerUser (16: the
# least recently used are retired as new ones come), then unmount_ns -u:
# the store keeps a directory only for each set that has a record, and
# nothing at all of the user afterwards (32 entries were left before).
t_unmount_tidy() {
	local u=nsct_f uid=${UID_OF[nsct_f]} d i dirs recs
	d=$(set_dir "$u")
	reset_user "$u"
	ONESHOT=()
	nsc root -u "$u" -f "$TD/pers.tmpl" -- true
	for ((i = 0; i < 30; i++)); do
		nsc root -u "$u" -s "t$i" -f "$TD/pers.tmpl" -- true
		expect_rc 0 || return 1
	done
	recs=$(find "$d" -name record | wc -l)
	dirs=$(find "$d" -mindepth 1 -type d | wc -l)
	[ "$recs" -le 16 ] &&
		[ "$dirs" = "$(find "$d" -mindepth 2 -name record | wc -l)" ] ||
		fail "after 31 sets, cap 16: $recs records, $dirs vhost directories" || return
	find "$d" -mindepth 1 -maxdepth 1 -type d | while read -r i; do
		[ -e "$i/record" ] || echo "$i"
	done | grep -q . && fail "directories without a record: $(ls "$d")" && return 1
	um -u "$uid"
	expect_rc 0 || return 1
	[ ! -e "$d" ] || fail "left in $d: $(find "$d" | head -n 5 | tr '\n' ' ')"
}

# A typo in nscell.conf: nscell refuses to run, unmount_ns warns and
# still lists and removes.
t_unmount_config_typo() {
	local u=nsct_f uid=${UID_OF[nsct_f]}
	reset_user "$u"
	two_sets "$u" || return 1
	std_conf "bogusKey 1"
	CONF_DIRTY=1	# after std_conf, which clears it
	nsc "$u" -f "$TD/pers.tmpl" -- true
	expect_rc 125 && err_has "unknown key 'bogusKey'" || return 1
	um -l
	expect_rc 0 && [ -n "$(list_row "$uid" - live)" ] &&
		grep -Eq "^nscell: warning: $CONF:[0-9]+:1: unknown key 'bogusKey' \(1 error; the other lines are used: persistDir $T/lsns\)$" <<<"$ERR" ||
		fail "-l: $(ctx)" || return
	um -u "$u"
	expect_rc 0 && [ ! -e "$(set_dir "$u")" ] || fail "-u: $(ctx)" || return
	gone_within "$H0" 30 && gone_within "$HV" 30 || fail "holders left: $H0 $HV"
}

t_unmount_help() {
	local o
	o=$(as_user nsct_f "$UNMOUNT_NS" --help) && grep -q '^usage: unmount_ns ' <<<"$o" ||
		fail "--help as a user: '$o'" || return
	o=$(as_user nsct_f "$UNMOUNT_NS" -h) && grep -q -- '--expire' <<<"$o" ||
		fail "-h: '$o'" || return
	o=$(as_user nsct_f "$UNMOUNT_NS" --version) && grep -Eq '^unmount_ns \(nscell\) [0-9.]+$' <<<"$o" ||
		fail "--version: '$o'" || return
	o=$(as_user nsct_f "$CMD_NS" --help) && grep -q '^usage: cmd_ns ' <<<"$o" ||
		fail "cmd_ns --help as a user: '$o'" || return
	o=$(as_user nsct_f "$CMD_NS" --version) && grep -Eq '^cmd_ns \(nscell\) [0-9.]+$' <<<"$o" ||
		fail "cmd_ns --version: '$o'" || return
	um --bogus
	[ "$RC" = 1 ] && err_has "unknown option or missing argument: --bogus" ||
		fail "unknown option: $(ctx)"
}

# Holders no record names, of this persistDir only: one whose record was
# lost (as a builder killed at the wrong moment leaves it) is listed and
# killed; a one-shot sandbox and a set of another persistDir are not
# touched by -a -k.
t_unmount_unrecorded() {
	local u=nsct_f uid=${UID_OF[nsct_f]} h sl r1 r2 r3 one other
	reset_user "$u"
	ONESHOT=()
	spawn "$u" -v -s plain -f "$TD/pers.tmpl" -- sleep 71
	r1=$SPAWN_REAPER
	# A first build on a busy host may take more than one wait.
	sl=$(wait_child_comm "$SPAWN_PID" sleep || wait_child_comm "$SPAWN_PID" sleep) ||
		fail "no sleep: $(cat "$T/spawn.err")" || return
	h=$(rec "$(set_dir "$u" plain)" holder)
	rm -f "$(set_dir "$u" plain)/record"
	# A one-shot sandbox of the same user, and a set of another store.
	ONESHOT=(-n)
	spawn "$u" -f "$TD/pers.tmpl" -- sleep 72
	r2=$SPAWN_REAPER
	one=$(wait_child_comm "$SPAWN_PID" sleep) || fail "no one-shot sleep" || return
	std_conf
	sed -i "s|^persistDir .*|persistDir $T/lsns2|" "$CONF"
	CONF_DIRTY=1	# after std_conf, which clears it
	ONESHOT=()
	spawn "$u" -f "$TD/pers.tmpl" -- sleep 73
	r3=$SPAWN_REAPER
	other=$(wait_child_comm "$SPAWN_PID" sleep) || fail "no sleep in lsns2" || return
	std_conf
	um -l
	[ "$(awk '{ print $4, $5, $6 }' <<<"$(list_row "$uid" plain)")" = "detached $h 1" ] ||
		fail "-l: '$(list_row "$uid" plain)'; $(ctx)" || return
	[ "$(list_row "$uid" - | grep -c .)" = 0 ] ||
		fail "-l lists a one-shot or another store's holder: $(list_row "$uid" -)" || return
	um -a -k -t 5
	expect_rc 0 || return 1
	wait "$r1" 2>/dev/null
	! alive "$sl" && gone_within "$h" 30 || fail "the unrecorded set survived -k" || return
	alive "$one" && alive "$other" ||
		fail "-a -k hit a one-shot sandbox ($one) or another store's set ($other)" || return
	kill -KILL "$one" "$other"
	wait "$r2" "$r3" 2>/dev/null
	std_conf
	sed -i "s|^persistDir .*|persistDir $T/lsns2|" "$CONF"
	CONF_DIRTY=1	# after std_conf, which clears it
	"$UNMOUNT_NS" -a -k -t 5 >/dev/null 2>&1
	std_conf
	rm -rf -- "$T/lsns2"
}

# idleTimeout: the next launch (any set) retires a set unused that long
# with nothing in it, and its store entry; a busy one stays, and the
# launch's own set too.  Between scans a launch only stat()s the stamp.
t_idle_expiry_by_launch() {
	local u=nsct_f uid=${UID_OF[nsct_f]} reaper sl hp ho st1 st2
	reset_user "$u"
	std_conf "idleTimeout 2"
	CONF_DIRTY=1	# after std_conf, which clears it
	ONESHOT=()
	nsc "$u" -v -s plain -f "$TD/pers.tmpl" -- true
	hp=$(v_holder)
	nsc "$u" -v -s on.example -f "$TD/pers.tmpl" -- true
	ho=$(v_holder)
	spawn "$u" -f "$TD/pers.tmpl" -- sleep 74
	reaper=$SPAWN_REAPER
	sl=$(wait_child_comm "$SPAWN_PID" sleep) || fail "no sleep" || return
	sleep 3
	nsc "$u" -v -s on.example -f "$TD/pers.tmpl" -- true
	expect_rc 0 && err_has "joined the persisted sandbox \(holder pid $ho\)" ||
		fail "the launching set was not joined: $(ctx)" || return
	[ ! -e "$(set_dir "$u" plain)" ] && gone_within "$hp" 30 ||
		fail "the idle set survived: $(ls -A "$(set_dir "$u" plain)" 2>&1), holder $hp" || return
	[ -e "$(set_dir "$u")/record" ] && alive "$sl" ||
		fail "the busy set was retired" || return
	st1=$(stat -c %Y.%s "$T/lsns/expire")
	nsc "$u" -s on.example -f "$TD/pers.tmpl" -- true
	st2=$(stat -c %Y.%s "$T/lsns/expire")
	[ "$st1" = "$st2" ] || fail "a launch within the minute scanned again ($st1 -> $st2)" || return
	kill -KILL "$sl"
	wait "$reaper" 2>/dev/null
	std_conf
	reset_user "$u"
}

# unmount_ns --expire (what the shipped timer runs): idle sets go, one
# held by a launch (its OFD read lock, as between its join and its end)
# stays, a dead holder's record goes; without idleTimeout only the dead.
t_unmount_expire() {
	local u=nsct_f uid=${UID_OF[nsct_f]} hp holder_py
	command -v python3 >/dev/null || skip "no python3 for the OFD lock" || return
	reset_user "$u"
	ONESHOT=()
	two_sets "$u" || return 1
	um --expire -v
	expect_rc 0 && out_has '^idleTimeout is not set: no set expires$' &&
		[ -e "$(set_dir "$u")/record" ] || fail "without idleTimeout: $(ctx)" || return
	std_conf "idleTimeout 1"
	CONF_DIRTY=1	# after std_conf, which clears it
	sleep 2
	# The server-level set is held as a launch holds it.
	holder_py='import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_RDLCK, 0, 0, 1, 0))
print("held", flush=True)
time.sleep(30)'
	python3 -c "$holder_py" "$(set_dir "$u")/lock" >"$T/held" &
	hp=$!
	wait_for_file_line "$T/held" held || fail "no OFD lock" || return
	um --expire -v
	kill "$hp"
	wait "$hp" 2>/dev/null
	expect_rc 0 && out_has "^uid $uid vhost 'plain': expired after [0-9]+s unused \(holder $HV\)$" &&
		out_lacks "vhost '':" || fail "--expire: $(ctx)" || return
	[ ! -e "$(set_dir "$u" plain)" ] && gone_within "$HV" 30 &&
		[ -e "$(set_dir "$u")/record" ] && alive "$H0" ||
		fail "after --expire: $(find "$(set_dir "$u")" | tr '\n' ' ')" || return
	# A dead holder: its record goes even with a busy idleTimeout.
	kill -KILL "$H0"
	gone_within "$H0" 30
	std_conf
	um --expire -v
	expect_rc 0 && out_has "^uid $uid vhost '': removed the record of a dead holder$" &&
		[ ! -e "$(set_dir "$u")" ] || fail "dead holder: $(ctx)"
}

# ----------------------------------------------------- the launch log ---

# One line per launch, as nscell(1) says: caller, target, vhost, how the
# set was had, status, duration, the escaped command line; never the
# environment; a launch that fails after its start too; launchLogRate
# per user and minute, with a count of the lines not written.
t_launch_log() {
	local a=nsct_a b=nsct_b ua=${UID_OF[nsct_a]} ub=${UID_OF[nsct_b]} got want i miss
	command -v python3 >/dev/null || skip "no python3 for the syslog receiver" || return
	reset_user "$a"
	reset_user "$b"
	log_setup || { log_teardown; fail "no private /dev/log"; return 1; }
	std_conf "launchLogRate 6"
	CONF_DIRTY=1	# after std_conf, which clears it
	printf '%s\n' "$T/no-such-dir /x,ro-bind" | mkb missing
	ONESHOT=()
	EXTRA_ENV=(SECRET_TOKEN=hunter2)
	nsc "$a" -s plain -f "$TD/pers.tmpl" -- true
	nsc "$a" -s plain -f "$TD/pers.tmpl" -- sh -c 'exit 3'
	ONESHOT=(-n)
	nsc "$a" -f "$TD/pers.tmpl" -- printf '%s' 'a b' '"q"' "$(printf 'x\ty')" \
		"caf$(printf '\303\251')" '\'
	nsc "$a" -f "$TD/pers.tmpl" -- no-such-command
	nsc "$a" -f "$TD/missing.tmpl" -- true
	expect_rc 125 || { log_teardown; return 1; }
	# The same message as on stderr, escaped.
	miss=$(sed 's/^nscell: //; s/ /\\x20/g; s/"/\\x22/g' <<<"$ERR")
	# Root's own launches are always written and not counted.
	cmdns -u "$a" -s plain -f "$TD/pers.tmpl" -- true
	# The 6th line of the minute, then past the rate: not written.
	for ((i = 0; i < 4; i++)); do
		nsc "$a" -f "$TD/pers.tmpl" -- true
	done
	# Another user has its own count.
	nsc "$b" -f "$TD/pers.tmpl" -- true
	sleep 0.3
	got=$(log_lines "$ua" | sed -E 's/^<([0-9]+)>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} ([a-z_]+)\[[0-9]+\]: /<\1> \2: /; s/ ms=[0-9]+ / ms=N /')
	want="<86> nscell: launch caller=$ua user=$a uid=$ua vhost=plain set=built status=0 ms=N cmd=\"true\"
<86> nscell: launch caller=$ua user=$a uid=$ua vhost=plain set=joined status=3 ms=N cmd=\"sh -c exit\\x203\"
<86> nscell: launch caller=$ua user=$a uid=$ua vhost=- set=one-shot status=0 ms=N cmd=\"printf %s a\\x20b \\x22q\\x22 x\\x09y caf\\xc3\\xa9 \\x5c\"
<86> nscell: launch caller=$ua user=$a uid=$ua vhost=- set=one-shot status=127 ms=N cmd=\"no-such-command\"
<86> nscell: launch caller=$ua user=$a uid=$ua vhost=- set=- status=125 ms=N cmd=\"true\" error=\"$miss\"
<86> cmd_ns: launch caller=0 user=$a uid=$ua vhost=plain set=joined status=0 ms=N cmd=\"true\"
<86> nscell: launch caller=$ua user=$a uid=$ua vhost=- set=one-shot status=0 ms=N cmd=\"true\""
	if [ "$got" != "$want" ]; then
		fail "launch lines of uid $ua:
$got
want:
$want"
	fi
	[ "$(log_lines "$ub" | grep -c .)" = 1 ] || fail "uid $ub: $(log_lines "$ub")"
	! grep -q hunter2 "$T/syslog" || fail "the environment was logged"
	# A new minute: the first line says how many were not written.
	age_rate "$ua" || fail "cannot age the rate counter"
	nsc "$a" -f "$TD/pers.tmpl" -- true
	sleep 0.3
	grep -Eq "nscell\[[0-9]+\]: launch uid=$ua: 3 lines not written in the last minutes \(launchLogRate 6\)$" "$T/syslog" &&
		[ "$(log_lines "$ua" | grep -c 'set=one-shot status=0')" = 3 ] ||
		fail "after the minute: $(tail -n 3 "$T/syslog")"
	# The facility, and no log at all with launchLogRate 0.
	std_conf "launchLogRate 6" "logFacility local3"
	nsc "$b" -f "$TD/pers.tmpl" -- id
	std_conf "launchLogRate 0"
	nsc "$b" -f "$TD/pers.tmpl" -- false
	sleep 0.3
	got=$(log_lines "$ub" | sed -n 's/^<\([0-9]*\)>.*cmd="\([a-z]*\)"$/\1 \2/p' | tr '\n' ' ')
	[ "$got" = "86 true 158 id " ] || fail "facility and rate 0: '$got'"
	log_teardown
	std_conf
	reset_user "$a"
}


# ----------------------------------------------------- 11: 200 users ---

free_range() {	# free_range N: a base B with B..B+N-1 free as uid and gid
	local n=$1
	{ getent passwd | cut -d: -f3; getent group | cut -d: -f3; } |
		sort -n -u | awk -v n="$n" '
		BEGIN { srand(); b = 40000 + 200 * int(rand() * 90) }
		{ if ($1 >= b && $1 < b + n) b = $1 + 1 }
		END { if (b + n < 60000) print b; else exit 1 }'
}

t_mounts_200_users() {
	local n=200 b i name made=() h_before s_before pids=() bad=0 hs
	[ -x "$(command -v useradd)" ] || skip "no useradd" || return
	b=$(free_range "$n") || skip "no block of $n free uids" || return
	for ((i = 0; i < n; i++)); do
		if getent passwd "nsctz$i" >/dev/null || getent group "nsctz$i" >/dev/null; then
			skip "nsctz$i exists" || return
		fi
	done
	h_before=$(grep -c . /proc/1/mountinfo) s_before=$(grep -c . /proc/self/mountinfo)
	for ((i = 0; i < n; i++)); do
		name=nsctz$i
		note "USER=$name"
		note "UID=$((b + i))"
		retry useradd -M -d /nonexistent/nscell-it -u "$((b + i))" -U \
			-G "$EXEC_GROUP" -s /bin/sh "$name" 2>>"$T/useradd.err" || break
		made+=("$name")
	done
	if [ "${#made[@]}" != "$n" ]; then
		for name in "${made[@]}"; do userdel "$name" >/dev/null 2>&1; done
		skip "creating $n users failed at nsctz${#made[@]}: $(tail -n 1 "$T/useradd.err")"
		return
	fi
	# Each user once, the default template, 25 at a time.
	for ((i = 0; i < n; i++)); do
		setpriv --reuid="$((b + i))" --regid="$((b + i))" --groups="$EXEC_GID" -- \
			env -i PATH="$SAFE_PATH" HOME=/ "$NS" -- /bin/true \
			</dev/null >/dev/null 2>>"$T/z.err" &
		pids+=($!)
		if [ "${#pids[@]}" = 25 ]; then
			for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
			pids=()
		fi
	done
	for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
	hs=0
	local f hp why=""
	for ((i = 0; i < n; i++)); do
		f=$T/lsns/$((b + i))/record
		hp=$(sed -n 's/^holder //p' "$f" 2>/dev/null)
		if [ -n "$hp" ] && alive "$hp"; then
			hs=$((hs + 1))
		elif [ "$(grep -c . <<<"$why")" -lt 4 ]; then
			why="$why
#     uid $((b + i)): $(if [ -e "$f" ]; then echo "holder $hp gone ($(grep -m1 State "/proc/$hp/status" 2>/dev/null | tr -s '\t ' ' '), wait status $(awk '{ print $NF }' "/proc/$hp/stat" 2>/dev/null))"; else echo "no record: $(ls "$T/lsns/$((b + i))" 2>&1 | tr '\n' ' ')"; fi)"
		fi
	done
	local h_after s_after
	h_after=$(grep -c . /proc/1/mountinfo) s_after=$(grep -c . /proc/self/mountinfo)
	local r=0
	[ "$bad" = 0 ] || fail "$bad launches failed: $(sort "$T/z.err" | uniq -c | head -n 3)" || r=1
	[ "$hs" = "$n" ] || fail "$hs live persisted sets, want $n:$why" || r=1
	if [ "$hs" != "$n" ]; then
		for hp in $(holders); do
			[ -n "$(children_of "$hp")" ] && fail "holder $hp has children: $(for c in $(children_of "$hp"); do printf '%s(%s %s) ' "$c" "$(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | head -c 40)" "$(grep -m1 State "/proc/$c/status" | tr -s '\t ' ' ')"; done)"
		done
	fi
	[ "$h_after" = "$h_before" ] && [ "$s_after" = "$s_before" ] ||
		fail "mountinfo lines: host $h_before -> $h_after, ours $s_before -> $s_after" || r=1
	um -a -t 5
	[ "$RC" = 0 ] || fail "unmount_ns -a: $(ctx)" || r=1
	[ -z "$(find "$T/lsns" -name record)" ] || fail "records left after -a" || r=1
	for ((i = 0; i < n; i++)); do
		retry userdel "nsctz$i" >/dev/null 2>&1
	done
	for ((i = 0; i < n; i++)); do
		getent passwd "nsctz$i" >/dev/null && { fail "nsctz$i not removed"; r=1; break; }
	done
	return "$r"
}

# -------------------------------------------------------- 12: cmd_ns ---

cmdns() {	# cmdns ARGS...: run the copy of cmd_ns as root
	timeout -k 3 20 env -i PATH="$SAFE_PATH" HOME=/root LANG=C \
		"$CMD_NS" "$@" </dev/null >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

t_cmdns_runs_command() {
	reset_user nsct_a
	cmdns -u nsct_a -f "$TD/pers.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
}

# cmd_ns enters the same set as nscell for the same user and template.
t_cmdns_joins_users_set() {
	local h
	reset_user nsct_a
	ONESHOT=()
	nsc nsct_a -v -f "$TD/pers.tmpl" -- true
	h=$(v_holder)
	cmdns -u nsct_a -v -f "$TD/pers.tmpl" -- id -un
	expect_rc 0 && err_has "^nscell: joined the persisted sandbox \(holder pid $h\)$" &&
		expect_out nsct_a
	reset_user nsct_a
}

# An admin's cmd_ns -s VHOST -- ps ax lists what other launches run in the
# user's set (issue 12); a launch's own view is unchanged: nscell's ps
# there lists its own processes only (hidepid and a Landlock domain per
# launch, persist/adminproc.c).
t_cmdns_ps_shows_set() {
	local u=nsct_a reaper sl
	command -v ps >/dev/null || skip "no ps (procps) on the host" || return
	reset_user "$u"
	ONESHOT=()
	spawn "$u" -s plain -f "$TD/pers.tmpl" -- sleep 67
	reaper=$SPAWN_REAPER
	sl=$(wait_child_comm "$SPAWN_PID" sleep) || fail "no sleep" || return
	nsc "$u" -s plain -f "$TD/pers.tmpl" -- ps ax -o args=
	expect_rc 0 && out_has '^ps ax' && out_lacks 'sleep' ||
		fail "a launch's ps: $(ctx)" || return
	cmdns -u "$u" -s plain -f "$TD/pers.tmpl" -- ps ax -o pid=,args=
	expect_rc 0 && out_has '^ *[0-9]+ sleep 67$' && out_has '^ *1 ' ||
		fail "cmd_ns's ps: $(ctx)" || return
	# The other launch's environment stays its own (ptrace access).
	cmdns -u "$u" -s plain -f "$TD/pers.tmpl" -- sh -c \
		'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = sleep ] && exec cat $p/environ; done; echo nosleep'
	[ "$RC" != 0 ] && ! grep -q HOME <<<"$OUT" ||
		fail "cmd_ns read the other launch's environ: $(ctx)" || return
	kill -KILL "$sl"
	wait "$reaper" 2>/dev/null
	reset_user "$u"
}

# The same python TIOCSTI under script(1): succeeds as the user outside any
# sandbox (control), fails under cmd_ns (new session, no controlling tty).
t_cmdns_tiocsti_fails() {
	local ctl inside
	[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ] ||
		skip "dev.tty.legacy_tiocsti is 0: TIOCSTI fails everywhere, no control" ||
		return
	ctl=$(env -i PATH="$SAFE_PATH" SHELL=/bin/sh timeout -k 3 20 script -qec \
		"setpriv --reuid=nsct_a --regid=${GID_OF[nsct_a]} --init-groups -- /usr/bin/python3 $T/mark/sti.py" \
		/dev/null </dev/null 2>&1 | tr -d '\r')
	grep -q '^#*TIOCSTI ok$' <<<"$ctl" && grep -q '^ctty yes$' <<<"$ctl" ||
		skip "control: TIOCSTI does not work as a user under script here: $(tr '\n' '|' <<<"$ctl")" ||
		return
	inside=$(env -i PATH="$SAFE_PATH" SHELL=/bin/sh timeout -k 3 20 script -qec \
		"$CMD_NS -u nsct_a -f $TD/pers.tmpl -- /usr/bin/python3 /mark/sti.py" \
		/dev/null </dev/null 2>&1 | tr -d '\r')
	grep -Eq '^TIOCSTI failed errno (1|5)$' <<<"$inside" &&
		grep -q '^ctty no errno 6$' <<<"$inside" && ! grep -q '#' <<<"$inside" ||
		fail "under cmd_ns: $(tr '\n' '|' <<<"$inside") (control: $(tr '\n' '|' <<<"$ctl"))"
	reset_user nsct_a
}

t_cmdns_root_only() {
	local rc
	as_user nsct_a "$CMD_NS" -u nsct_a -- true >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 125 ] && grep -q 'only root' "$T/err" ||
		fail "a user ran cmd_ns: exit $rc, $(cat "$T/err")"
}

# ---------------------------------------------------------------- end ---

t_teardown_all() {
	um -a -k -t 5
	expect_rc 0 || return 1
	[ -z "$(find "$T/lsns" -name record)" ] || fail "records left" || return
	no_strays_within 30 || fail "holders left: $(stray_holders | tr '\n' ' ')"
}

# --------------------------------------------------------------- suite ---

suite_tests() {
	run_test "join: 2nd launch has the 1st's six namespaces (-v joined, same record file)" t_join_same_namespaces
	run_test "holder: alive, root ids, no capability, no_new_privs" t_holder_has_no_privileges
	run_test "join: through the pidfd, and through /proc (older kernels)" t_join_through_proc
	run_test "groups cache: refreshed by a join after /etc/group changed" t_groups_cache_refreshed
	run_test "primary gid changed: the set is rebuilt, not joined and refused" t_primary_gid_change_rebuilds
	run_test "concurrency: 64 first launches, 1 built, 1 record, 1 holder" t_concurrent_first_launches
	run_test "a new holder survives its launch's exit while slow to commit (strace delay)" t_holder_survives_slow_commit
	run_test "unmount_ns -u: a set whose holder died is not 'still used' by another set" t_unmount_dead_holder_not_busy
	run_test "test hooks: production binary has none, ignores the variable" t_kill_points_absent_in_production
	run_test "kill -9 at locked (first build)" t_kill_locked_fresh
	run_test "kill -9 at locked (rebuild over a live set)" t_kill_locked_rebuild
	run_test "kill -9 at holder-mid-build (first build)" t_kill_holder_mid_build_fresh
	run_test "kill -9 at holder-mid-build (rebuild over a live set)" t_kill_holder_mid_build_rebuild
	run_test "kill -9 at holder-built (first build)" t_kill_holder_built_fresh
	run_test "kill -9 at holder-built (rebuild over a live set)" t_kill_holder_built_rebuild
	run_test "kill -9 at before-publish (first build)" t_kill_before_publish_fresh
	run_test "kill -9 at before-publish (rebuild over a live set)" t_kill_before_publish_rebuild
	run_test "kill -9 at before-commit (first build)" t_kill_before_commit_fresh
	run_test "kill -9 at before-commit (rebuild over a live set)" t_kill_before_commit_rebuild
	run_test "fake set: record's holder -> root's unshare set, refused, rebuilt" t_fake_root_holder
	run_test "fake set: record names a user-made set (user-owned userns), refused, rebuilt" t_fake_user_set
	run_test "template change: instance 2, old sleep stays in instance 1, old holder exits after" t_template_change_new_instance
	run_test ".lsns_reload: rebuilt, file removed" t_reload_file
	run_test ".lsns_reload -> root's file: link removed, target kept" t_reload_symlink_to_root_file
	run_test "holder killed with SIGKILL: next launch rebuilds" t_holder_killed_rebuilds
	run_test "bind-try socket replaced on the host: rebuilt, connects to the new server" t_socket_replaced_rebuilds
	run_test "orphans: nscell -v killed while stderr is a full FIFO leaves no root holder" t_no_orphan_holder_full_fifo
	run_test "orphans: a copy from a FIFO is refused at once, no holder left" t_copy_from_fifo_refused
	run_test "maxSetsPerUser 4: 100 vhosts of one user, at most 4 holders, LRU retired, all busy refused" t_max_sets_per_user
	run_test "rlimits: a set built under each lowered limit works; the command gets the caller's limit" t_rlimits_build_and_restore
	run_test "rlimits: a hard limit too low is raised, or refused with 125 before any build" t_rlimits_hard
	run_test "unmount_ns: 50 workers, -t 2 detaches (exit 2, their pids), -k kills, -l" t_unmount_busy_set
	run_test "unmount_ns -u: server-level and vhost sets" t_unmount_user
	run_test "unmount_ns -u -s: only that vhost" t_unmount_vhost_only
	run_test "unmount_ns -u UID: a user removed with userdel" t_unmount_uid_after_userdel
	run_test "unmount_ns -a: every user" t_unmount_all
	run_test "unmount_ns -l: columns, PROCS, gone" t_unmount_list
	run_test "unmount_ns -l -J: the listing as JSON" t_unmount_list_json
	run_test "unmount_ns -k: the processes die" t_unmount_kill
	run_test "unmount_ns -v: locking and removed lines" t_unmount_verbose
	run_test "unmount_ns: root only" t_unmount_root_only
	run_test "unmount_ns: 31 sets removed leave nothing in the store" t_unmount_tidy
	run_test "unmount_ns: a typo in nscell.conf is a warning; lists and removes" t_unmount_config_typo
	run_test "unmount_ns, cmd_ns: -h, --help, --version for anybody" t_unmount_help
	run_test "unmount_ns: holders no record names, of this persistDir only" t_unmount_unrecorded
	run_test "idleTimeout: the next launch retires idle sets, not busy or its own" t_idle_expiry_by_launch
	run_test "unmount_ns --expire: idle sets, not held ones; dead holders' records" t_unmount_expire
	run_test "launch log: one line per launch, escaped, no environment, rate-limited" t_launch_log
	run_test "200 users persisted: host mountinfo +0 lines" t_mounts_200_users
	run_test "cmd_ns: runs a command as the user" t_cmdns_runs_command
	run_test "cmd_ns: joins the set nscell built" t_cmdns_joins_users_set
	run_test "cmd_ns -s: ps ax shows the set's processes; a launch's ps only its own" t_cmdns_ps_shows_set
	run_test "cmd_ns: TIOCSTI fails inside (succeeds outside, control)" t_cmdns_tiocsti_fails
	run_test "cmd_ns: root only" t_cmdns_root_only
	run_test "teardown: unmount_ns -a -k leaves no record, no holder" t_teardown_all
	run_test "leak: no sandbox holder left running" t_no_leaked_holders
}

integration_main "$@"
