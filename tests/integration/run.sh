#!/bin/bash
# Test functions are called indirectly, through run_test:
# shellcheck disable=SC2317
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Privileged integration tests of nscell: real namespaces, a real setuid
# binary, real (temporary) users.
#
#   tests/integration/run.sh NSCELL_BINARY
#
# Needs root (exit 77 = skipped otherwise).  The outer part runs in the
# caller's mount namespace: it records the host's mounts, re-executes this
# script inside a private mount namespace (unshare --mount --propagation
# private), and afterwards checks that nothing leaked (mounts, users,
# files) and prints the summary.  The inner part builds the work dir, the
# setuid copy, an overlay over /etc (so the test users and the config
# never reach the host's /etc), the config on a tmpfs over /etc/nscell, the
# test users, and runs the tests.
#
# Output: TAP-like "ok N - name" / "not ok N - name" (+ "#   why" lines),
# "# SKIP name: reason" for what cannot be tested here, and as the last
# line "N passed, M failed" (", K skipped" appended when K > 0).
# Exit status: 0 iff nothing failed.
#
# The harness (outer and inner parts, fixtures, helpers, runner) is in
# lib.sh, shared with persist.sh; this file holds the tests.

# shellcheck source=tests/integration/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" || exit 1

CMD_NS=""		# copy of cmd_ns, when built next to the binary

# A copy of cmd_ns for its environment test, when there is one to copy.
suite_setup() {
	local c
	c=$(dirname -- "$1")/cmd_ns
	[ -x "$c" ] || return 0
	cp -- "$c" "$T/bin/cmd_ns" && chmod 0755 "$T/bin/cmd_ns" || return 1
	CMD_NS=$T/bin/cmd_ns
	EXTRA_BINS+=("$CMD_NS")
}

# ---------------------------------------------------- template commands ---

t_ro_bind_content() {
	mkb robind <<EOF
$T/data /data,ro-bind
EOF
	nsc nsct_a -f "$TD/robind.tmpl" -- cat /data/hello.txt
	expect_rc 0 && expect_out hello
}

t_ro_bind_erofs() {
	nsc nsct_a -f "$TD/robind.tmpl" -- sh -c \
		'touch /data/new 2>&1; echo "rc=$?"'
	expect_rc 0 && out_has 'Read-only file system' && out_has '^rc=1$'
}

t_ro_bind_recursive() {
	# ro-bind is read-only recursively: a writable mount below the
	# source (a tmpfs at $T/data/sub in our namespace) stays read-only.
	local rc
	mkdir -p "$T/data/rsub"
	mount -t tmpfs -o mode=0777,size=1m nscell-it-rsub "$T/data/rsub" ||
		return 1
	mkb robindrec <<EOF
$T/data /data,ro-bind
EOF
	nsc nsct_a -f "$TD/robindrec.tmpl" -- sh -c \
		'touch /data/rsub/x 2>&1; echo "rc=$?"'
	umount "$T/data/rsub"
	rc=0
	expect_rc 0 && out_has 'Read-only file system' || rc=1
	rmdir "$T/data/rsub"
	return "$rc"
}

t_try_missing_skipped() {
	mkb trymiss <<EOF
/nonexistent/nscell-it /zz,ro-bind-try
/nonexistent/nscell-it2 /zz2,bind-try
/nonexistent/nscell-it3 /zz3,copy-try
EOF
	nsc nsct_a -v -f "$TD/trymiss.tmpl" -- sh -c \
		'test -e /zz || test -e /zz2 || test -e /zz3 || echo absent'
	expect_rc 0 && expect_out absent &&
		err_has "^nscell: $TD/trymiss.tmpl:12: ro-bind-try /nonexistent/nscell-it /zz: skipped: source does not exist$" &&
		err_has "^nscell: $TD/trymiss.tmpl:13: .*skipped: source does not exist$" &&
		err_has "^nscell: $TD/trymiss.tmpl:14: .*skipped: source does not exist$"
}

t_nontry_missing_refused() {
	mkb nontry <<EOF
/nonexistent/nscell-it /zz,ro-bind
EOF
	nsc nsct_a -f "$TD/nontry.tmpl" -- touch "$(marker nontry)"
	expect_refused nontry "^nscell: $TD/nontry.tmpl:12:[0-9]+: "
}

t_verbose_lines() {
	nsc nsct_a -v -f "$TD/robind.tmpl" -- true
	expect_rc 0 &&
		err_has "^nscell: $TD/robind.tmpl:1: ro-bind /usr /usr: done$" &&
		err_has "^nscell: $TD/robind.tmpl:12: ro-bind $(ere_quote "$T")/data /data: done$"
}

t_bind_writable() {
	rm -f "$T/rw/fromin"
	mkb bindrw <<EOF
$T/rw /rw,bind
EOF
	nsc nsct_a -f "$TD/bindrw.tmpl" -- sh -c 'echo written >/rw/fromin'
	expect_rc 0 || return 1
	[ "$(cat "$T/rw/fromin" 2>/dev/null)" = written ] ||
		fail "file not written through the bind"
	[ "$(stat -c %u "$T/rw/fromin")" = "${UID_OF[nsct_a]}" ] ||
		fail "file not owned by the user"
}

t_bind_nodev() {
	mkb bindnodev <<EOF
/dev/null /dn,bind
EOF
	nsc nsct_a -f "$TD/bindnodev.tmpl" -- sh -c \
		'echo x 2>&1 >/dn; echo "rc=$?"'
	expect_rc 0 && out_has '^rc=[1-9]' && out_has 'Permission denied'
}

t_dev_bind_keeps_devices() {
	mkb devbind <<EOF
/dev/null /dn,dev-bind
/dev/zero /dz,dev-bind
EOF
	nsc nsct_a -f "$TD/devbind.tmpl" -- sh -c \
		'echo x >/dn && head -c 4 /dz | od -An -tx1 | tr -d " "'
	expect_rc 0 && expect_out 00000000
}

t_bind_nosuid() {
	# Positive control first: the copy of id really is setuid on the host.
	local host
	host=$(as_user nsct_a "$T/suid/id" -u)
	[ "$host" = 0 ] || skip "setuid copy of id does not work on the host ($host)" ||
		return
	mkb nosuid <<EOF
$T/suid /suid,ro-bind
EOF
	nsc nsct_a -f "$TD/nosuid.tmpl" -- /suid/id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
}

t_copy_mode_owner() {
	mkb copy <<EOF
$T/cp/c604 /etc/c604,copy
EOF
	nsc nsct_a -f "$TD/copy.tmpl" -- sh -c \
		'stat -c "%a %u" /etc/c604; cat /etc/c604'
	expect_rc 0 && expect_out "604 ${UID_OF[nsct_a]}
copyme"
}

t_copy_is_read_only() {
	nsc nsct_a -f "$TD/copy.tmpl" -- sh -c \
		'echo changed 2>&1 >/etc/c604; echo "rc=$?"; cat /etc/c604'
	expect_rc 0 && out_has '^rc=[1-9]' && out_has '^copyme$' || return 1
	[ "$(cat "$T/cp/c604")" = copyme ] || fail "the source changed"
}

t_copy_unreadable_refused() {
	mkb copy600 <<EOF
$T/cp/c600 /etc/c600,copy
EOF
	nsc nsct_a -f "$TD/copy600.tmpl" -- touch "$(marker copy600)"
	expect_refused copy600 "^nscell: $TD/copy600.tmpl:12:[0-9]+: .*(Permission denied|EACCES)"
}

t_tmp_outlives_launch() {
	local d=${HOME_OF[nsct_a]}/.lsns/tmp
	rm -rf "${HOME_OF[nsct_a]}/.lsns"
	mkb tmp <<EOF
/tmp,tmp
EOF
	nsc nsct_a -f "$TD/tmp.tmpl" -- sh -c 'echo kept >/tmp/kept'
	expect_rc 0 || return 1
	[ -d "$d" ] || fail "$d missing" || return
	[ "$(stat -c '%u %a' "$d")" = "${UID_OF[nsct_a]} 700" ] ||
		fail "$d is $(stat -c '%u %a' "$d"), want ${UID_OF[nsct_a]} 700" ||
		return
	[ "$(stat -c %u "${HOME_OF[nsct_a]}/.lsns")" = "${UID_OF[nsct_a]}" ] ||
		fail ".lsns not owned by the user" || return
	[ "$(cat "$d/kept" 2>/dev/null)" = kept ] || fail "file not in $d" ||
		return
	nsc nsct_a -f "$TD/tmp.tmpl" -- cat /tmp/kept
	expect_rc 0 && expect_out kept
}

t_tmp_then_bind_its_dir() {
	# Ops apply strictly in file order (issue 11): tmp creates
	# ~/.lsns/tmp on the host, and a later op binds it.  The first build
	# opened that source before tmp had run, and failed (125).
	rm -rf "${HOME_OF[nsct_a]}/.lsns"
	mkb tmpbind <<EOF
/tmp,tmp
\$HOMEDIR/.lsns/tmp /scratch,bind
EOF
	nsc nsct_a -f "$TD/tmpbind.tmpl" -- sh -c 'echo x >/tmp/a; cat /scratch/a'
	expect_rc 0 && expect_out x
}

t_tmp_vhost_name() {
	local d=${HOME_OF[nsct_a]}/.lsns/tmp.plain
	nsc nsct_a -s plain -f "$TD/tmp.tmpl" -- sh -c 'echo vh >/tmp/vh'
	expect_rc 0 || return 1
	[ "$(cat "$d/vh" 2>/dev/null)" = vh ] || fail "no $d/vh" || return
	[ "$(stat -c '%u %a' "$d")" = "${UID_OF[nsct_a]} 700" ] ||
		fail "$d is $(stat -c '%u %a' "$d")"
}

t_tmp_no_home_fallback() {
	# PERSISTDIR/tmp/UID/@ (@: the server level; a vhost uses its name).
	local d=$T/lsns/tmp/${UID_OF[nsct_n]}/@
	nsc nsct_n -f "$TD/tmp.tmpl" -- sh -c 'echo nohome >/tmp/f; pwd'
	expect_rc 0 && expect_out / || return 1
	[ "$(cat "$d/f" 2>/dev/null)" = nohome ] || fail "no $d/f" || return
	[ "$(stat -c '%u %a' "$d")" = "${UID_OF[nsct_n]} 700" ] ||
		fail "$d is $(stat -c '%u %a' "$d")" || return
	[ "$(stat -c '%u %a' "$T/lsns/tmp/${UID_OF[nsct_n]}")" = "0 700" ] ||
		fail "$T/lsns/tmp/UID not root-owned 0700"
}

t_tmp_symlinked_lsns_refused() {
	# A user who plants ~/.lsns -> elsewhere must not get tmp made there
	# (nor root writing through it).
	local h=${HOME_OF[nsct_a]} rc=0
	rm -rf "$h/.lsns"
	as_user nsct_a ln -s "$T/mark" "$h/.lsns"
	nsc nsct_a -f "$TD/tmp.tmpl" -- sh -c 'echo x >/tmp/viasym'
	[ ! -e "$T/mark/tmp" ] || fail "tmp was made through the symlink ~/.lsns" || rc=1
	rm -f "$h/.lsns"
	rm -rf "$T/mark/tmp"
	return "$rc"
}

t_tmpfs_writable() {
	mkb tmpfs <<EOF
/scratch,tmpfs
EOF
	nsc nsct_a -f "$TD/tmpfs.tmpl" -- sh -c \
		'echo x >/scratch/f && stat -c "%u" /scratch && stat -f -c %T /scratch && stat -f -c "%b %S" /scratch'
	expect_rc 0 || return 1
	local l3
	l3=$(sed -n 3p <<<"$OUT")
	[ "$(sed -n 1,2p <<<"$OUT")" = "${UID_OF[nsct_a]}
tmpfs" ] || fail "owner/type: $(ctx)" || return
	[ "$(( ${l3% *} * ${l3#* } ))" = $((64 * 1024 * 1024)) ] ||
		fail "size is not 64 MiB: $l3 (blocks, block size)"
}

t_hide_dir_and_file() {
	mkb hide <<EOF
$T/data /data,ro-bind
!/data/secretdir
!/data/secret.txt
EOF
	nsc nsct_a -f "$TD/hide.tmpl" -- sh -c \
		'ls -A /data/secretdir | wc -l; wc -c </data/secret.txt; cat /data/hello.txt'
	expect_rc 0 && expect_out "0
0
hello"
}

t_hide_missing_skipped() {
	mkb hidemiss <<EOF
!/nonexistent/nscell-it
EOF
	nsc nsct_a -v -f "$TD/hidemiss.tmpl" -- true
	expect_rc 0 && err_has "hidemiss.tmpl:12: .*skipped: not in the sandbox"
}

t_proc_only_sandbox() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'echo "pid $$"; ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\n" " "'
	expect_rc 0 && out_has '^pid 2$' || return 1
	local p
	for p in $(sed -n 2p <<<"$OUT" | tr ' ' '\n'); do
		[ "$p" -lt 10 ] || fail "pid $p visible in /proc" || return
	done
	out_lacks '(^| )1 '
}

t_proc_hidepid() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'grep -E " /proc " /proc/self/mountinfo'
	expect_rc 0 && out_has 'hidepid=(invisible|2)'
}

t_dev_works() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'echo x >/dev/null && head -c 16 /dev/urandom | wc -c && test -d /dev/pts && echo pts && stat -c %a /dev/shm && touch /dev/shm/x && echo shm && readlink /dev/fd'
	expect_rc 0 && expect_out "16
pts
1777
shm
/proc/self/fd"
}

# The nodes of "dev": made with mknod (no mount each), or, when the
# launch has no CAP_MKNOD (here: dropped from the bounding set, as a
# systemd unit with PrivateDevices= does), the host's nodes bound.  Same
# devices either way.
t_dev_nodes() {
	local want="/dev/null 1 3 666 character special file
/dev/zero 1 5 666 character special file
/dev/full 1 7 666 character special file
/dev/random 1 8 666 character special file
/dev/urandom 1 9 666 character special file
/dev/tty 5 0 666 character special file" cmd
	cmd='for n in null zero full random urandom tty; do stat -c "%n %t %T %a %F" /dev/$n; done; grep -c " /dev/null " /proc/self/mountinfo'
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c "$cmd"
	expect_rc 1 && expect_out "$want
0" || return 1
	NSC_WRAP=(setpriv --bounding-set=-mknod)
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c "$cmd"
	NSC_WRAP=()
	expect_rc 0 && expect_out "$want
1"
}

# Binds into one directory reuse its walk (mounts.c); an op that mounts on
# that directory itself must end the reuse: the next bind lands on the new
# mount, not on the directory now hidden beneath it.
t_bind_after_mount_over_parent() {
	mkb overparent <<EOF
$T/data /opt/x/a,ro-bind
$T/data2 /opt/x/b,ro-bind
/opt/x,tmpfs
$T/data2 /opt/x/c,ro-bind
$T/data2 /opt/y/a,ro-bind
$T/data /opt/y,ro-bind
$T/data2 /opt/y/secretdir,ro-bind
EOF
	nsc nsct_a -f "$TD/overparent.tmpl" -- sh -c \
		'ls /opt/x; cat /opt/x/c/two.txt; ls /opt/y/secretdir'
	expect_rc 0 && expect_out "c
data2
two.txt"
}

t_dev_read_only() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'touch /dev/newfile 2>&1; echo "rc=$?"'
	expect_rc 0 && out_has '^rc=1$'
}

t_remount_ro_bind() {
	mkb remountro <<EOF
$T/rw /rw,bind
/rw,remount-ro
EOF
	nsc nsct_a -f "$TD/remountro.tmpl" -- sh -c \
		'touch /rw/x 2>&1; echo "rc=$?"'
	expect_rc 0 && out_has 'Read-only file system' && out_has '^rc=1$'
}

t_remount_ro_subdir() {
	# remount-ro of a path that is not a mount: only that subtree.
	rm -f "$T/rw/ok" "$T/rw/sub/x"
	mkb remountsub <<EOF
$T/rw /rw,bind
/rw/sub,remount-ro
EOF
	nsc nsct_a -f "$TD/remountsub.tmpl" -- sh -c \
		'touch /rw/sub/x 2>&1; echo "sub=$?"; touch /rw/ok; echo "top=$?"'
	expect_rc 0 && out_has 'Read-only file system' && out_has '^sub=1$' &&
		out_has '^top=0$'
	rm -f "$T/rw/ok"
}

t_remount_ro_check_listing() {
	# remount-ro after a mount of the same destination in one template:
	# both ops must stay in the effective list, in order.
	nsc nsct_a --check -f "$TD/remountro.tmpl"
	expect_rc 0 && out_has "^$TD/remountro.tmpl:12: bind $(ere_quote "$T")/rw /rw$" &&
		out_has "^$TD/remountro.tmpl:13: remount-ro /rw$"
}

t_remount_ro_other_mount() {
	# remount-ro of a mount root made by another op (/dev/shm by dev).
	mkb remountshm <<EOF
/dev/shm,remount-ro
EOF
	nsc nsct_a -f "$TD/remountshm.tmpl" -- sh -c \
		'touch /dev/shm/x 2>&1; echo "rc=$?"'
	expect_rc 0 && out_has 'Read-only file system' && out_has '^rc=1$'
}

t_remount_ro_tmpfs() {
	mkb remounttmpfs <<EOF
/scratch,tmpfs
/scratch,remount-ro
EOF
	nsc nsct_a -f "$TD/remounttmpfs.tmpl" -- sh -c \
		'touch /scratch/x 2>&1; echo "rc=$?"'
	expect_rc 0 && out_has 'Read-only file system'
}

t_symlink() {
	mkb symlink <<EOF
/usr/bin /ubin,symlink
EOF
	nsc nsct_a -f "$TD/symlink.tmpl" -- sh -c 'readlink /ubin; ls /ubin/sh'
	expect_rc 0 && expect_out "/usr/bin
/ubin/sh"
}

t_symlink_conflict_refused() {
	mkb symconf <<EOF
/cdir/sub,dir
/elsewhere /cdir,symlink
EOF
	nsc nsct_a -f "$TD/symconf.tmpl" -- touch "$(marker symconf)"
	expect_refused symconf "^nscell: $TD/symconf.tmpl:13:[0-9]+: .*exists"
}

t_dest_through_symlink_refused() {
	mkb destsym <<EOF
/tmp,tmpfs
../tmp /var/tmp,symlink
$T/rw /var/tmp/x,bind
EOF
	nsc nsct_a -f "$TD/destsym.tmpl" -- touch "$(marker destsym)"
	expect_refused destsym "^nscell: $TD/destsym.tmpl:14:[0-9]+: .*symlink"
}

# A -try op whose destination is a symlink inside the sandbox's own tree
# (the spec's "/usr/local/bin/msmtp /usr/sbin/exim,ro-bind-try" on Debian,
# where /usr/sbin/exim -> exim4) mounts on what the link leads to,
# resolved inside the sandbox; it used to abort the launch.
xsbin_fixture() {
	rm -rf "$T/xsbin" "$T/xalt"
	mkdir -m 0755 "$T/xsbin" "$T/xalt" || return 1
	echo real-exim >"$T/xsbin/exim4"
	ln -s exim4 "$T/xsbin/exim"
	# Absolute: resolved from the sandbox's root, not the host's.
	ln -s /xsbin/exim4 "$T/xalt/mta"
	# Climbs above the root: clamped there, never out of the sandbox.
	ln -s "../../../../../../../..$T/data/hello.txt" "$T/xalt/up"
}

t_try_dest_symlink_resolved() {
	xsbin_fixture || return 1
	mkb trydsym <<EOF
$T/xsbin /xsbin,ro-bind
$T/data/hello.txt /xsbin/exim,ro-bind-try
EOF
	nsc nsct_a -v -f "$TD/trydsym.tmpl" -- sh -c \
		'cat /xsbin/exim4; readlink /xsbin/exim'
	expect_rc 0 && expect_out "hello
exim4" && err_has "trydsym.tmpl:13: ro-bind-try .* /xsbin/exim: done" &&
		{ [ "$(cat "$T/xsbin/exim4")" = real-exim ] ||
			fail "the host's file changed"; }
}

t_try_dest_symlink_absolute_in_sandbox() {
	xsbin_fixture || return 1
	mkb trydabs <<EOF
$T/xsbin /xsbin,ro-bind
$T/xalt /xalt,ro-bind
$T/data/hello.txt /xalt/mta,ro-bind-try
$T/data/secret.txt /xalt/up,ro-bind-try
EOF
	# /xalt/up leads to $T/data/hello.txt of the sandbox, which does
	# not exist there: skipped, and the host's file is not reached.
	nsc nsct_a -v -f "$TD/trydabs.tmpl" -- sh -c \
		"cat /xsbin/exim4; test -e '$T/data/hello.txt' || echo not-in-sandbox"
	expect_rc 0 && expect_out "hello
not-in-sandbox" &&
		err_has "trydabs.tmpl:14: .*/xalt/mta: done" &&
		{ err_has "trydabs.tmpl:15: .*/xalt/up: skipped: destination symlink leads nowhere" || fail "$(grep trydabs.tmpl:1[3-9] "$T/err")"; } &&
		{ [ "$(cat "$T/data/hello.txt")" = hello ] ||
			fail "the host's file changed"; }
}

t_try_dest_symlink_into_ro_bind() {
	# The link leads into a read-only bind where the mount point cannot
	# be made: skipped with that reason, not refused with the first
	# attempt's symlink message.
	rm -rf "$T/xro"
	mkdir -m 0755 -p "$T/xro/sub" && ln -s sub "$T/xro/lnk" || return 1
	mkb trydro <<EOF
$T/xro /xro,ro-bind
$T/data/hello.txt /xro/lnk/f,ro-bind-try
EOF
	nsc nsct_a -v -f "$TD/trydro.tmpl" -- ls /xro/sub
	expect_rc 0 && expect_out "" &&
		err_has "trydro.tmpl:13: .*/xro/lnk/f: skipped: destination symlink leads into a read-only or foreign directory" &&
		{ [ ! -e "$T/xro/sub/f" ] || fail "made on the host"; }
}

t_try_dest_under_symlink_created() {
	# The default template's /var/tmp -> ../tmp: a -try bind below it
	# lands in the sandbox's /tmp, its mount point made there.
	mkb trydvt <<EOF
/tmp,tmpfs
../tmp /var/tmp,symlink
$T/rw /var/tmp/x,bind-try
EOF
	nsc nsct_a -f "$TD/trydvt.tmpl" -- cat /tmp/x/which
	expect_rc 0 && expect_out rw-content
}

t_try_dest_copy_symlink() {
	xsbin_fixture || return 1
	mkb trydcp <<EOF
$T/xsbin /xsbin,ro-bind
$T/data/hello.txt /xsbin/exim,copy-try
EOF
	nsc nsct_a -f "$TD/trydcp.tmpl" -- cat /xsbin/exim4
	expect_rc 0 && expect_out hello
}

t_try_dest_user_symlink_skipped() {
	# A link the user made in its own home is never followed: the -try
	# op is skipped, the non-try op still refused.
	local h=${HOME_OF[nsct_a]} rc=0
	rm -f "$h/dlink"
	ln -s /usr/bin "$h/dlink" && chown -h nsct_a: "$h/dlink" || return 1
	mkb trydusr <<EOF
\$HOMEDIR,bind
$T/data/hello.txt \$HOMEDIR/dlink/env,ro-bind-try
EOF
	nsc nsct_a -v -f "$TD/trydusr.tmpl" -- sh -c '/usr/bin/env true && echo env-intact'
	expect_rc 0 && expect_out env-intact &&
		err_has "trydusr.tmpl:13: .*skipped: destination path has an untrusted symlink" || rc=1
	if [ "$rc" = 0 ]; then
		mkb trydusr2 <<EOF
\$HOMEDIR,bind
$T/data/hello.txt \$HOMEDIR/dlink/env,ro-bind
EOF
		nsc nsct_a -f "$TD/trydusr2.tmpl" -- touch "$(marker trydusr2)"
		expect_refused trydusr2 "^nscell: $TD/trydusr2.tmpl:13:[0-9]+: .*symlink" || rc=1
	fi
	rm -f "$h/dlink"
	return "$rc"
}

t_bind_into_private_home() {
	# nscell holds no CAP_DAC_OVERRIDE: a destination inside the user's
	# 0700 home (bound in) is looked up and made as the user.
	rm -rf "${HOME_OF[nsct_a]}/shared"
	mkb intohome <<EOF
\$HOMEDIR,bind
$T/data \$HOMEDIR/shared/data,ro-bind
EOF
	nsc nsct_a -f "$TD/intohome.tmpl" -- cat "${HOME_OF[nsct_a]}/shared/data/hello.txt"
	expect_rc 0 && expect_out hello || return 1
	[ "$(stat -c %u "${HOME_OF[nsct_a]}/shared")" = "${UID_OF[nsct_a]}" ] ||
		fail "shared/ not made as the user"
	rm -rf "${HOME_OF[nsct_a]}/shared"
}

t_dir() {
	mkb dir <<EOF
/a/b/c,dir
EOF
	nsc nsct_a -f "$TD/dir.tmpl" -- sh -c \
		'test -d /a/b/c && stat -c "%u %a" /a /a/b /a/b/c'
	expect_rc 0 && expect_out "$OVERFLOW_UID 755
$OVERFLOW_UID 755
$OVERFLOW_UID 755"
}

t_root_read_only_tmpfs() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'stat -f -c %T /; touch /newfile 2>&1; echo "rc=$?"'
	expect_rc 0 && out_has '^tmpfs$' && out_has 'Read-only file system'
}

t_mqueue() {
	mkb mqueue <<EOF
/mq,mqueue
EOF
	nsc nsct_a -f "$TD/mqueue.tmpl" -- sh -c \
		'grep " /mq " /proc/self/mountinfo; stat -f -c %T /mq'
	expect_rc 0 && out_has ' /mq .* - mqueue ' && out_has '^mqueue$'
}

ns_differs() {
	local ns=$1 host self
	host=$(readlink "/proc/1/ns/$ns")
	self=$(readlink "/proc/self/ns/$ns")
	nsc nsct_a -f "$TD/base.tmpl" -- readlink "/proc/self/ns/$ns"
	expect_rc 0 && out_has "^$ns:\[[0-9]+\]$" || return 1
	[ "$OUT" != "$host" ] || fail "same $ns namespace as the host: $OUT" ||
		return
	[ "$OUT" != "$self" ] || fail "same $ns namespace as the caller: $OUT"
}
t_ns_mnt() { ns_differs mnt; }
t_ns_pid() { ns_differs pid; }
t_ns_ipc() { ns_differs ipc; }
t_ns_uts() { ns_differs uts; }
t_ns_cgroup() { ns_differs cgroup; }
t_ns_user() { ns_differs user; }

t_userns_maps_only_target() {
	local u=${UID_OF[nsct_a]} g=${GID_OF[nsct_a]}
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //"'
	expect_rc 0 && expect_out "$u $u 1
$g $g 1"
}

t_no_unshare_user() {
	mkb nouserns <<EOF
no-unshare-user
/a,dir
EOF
	nsc nsct_a -f "$TD/nouserns.tmpl" -- sh -c \
		'readlink /proc/self/ns/user; stat -c %u /a; id -u; grep -E "^CapEff" /proc/self/status'
	expect_rc 0 || return 1
	expect_out "$(readlink /proc/self/ns/user)
0
${UID_OF[nsct_a]}
CapEff:	0000000000000000"
}

t_sysv_ipc_separate() {
	local id
	id=$(ipcmk -Q 2>/dev/null | grep -Eo '[0-9]+$') ||
		skip "ipcmk -Q failed" || return
	IPC_IDS+=("$id")
	ipcs -q | grep -Eq "^0x[0-9a-f]+ +$id " ||
		fail "control: queue $id not listed on the host" || return
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c 'ipcs -q | grep -c "^0x"'
	ipcrm -q "$id"
	expect_rc 1 && expect_out 0
}

t_id_whoami() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c 'id; whoami'
	expect_rc 0 &&
		out_has "^uid=${UID_OF[nsct_a]}\(nsct_a\) gid=${GID_OF[nsct_a]}\(nsct_a\)" &&
		out_has '^nsct_a$'
}

t_passwd_names() {
	mkb passwd <<EOF
\$PASSWD,root,nobody
EOF
	nsc nsct_a -f "$TD/passwd.tmpl" -- sh -c 'cut -d: -f1,3 /etc/passwd | sort'
	expect_rc 0 && expect_out "nobody:65534
nsct_a:${UID_OF[nsct_a]}
root:0" || return 1
	nsc nsct_a -f "$TD/passwd.tmpl" -- sh -c 'grep -c . /etc/shadow 2>&1; stat -c "%a" /etc/passwd'
	out_has '^644$'
}

t_passwd_only_user() {
	nsc nsct_a -f "$TD/base.tmpl" -- cat /etc/passwd
	expect_rc 0 && out_has "^nsct_a:x?:${UID_OF[nsct_a]}:${GID_OF[nsct_a]}:" &&
		out_lacks '^(root|nsct_b):' || return 1
	[ "$(grep -c . <<<"$OUT")" = 1 ] || fail "more than one line: $OUT"
}

t_group_names() {
	mkb group <<EOF
\$GROUP,root,nsct_g
EOF
	nsc nsct_d -f "$TD/group.tmpl" -- sh -c 'cut -d: -f1,3 /etc/group | sort'
	expect_rc 0 && out_has "^nsct_d:${GID_OF[nsct_d]}$" && out_has '^root:0$' &&
		out_has "^nsct_g:[0-9]+$" && out_lacks '^nsct_a:'
}

# A user that only a directory service knows (libnss-extrausers stands in
# for LDAP or SSSD: /var/lib/extrausers, named in nsswitch.conf).  nscell
# finds it, its supplementary group and the $PASSWD and $GROUP entries as
# glibc's NSS does; the static (musl) build asks getent(1) for them.
t_directory_user() {
	local u=nsct_x b=${UID_OF[nsct_a]} uid gid xg ok=1
	uid=$((b + 5)) gid=$((b + 6)) xg=$((b + 7))
	[ -e /usr/lib/libnss_extrausers.so.2 ] ||
		fail "libnss-extrausers is not installed" || return
	mount -t tmpfs -o mode=0755,size=1m nscell-it-xu /var/lib/extrausers ||
		fail "cannot mount over /var/lib/extrausers" || return
	cp /etc/nsswitch.conf "$T/nsswitch.saved"
	sed -i -e 's/^passwd:.*/passwd: files extrausers/' \
		-e 's/^group:.*/group: files extrausers/' /etc/nsswitch.conf
	echo "$u:x:$uid:$gid:Directory User:$H/$u:/bin/sh" >/var/lib/extrausers/passwd
	printf '%s\n' "$u:x:$gid:" "nsct_xg:x:$xg:$u" >/var/lib/extrausers/group
	chmod 0644 /var/lib/extrausers/passwd /var/lib/extrausers/group
	mkdir -m 0700 "$H/$u" && chown "$uid:$gid" "$H/$u"
	# Readable through the supplementary group alone (which shows as
	# the overflow gid inside: the user namespace maps only the target's).
	echo "for nsct_xg" >"$T/xgfile" && chown "root:$xg" "$T/xgfile" &&
		chmod 0640 "$T/xgfile"
	UID_OF[$u]=$uid GID_OF[$u]=$gid HOME_OF[$u]=$H/$u
	printf '%s\n' '$GROUP,nsct_xg' "$T/xgfile /xg,ro-bind" | mkb diruser
	nsc "$u" -f "$TD/diruser.tmpl" -- sh -c \
		"id -un; id -g; cat /xg; cat /etc/passwd; grep -c '^nsct_xg:x:$xg:$u\$' /etc/group"
	expect_rc 0 && expect_out "$u
$gid
for nsct_xg
$u:x:$uid:$gid:Directory User:$H/$u:/bin/sh
1" || ok=0
	rm -f "$T/xgfile"
	cp "$T/nsswitch.saved" /etc/nsswitch.conf
	rm -rf --one-file-system -- "${H:?}/$u"
	umount /var/lib/extrausers
	unset "UID_OF[$u]" "GID_OF[$u]" "HOME_OF[$u]"
	[ "$ok" = 1 ]
}

t_merge_vhost_override() {
	mkb server <<EOF
$T/data /data,ro-bind
$T/data2 /d2,ro-bind
EOF
	mkt vhadd <<EOF
$T/rw /data,bind
$T/exp /exp,ro-bind
EOF
	nsc nsct_a -f "$TD/server.tmpl" -2 "$TD/vhadd.tmpl" -- sh -c \
		'cat /data/which; cat /d2/two.txt; ls /exp | grep -c nsct_a; touch /data/mergew && echo writable'
	rm -f "$T/rw/mergew"
	expect_rc 0 && expect_out "rw-content
data2
1
writable"
}

t_merge_check_listing() {
	nsc nsct_a --check -f "$TD/server.tmpl" -2 "$TD/vhadd.tmpl"
	expect_rc 0 || return 1
	[ "$(grep -c ' /data$' <<<"$OUT")" = 1 ] ||
		fail "destination /data listed $(grep -c ' /data$' <<<"$OUT") times" ||
		return
	out_has "^$TD/vhadd.tmpl:1: bind $(ere_quote "$T")/rw /data$" &&
		out_has "^$TD/vhadd.tmpl:2: ro-bind $(ere_quote "$T")/exp /exp$" &&
		out_has "^$TD/server.tmpl:13: ro-bind $(ere_quote "$T")/data2 /d2$"
}

t_vhost_template_from_config() {
	nsc nsct_a -s v1 -f "$TD/base.tmpl" -- cat /vh1data/two.txt
	expect_rc 0 && expect_out data2 || return 1
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c 'test -e /vh1data || echo absent'
	expect_rc 0 && expect_out absent
}

t_namespaceconf_from_config() {
	mkb confns <<EOF
$T/data2 /fromconf,ro-bind
EOF
	std_conf "namespaceConf $TD/confns.tmpl"
	CONF_DIRTY=1
	nsc nsct_a -- cat /fromconf/two.txt
	expect_rc 0 && expect_out data2
}

t_relative_dest_symlink() {
	mkb reldest <<EOF
/tmp,tmpfs
/var,dir
../tmp var/tmp,symlink
EOF
	nsc nsct_a -f "$TD/reldest.tmpl" -- sh -c \
		'readlink /var/tmp; echo rel >/var/tmp/f; cat /tmp/f'
	expect_rc 0 && expect_out "../tmp
rel"
}

t_expansion() {
	mkb expand <<EOF
$T/exp/\$USER /eu,ro-bind
$T/exp/\$UID /ei,ro-bind
\$HOMEDIR /h,ro-bind
/x\$GID,dir
EOF
	nsc nsct_a -f "$TD/expand.tmpl" -- sh -c \
		'cat /eu/who /ei/who /h/homefile; test -d /x'"${GID_OF[nsct_a]}"' && echo gid'
	expect_rc 0 && expect_out "user nsct_a
uid ${UID_OF[nsct_a]}
home file
gid" || return 1
	nsc nsct_b -f "$TD/expand.tmpl" -- cat /eu/who /ei/who
	expect_rc 0 && expect_out "user nsct_b
uid ${UID_OF[nsct_b]}"
}

t_default_template() {
	nsc nsct_a -- sh -c 'id; ls /; cat /etc/passwd'
	expect_rc 0 && out_has "^uid=${UID_OF[nsct_a]}\(nsct_a\)" &&
		out_has '^usr$' && out_has '^proc$' && out_has '^tmp$' &&
		out_has "^nsct_a:" && out_lacks '^root:'
}

t_default_home_and_tmp() {
	rm -f "${HOME_OF[nsct_a]}/fromdefault"
	# shellcheck disable=SC2016
	nsc nsct_a -- sh -c \
		'pwd; echo d >"$HOME/fromdefault"; echo t >/tmp/deftmp; readlink /var/tmp'
	expect_rc 0 && expect_out "${HOME_OF[nsct_a]}
../tmp" || return 1
	[ -f "${HOME_OF[nsct_a]}/fromdefault" ] || fail "home not writable" ||
		return
	[ -f "${HOME_OF[nsct_a]}/.lsns/tmp/deftmp" ] || fail "/tmp not ~/.lsns/tmp"
}

t_default_check_count() {
	nsc nsct_a --check
	expect_rc 0 && out_has '^<default>:1: tmp /tmp$' &&
		out_has "^# 34 ops for nsct_a \(uid ${UID_OF[nsct_a]}\); namespaces enabled$"
}

# ----------------------------------------------------------- isolation ---

t_shadow_unreadable() {
	nsc nsct_a -- sh -c 'cat /etc/shadow >/dev/null 2>&1 || echo denied'
	expect_rc 0 && expect_out denied || return 1
	mkb etc <<EOF
/etc,ro-bind
EOF
	nsc nsct_a -f "$TD/etc.tmpl" -- sh -c 'test -e /etc/shadow && echo present; cat /etc/shadow 2>&1 >/dev/null'
	expect_rc 1 && out_has '^present$' && out_has 'Permission denied'
}

t_other_home_invisible() {
	nsc nsct_a -- sh -c "ls $H; test -e ${HOME_OF[nsct_b]} || echo absent"
	expect_rc 0 && expect_out "nsct_a
absent" || return 1
	mkb homes <<EOF
$H /homes,ro-bind
EOF
	nsc nsct_a -f "$TD/homes.tmpl" -- sh -c 'cat /homes/nsct_b/bfile 2>&1; ls /homes/nsct_b 2>&1'
	out_has 'Permission denied' && out_lacks "secret"
}

t_host_processes_invisible() {
	local pid
	setpriv --reuid=nsct_b --regid="${GID_OF[nsct_b]}" --init-groups -- \
		sleep 60 </dev/null >/dev/null 2>&1 &
	pid=$!
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c "ps -eo pid=,comm=; test -e /proc/$pid && echo visible"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	expect_rc 1 && out_lacks 'sleep' && out_lacks '^visible$' && out_has ' ps$'
}

t_caps_and_nonewprivs() {
	nsc nsct_a -f "$TD/base.tmpl" -- grep -E '^(CapInh|CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status
	expect_rc 0 && expect_out "CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000
CapAmb:	0000000000000000
NoNewPrivs:	1"
}

t_only_std_fds() {
	# No pipeline in sh: its pipe fds would show up in /proc/$$/fd.
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c 'ls /proc/$$/fd' \
		3</ 4<"$T" 5</sys/fs/cgroup
	OUT=$(sort -n <<<"$OUT" | tr '\n' ' ')
	expect_rc 0 && expect_out "0 1 2 "
}

t_cwd_from_proc_fd() {
	local rc=0
	(
		exec 3<"$T"
		cd /proc/self/fd/3 || exit 9
		nsc nsct_a -- sh -c 'pwd; readlink /proc/self/cwd; ls ..'
		printf '%s\n' "$RC" "$OUT" >"$T/cwdres"
		printf '%s\n' "$ERR" >"$T/cwderr"
	)
	RC=$(head -n 1 "$T/cwdres")
	OUT=$(tail -n +2 "$T/cwdres")
	ERR=$(cat "$T/cwderr")
	# ".." is the sandbox's view of the homes' parent (only this user's
	# home), not anything of $T where the caller stood.
	expect_rc 0 && out_has "^$(ere_quote "${HOME_OF[nsct_a]}")$" &&
		out_lacks '^(bin|data|mark|lsns)$' || rc=1
	[ "$rc" = 0 ] || return 1
	(
		exec 3<"$T"
		cd /proc/self/fd/3 || exit 9
		nsc nsct_a -d /tmp -- pwd
		printf '%s\n' "$RC" "$OUT" >"$T/cwdres"
		printf '%s\n' "$ERR" >"$T/cwderr"
	)
	RC=$(head -n 1 "$T/cwdres")
	OUT=$(tail -n +2 "$T/cwdres")
	ERR=$(cat "$T/cwderr")
	expect_rc 0 && expect_out /tmp
}

t_cwd_root_without_home() {
	nsc nsct_a -f "$TD/base.tmpl" -- pwd
	expect_rc 0 && expect_out /
}

# -------------------------------------------------------------- policy ---

t_marker_control() {
	# The marker mechanism the refusal tests rely on does work.
	nsc nsct_a -f "$TD/base.tmpl" -- touch "$(marker control)"
	expect_rc 0 || return 1
	[ -e "$T/mark/control" ] || fail "the marker was not made"
}

t_policy_user_other() {
	nsc nsct_a -u nsct_b -f "$TD/base.tmpl" -- touch "$(marker pol_other)"
	expect_refused pol_other "^nscell: uid ${UID_OF[nsct_a]} may not launch for another user: "
}

t_policy_user_self_u() {
	nsc nsct_a -u nsct_a -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
}

t_policy_below_minuid() {
	local low
	low=$(getent passwd daemon | cut -d: -f3)
	[ -n "$low" ] || skip "no 'daemon' user" || return
	nsc root -u daemon -f "$TD/base.tmpl" -- touch "$(marker pol_low)"
	expect_refused pol_low "below minUid"
}

t_policy_vhost_unconfigured() {
	# A plain caller may use only the vhosts of nscell.conf (issue 10:
	# one root holder per made-up name otherwise); allowCaller any.
	nsc nsct_a -s nosuch.example -f "$TD/base.tmpl" -- touch "$(marker pol_vh)"
	expect_refused pol_vh "may not use vhost nosuch.example: it is not configured" || return 1
	nsc nsct_a -s plain -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}" || return 1
	nsc nsct_c -u nsct_a -s nosuch.example -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
}

t_policy_option_twice() {
	nsc nsct_a -f "$TD/base.tmpl" -f "$TD/base.tmpl" -- touch "$(marker pol_twice)"
	expect_refused pol_twice "^nscell: -f: given more than once$"
}

t_policy_vhost_owner() {
	CONF_DIRTY=1
	std_conf "vhost owned.example {" "	owner nsct_b" "}" \
		"vhost owned2.example {" "	owner ${UID_OF[nsct_b]}" "}"
	local v
	for v in owned.example owned2.example; do
		nsc nsct_c -u nsct_a -s "$v" -f "$TD/base.tmpl" -- touch "$(marker pol_own)"
		expect_refused pol_own "belongs to another user" || return 1
		nsc nsct_a -s "$v" -f "$TD/base.tmpl" -- touch "$(marker pol_own)"
		expect_refused pol_own "belongs to another user" || return 1
		nsc nsct_c -u nsct_b -s "$v" -f "$TD/base.tmpl" -- id -u
		expect_rc 0 && expect_out "${UID_OF[nsct_b]}" || return 1
		nsc nsct_b -s "$v" -f "$TD/base.tmpl" -- id -u
		expect_rc 0 && expect_out "${UID_OF[nsct_b]}" || return 1
	done
	std_conf
}

t_policy_nobody_maxuid() {
	# allowCaller never targets nobody, nor uids above maxUid; root may
	# enter nobody's sandbox (cmd_ns's default user).
	nsc nsct_c -u nobody -f "$TD/base.tmpl" -- touch "$(marker pol_nobody)"
	expect_refused pol_nobody "nobody is never a target|above maxUid" || return 1
	nsc nsct_c -u "$OVERFLOW_UID" -f "$TD/base.tmpl" -- touch "$(marker pol_nobody)"
	expect_refused pol_nobody "nobody is never a target|above maxUid" || return 1
	nsc root -u nobody -f "$TD/base.tmpl" -- id -un
	expect_rc 0 && expect_out nobody || return 1
	CONF_DIRTY=1
	std_conf "maxUid $((UID_OF[nsct_b] - 1))"
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- touch "$(marker pol_max)"
	expect_refused pol_max "above maxUid" || return 1
	nsc nsct_c -u nsct_a -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
	std_conf
}

t_policy_root_name() {
	nsc root -u root -f "$TD/base.tmpl" -- touch "$(marker pol_root)"
	expect_refused pol_root "uid 0 is never a target"
}

t_policy_root_uid() {
	nsc root -u 0 -f "$TD/base.tmpl" -- touch "$(marker pol_zero)"
	expect_refused pol_zero "uid 0 is never a target"
}

t_policy_self_root() {
	# Root without -u targets itself: uid 0, refused.
	nsc root -f "$TD/base.tmpl" -- touch "$(marker pol_self_root)"
	expect_refused pol_self_root "uid 0 is never a target: name one with -u USER"
}

t_policy_unknown_user() {
	nsc root -u nsct_nosuchuser -f "$TD/base.tmpl" -- touch "$(marker pol_unk)"
	expect_refused pol_unk "unknown user"
}

t_policy_root_other_allowed() {
	nsc root -u nsct_b -f "$TD/base.tmpl" -- sh -c "id -u; touch $(marker pol_rootok)"
	expect_rc 0 && expect_out "${UID_OF[nsct_b]}" || return 1
	[ "$(stat -c %u "$T/mark/pol_rootok")" = "${UID_OF[nsct_b]}" ] ||
		fail "marker not made as nsct_b"
}

t_policy_allowcaller_user() {
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_b]}"
}

t_policy_allowcaller_group() {
	nsc nsct_d -u nsct_a -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
}

t_policy_allowcaller_not_root() {
	nsc nsct_c -u root -f "$TD/base.tmpl" -- touch "$(marker pol_acroot)"
	expect_refused pol_acroot "uid 0 is never a target" || return 1
	nsc nsct_c -u daemon -f "$TD/base.tmpl" -- touch "$(marker pol_aclow)"
	expect_refused pol_aclow "below minUid"
}

t_policy_user_owned_template() {
	base_lines | mkt userowned
	chown nsct_a "$TD/userowned.tmpl"
	nsc nsct_a -f "$TD/userowned.tmpl" -- touch "$(marker pol_uown)"
	expect_refused pol_uown "^nscell: $TD/userowned.tmpl: the file is not owned by root$"
}

t_policy_group_writable_template() {
	base_lines | mkt gw
	chmod 0664 "$TD/gw.tmpl"
	nsc nsct_a -f "$TD/gw.tmpl" -- touch "$(marker pol_gw)"
	expect_refused pol_gw "^nscell: $TD/gw.tmpl: the file is writable by group or others$"
}

t_policy_template_in_writable_dir() {
	mkdir -p "$CONF_DIR/wwdir" && chmod 1777 "$CONF_DIR/wwdir"
	base_lines >"$CONF_DIR/wwdir/x.tmpl"
	chmod 0644 "$CONF_DIR/wwdir/x.tmpl"
	nsc nsct_a -f "$CONF_DIR/wwdir/x.tmpl" -- touch "$(marker pol_wwdir)"
	expect_refused pol_wwdir "^nscell: $CONF_DIR/wwdir/x.tmpl: $CONF_DIR/wwdir is writable by others$"
}

# The refusal names the component that failed (issue 16), but only one
# the caller could have looked at itself: the walk is made as root.
t_policy_template_in_tmp() {
	local f r=0
	f=$(mktemp /tmp/nscell-it-tmpl.XXXXXX) || return 1
	base_lines >"$f" && chmod 0644 "$f"
	nsc nsct_a -f "$f" -- touch "$(marker pol_tmp)"
	rm -f -- "$f"
	expect_refused pol_tmp "^nscell: $(ere_quote "$f"): /tmp is writable by others$" || r=1
	# Root's 0700 directory, and in it one of nsct_b's.
	mkdir -m 0700 "$CONF_DIR/hid" && mkdir -m 0755 "$CONF_DIR/hid/sub" &&
		chown nsct_b: "$CONF_DIR/hid/sub" &&
		base_lines >"$CONF_DIR/hid/sub/x.tmpl" || return 1
	nsc nsct_a -f "$CONF_DIR/hid/sub/x.tmpl" -- touch "$(marker pol_hid)"
	expect_refused pol_hid "^nscell: $CONF_DIR/hid/sub/x.tmpl: must be a regular file owned by root" || r=1
	rm -rf -- "$CONF_DIR/hid"
	return "$r"
}

t_policy_template_symlink() {
	ln -sf base.tmpl "$TD/link.tmpl"
	nsc nsct_a -f "$TD/link.tmpl" -- touch "$(marker pol_sym)"
	expect_refused pol_sym "^nscell: $TD/link.tmpl: is a symlink$" || return 1
	ln -sfn t "$CONF_DIR/tlink"
	nsc nsct_a -f "$CONF_DIR/tlink/base.tmpl" -- touch "$(marker pol_symdir)"
	expect_refused pol_symdir "^nscell: $CONF_DIR/tlink/base.tmpl: $CONF_DIR/tlink is a symlink$"
}

t_policy_template_symlink_root_ok() {
	ln -sf base.tmpl "$TD/link.tmpl"
	nsc root -u nsct_a -f "$TD/link.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}"
}

t_policy_template_unreadable() {
	base_lines | mkt unread
	chmod 0600 "$TD/unread.tmpl"
	nsc nsct_a -f "$TD/unread.tmpl" -- touch "$(marker pol_unread)"
	expect_refused pol_unread "^nscell: $TD/unread.tmpl: Permission denied"
}

t_policy_template_relative() {
	nsc nsct_a -f base.tmpl -- touch "$(marker pol_rel)"
	expect_refused pol_rel "not an absolute path"
}

t_policy_config_group_writable() {
	CONF_DIRTY=1
	chmod 0664 "$CONF"
	nsc nsct_a -f "$TD/base.tmpl" -- touch "$(marker pol_confgw)"
	expect_refused pol_confgw "^nscell: $CONF: the file is writable by group or others$" || return 1
	nsc root -u nsct_a -f "$TD/base.tmpl" -- touch "$(marker pol_confgw2)"
	expect_refused pol_confgw2 "^nscell: $CONF: the file is writable by group or others$"
}

t_policy_config_user_owned() {
	CONF_DIRTY=1
	chown nsct_a "$CONF"
	nsc nsct_a -f "$TD/base.tmpl" -- touch "$(marker pol_confown)"
	expect_refused pol_confown "^nscell: $CONF: the file is not owned by root$"
}

t_policy_config_bad_syntax() {
	CONF_DIRTY=1
	std_conf "frobnicate yes"
	nsc nsct_a -f "$TD/base.tmpl" -- touch "$(marker pol_confsyn)"
	expect_refused pol_confsyn "^nscell: $CONF:[0-9]+:[0-9]+: "
}

t_config_missing_defaults() {
	CONF_DIRTY=1
	rm -f "$CONF"
	nsc nsct_a -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}" || return 1
	# allowCaller is gone with the file.
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- touch "$(marker pol_noconf)"
	expect_refused pol_noconf "may not launch" || return 1
	# A one-shot launch persists nothing, not even in the default
	# persistDir.
	[ ! -e "/var/lsns/${UID_OF[nsct_a]}" ] ||
		fail "/var/lsns/${UID_OF[nsct_a]} was made by a one-shot launch"
}

# -------------------------------------------------------- bad templates ---

bad_template() {
	# bad_template NAME "LINE:COL" REGEX  (template from stdin)
	local name=$1 pos=$2 re=$3
	{
		echo /usr,ro-bind
		cat
	} | mkt "$name"
	nsc nsct_a -f "$TD/$name.tmpl" -- touch "$(marker "$name")"
	expect_refused "$name" "^nscell: $TD/$name.tmpl:$pos: $re"
}

t_bad_unknown_command() {
	bad_template bad_cmd 2:6 "unknown command 'bnid'" <<<'/srv,bnid'
}

t_bad_unbalanced_quote() {
	bad_template bad_quote 2:1 "unbalanced quote" <<<'"/srv/a b,tmpfs'
}

t_bad_relative_source() {
	bad_template bad_rel 2:1 "relative source path 'usr'" <<<'usr,bind'
}

t_bad_dotdot_dest() {
	bad_template bad_dotdot 2:6 "'\.\.' is not allowed" <<<'/usr /a/../b,ro-bind'
}

t_bad_template_check() {
	nsc nsct_a --check -f "$TD/bad_cmd.tmpl"
	expect_rc 125 && err_has "^nscell: $TD/bad_cmd.tmpl:2:6: unknown command"
}

t_home_symlink_try_skipped() {
	mkb homesym <<EOF
\$HOMEDIR/etclink /hostetc,ro-bind-try
\$HOMEDIR/rootlink/ /hostroot,bind-try
EOF
	nsc nsct_a -v -f "$TD/homesym.tmpl" -- sh -c \
		'test -e /hostetc || test -e /hostroot || echo absent'
	expect_rc 0 && expect_out absent &&
		err_has "homesym.tmpl:12: .*skipped: source path has an untrusted symlink" &&
		err_has "homesym.tmpl:13: .*skipped: "
}

t_home_symlink_nontry_refused() {
	mkb homesym2 <<EOF
\$HOMEDIR/rootlink /hostroot,ro-bind
EOF
	nsc nsct_a -f "$TD/homesym2.tmpl" -- touch "$(marker homesym2)"
	expect_refused homesym2 "^nscell: $TD/homesym2.tmpl:12:[0-9]+: .*symlink"
}

t_home_symlink_copy_refused() {
	mkb homesym3 <<EOF
\$HOMEDIR/etclink/shadow /s,copy
EOF
	nsc nsct_a -f "$TD/homesym3.tmpl" -- touch "$(marker homesym3)"
	expect_refused homesym3 "^nscell: $TD/homesym3.tmpl:12:[0-9]+: "
}

t_root_symlink_in_writable_dir() {
	# Root owns the link, but anybody could have put it in that 1777 dir.
	mkb wwlink <<EOF
$T/ww/rootlink /wl,ro-bind-try
EOF
	nsc nsct_a -f "$TD/wwlink.tmpl" -- sh -c 'test -e /wl || echo absent'
	expect_rc 0 && expect_out absent || return 1
	mkb wwlink2 <<EOF
$T/ww/rootlink /wl,ro-bind
EOF
	nsc nsct_a -f "$TD/wwlink2.tmpl" -- touch "$(marker wwlink2)"
	expect_refused wwlink2 "^nscell: $TD/wwlink2.tmpl:12:[0-9]+: "
}

# ----------------------------------------------------------- exit codes ---

t_exit_status_passed() {
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c 'exit 3'
	expect_rc 3
}

t_exit_127_not_found() {
	nsc nsct_a -f "$TD/base.tmpl" -- nscell-it-no-such-command
	expect_rc 127 && err_has 'nscell-it-no-such-command' && err_one_line ||
		return 1
	nsc nsct_a -f "$TD/base.tmpl" -- /nonexistent/cmd
	expect_rc 127
}

t_exit_126_not_executable() {
	nsc nsct_a -f "$TD/robind.tmpl" -- /data/notexec.sh
	expect_rc 126 && err_has 'notexec.sh' || return 1
	nsc nsct_a -f "$TD/robind.tmpl" -- /data
	expect_rc 126
}


t_signal_term_forwarded() {
	local child st
	spawn nsct_a -f "$TD/base.tmpl" -- sleep 41
	[ -n "$SPAWN_PID" ] || fail "nscell did not start" || return
	child=$(wait_child_comm "$SPAWN_PID" sleep) ||
		fail "no sleep child; $(cat "$T/spawn.err")" || return
	kill -TERM "$SPAWN_PID"
	wait "$SPAWN_REAPER"
	st=$(cat "$T/spawn.st")
	[ "$st" = "exit 143" ] || fail "nscell: $st, expected exit 143; $(cat "$T/spawn.err")" ||
		return
	gone_within "$child" 20 || fail "the command survived"
}

t_signal_trap_forwarded() {
	# The command sees the signal itself: it traps it and exits 7.
	local child st
	spawn nsct_a -f "$TD/base.tmpl" -- sh -c 'trap "exit 7" USR1; sleep 43 & wait'
	child=$(wait_child_comm "$SPAWN_PID" sh) ||
		fail "no sh child; $(cat "$T/spawn.err")" || return
	# Let sh install its trap.
	for ((i = 0; i < 100; i++)); do
		grep -q '^SigCgt:.*[1-9a-f]' "/proc/$child/status" 2>/dev/null &&
			[ -n "$(cat /proc/"$child"/task/*/children 2>/dev/null)" ] && break
		sleep 0.02
	done
	kill -USR1 "$SPAWN_PID"
	wait "$SPAWN_REAPER"
	st=$(cat "$T/spawn.st")
	[ "$st" = "exit 7" ] || fail "nscell: $st, expected exit 7"
}

# The monitor (nscell's process while the command runs): root's euid for
# signalling the command, no capability but CAP_KILL, no_new_privs.  Its
# bounding set is left as it is: it never executes anything.
t_monitor_privileges() {
	local st
	spawn nsct_a -f "$TD/base.tmpl" -- sleep 45
	wait_child_comm "$SPAWN_PID" sleep >/dev/null ||
		fail "no sleep child; $(cat "$T/spawn.err")" || return
	st=$(grep -E '^(Uid|CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs):' \
		"/proc/$SPAWN_PID/status" | tr -s '\t' ' ')
	kill -TERM "$SPAWN_PID"
	wait "$SPAWN_REAPER"
	[ "$st" = "Uid: $(id -u nsct_a) 0 0 0
CapInh: 0000000000000000
CapPrm: 0000000000000020
CapEff: 0000000000000020
CapAmb: 0000000000000000
NoNewPrivs: 1" ] || fail "monitor: $(tr '\n' ';' <<<"$st")"
}

t_signal_hup_status() {
	local st
	spawn nsct_a -f "$TD/base.tmpl" -- sleep 42
	wait_child_comm "$SPAWN_PID" sleep >/dev/null ||
		fail "no sleep child" || return
	kill -HUP "$SPAWN_PID"
	wait "$SPAWN_REAPER"
	st=$(cat "$T/spawn.st")
	[ "$st" = "exit 129" ] || fail "nscell: $st, expected exit 129"
}

t_sandbox_dies_with_nscell() {
	local child holders=() c
	spawn nsct_a -f "$TD/base.tmpl" -- sleep 44
	child=$(wait_child_comm "$SPAWN_PID" sleep) ||
		fail "no sleep child" || return
	for c in $(children_of "$SPAWN_PID"); do
		[ "$c" != "$child" ] && holders+=("$c")
	done
	kill -KILL "$SPAWN_PID"
	wait "$SPAWN_REAPER"
	gone_within "$child" 30 || fail "the command survived nscell's death" ||
		return
	for c in "${holders[@]}"; do
		gone_within "$c" 30 || fail "process $c (holder?) survived" || return
	done
}

t_holder_gone_after_exit() {
	local holders=() c
	# (Long enough to be seen by a poll on a loaded host: at 0.5 s it
	# was missed under a load of 12 on 2 vCPUs.)
	spawn nsct_a -f "$TD/base.tmpl" -- sleep 5
	wait_child_comm "$SPAWN_PID" sleep >/dev/null ||
		fail "no sleep child" || return
	for c in $(children_of "$SPAWN_PID"); do
		holders+=("$c")
	done
	wait "$SPAWN_REAPER"
	[ "$(cat "$T/spawn.st")" = "exit 0" ] || fail "status $(cat "$T/spawn.st")" ||
		return
	for c in "${holders[@]}"; do
		gone_within "$c" 30 || fail "process $c survived the launch" || return
	done
}

# ------------------------------------------------------ --check findings ---
# --check says what a launch would meet (issue 12): each finding is also
# launched, to show that the launch fails (or not) as --check said.

t_check_missing_source() {
	mkb chkmiss <<EOF
$T/nonexistent /x,ro-bind
EOF
	nsc nsct_a --check -f "$TD/chkmiss.tmpl"
	expect_rc 125 && err_has "^nscell: $(ere_quote "$TD")/chkmiss.tmpl:12:1: $(ere_quote "$T")/nonexistent: the source does not exist$" ||
		return 1
	nsc nsct_a -f "$TD/chkmiss.tmpl" -- true
	expect_rc 125 || return 1
	# -try: skipped by the launch; a note with -v only.
	mkb chkmisstry <<EOF
$T/nonexistent /x,ro-bind-try
EOF
	nsc nsct_a --check -f "$TD/chkmisstry.tmpl"
	expect_rc 0 && [ -z "$ERR" ] || fail "-try: $(ctx)" || return
	nsc nsct_a -v --check -f "$TD/chkmisstry.tmpl"
	expect_rc 0 && err_has "^nscell: $(ere_quote "$TD")/chkmisstry.tmpl:12:1: note: .*does not exist: the launch skips this op$"
}

t_check_unreadable_source() {
	# A copy of root's 0600 file, a bind below another user's 0700 home
	# (-try does not help: the source exists, the user cannot reach it).
	mkb chkperm <<EOF
$T/cp/c600 /c600,copy
${HOME_OF[nsct_b]}/sub /hb,ro-bind-try
EOF
	nsc nsct_a --check -f "$TD/chkperm.tmpl"
	expect_rc 125 &&
		err_has "^nscell: $(ere_quote "$TD")/chkperm.tmpl:12:1: $(ere_quote "$T")/cp/c600: nsct_a cannot read the source$" &&
		err_has "^nscell: $(ere_quote "$TD")/chkperm.tmpl:13:1: $(ere_quote "${HOME_OF[nsct_b]}")/sub: nsct_a cannot reach the source: Permission denied$" &&
		err_has "^nscell: --check: 2 problems a launch would fail on$" ||
		return 1
	nsc nsct_a -f "$TD/chkperm.tmpl" -- true
	expect_rc 125 || return 1
	# nsct_b reaches its own home; the copy still fails.
	nsc nsct_b --check -f "$TD/chkperm.tmpl"
	expect_rc 125 && err_has "c600: nsct_b cannot read the source$" &&
		! grep -q 'sub:' <<<"$ERR" || fail "nsct_b: $(ctx)" || return
	# Root for another user runs with no capability and not as the
	# user: it says so rather than guess; a missing source is still
	# certain.
	nsc root -u nsct_a --check -f "$TD/chkperm.tmpl"
	err_has "^nscell: warning: checked as the caller \(uid 0\), not as nsct_a" || return 1
	nsc root -u nsct_a --check -f "$TD/chkmiss.tmpl"
	expect_rc 125 && err_has "nonexistent: the source does not exist$"
}

t_check_dest_symlink() {
	# /var/tmp is a symlink the template makes (the spec's default has
	# the same line): a non-try destination below it fails the launch.
	mkb chkdest <<EOF
/tmp,tmpfs
/var,dir
../tmp var/tmp,symlink
$T/rw /var/tmp/x,bind
EOF
	nsc nsct_a --check -f "$TD/chkdest.tmpl"
	expect_rc 125 && err_has "^nscell: $(ere_quote "$TD")/chkdest.tmpl:15:[0-9]+: /var/tmp/x: /var/tmp is a symbolic link in the sandbox \($(ere_quote "$TD")/chkdest.tmpl:14: symlink \.\./tmp\); destinations are never resolved through symlinks$" ||
		return 1
	nsc nsct_a -f "$TD/chkdest.tmpl" -- true
	expect_rc 125 || return 1
	# A link inside a bound host directory, as Debian's
	# /usr/sbin/exim -> exim4.
	rm -rf "$T/hd"
	mkdir -m 0755 "$T/hd" "$T/hd/sub" && ln -s sub "$T/hd/lnk" || return 1
	mkb chkdest2 <<EOF
$T/hd /hd,ro-bind
$T/data/hello.txt /hd/lnk/f,ro-bind
EOF
	nsc nsct_a --check -f "$TD/chkdest2.tmpl"
	expect_rc 125 && err_has "^nscell: $(ere_quote "$TD")/chkdest2.tmpl:13:[0-9]+: /hd/lnk/f: /hd/lnk is a symbolic link in the sandbox \($(ere_quote "$T")/hd/lnk on the host\)" ||
		return 1
	nsc nsct_a -f "$TD/chkdest2.tmpl" -- true
	expect_rc 125 || return 1
	# -try: the launch resolves it in the sandbox (to /hd/sub/f, which
	# must exist: /hd is read-only); --check passes and says so with -v.
	echo old >"$T/hd/sub/f"
	mkb chkdest3 <<EOF
$T/hd /hd,ro-bind
$T/data/hello.txt /hd/lnk/f,ro-bind-try
EOF
	nsc nsct_a -v --check -f "$TD/chkdest3.tmpl"
	expect_rc 0 && err_has "note: /hd/lnk/f: /hd/lnk is a symbolic link in the sandbox .*or skips this op$" ||
		return 1
	nsc nsct_a -f "$TD/chkdest3.tmpl" -- cat /hd/sub/f
	rm -rf "$T/hd"
	expect_rc 0 && expect_out hello
}

t_check_clean_template() {
	# Nothing to find: exit 0 and nothing on stderr (base, default).
	nsc nsct_a --check -f "$TD/base.tmpl"
	expect_rc 0 && [ -z "$ERR" ] || fail "base: $(ctx)" || return
	nsc nsct_a --check
	expect_rc 0 && [ -z "$ERR" ] || fail "default: $(ctx)"
}

# ------------------------------------------------- exec failure messages ---

t_exec_not_found_names_path() {
	# A PATH entry that is a link to nowhere in the sandbox, as Debian's
	# /usr/bin/php -> /etc/alternatives/php.
	rm -rf "$T/lnk"
	mkdir -m 0755 "$T/lnk" && ln -s /etc/alternatives/nsctphp "$T/lnk/nsctphp" || return 1
	mkb execlnk <<EOF
$T/lnk /usr/local/bin,ro-bind
$T/data /data,ro-bind
EOF
	nsc nsct_a -f "$TD/execlnk.tmpl" -- nsctphp -v
	expect_rc 127 && err_one_line &&
		err_has "^nscell: nsctphp: not found in PATH \([^)]*/usr/local/bin[^)]*\); /usr/local/bin/nsctphp -> /etc/alternatives/nsctphp, which does not exist in the sandbox$" ||
		return 1
	nsc nsct_a -f "$TD/execlnk.tmpl" -- /usr/local/bin/nsctphp
	expect_rc 127 && err_has "^nscell: /usr/local/bin/nsctphp: not found in the sandbox: /usr/local/bin/nsctphp -> /etc/alternatives/nsctphp, which does not exist in the sandbox$" ||
		return 1
	nsc nsct_a -f "$TD/execlnk.tmpl" -- /nonexistent/cmd
	expect_rc 127 && err_has "^nscell: /nonexistent/cmd: not found in the sandbox$" || return 1
	# A script whose interpreter is missing.
	printf '#!/nonexistent/interp\necho never\n' >"$T/data/nointerp.sh"
	chmod 0755 "$T/data/nointerp.sh"
	nsc nsct_a -f "$TD/execlnk.tmpl" -- /data/nointerp.sh
	rm -f "$T/data/nointerp.sh"
	rm -rf "$T/lnk"
	expect_rc 127 && err_has "^nscell: /data/nointerp.sh: not executed: its interpreter \(#!/nonexistent/interp\) is not in the sandbox$" ||
		return 1
	# Debian's own: which -> /etc/alternatives/which, with no
	# /etc/alternatives in the sandbox.
	[ "$(readlink /usr/bin/which)" = /etc/alternatives/which ] ||
		skip "/usr/bin/which is not a link to /etc/alternatives here" || return
	nsc nsct_a -f "$TD/base.tmpl" -- which ls
	expect_rc 127 && err_has "; /usr/bin/which -> /etc/alternatives/which, which does not exist in the sandbox"
}

t_exec_not_executable_names_path() {
	mkb execnx <<EOF
$T/data /data,ro-bind
EOF
	nsc nsct_a -f "$TD/execnx.tmpl" -- /data/notexec.sh
	expect_rc 126 && err_has "^nscell: /data/notexec.sh: Permission denied$"
}

t_verbose_unconfigured_vhost_warns() {
	nsc root -v -u nsct_a -s nosuch.example -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_a]}" &&
		err_has "^nscell: warning: vhost nosuch.example is not configured in $CONF_DIR/nscell.conf: its set has no vhost template and no vhost settings$" ||
		return 1
	nsc nsct_c -v -u nsct_a -s nosuch.example -f "$TD/base.tmpl" -- id -u
	expect_rc 0 && err_has "warning: vhost nosuch.example is not configured" || return 1
	# Not without -v, and never for a configured vhost.
	nsc root -u nsct_a -s nosuch.example -f "$TD/base.tmpl" -- true
	expect_rc 0 && ! grep -q 'warning' <<<"$ERR" || fail "without -v: $(ctx)" || return
	nsc root -v -u nsct_a -s plain -f "$TD/base.tmpl" -- true
	expect_rc 0 && ! grep -q 'not configured' <<<"$ERR" || fail "configured vhost: $(ctx)"
}

t_help_plain_user() {
	local o
	for o in -h --help; do
		nsc nsct_a "$o"
		expect_rc 0 && [ -z "$ERR" ] && out_has '^usage: nscell ' &&
			out_has '^  --check ' || fail "$o: $(ctx)" || return
	done
}

t_exit_unknown_option() {
	nsc nsct_a -Z -- true
	expect_rc 125 && err_has 'unknown option'
}

t_exit_no_command() {
	nsc nsct_a -f "$TD/base.tmpl"
	expect_rc 125
}

t_exit_argc0() {
	local rc
	if [ -x "$T/bin/argc0" ]; then
		as_user nsct_a "$T/bin/argc0" "$NS" >"$T/out" 2>"$T/err"
		rc=$?
	elif [ -x /usr/bin/python3 ]; then
		as_user nsct_a /usr/bin/python3 -c \
			'import os, sys; os.execve(sys.argv[1], [], {})' "$NS" \
			>"$T/out" 2>"$T/err"
		rc=$?
	else
		skip "neither cc nor /usr/bin/python3"
		return
	fi
	RC=$rc OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 125
}

t_exit_template_missing() {
	nsc nsct_a -f "$TD/does-not-exist.tmpl" -- touch "$(marker tmissing)"
	expect_refused tmissing "does-not-exist.tmpl: No such file"
}

# -------------------------------------------------------------- config ---

t_config_namespace_off() {
	local self
	self=$(readlink /proc/self/ns/mnt)
	std_conf "namespace 1"
	CONF_DIRTY=1
	nsc nsct_a -f "$TD/base.tmpl" -- sh -c \
		'readlink /proc/self/ns/mnt; id -u; pwd'
	expect_rc 0 && expect_out "$self
${UID_OF[nsct_a]}
${HOME_OF[nsct_a]}"
}

t_config_namespace_off_drops() {
	std_conf "namespace 1"
	CONF_DIRTY=1
	nsc nsct_a -f "$TD/base.tmpl" -- grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs):' /proc/self/status
	expect_rc 0 && expect_out "CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000
NoNewPrivs:	1"
}

t_config_vhost_off() {
	local self
	self=$(readlink /proc/self/ns/mnt)
	nsc nsct_a -s off.example -f "$TD/base.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 && expect_out "$self" || return 1
	nsc nsct_a -s on.example -f "$TD/base.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 || return 1
	[ "$OUT" != "$self" ] || fail "on.example: same mnt ns; $(ctx)"
}

t_config_dash_d() {
	nsc nsct_a -f "$TD/base.tmpl" -d /usr/bin -- pwd
	expect_rc 0 && expect_out /usr/bin || return 1
	nsc nsct_a -f "$TD/base.tmpl" -d /nonexistent -- touch "$(marker dmiss)"
	expect_refused dmiss "/nonexistent"
}

t_check_plain_user() {
	local n
	nsc nsct_a --check -f "$TD/base.tmpl"
	expect_rc 0 && out_has "^$TD/base.tmpl:1: ro-bind /usr /usr$" &&
		out_has "^$TD/base.tmpl:7: proc /proc$" || return 1
	n=$(grep -c "^$TD/base.tmpl:[0-9]*: " <<<"$OUT")
	[ "$(tail -n 1 <<<"$OUT")" = "# $n ops for nsct_a (uid ${UID_OF[nsct_a]}); namespaces enabled" ] ||
		fail "last line: $(tail -n 1 <<<"$OUT") (counted $n ops)"
}

t_check_expands() {
	nsc nsct_a --check -f "$TD/expand.tmpl"
	expect_rc 0 && out_has "^$TD/expand.tmpl:12: ro-bind $(ere_quote "$T")/exp/nsct_a /eu$" &&
		out_has "^$TD/expand.tmpl:13: ro-bind $(ere_quote "$T")/exp/${UID_OF[nsct_a]} /ei$" &&
		out_has "^$TD/expand.tmpl:14: ro-bind $(ere_quote "${HOME_OF[nsct_a]}") /h$"
}

t_check_disabled() {
	nsc nsct_a --check -s off.example -f "$TD/base.tmpl"
	expect_rc 0 && out_has "^# [0-9]+ ops for nsct_a \(uid ${UID_OF[nsct_a]}\); namespaces disabled by the configuration$"
}

t_env_stripped_for_other_target() {
	# NSCT_FOO, in no allow list, no longer passes (it did before the
	# allow list; that was this test's one positive assertion).
	EXTRA_ENV=(LD_PRELOAD= LD_LIBRARY_PATH=/nonexistent
		GLIBC_TUNABLES=glibc.malloc.perturb=0 BASH_ENV=/nonexistent
		NSCT_FOO=bar TZ=UTC)
	nsc root -u nsct_b -f "$TD/base.tmpl" -- env
	EXTRA_ENV=()
	expect_rc 0 && out_lacks '^NSCT_FOO=' && out_lacks '^LD_' &&
		out_lacks '^GLIBC_TUNABLES=' && out_lacks '^BASH_ENV=' &&
		out_has '^TZ=UTC$' && out_has '^USER=nsct_b$'
}

t_env_kept_for_self() {
	# (LD_* and the like never get this far: the C library removes them
	# from any setuid program's environment.)
	EXTRA_ENV=(NSCT_FOO=bar IFS_NOT=x OPENSSL_CONF=/mark/x.cnf PHPRC=/mark
		HTTP_PROXY=http://127.0.0.1:9/ BASH_ENV=/nonexistent)
	nsc nsct_a -f "$TD/base.tmpl" -- env
	EXTRA_ENV=()
	expect_rc 0 && out_has '^NSCT_FOO=bar$' && out_has '^IFS_NOT=x$' &&
		out_has "^HOME=$(ere_quote "${HOME_OF[nsct_a]}")$" &&
		out_has '^OPENSSL_CONF=/mark/x\.cnf$' && out_has '^PHPRC=/mark$' &&
		out_has '^HTTP_PROXY=http://127\.0\.0\.1:9/$' &&
		out_has '^BASH_ENV=/nonexistent$' && out_has '^USER=nsct_a$'
}

# The variables issue 18 found passing from the web server to a tenant.
ISSUE18_ENV=(OPENSSL_CONF=/mark/x.cnf OPENSSL_MODULES=/mark PHPRC=/mark
	PHP_INI_SCAN_DIR=/mark JAVA_TOOL_OPTIONS=-javaagent:/mark/x.jar
	LUA_INIT=@/mark/x.lua TCLLIBPATH=/mark GEM_PATH=/mark
	PKCS11_MODULE=/mark/x.so)

# allowCaller (the web server, nsct_c) runs a CGI program of nsct_b: the
# request's variables pass; the server's own settings, its identity and a
# request's "Proxy:" header (HTTP_PROXY, httpoxy) do not.
t_env_allowcaller_allow_list() {
	local v
	EXTRA_ENV=("${ISSUE18_ENV[@]}" NSCT_FOO=bar GATEWAY_INTERFACE=CGI/1.1
		REQUEST_METHOD=GET 'QUERY_STRING=a=1&b=2' SERVER_SOFTWARE=nsct
		SCRIPT_FILENAME=/srv/x.cgi REDIRECT_STATUS=200
		HTTP_HOST=example.com HTTP_PROXY=http://127.0.0.1:9/
		PHP_FCGI_CHILDREN=2 LC_ALL=C TZ=UTC TERM=dumb)
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- env
	EXTRA_ENV=()
	expect_rc 0 || return 1
	for v in OPENSSL_CONF OPENSSL_MODULES PHPRC PHP_INI_SCAN_DIR \
		JAVA_TOOL_OPTIONS LUA_INIT TCLLIBPATH GEM_PATH PKCS11_MODULE \
		NSCT_FOO HTTP_PROXY; do
		out_lacks "^$v=" || return 1
	done
	for v in 'GATEWAY_INTERFACE=CGI/1\.1' REQUEST_METHOD=GET \
		'QUERY_STRING=a=1&b=2' SERVER_SOFTWARE=nsct \
		'SCRIPT_FILENAME=/srv/x\.cgi' REDIRECT_STATUS=200 \
		'HTTP_HOST=example\.com' PHP_FCGI_CHILDREN=2 LC_ALL=C TZ=UTC \
		TERM=dumb LANG=C "PATH=$(ere_quote "$SAFE_PATH")"; do
		out_has "^$v\$" || return 1
	done
	# the target's HOME, USER and LOGNAME, once each, not the caller's
	out_has "^HOME=$(ere_quote "${HOME_OF[nsct_b]}")$" &&
		out_has '^USER=nsct_b$' && out_has '^LOGNAME=nsct_b$' &&
		{ [ "$(grep -Ec '^(HOME|USER|LOGNAME)=' <<<"$OUT")" = 3 ] ||
			fail "HOME, USER, LOGNAME more than once; $(ctx)"; }
}

# passEnv extends the allow list; it cannot let a loader variable, nor the
# caller's HOME, through; a bad name is refused like any config error.
t_env_passenv() {
	# (std_conf clears CONF_DIRTY: set after it, so that a failure below
	# leaves the next test the standard config)
	std_conf "passEnv PHPRC NSCT_* LD_PRELOAD HOME"
	CONF_DIRTY=1
	EXTRA_ENV=(PHPRC=/mark NSCT_FOO=bar NSCT_=x PHP_INI_SCAN_DIR=/mark
		LD_PRELOAD=/nonexistent.so)
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- env
	EXTRA_ENV=()
	expect_rc 0 && out_has '^PHPRC=/mark$' && out_has '^NSCT_FOO=bar$' &&
		out_has '^NSCT_=x$' && out_lacks '^PHP_INI_SCAN_DIR=' &&
		out_lacks '^LD_PRELOAD=' &&
		out_has "^HOME=$(ere_quote "${HOME_OF[nsct_b]}")$" || return 1
	std_conf "passEnv NSCT=X"
	CONF_DIRTY=1
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- touch "$(marker passenv_bad)"
	expect_refused passenv_bad "^nscell: $(ere_quote "$CONF"):[0-9]+:9: bad variable name 'NSCT=X'$" ||
		return 1
	std_conf
}

# Real software: OpenSSL loads whatever provider module the file named by
# OPENSSL_CONF lists; this one leaves a marker named after its euid.
ossl_fixture() {
	[ -e "$T/mark/ossl.cnf" ] && return 0
	command -v cc >/dev/null 2>&1 || return 1
	printf '%s\n' '#include <stdio.h>' '#include <unistd.h>' \
		'__attribute__((constructor)) static void m(void) { char p[64];' \
		'  snprintf(p, sizeof p, "/mark/ossl.%u", (unsigned)geteuid());' \
		'  FILE *f = fopen(p, "w"); if (f) fclose(f); }' >"$T/ossl.c" &&
		cc -shared -fPIC -o "$T/mark/ossl.so" "$T/ossl.c" &&
		chmod 0755 "$T/mark/ossl.so" || return 1
	printf '%s\n' 'openssl_conf = init' '[init]' 'providers = provs' \
		'[provs]' 'nsct = nsct_sect' '[nsct_sect]' \
		'module = /mark/ossl.so' 'activate = 1' >"$T/mark/ossl.cnf"
}

# Control: the tenant's own launch keeps its own OPENSSL_CONF, and
# Python's ssl module loads the module.  Then the web server's
# OPENSSL_CONF must not reach the tenant's Python.
t_env_openssl_conf_real() {
	local py="import ssl; ssl.create_default_context(); print('ssl ok')"
	local mk=$T/mark/ossl.${UID_OF[nsct_b]}
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3" || return
	ossl_fixture || skip "no C compiler for the provider module" || return
	rm -f "$mk"
	EXTRA_ENV=(OPENSSL_CONF=/mark/ossl.cnf)
	nsc nsct_b -f "$TD/base.tmpl" -- /usr/bin/python3 -c "$py"
	[ -e "$mk" ] ||
		fail "control: the tenant's own OPENSSL_CONF loaded nothing; $(ctx)" ||
		return
	rm -f "$mk"
	EXTRA_ENV=(OPENSSL_CONF=/mark/ossl.cnf REQUEST_METHOD=GET)
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- /usr/bin/python3 -c "$py"
	EXTRA_ENV=()
	expect_rc 0 && expect_out 'ssl ok' &&
		{ [ ! -e "$mk" ] || fail "the web server's OPENSSL_CONF loaded a module into the tenant's python"; }
}

# Real software: Python takes HTTP_PROXY for its outgoing proxy (outside
# CGI).  Control: the tenant's own; then the web server's must not pass.
t_env_httpoxy_real() {
	local py='import urllib.request as u; print(u.getproxies().get("http"))'
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3" || return
	EXTRA_ENV=(HTTP_PROXY=http://127.0.0.1:9/)
	nsc nsct_b -f "$TD/base.tmpl" -- /usr/bin/python3 -c "$py"
	expect_rc 0 && expect_out http://127.0.0.1:9/ ||
		fail "control: python did not take the tenant's own HTTP_PROXY" ||
		return
	nsc nsct_c -u nsct_b -f "$TD/base.tmpl" -- /usr/bin/python3 -c "$py"
	EXTRA_ENV=()
	expect_rc 0 && expect_out None
}

# cmd_ns ARGS... as root with secrets in its environment; stdin is ours.
cmdns_env() {
	timeout -k 3 20 env -i PATH="/root/bin:$SAFE_PATH" HOME=/root USER=root \
		LOGNAME=root LANG=C TERM=xterm-256color SHELL=/bin/bash \
		ADMIN_API_TOKEN=s3cr3t SSH_AUTH_SOCK=/tmp/nsct-agent \
		OPENSSL_CONF=/mark/x.cnf MAIL=/var/mail/root \
		"$CMD_NS" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# cmd_ns starts the tenant's program with a login environment, as "su -"
# makes it, and nothing else of root's.
t_cmdns_login_env() {
	local want r
	[ -n "$CMD_NS" ] || skip "cmd_ns is not built next to the binary" || return
	mkb envhome <<EOF
\$HOMEDIR,ro-bind
EOF
	cmdns_env -u nsct_a -f "$TD/envhome.tmpl" -- env </dev/null
	want=$(printf '%s\n' "HOME=${HOME_OF[nsct_a]}" LOGNAME=nsct_a \
		PATH=/usr/local/bin:/usr/bin:/bin SHELL=/bin/sh \
		TERM=xterm-256color USER=nsct_a)
	r=0
	expect_rc 0 && { [ "$(sort <<<"$OUT")" = "$want" ] ||
		fail "cmd_ns environment: $(tr '\n' '|' <<<"$OUT") expected $(tr '\n' '|' <<<"$want")"; } ||
		r=1
	# Real software: bash, cmd_ns's default command, reading commands on
	# its stdin; "cd" alone goes to HOME, which must be the tenant's.
	if [ "$r" = 0 ]; then
		# shellcheck disable=SC2016 # expanded by the sandbox's bash
		cmdns_env -u nsct_a -f "$TD/envhome.tmpl" \
			<<<'cd && pwd && echo "$USER $LOGNAME $SHELL"'
		expect_rc 0 && expect_out "${HOME_OF[nsct_a]}
nsct_a nsct_a /bin/sh" || r=1
	fi
	# cmd_ns always persists: retire the set it built.
	[ -z "$UNMOUNT_NS" ] || "$UNMOUNT_NS" -u nsct_a -k -t 5 >/dev/null 2>&1
	return "$r"
}

# ---------------------------------------------------------- persistence ---

t_persist_build_then_join() {
	local ns1 h1
	ONESHOT=()
	mkb pers <<EOF
$T/data /data,ro-bind
EOF
	nsc nsct_b -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 && err_has '^nscell: built a persisted sandbox \(holder pid [0-9]+\)$' ||
		return 1
	ns1=$OUT h1=$(v_holder)
	alive "$h1" || fail "holder $h1 is gone after the launch" || return
	nsc nsct_b -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 && err_has "^nscell: joined the persisted sandbox \(holder pid $h1\)$" ||
		return 1
	[ "$OUT" = "$ns1" ] || fail "joined another mnt ns: $OUT, built $ns1"
}

t_persist_record() {
	local d=$T/lsns/${UID_OF[nsct_b]} h
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers.tmpl" -- true
	expect_rc 0 || return 1
	h=$(v_holder)
	[ "$(stat -c '%u %a' "$d" 2>/dev/null)" = "0 700" ] ||
		fail "$d: $(stat -c '%u %a' "$d" 2>&1), want root 0700" || return
	[ "$(stat -c '%u %F' "$d/record" 2>/dev/null)" = "0 regular file" ] ||
		fail "$d/record is not a root-owned file" || return
	[ "$(( 0$(stat -c '%a' "$d/record") & 022 ))" = 0 ] ||
		fail "$d/record is group/other-writable" || return
	[ "$(record_holder "$d")" = "$h" ] ||
		fail "record names holder $(record_holder "$d"), -v said $h"
}

t_persist_isolated_too() {
	# A joined sandbox is as closed as a fresh one.
	ONESHOT=()
	nsc nsct_b -f "$TD/pers.tmpl" -- sh -c \
		'ls /proc/$$/fd; grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status; echo "pid $$"' \
		3</ 4<"$T"
	expect_rc 0 && out_has '^CapEff:	0+$' && out_has '^CapBnd:	0+$' &&
		out_has '^NoNewPrivs:	1$' && out_lacks '^[3-9]$' &&
		out_has '^pid [0-9]+$'
}

t_persist_rebuild_on_template_change() {
	local h1 h2 ns1
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 || return 1
	h1=$(v_holder) ns1=$OUT
	mkb pers2 <<EOF
$T/data2 /data,ro-bind
EOF
	nsc nsct_b -v -f "$TD/pers2.tmpl" -- sh -c 'readlink /proc/self/ns/mnt; cat /data/two.txt'
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	h2=$(v_holder)
	[ "$h2" != "$h1" ] && [ "$(sed -n 1p <<<"$OUT")" != "$ns1" ] ||
		fail "same holder/namespace after a template change; $(ctx)" || return
	[ "$(sed -n 2p <<<"$OUT")" = data2 ] || fail "new template not used; $(ctx)" ||
		return
	gone_within "$h1" 30 || fail "old holder $h1 did not retire"
}

t_persist_rebuild_on_source_change() {
	local h1
	ONESHOT=()
	echo one >"$T/data2/changing"
	mkb pers3 <<EOF
$T/data2/changing /changing,ro-bind
EOF
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- cat /changing
	h1=$(v_holder)
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- cat /changing
	expect_rc 0 && expect_out one && err_has "joined the persisted sandbox \(holder pid $h1\)" ||
		return 1
	echo two >"$T/data2/changing.new" && mv -f "$T/data2/changing.new" "$T/data2/changing"
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- cat /changing
	expect_rc 0 && expect_out two && err_has '^nscell: built a persisted sandbox'
}

t_persist_reload_file() {
	local h1 f=${HOME_OF[nsct_b]}/.lsns_reload
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- true
	h1=$(v_holder)
	as_user nsct_b touch "$f"
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- true
	expect_rc 0 && err_has '^nscell: built a persisted sandbox' || return 1
	[ "$(v_holder)" != "$h1" ] || fail "same holder $h1 after .lsns_reload" ||
		return
	[ ! -e "$f" ] || fail "$f not removed"
}

t_persist_vhost_separate() {
	local hs hv
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- true
	hs=$(v_holder)
	nsc nsct_b -v -s plain -f "$TD/pers3.tmpl" -- true
	expect_rc 0 || return 1
	hv=$(v_holder)
	[ "$hv" != "$hs" ] || fail "vhost launch joined the server-level set" ||
		return
	[ "$(record_holder "$T/lsns/${UID_OF[nsct_b]}/plain")" = "$hv" ] ||
		fail "no record for the vhost set at $T/lsns/UID/plain" || return
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- true
	err_has "joined the persisted sandbox \(holder pid $hs\)"
}

t_persist_oneshot_independent() {
	local hs nsp
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- readlink /proc/self/ns/mnt
	hs=$(v_holder) nsp=$OUT
	ONESHOT=(-n)
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- readlink /proc/self/ns/mnt
	expect_rc 0 && err_has '^nscell: built a one-shot sandbox' || return 1
	[ "$OUT" != "$nsp" ] || fail "-n joined the persisted sandbox" || return
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- true
	err_has "joined the persisted sandbox \(holder pid $hs\)"
}

t_persist_other_user_separate() {
	local ha hb
	ONESHOT=()
	nsc nsct_b -v -f "$TD/pers3.tmpl" -- true
	hb=$(v_holder)
	nsc nsct_c -v -f "$TD/pers3.tmpl" -- id -u
	expect_rc 0 && expect_out "${UID_OF[nsct_c]}" || return 1
	ha=$(v_holder)
	[ "$ha" != "$hb" ] || fail "nsct_c joined nsct_b's sandbox"
}

t_unmount_ns_all() {
	local h n=0
	[ -n "$UNMOUNT_NS" ] || skip "no unmount_ns next to the binary" || return
	local holders
	holders=$(recorded_holders)
	[ -n "$holders" ] || fail "no persisted set to remove" || return
	"$UNMOUNT_NS" -a >"$T/out" 2>"$T/err"
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 0 || return 1
	for h in $holders; do
		gone_within "$h" 30 || fail "holder $h still running" || return
		n=$((n + 1))
	done
	[ -z "$(recorded_holders)" ] || fail "records left: $(recorded_holders | tr '\n' ' ')"
}


# --------------------------------------------------------------- suite ---

suite_tests() {
	# template commands
	run_test "ro-bind: content visible" t_ro_bind_content
	run_test "ro-bind: writes fail with EROFS" t_ro_bind_erofs
	run_test "ro-bind: read-only recursively" t_ro_bind_recursive
	run_test "-try: missing sources skipped" t_try_missing_skipped
	run_test "non-try: missing source refused" t_nontry_missing_refused
	run_test "-v: one line per op" t_verbose_lines
	run_test "bind: writable" t_bind_writable
	run_test "bind: nodev" t_bind_nodev
	run_test "dev-bind: keeps devices" t_dev_bind_keeps_devices
	run_test "bind: nosuid (setuid id runs as the user)" t_bind_nosuid
	run_test "copy: source mode, owned by the user" t_copy_mode_owner
	run_test "copy: read-only" t_copy_is_read_only
	run_test "copy: unreadable source refused" t_copy_unreadable_refused
	run_test "tmp: owned by the user, 0700, outlives the launch" t_tmp_outlives_launch
	run_test "tmp, then a bind of the directory it made: ops in file order" t_tmp_then_bind_its_dir
	run_test "tmp: -s VHOST uses tmp.VHOST" t_tmp_vhost_name
	run_test "tmp: no home falls back to persistDir/tmp/UID/@" t_tmp_no_home_fallback
	run_test "tmp: symlinked ~/.lsns not followed" t_tmp_symlinked_lsns_refused
	run_test "tmpfs: user-owned, writable, 64 MiB" t_tmpfs_writable
	run_test "!: hides a dir and a file" t_hide_dir_and_file
	run_test "!: missing path skipped" t_hide_missing_skipped
	run_test "proc: only the sandbox's pids" t_proc_only_sandbox
	run_test "proc: hidepid=invisible" t_proc_hidepid
	run_test "dev: null urandom pts shm fd" t_dev_works
	run_test "dev: nodes by mknod, or bound without CAP_MKNOD" t_dev_nodes
	run_test "binds into one directory, then a mount on it: later binds land on the mount" t_bind_after_mount_over_parent
	run_test "dev: read-only" t_dev_read_only
	run_test "remount-ro: bind" t_remount_ro_bind
	run_test "remount-ro: subdir only" t_remount_ro_subdir
	run_test "remount-ro: tmpfs" t_remount_ro_tmpfs
	run_test "remount-ro: --check keeps the mount and the remount" t_remount_ro_check_listing
	run_test "remount-ro: a mount made by another op" t_remount_ro_other_mount
	run_test "symlink: created" t_symlink
	run_test "symlink: conflicting path refused" t_symlink_conflict_refused
	run_test "destination through a symlink refused" t_dest_through_symlink_refused
	run_test "-try destination symlink resolved in the sandbox" t_try_dest_symlink_resolved
	run_test "-try destination symlink: absolute, clamped to the root" t_try_dest_symlink_absolute_in_sandbox
	run_test "-try destination symlink into a read-only bind: skipped, its reason" t_try_dest_symlink_into_ro_bind
	run_test "-try destination below /var/tmp -> ../tmp" t_try_dest_under_symlink_created
	run_test "copy-try destination symlink resolved" t_try_dest_copy_symlink
	run_test "-try destination through a user's symlink skipped" t_try_dest_user_symlink_skipped
	run_test "bind into the user's 0700 home: made and reached as the user" t_bind_into_private_home
	run_test "dir: root-owned 0755" t_dir
	run_test "root: read-only tmpfs" t_root_read_only_tmpfs
	run_test "mqueue: mounted" t_mqueue
	run_test "ns: mnt differs" t_ns_mnt
	run_test "ns: pid differs" t_ns_pid
	run_test "ns: ipc differs" t_ns_ipc
	run_test "ns: uts differs" t_ns_uts
	run_test "ns: cgroup differs" t_ns_cgroup
	run_test "ns: user differs" t_ns_user
	run_test "userns: maps only the target ids" t_userns_maps_only_target
	run_test "no-unshare-user: host user ns, still no caps" t_no_unshare_user
	run_test "SysV IPC separate" t_sysv_ipc_separate
	run_test "id and whoami" t_id_whoami
	run_test "\$PASSWD,names" t_passwd_names
	run_test "\$PASSWD: only the user" t_passwd_only_user
	run_test "\$GROUP,names" t_group_names
	run_test "directory user (NSS extrausers): found, its groups, \$PASSWD, \$GROUP" t_directory_user
	run_test "merge: -2 overrides by destination" t_merge_vhost_override
	run_test "merge: --check lists the merged ops" t_merge_check_listing
	run_test "vhost template from the config (-s)" t_vhost_template_from_config
	run_test "namespaceConf from the config" t_namespaceconf_from_config
	run_test "relative destination symlink" t_relative_dest_symlink
	run_test "\$HOMEDIR \$USER \$UID \$GID expansion" t_expansion
	run_test "default template works" t_default_template
	run_test "default template: home and tmp" t_default_home_and_tmp
	run_test "default template: --check" t_default_check_count
	# isolation
	run_test "isolation: /etc/shadow unreadable" t_shadow_unreadable
	run_test "isolation: other home invisible/unreadable" t_other_home_invisible
	run_test "isolation: host processes invisible" t_host_processes_invisible
	run_test "isolation: no capabilities, NoNewPrivs" t_caps_and_nonewprivs
	run_test "isolation: only fds 0 1 2" t_only_std_fds
	run_test "isolation: cwd /proc/self/fd/3 not inherited" t_cwd_from_proc_fd
	run_test "isolation: cwd / without a visible home" t_cwd_root_without_home
	# policy
	run_test "policy: marker control" t_marker_control
	run_test "policy: user -u other user refused" t_policy_user_other
	run_test "policy: user -u self allowed" t_policy_user_self_u
	run_test "policy: uid below minUid refused" t_policy_below_minuid
	run_test "policy: plain callers only use configured vhosts" t_policy_vhost_unconfigured
	run_test "policy: a vhost's owner is its only target" t_policy_vhost_owner
	run_test "policy: an option given twice is refused" t_policy_option_twice
	run_test "policy: nobody and uids above maxUid (root may: nobody)" t_policy_nobody_maxuid
	run_test "policy: -u root refused" t_policy_root_name
	run_test "policy: -u 0 refused" t_policy_root_uid
	run_test "policy: root without -u refused" t_policy_self_root
	run_test "policy: unknown user" t_policy_unknown_user
	run_test "policy: root targets another user" t_policy_root_other_allowed
	run_test "policy: allowCaller user" t_policy_allowcaller_user
	run_test "policy: allowCaller @group" t_policy_allowcaller_group
	run_test "policy: allowCaller never root / below minUid" t_policy_allowcaller_not_root
	run_test "policy: user-owned template refused" t_policy_user_owned_template
	run_test "policy: group-writable template refused" t_policy_group_writable_template
	run_test "policy: template in a writable dir refused" t_policy_template_in_writable_dir
	run_test "policy: template through a symlink refused" t_policy_template_symlink
	run_test "policy: a template in /tmp: '/tmp is writable by others'" t_policy_template_in_tmp
	run_test "policy: root may use a symlinked template" t_policy_template_symlink_root_ok
	run_test "policy: template unreadable by the caller" t_policy_template_unreadable
	run_test "policy: relative template path" t_policy_template_relative
	run_test "policy: group-writable config refused" t_policy_config_group_writable
	run_test "policy: user-owned config refused" t_policy_config_user_owned
	run_test "policy: config syntax error" t_policy_config_bad_syntax
	run_test "config: missing file means defaults" t_config_missing_defaults
	# bad templates
	run_test "bad template: unknown command" t_bad_unknown_command
	run_test "bad template: unbalanced quote" t_bad_unbalanced_quote
	run_test "bad template: relative source" t_bad_relative_source
	run_test "bad template: .. in destination" t_bad_dotdot_dest
	run_test "bad template: --check" t_bad_template_check
	run_test "home symlink: -try skipped" t_home_symlink_try_skipped
	run_test "home symlink: non-try refused" t_home_symlink_nontry_refused
	run_test "home symlink: copy refused" t_home_symlink_copy_refused
	run_test "root symlink in a 1777 dir not followed" t_root_symlink_in_writable_dir
	# exit codes
	run_test "exit: status passed through" t_exit_status_passed
	run_test "exit: 127 not found" t_exit_127_not_found
	run_test "exit: 126 not executable" t_exit_126_not_executable
	run_test "exit: SIGTERM forwarded, 143" t_signal_term_forwarded
	run_test "exit: signal reaches the command" t_signal_trap_forwarded
	run_test "exit: SIGHUP forwarded, 129" t_signal_hup_status
	run_test "monitor: euid 0, only CAP_KILL, no_new_privs" t_monitor_privileges
	run_test "sandbox dies with nscell (SIGKILL)" t_sandbox_dies_with_nscell
	run_test "sandbox gone after a normal exit" t_holder_gone_after_exit
	run_test "exit: unknown option 125" t_exit_unknown_option
	run_test "--check: missing non-try source, exit 125" t_check_missing_source
	run_test "--check: source the user cannot read or reach" t_check_unreadable_source
	run_test "--check: destination through a symlink" t_check_dest_symlink
	run_test "--check: clean templates exit 0, silently" t_check_clean_template
	run_test "exec: 127 names PATH and the link to nowhere" t_exec_not_found_names_path
	run_test "exec: 126 names the path" t_exec_not_executable_names_path
	run_test "-v: warns of an unconfigured vhost" t_verbose_unconfigured_vhost_warns
	run_test "-h and --help: usage on stdout, exit 0" t_help_plain_user
	run_test "exit: no command 125" t_exit_no_command
	run_test "exit: argc 0 is 125" t_exit_argc0
	run_test "exit: missing template 125" t_exit_template_missing
	# config
	run_test "config: namespace 1 runs without namespaces" t_config_namespace_off
	run_test "config: namespace 1 still drops privileges" t_config_namespace_off_drops
	run_test "config: vhost namespace 1 with -s" t_config_vhost_off
	run_test "config: -d DIR" t_config_dash_d
	run_test "--check as a plain user" t_check_plain_user
	run_test "--check shows expansions" t_check_expands
	run_test "--check: disabled by the configuration" t_check_disabled
	run_test "env: root -> another target: loader variables and unlisted names dropped" t_env_stripped_for_other_target
	run_test "env: kept whole for the caller itself" t_env_kept_for_self
	run_test "env: allowCaller -> tenant: CGI variables pass; issue 18's, HTTP_PROXY, caller's HOME do not" t_env_allowcaller_allow_list
	run_test "env: passEnv adds names, never LD_PRELOAD or HOME; a bad name is refused" t_env_passenv
	run_test "env: web server's OPENSSL_CONF loads no module into the tenant's python (control: tenant's own does)" t_env_openssl_conf_real
	run_test "env: web server's HTTP_PROXY is not the tenant's python's proxy (control: tenant's own is)" t_env_httpoxy_real
	run_test "env: cmd_ns gives a login environment, no ADMIN_API_TOKEN (bash: cd goes home)" t_cmdns_login_env

	# persistence
	run_test "persist: built, then joined" t_persist_build_then_join
	run_test "persist: root-owned record names the holder" t_persist_record
	run_test "persist: a joined sandbox is closed too" t_persist_isolated_too
	run_test "persist: template change rebuilds, old holder retires" t_persist_rebuild_on_template_change
	run_test "persist: bound source change rebuilds" t_persist_rebuild_on_source_change
	run_test "persist: ~/.lsns_reload rebuilds and is removed" t_persist_reload_file
	run_test "persist: a vhost has its own set" t_persist_vhost_separate
	run_test "persist: -n neither joins nor replaces" t_persist_oneshot_independent
	run_test "persist: users do not share a set" t_persist_other_user_separate
	run_test "unmount_ns -a retires every set" t_unmount_ns_all
	run_test "leak: no sandbox holder left running" t_no_leaked_holders
}

integration_main "$@"
