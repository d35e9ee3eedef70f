#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Checks the systemd units of examples/systemd/ with systemd-analyze verify.
#
#   tests/e2e/systemd.sh [NSCELL_BINARY]
#
# systemd-analyze verify wants the ExecStart= binaries to exist: the units
# are checked as written when /usr/bin/nscell exists, and otherwise from a
# copy naming NSCELL_BINARY (or any executable stand-in) instead.  Any
# warning counts as a failure.  Installs systemd when it is missing and we
# are root; prints "# SKIP" and exits 77 when systemd-analyze cannot be had.
#
# Output: "ok N - name" / "not ok N - name", last line "N passed, M failed".

set -u
SELF=$(readlink -f -- "$0")
SRC=$(cd "$(dirname -- "$SELF")/../.." && pwd)
export LC_ALL=C

N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/#   /'
}

if ! command -v systemd-analyze >/dev/null 2>&1 && [ "$(id -u)" = 0 ] &&
	command -v apt-get >/dev/null 2>&1; then
	# shellcheck source=scripts/deps.sh
	. "$SRC/scripts/deps.sh"
	install_deps systemd >/dev/null 2>&1
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "# SKIP e2e/systemd: systemd-analyze is not installed and cannot be"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
fi

bin=${1:-}
[ -n "$bin" ] && bin=$(readlink -f -- "$bin")
[ -n "$bin" ] && [ -x "$bin" ] || bin=/bin/true

w=$(mktemp -d /tmp/nscell-systemd.XXXXXX) || exit 1
trap 'rm -rf -- "$w"' EXIT
units=("$SRC"/examples/systemd/*.service "$SRC"/examples/systemd/*.socket
	"$SRC"/examples/php-fpm/*.service)
units+=("$SRC"/examples/systemd/*.timer)
um=/usr/sbin/unmount_ns
[ -x "$um" ] || um=$(dirname -- "$bin")/unmount_ns
[ -x "$um" ] || um=/bin/true
for u in "${units[@]}"; do
	if [ -x /usr/bin/nscell ]; then
		cp -- "$u" "$w/"
	else
		sed "s|/usr/bin/nscell |$bin |; s|/usr/sbin/unmount_ns |$um |" \
			"$u" >"$w/$(basename -- "$u")"
	fi
done

# A template is verified through an instance; users need not exist.
for inst in nscell-php@alice.socket nscell-php@alice.service \
	nscell-job@alice.service nscell-fpm@alice.service \
	nscell-expire.timer nscell-expire.service; do
	out=$(cd "$w" && systemd-analyze verify --man=no "./$inst" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify $inst"
	else
		notok "systemd-analyze verify $inst" "exit $rc: $out"
	fi
done

# What the units promise in their comments.
f=$SRC/examples/systemd/nscell-php@.service
if grep -qx 'StandardInput=socket' "$f" && grep -qx 'User=%i' "$f" &&
	grep -q '^ExecStart=/usr/bin/nscell .*-- /usr/bin/php-cgi' "$f" &&
	! grep -q '^NoNewPrivileges=yes' "$f"; then
	ok "php unit: php-cgi through nscell as the user, socket on stdin"
else
	notok "php unit: php-cgi through nscell as the user, socket on stdin"
fi
f=$SRC/examples/systemd/nscell-job@.service
if grep -qx 'User=%i' "$f" && grep -q '^ExecStart=/usr/bin/nscell ' "$f" &&
	! grep -q '^NoNewPrivileges=yes' "$f"; then
	ok "job unit: through nscell as the user"
else
	notok "job unit: through nscell as the user"
fi

f=$SRC/examples/systemd/nscell-expire.service
if grep -qx 'ExecStart=/usr/sbin/unmount_ns --expire' "$f" &&
	grep -qx 'Type=oneshot' "$f" &&
	grep -qx 'OnUnitActiveSec=15min' "$SRC/examples/systemd/nscell-expire.timer" &&
	grep -qx 'WantedBy=timers.target' "$SRC/examples/systemd/nscell-expire.timer"; then
	ok "expire units: unmount_ns --expire every 15 minutes"
else
	notok "expire units: unmount_ns --expire every 15 minutes"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
