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
#   tests/integration/persist.sh NSCELL_BINARY [SOURCE_DIR]
#
# unmount_ns and cmd_ns must be built next to NSCELL_BINARY.  The crash
# tests need a second nscell built with -DNSCELL_TESTING=ON (kill points):
# this script configures and builds it itself from SOURCE_DIR (default: the
# tree this script is in) in a build directory inside its work dir, which is
# removed at the end; that binary is never installed.
#
# The harness (root check, private mount namespace, work dir, config,
# users, leak checks, TAP-like output and the summary line) is lib.sh,
# shared with run.sh.  Exit status: 0 iff nothing failed; 77 when not root.

# shellcheck source=tests/integration/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" || exit 1

# The source tree this script is in (resolved before the inner part's cd /).
DEFAULT_SRC=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
NST=""			# setuid copy of the NSCELL_TESTING build (kill points)
CMD_NS=""		# copy of cmd_ns
KILL_POINTS=(locked holder-mid-build holder-built before-publish before-commit)

# ---------------------------------------------------------------- setup ---

suite_setup() {
	local bin=$1 src=${2:-} b
	[ -n "$src" ] || src=$DEFAULT_SRC
	if [ -z "$UNMOUNT_NS" ] || [ ! -x "$(dirname -- "$bin")/cmd_ns" ]; then
		echo "# setup: unmount_ns and cmd_ns must be built next to $bin" >&2
		return 1
	fi
	cp -- "$(dirname -- "$bin")/cmd_ns" "$T/bin/cmd_ns" &&
		chmod 0755 "$T/bin/cmd_ns" || return 1
	CMD_NS=$T/bin/cmd_ns

	# The test-only build, with the same configuration path.
	if ! { cmake -S "$src" -B "$T/build-testing" -DNSCELL_TESTING=ON \
		-DNSCELL_CONF_PATH="$CONF" >"$T/build-testing.log" 2>&1 &&
		cmake --build "$T/build-testing" --target nscell \
			-j "$(nproc 2>/dev/null || echo 2)" \
			>>"$T/build-testing.log" 2>&1; }; then
		echo "# setup: building the NSCELL_TESTING binary failed:" >&2
		tail -n 20 "$T/build-testing.log" | sed 's/^/#   /' >&2
		return 1
	fi
	cp -- "$T/build-testing/nscell" "$T/bin/nscell-testing" &&
		chown root:root "$T/bin/nscell-testing" &&
		chmod 4755 "$T/bin/nscell-testing" || return 1
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
	[ -n "$s1" ] && [ "$g1" = "${GID_OF[$u]},$(getent group nsct_g | cut -d: -f3)" ] ||
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
	CONF_DIRTY=1
	std_conf "maxSetsPerUser 4" "${lines[@]}"
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

# lim_launch USER SPEC ARGS...: nscell as USER under the prlimit SPEC,
# set by prlimit(1) just before nscell itself (setpriv and env(1) would
# run under it too, and may not survive a 16 KiB stack).
lim_launch() {
	local who=$1 spec=$2
	shift 2
	timeout -k 3 20 setpriv --reuid="$who" --regid="${GID_OF[$who]}" \
		--init-groups -- env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$who]}" \
		prlimit "--$spec" "$NS" "$@" </dev/null >"$T/out" 2>"$T/err"
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
}

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
		# Soft limit only (prlimit's "N:" keeps the hard one).  A
		# static checker with no output: the command runs under the
		# caller's limits too (a 16 KiB stack is too small for some
		# shell tools; RLIMIT_FSIZE 0 and stdout is a file).  Exit 0
		# iff the caller's limit is back.
		lim_launch "$u" "${res}=${want}:" -v -f "$TD/pers.tmpl" -- \
			/mark/limchk "$field" "$want"
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
	lim_launch "$u" stack=16384:16384 -f "$TD/pers.tmpl" -- cat /proc/self/limits
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

list_row() {	# list_row UID VHOST: the -l row of a set, blanks squeezed
	tr -s ' ' <<<"$OUT" | awk -v u="$1" -v v="$2" '$1 == u && $3 == v'
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
	[ "$(awk '{ print $2, $4, $7 }' <<<"$row")" = "$u 1 50" ] ||
		fail "-l before: '$row', want user $u, instance 1, 50 procs" || return
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
	um -l
	[ -z "$(list_row "$uid" -)" ] || fail "-l still lists the detached set" || return
	# A detached set is out of unmount_ns's reach (no record): -k applies
	# to a recorded one.  The next launch builds a new set: 50 more.
	spawn_workers "$u" 62 || fail "no 50 new workers" || return
	r2=$SPAWN_REAPER
	um -l
	[ "$(awk '{ print $4, $7 }' <<<"$(list_row "$uid" -)")" = "1 50" ] ||
		fail "-l: '$(list_row "$uid" -)', want instance 1 (new after removal) with 50 procs" ||
		return
	um -u "$u" -k -t 2
	expect_rc 0 || return 1
	[ "$MS" -lt 4000 ] || fail "unmount_ns -k -t 2 took $MS ms" || return
	[ -z "$(pids_of "$u" 'sleep 62')" ] ||
		fail "-k left $(pids_of "$u" 'sleep 62' | grep -c .) workers" || return
	um -l
	[ -z "$(list_row "$uid" -)" ] || fail "-l after -k: $(list_row "$uid" -)" || return
	# The detached set: its holder goes once its workers have.
	[ "$(pids_of "$u" 'sleep 61' | grep -c .)" = 50 ] || fail "-k hit the detached set" ||
		return
	# shellcheck disable=SC2046
	kill -KILL $(pids_of "$u" 'sleep 61') 2>/dev/null
	wait "$r1" "$r2" 2>/dev/null
	gone_within "$h1" 50 || fail "the detached holder $h1 outlived its workers"
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
	[ "$(head -n 1 <<<"$OUT" | tr -s ' ')" = "UID USER VHOST INSTANCE BUILT HASH PROCS MEMORY TASKS CPU" ] ||
		fail "header: $(head -n 1 <<<"$OUT")" || return
	row=$(list_row "$uid" -)
	[ "$(awk '{ print $2, $4, $6, $7 }' <<<"$row")" = "$u 1 $(rec "$(set_dir "$u")" hash) 1" ] &&
		awk '{ print $5 }' <<<"$row" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}$' ||
		fail "server row: '$row'" || return
	row=$(list_row "$uid" plain)
	[ "$(awk '{ print $2, $4, $7 }' <<<"$row")" = "$u 1 0" ] ||
		fail "vhost row: '$row'" || return
	kill -KILL "$sl" "$HV"
	wait "$reaper" 2>/dev/null
	gone_within "$HV" 30
	um -l
	[ "$(awk '{ print $7 }' <<<"$(list_row "$uid" plain)")" = gone ] &&
		[ "$(awk '{ print $7 }' <<<"$(list_row "$uid" -)")" = 0 ] ||
		fail "after killing: $(list_row "$uid" - | tr '\n' '|') $(list_row "$uid" plain)" ||
		return
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
			-s /bin/sh "$name" 2>>"$T/useradd.err" || break
		made+=("$name")
	done
	if [ "${#made[@]}" != "$n" ]; then
		for name in "${made[@]}"; do userdel "$name" >/dev/null 2>&1; done
		skip "creating $n users failed at nsctz${#made[@]}: $(tail -n 1 "$T/useradd.err")"
		return
	fi
	# Each user once, the default template, 25 at a time.
	for ((i = 0; i < n; i++)); do
		setpriv --reuid="$((b + i))" --regid="$((b + i))" --clear-groups -- \
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
	run_test "unmount_ns -a: every user" t_unmount_all
	run_test "unmount_ns -l: columns, PROCS, gone" t_unmount_list
	run_test "unmount_ns -k: the processes die" t_unmount_kill
	run_test "unmount_ns -v: locking and removed lines" t_unmount_verbose
	run_test "unmount_ns: root only" t_unmount_root_only
	run_test "200 users persisted: host mountinfo +0 lines" t_mounts_200_users
	run_test "cmd_ns: runs a command as the user" t_cmdns_runs_command
	run_test "cmd_ns: joins the set nscell built" t_cmdns_joins_users_set
	run_test "cmd_ns: TIOCSTI fails inside (succeeds outside, control)" t_cmdns_tiocsti_fails
	run_test "cmd_ns: root only" t_cmdns_root_only
	run_test "teardown: unmount_ns -a -k leaves no record, no holder" t_teardown_all
	run_test "leak: no sandbox holder left running" t_no_leaked_holders
}

integration_main "$@"
