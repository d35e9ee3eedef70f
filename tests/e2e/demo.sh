#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/demo as a new user runs it, into a prefix and with a user of
# this test's own: it must end with three lines saying where it installed,
# how to run and how to remove, say before them that it leaves a root
# holder running, and both printed commands must work as printed (the
# removal leaving nothing of the demo: prefix, holder, user, store).
#
#   tests/e2e/demo.sh
#
# Needs root (77 = skipped otherwise).  The demo builds in a directory of
# this test's (BUILD) and persists its sandbox in its configuration's
# persistDir, the host's /var/lsns, under a fresh uid; all of it goes.
#
# Output: "ok N - name" / "not ok N - name", last line "N passed, M failed".

set -u
SELF=$(readlink -f -- "$0")
SRC=$(cd "$(dirname -- "$SELF")/../.." && pwd)
# shellcheck source=tests/common.sh
. "$SRC/tests/common.sh"
export LC_ALL=C PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 30 | sed 's/^/#   /'
}

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP e2e/demo: must run as root"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
fi

# The prefix holds the configuration, which nscell reads only through
# root-owned directories that others cannot write: not /var/tmp.
trusted_workdir() {
	local base opts d
	for base in /opt /srv /usr/local /var/lib; do
		if [ ! -d "$base" ] || [ "$(stat -c '%u' "$base")" != 0 ] ||
			[ "$(($(stat -c '0%a' "$base") & 2))" != 0 ]; then
			continue
		fi
		opts=$(findmnt -n -o OPTIONS -T "$base" 2>/dev/null) || continue
		case ",$opts," in
		*,nosuid,* | *,noexec,*) continue ;;
		*) ;;
		esac
		d=$(mktemp -d "$base/nscell-demo-test.XXXXXX") || continue
		chmod 0755 "$d"
		echo "$d"
		return 0
	done
	return 1
}
W=$(trusted_workdir) || { echo "not ok 1 - no work dir"; exit 1; }
B=$(free_block) || { rm -rf -- "$W"; echo "not ok 1 - no free uid"; exit 1; }
USR=nsdemo$$
UIDN=""
# The launch log's rate state goes in persistDir: ours to remove if the
# demo made it (/var/lsns itself the demo's Remove line removes if it made it).
rate_was=""
[ -e /var/lsns/lograte ] && rate_was=1
cleanup() {
	if [ -n "$UIDN" ] && [ -x "$W/prefix/sbin/unmount_ns" ]; then
		"$W/prefix/sbin/unmount_ns" -k -t 5 -u "$UIDN" >/dev/null 2>&1
	fi
	if getent passwd "$USR" >/dev/null; then
		pkill -KILL -u "$USR" 2>/dev/null
		sleep 0.2
		userdel -r "$USR" >/dev/null 2>&1 || userdel -f -r "$USR" >/dev/null 2>&1
	fi
	[ -n "$UIDN" ] && rm -rf --one-file-system -- "/var/lsns/$UIDN"
	[ -n "$rate_was" ] || rm -f -- /var/lsns/lograte
	rm -rf --one-file-system -- "$W"
}
trap cleanup EXIT

# A user of ours; the demo makes its own only when the name is free, and
# the removal line then says userdel: here it does not.
useradd -m -d "$W/home" -u "$B" -U -s /bin/bash "$USR" || {
	notok "user $USR"
	echo "$PASS passed, $FAIL failed"
	exit 1
}
UIDN=$B

out=$(cd "$SRC" && PREFIX=$W/prefix DEMO_USER=$USR BUILD=$W/build \
	timeout 1200 scripts/demo 2>&1)
rc=$?
last3=$(tail -n 3 <<<"$out")
if [ "$rc" = 0 ] && grep -q "^uid=$UIDN($USR)" <<<"$out" &&
	[ "$(cut -d: -f1 <<<"$last3" | tr '\n' '|')" = "Installed|Run|Remove|" ]; then
	ok "scripts/demo: runs id in the sandbox, ends with Installed/Run/Remove"
else
	notok "scripts/demo: runs id in the sandbox, ends with Installed/Run/Remove" \
		"exit $rc: $out"
fi

holder=$(sed -n "s/^Left running: .* nsh:$UIDN (pid \([0-9]*\)).*/\1/p" <<<"$out")
if [ -n "$holder" ] && [ "$(cat "/proc/$holder/comm" 2>/dev/null)" = "nsh:$UIDN" ] &&
	grep -q "unmount_ns -k -u $UIDN" <<<"$out"; then
	ok "it says that it leaves the root holder $holder running, and how it goes"
else
	notok "it says that it leaves the root holder running, and how it goes" "$out"
fi

if grep -q "^Installed: $W/prefix/bin/nscell (setuid root)" <<<"$last3" &&
	[ "$(stat -c '%U %a' "$W/prefix/bin/nscell" 2>/dev/null)" = "root 4755" ] &&
	grep -q "configuration $W/prefix/etc/nscell/nscell.conf" <<<"$last3" &&
	[ -f "$W/prefix/etc/nscell/nscell.conf" ]; then
	ok "where: $W/prefix, setuid nscell, its configuration"
else
	notok "where: $W/prefix, setuid nscell, its configuration" "$last3"
fi

run=$(sed -n 's/^Run: \(.*\); man: .*/\1/p' <<<"$last3")
o=$(cd / && bash -c "$run" 2>&1)
if [ -n "$run" ] && grep -q "^uid=$UIDN($USR)" <<<"$o"; then
	ok "the Run line works as printed: $run"
else
	notok "the Run line works as printed" "'$run': $o"
fi
man=$(sed -n 's/^Run: .*; man: \(.*\)/\1/p' <<<"$last3")
if [ -n "$man" ] && grep -q "MANPATH=$W/prefix/share/man man nscell" <<<"$man" &&
	[ -f "$W/prefix/share/man/man1/nscell.1" ]; then
	ok "the man page is where the Run line says"
else
	notok "the man page is where the Run line says" "$man"
fi

remove=$(sed -n 's/^Remove: //p' <<<"$last3")
o=$(cd / && bash -c "$remove" 2>&1)
rc=$?
sleep 0.2
left=""
[ -e "$W/prefix" ] && left="$left $W/prefix"
[ -e "$W/build" ] && left="$left $W/build"
[ -e "/var/lsns/$UIDN" ] && left="$left /var/lsns/$UIDN"
# A holder that has exited may stay a zombie (pid 1 here need not reap):
# gone is no open file left.
[ -n "$holder" ] && grep -qs nsh "/proc/$holder/comm" &&
	[ -n "$(ls "/proc/$holder/fd" 2>/dev/null)" ] && left="$left holder:$holder"
if [ "$rc" = 0 ] && [ -z "$left" ] && ! grep -q userdel <<<"$remove"; then
	ok "the Remove line works as printed and leaves nothing"
else
	notok "the Remove line works as printed and leaves nothing" \
		"exit $rc: '$remove': $o; left:$left"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
