#!/bin/bash
# Test functions are called indirectly, through run_test; "A && B || fail"
# chains are meant (fail returns 1); sh -c scripts are single-quoted on
# purpose; ls only describes a failure:
# shellcheck disable=SC2317,SC2016,SC2015,SC2012
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The sandboxed command's seccomp filter and nested user namespaces
# (issue 15): real namespaces, a real setuid copy, real (temporary) users.
#
#   tests/integration/seccomp.sh NSCELL_BINARY
#
# Each test has a control that shows the attack works without the
# defence: the same probe in a vhost with "seccomp off" and
# "allowUserNamespaces 1", or as root without the filter.  The probe,
# helpers/scprobe.c, makes every refused call with arguments the kernel
# itself would refuse with anything but EPERM.
#
# The harness (root check, private mount namespace, /etc overlay, config,
# users, leak checks, TAP-like output and the summary line) is lib.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" || exit 1

HELPERS=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/helpers" && pwd)
SEC=""		# $T/sec: the probe, bound read-only at /sec inside
SCF=$CONF_DIR/sc	# the FILEs (root-owned, on the config tmpfs)

# Every call of the default list and of the user namespace rules, as
# scprobe names them, and what the filter answers.
REFUSED="io_uring_setup io_uring_enter io_uring_register add_key keyctl
request_key bpf perf_event_open ptrace process_vm_readv process_vm_writev
kcmp pidfd_getfd userfaultfd mbind set_mempolicy get_mempolicy move_pages
migrate_pages syslog modify_ldt uselib personality tiocsti tiocsti_hi
tioclinux unshare clone x32"

suite_setup() {
	command -v cc >/dev/null || { echo "# setup: cc is missing" >&2; return 1; }
	SEC=$T/sec
	mkdir -m 0755 "$SEC" || return 1
	cc -O2 -o "$SEC/scprobe" "$HELPERS/scprobe.c" 2>"$T/cc.log" || {
		sed 's/^/#   /' "$T/cc.log" >&2
		return 1
	}
	chmod 0755 "$SEC/scprobe"
	mkdir -m 0755 "$SCF" || return 1
	mkb sc <<EOF
$SEC /sec,ro-bind
/etc/hosts,ro-bind-try
/etc/nsswitch.conf,ro-bind-try
EOF
	std_conf
}

# This suite's standard config: lib.sh's, with its template and the
# vhosts of these tests (run_test restores it after a test that sets
# CONF_DIRTY).
eval "$(declare -f std_conf | sed '1s/^std_conf/lib_std_conf/')"
std_conf() {
	lib_std_conf "namespaceConf $TD/sc.tmpl" \
		"vhost scoff {" "	seccomp off" "	allowUserNamespaces 1" "}" \
		"vhost scfile {" "	seccomp $SCF/uring.conf" "}" \
		"vhost scbad {" "	seccomp $SCF/bad.conf" "}" \
		"vhost scnouser {" "	seccomp off" "}" \
		"vhost scnons {" "	namespace 1" "}" \
		"$@"
}

# mksc NAME: a FILE from stdin, root-owned 0644.
mksc() {
	cat >"$SCF/$1" && chown root:root "$SCF/$1" && chmod 0644 "$SCF/$1"
}

# result NAME: what the last probe printed for NAME.
result() { sed -n "s/^$1 //p" <<<"$OUT"; }

# expect_all CODE NAMES...: every NAME answered CODE.
expect_all() {
	local want=$1 n got bad=""
	shift
	for n in "$@"; do
		got=$(result "$n")
		[ "$got" = "$want" ] || bad="$bad $n=${got:-missing}"
	done
	[ -z "$bad" ] || fail "expected $want from:$bad; $(ctx)"
}

# expect_none CODE NAMES...: no NAME answered CODE.
expect_none() {
	local not=$1 n got bad=""
	shift
	for n in "$@"; do
		got=$(result "$n")
		{ [ -n "$got" ] && [ "$got" != "$not" ]; } || bad="$bad $n=${got:-missing}"
	done
	[ -z "$bad" ] || fail "expected anything but $not from:$bad; $(ctx)"
}

# The calls the kernel lets this machine's tenants make, so that EPERM
# without the filter would be the kernel's own refusal: everything but
# the sysctl-gated ones that say so here.
reachable() {
	local n
	for n in $REFUSED; do
		case $n in
		io_uring_*) [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ] || continue ;;
		syslog) [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 0 ] || continue ;;
		# Kernels before 6.x check unprivileged_bpf_disabled first.
		bpf) [ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled)" = 0 ] || continue ;;
		*) ;;
		esac
		echo "$n"
	done
}

# ---------------------------------------------------------------- tests ---

t_sc_every_call_refused() {
	# One-shot sandbox (-n): the filter compiled for this launch.
	nsc nsct_a -- /sec/scprobe
	expect_rc 0 || return 1
	# shellcheck disable=SC2086
	expect_all EPERM $REFUSED || return 1
	expect_all ENOSYS clone3 || return 1
	# What stays allowed: PER_LINUX, other ioctls.
	expect_all ok personality0 && expect_all EBADF tcgets || return 1
	# Control: the same calls where the filter is off.
	nsc nsct_a -s scoff -- /sec/scprobe
	expect_rc 0 || return 1
	# shellcheck disable=SC2046
	expect_none EPERM $(reachable) clone3
}

t_sc_status() {
	nsc nsct_a -- /sec/scprobe -s
	expect_rc 0 && out_has '^Seccomp:[[:space:]]+2$' &&
		out_has '^Seccomp_filters:[[:space:]]+1$' || return 1
	nsc nsct_a -s scoff -- /sec/scprobe -s
	expect_rc 0 && out_has '^Seccomp:[[:space:]]+0$'
}

# The stored filter, loaded by root (who has every capability): the
# calls a tenant could not make anyway (bpf, syslog here) are refused by
# the filter itself.  Control: root without it.
t_sc_stored_filter_as_root() {
	local d f
	ONESHOT=()
	nsc nsct_b -v -- true
	expect_rc 0 && err_has 'built a persisted sandbox' || return 1
	d=$(set_dir nsct_b)
	f=$d/filter
	[ -f "$f" ] && [ "$(stat -c '%u %a' "$f")" = "0 600" ] ||
		fail "no root-owned 0600 $f: $(ls -la "$d" 2>&1 | tr '\n' '|')" || return
	OUT=$("$SEC/scprobe" -f "$f" 2>&1)
	RC=$?
	expect_rc 0 || return 1
	# shellcheck disable=SC2086
	expect_all EPERM $REFUSED && expect_all ENOSYS clone3 || return 1
	OUT=$("$SEC/scprobe" 2>&1)
	# shellcheck disable=SC2086
	expect_none EPERM $REFUSED clone3
}

# A join loads the set's stored filter: the second launch joins and is
# filtered like the first.
t_sc_join_filtered() {
	local h
	ONESHOT=()
	nsc nsct_b -v -- /sec/scprobe -s
	expect_rc 0 || return 1
	h=$(v_holder)
	nsc nsct_b -v -- /sec/scprobe
	expect_rc 0 && err_has "joined the persisted sandbox \(holder pid $h\)" ||
		return 1
	# shellcheck disable=SC2086
	expect_all EPERM $REFUSED && expect_all ENOSYS clone3 || return 1
	nsc nsct_b -v -- /sec/scprobe -s
	expect_rc 0 && err_has 'joined' && out_has '^Seccomp:[[:space:]]+2$' &&
		out_has '^Seccomp_filters:[[:space:]]+1$'
}

t_sc_unshare_refused() {
	local c
	for c in "unshare -U true" "unshare -r true" "unshare -Urm true"; do
		nsc nsct_a -- sh -c "$c 2>&1; echo rc=\$?"
		expect_rc 0 && out_lacks '^rc=0$' || return 1
	done
	# Inside the set's user namespace nobody may create one below.
	nsc nsct_a -- cat /proc/sys/user/max_user_namespaces
	expect_rc 0 && expect_out 0 || return 1
	# seccomp off, allowUserNamespaces 0: the sysctl alone holds, and
	# the user namespace rules are still loaded.
	nsc nsct_a -s scnouser -- sh -c 'unshare -Ur id -u 2>&1; echo rc=$?;
		cat /proc/sys/user/max_user_namespaces; /sec/scprobe unshare'
	expect_rc 0 && out_lacks '^rc=0$' && out_has '^0$' &&
		out_has '^unshare EPERM$' || return 1
	# Control: allowUserNamespaces 1.
	nsc nsct_a -s scoff -- sh -c 'unshare -Urm id -u; echo rc=$?'
	expect_rc 0 && expect_out '0
rc=0'
}

t_sc_grandchild() {
	nsc nsct_a -- sh -c 'sh -c "/sec/scprobe -s; /sec/scprobe io_uring_setup keyctl tiocsti"'
	expect_rc 0 && out_has '^Seccomp:[[:space:]]+2$' &&
		expect_all EPERM io_uring_setup keyctl tiocsti || return 1
	nsc nsct_a -s scoff -- sh -c 'sh -c "/sec/scprobe io_uring_setup keyctl"'
	expect_rc 0 && expect_none EPERM io_uring_setup keyctl
}

# x32: the 0x40000000 bit on x86_64 (control: without the filter the
# kernel answers ENOSYS or runs it).
t_sc_x32() {
	[ "$(uname -m)" = x86_64 ] || skip "$(uname -m): no x32 ABI" || return
	nsc nsct_a -s scoff -- /sec/scprobe x32
	expect_rc 0 && expect_none EPERM x32 || return 1
	nsc nsct_a -- /sec/scprobe x32
	expect_rc 0 && expect_all EPERM x32
}

# i386: int $0x80 from a 64-bit process, where the machine runs it.
t_sc_i386() {
	local ctl
	[ "$(uname -m)" = x86_64 ] || skip "$(uname -m): no i386 ABI" || return
	nsc nsct_a -s scoff -- /sec/scprobe i386
	expect_rc 0 || return 1
	ctl=$(result i386)
	[ "$ctl" = ok ] || skip "int \$0x80 gives '$ctl' here even without a filter (no 32-bit entry on this machine)" || return
	nsc nsct_a -- /sec/scprobe i386
	expect_rc 0 && expect_all EPERM i386
}

# Software nobody on the team wrote, under the default filter.
t_sc_workloads() {
	local py=""
	[ -x /usr/bin/python3 ] && py=/usr/bin/python3
	nsc nsct_a -- sh -c '
		set -e
		echo hi | tr a-z A-Z
		ls / | sort | head -n 1 >/dev/null
		stat -c %U /mark >/dev/null; date -u +%Y >/dev/null
		cat /etc/passwd | wc -l >/dev/null
		ps -e -o pid,comm | grep -q scprobe || ps -e -o comm | grep -qx sh
		echo coreutils-ps-ok'
	expect_rc 0 && out_has '^HI$' && out_has '^coreutils-ps-ok$' || return 1
	[ -n "$py" ] || skip "python3 is not installed" || return
	nsc nsct_a -- "$py" -c '
import os, subprocess, threading, tempfile, socket, hashlib, json
r = []
t = [threading.Thread(target=lambda i=i: r.append(i)) for i in range(8)]
[x.start() for x in t]; [x.join() for x in t]
p = subprocess.run(["sh", "-c", "echo sub"], capture_output=True, text=True)
with tempfile.TemporaryFile(dir="/mark") as f:
    f.write(b"x"); f.seek(0); f.read()
s = socket.socketpair(); s[0].send(b"y"); s[1].recv(1)
print("py-ok", len(r), p.stdout.strip(), socket.getaddrinfo("localhost", 80)[0][0] is not None)'
	expect_rc 0 && expect_out 'py-ok 8 sub True'
}

# "seccomp off" and a FILE allowing io_uring change their vhost only.
t_sc_per_vhost() {
	mksc uring.conf <<EOF
# io_uring for this vhost; and one call more refused
allow @io_uring
deny uname
EOF
	nsc nsct_a -s scfile -- /sec/scprobe io_uring_setup io_uring_enter keyctl ptrace
	expect_rc 0 && expect_none EPERM io_uring_setup io_uring_enter &&
		expect_all EPERM keyctl ptrace || return 1
	nsc nsct_a -s scfile -- sh -c 'uname >/dev/null 2>&1; echo rc=$?'
	expect_rc 0 && expect_out 'rc=1' || return 1
	nsc nsct_a -s scoff -- /sec/scprobe io_uring_setup keyctl
	expect_rc 0 && expect_none EPERM io_uring_setup keyctl || return 1
	# The server level and another vhost keep the default.
	nsc nsct_a -- /sec/scprobe io_uring_setup
	expect_rc 0 && expect_all EPERM io_uring_setup || return 1
	nsc nsct_a -s plain -- sh -c '/sec/scprobe io_uring_setup; uname >/dev/null && echo up'
	expect_rc 0 && expect_all EPERM io_uring_setup && out_has '^up$'
}

# A bad FILE: FILE:LINE:COL, exit 125, nothing runs; also for a name
# the kernel does not know, and for a FILE that is not root's.
t_sc_bad_file() {
	mksc bad.conf <<EOF
# fine
allow @debug
deny  kcmp fork nonsense-name
EOF
	nsc nsct_a -s scbad -- touch "$(marker scbad1)"
	expect_refused scbad1 "^nscell: $SCF/bad.conf:3:17: bad system call name 'nonsense-name'$" ||
		return 1
	mksc bad.conf <<EOF
deny read
deny no_such_call
EOF
	nsc nsct_a -s scbad -- touch "$(marker scbad2)"
	expect_refused scbad2 "^nscell: $SCF/bad.conf:2:6: unknown system call 'no_such_call'$" ||
		return 1
	mksc bad.conf <<EOF
allow open
EOF
	nsc nsct_a -s scbad -- touch "$(marker scbad3)"
	expect_refused scbad3 "^nscell: $SCF/bad.conf:1:7: open: the default list does not deny it$" ||
		return 1
	mksc bad.conf <<EOF
allow ptrace
EOF
	chown nsct_a "$SCF/bad.conf"
	nsc nsct_a -s scbad -- touch "$(marker scbad4)"
	expect_refused scbad4 "^nscell: $SCF/bad.conf: the file is not owned by root$" ||
		return 1
	rm -f "$SCF/bad.conf"
	nsc nsct_a -s scbad -- touch "$(marker scbad5)"
	expect_refused scbad5 "^nscell: $SCF/bad.conf: No such file or directory$" ||
		return 1
	# Control: a good FILE runs.
	mksc bad.conf <<EOF
allow ptrace
EOF
	nsc nsct_a -s scbad -- touch "$(marker scbad6)"
	expect_rc 0 && [ -e "$T/mark/scbad6" ] || fail "control did not run; $(ctx)"
}

# A set built under another policy is rebuilt, never joined with its
# old filter (or none).
t_sc_rebuild_on_change() {
	local h1 h2 h3
	ONESHOT=()
	std_conf "vhost scchg {" "	seccomp off" "	allowUserNamespaces 1" "}"
	CONF_DIRTY=1
	nsc nsct_c -v -s scchg -- /sec/scprobe io_uring_setup
	expect_rc 0 && err_has 'built a persisted' &&
		expect_none EPERM io_uring_setup || return 1
	h1=$(v_holder)
	nsc nsct_c -v -s scchg -- true
	err_has "joined the persisted sandbox \(holder pid $h1\)" || return 1
	# The filter on: rebuilt, and filtered.
	std_conf "vhost scchg {" "	allowUserNamespaces 1" "}"
	nsc nsct_c -v -s scchg -- /sec/scprobe io_uring_setup unshare
	expect_rc 0 && err_has 'built a persisted' &&
		expect_all EPERM io_uring_setup && expect_none EPERM unshare || return 1
	h2=$(v_holder)
	[ "$h2" != "$h1" ] || fail "same holder $h1 after the change" || return
	# allowUserNamespaces 0: rebuilt again, nested user ns closed.
	std_conf "vhost scchg {" "}"
	nsc nsct_c -v -s scchg -- sh -c '/sec/scprobe unshare; cat /proc/sys/user/max_user_namespaces'
	expect_rc 0 && err_has 'built a persisted' && expect_all EPERM unshare &&
		out_has '^0$' || return 1
	h3=$(v_holder)
	[ "$h3" != "$h2" ] || fail "same holder $h2 after allowUserNamespaces changed"
}

# The stored filter gone, or another record's: the set is rebuilt, not
# joined unfiltered.
t_sc_missing_filter_rebuilds() {
	local d h1
	ONESHOT=()
	nsc nsct_c -v -- true
	expect_rc 0 || return 1
	h1=$(v_holder)
	d=$(set_dir nsct_c)
	rm -f "$d/filter" || return 1
	nsc nsct_c -v -- /sec/scprobe io_uring_setup
	expect_rc 0 && err_has 'built a persisted' && expect_all EPERM io_uring_setup ||
		return 1
	[ "$(v_holder)" != "$h1" ] || fail "joined $h1 without its filter" || return
	# A filter written for another instance is not taken either.
	h1=$(v_holder)
	rewrite_record "$d" instance 77
	nsc nsct_c -v -- /sec/scprobe io_uring_setup
	expect_rc 0 && err_has 'built a persisted' && expect_all EPERM io_uring_setup
}

# namespace 1: no sandbox, still the filter.
t_sc_without_namespaces() {
	nsc nsct_a -s scnons -- sh -c "$SEC/scprobe -s; $SEC/scprobe io_uring_setup unshare clone3"
	expect_rc 0 && out_has '^Seccomp:[[:space:]]+2$' &&
		expect_all EPERM io_uring_setup unshare && expect_all ENOSYS clone3
}

suite_tests() {
	run_test "seccomp: every call of the default list refused with EPERM, clone3 ENOSYS (control: seccomp off)" t_sc_every_call_refused
	run_test "seccomp: one filter in the command (control: none with seccomp off)" t_sc_status
	run_test "seccomp: the stored filter refuses them as root too (control: root without it)" t_sc_stored_filter_as_root
	run_test "seccomp: a join loads the set's filter" t_sc_join_filtered
	run_test "userns: unshare -U, -r, -Urm fail; max_user_namespaces 0 (control: allowUserNamespaces 1)" t_sc_unshare_refused
	run_test "seccomp: a grandchild is filtered" t_sc_grandchild
	run_test "seccomp: an x32 system call is refused (control: seccomp off)" t_sc_x32
	run_test "seccomp: an i386 system call is refused (control: seccomp off)" t_sc_i386
	run_test "seccomp: sh, coreutils, ps, python3 (threads, subprocess, DNS) run" t_sc_workloads
	run_test "seccomp: off and a FILE allowing io_uring apply to their vhost only" t_sc_per_vhost
	run_test "seccomp: a bad FILE is FILE:LINE:COL, 125, nothing runs" t_sc_bad_file
	run_test "seccomp: a set built under another filter or allowUserNamespaces is rebuilt" t_sc_rebuild_on_change
	run_test "seccomp: a set whose filter is missing or another's is rebuilt" t_sc_missing_filter_rebuilds
	run_test "seccomp: namespace 1 launches are filtered too" t_sc_without_namespaces
	run_test "leak: no sandbox holder left running" t_no_leaked_holders
}

integration_main "$@"
