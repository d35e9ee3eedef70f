#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds the Debian package from a copy of the tree (outside the
# repository), lints it, installs it with dpkg -i, runs a sandboxed command
# with the installed binary as a throwaway user, purges the package and
# checks that it is gone.
#
#   tests/e2e/debian.sh
#
# Needs root and a Debian system (exit 77 = skipped otherwise), and is
# skipped as well when an nscell is already installed on this machine,
# which it must not replace.  Installs the build dependencies if missing.
#
# Output: "ok N - name" / "not ok N - name", last line "N passed, M failed".

set -u
SELF=$(readlink -f -- "$0")
SRC=$(cd "$(dirname -- "$SELF")/../.." && pwd)
export LC_ALL=C PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 30 | sed 's/^/#   /'
}
skip() {
	echo "# SKIP e2e/debian: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
}
finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit
}

[ "$(id -u)" = 0 ] || skip "must run as root"
command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
	skip "not a Debian system"
if dpkg-query -W -f='${Status}' nscell 2>/dev/null | grep -q installed ||
	[ -e /usr/bin/nscell ] || [ -e /etc/nscell/nscell.conf ]; then
	skip "an nscell is already installed here; not touching it"
fi

# shellcheck source=scripts/deps.sh
. "$SRC/scripts/deps.sh"
install_deps debhelper dpkg-dev fakeroot lintian || {
	notok "install debhelper, dpkg-dev, fakeroot and lintian"
	finish
}

W=$(mktemp -d /var/tmp/nscell-deb.XXXXXX) || exit 1
chmod 0755 "$W"
USR="" LSNS_CREATED=0 INSTALLED=0 ETC_CREATED=0
[ -e /var/lsns ] || LSNS_CREATED=1
[ -e /etc/nscell ] || ETC_CREATED=1
cleanup() {
	if [ -n "$USR" ] && getent passwd "$USR" >/dev/null; then
		[ -x /usr/sbin/unmount_ns ] &&
			/usr/sbin/unmount_ns -k -t 5 -u "$USR" >/dev/null 2>&1
		pkill -KILL -u "$USR" 2>/dev/null
		sleep 0.2
		userdel -r "$USR" >/dev/null 2>&1 || userdel -f -r "$USR" >/dev/null 2>&1
	fi
	[ "$INSTALLED" = 1 ] && dpkg --purge nscell >/dev/null 2>&1
	if [ -n "${UIDN:-}" ]; then
		rm -rf --one-file-system -- "/var/lsns/$UIDN" "/var/lsns/tmp/$UIDN"
	fi
	if [ "$LSNS_CREATED" = 1 ] && [ -d /var/lsns ]; then
		rmdir /var/lsns/tmp 2>/dev/null
		rmdir /var/lsns 2>/dev/null
	fi
	[ "$ETC_CREATED" = 1 ] && rmdir /etc/nscell 2>/dev/null
	rm -rf --one-file-system -- "$W"
}
trap cleanup EXIT

# A copy of the tree: the files git knows (tracked or not ignored), or
# everything but build directories outside a git checkout.
ver=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version 2>/dev/null)
D=$W/nscell-${ver:-0}
mkdir "$D"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z -c -o --exclude-standard |
		tar --null -T - -cf -) | (cd "$D" && tar -xf -)
else
	(cd "$SRC" && tar --exclude='./build*' --exclude=./.git -cf - .) |
		(cd "$D" && tar -xf -)
fi

if (cd "$D" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	notok "dpkg-buildpackage -us -uc -b" "$(tail -n 40 "$W/build.log")"
	finish
fi
deb=$(ls "$W"/nscell_*.deb 2>/dev/null | head -n 1)
changes=$(ls "$W"/nscell_*.changes 2>/dev/null | head -n 1)

lintian --fail-on error --no-tag-display-limit "$changes" >"$W/lintian.log" 2>&1
rc=$?
if [ "$rc" = 0 ] && ! grep -q '^E: ' "$W/lintian.log"; then
	ok "lintian: no errors"
else
	notok "lintian: no errors" "exit $rc: $(cat "$W/lintian.log")"
fi
grep -E '^[WI]: ' "$W/lintian.log" | sed 's/^/# lintian: /'

listing=$(dpkg-deb -c "$deb")
want() {
	# want MODE PATH: the package holds PATH with that mode, root-owned.
	grep -Eq "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \.$2$" <<<"$listing"
}
if want '-rwsr-xr-x' /usr/bin/nscell && want '-rwxr-xr-x' /usr/sbin/unmount_ns &&
	want '-rwxr-xr-x' /usr/sbin/cmd_ns &&
	want '-rwxr-xr-x' /usr/lib/nscell/nscell-cgi &&
	want '-rw-r--r--' /etc/nscell/nscell.conf &&
	want '-rw-r--r--' /usr/share/nscell/default.tmpl &&
	want '-rw-r--r--' /usr/share/nscell/debian.tmpl &&
	want '-rw-r--r--' /usr/share/nscell/el.tmpl &&
	want '-rw-r--r--' /usr/share/man/man1/nscell.1.gz &&
	want '-rw-r--r--' /usr/share/man/man5/nscell.conf.5.gz &&
	want '-rw-r--r--' /usr/share/man/man5/nscell.template.5.gz &&
	want '-rw-r--r--' /usr/share/man/man8/unmount_ns.8.gz &&
	want '-rw-r--r--' /usr/share/man/man8/cmd_ns.8.gz; then
	ok "package layout: nscell 4755 root, tools, man pages, config, template"
else
	notok "package layout: nscell 4755 root, tools, man pages, config, template" \
		"$listing"
fi
if dpkg-deb -I "$deb" conffiles 2>/dev/null | grep -qx /etc/nscell/nscell.conf; then
	ok "conffile: /etc/nscell/nscell.conf"
else
	notok "conffile: /etc/nscell/nscell.conf" "$(dpkg-deb -I "$deb" conffiles 2>&1)"
fi
# Idle sets expire on a quiet machine too (issue 16): the timer, enabled
# at installation, and the cron job where systemd does not run.
if want '-rw-r--r--' /lib/systemd/system/nscell-expire.timer &&
	want '-rw-r--r--' /lib/systemd/system/nscell-expire.service &&
	want '-rw-r--r--' /etc/cron.d/nscell &&
	dpkg-deb -I "$deb" postinst 2>/dev/null |
	grep -q "deb-systemd-helper enable 'nscell-expire.timer'" &&
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./etc/cron.d/nscell |
	grep -Eq '^\*/15 \* \* \* \* root .*/usr/sbin/unmount_ns --expire$'; then
	ok "expiry: nscell-expire.timer enabled by the package, /etc/cron.d/nscell"
else
	notok "expiry: nscell-expire.timer enabled by the package, /etc/cron.d/nscell" \
		"$(grep -E 'systemd|cron' <<<"$listing")"
fi

if dpkg -i "$deb" >"$W/dpkg.log" 2>&1; then
	INSTALLED=1
	ok "dpkg -i"
else
	INSTALLED=1
	notok "dpkg -i" "$(cat "$W/dpkg.log")"
	finish
fi
if [ "$(stat -c '%U %a' /usr/bin/nscell)" = "root 4755" ]; then
	ok "installed /usr/bin/nscell is setuid root"
else
	notok "installed /usr/bin/nscell is setuid root" "$(stat -c '%U %a' /usr/bin/nscell)"
fi

# A throwaway user with a free uid >= 1000.
for ((UIDN = 21100; UIDN < 60000; UIDN++)); do
	getent passwd "$UIDN" >/dev/null || getent group "$UIDN" >/dev/null ||
		break
done
USR=nsdeb$$
home=/home/$USR
[ -d /home ] || home=/srv/$USR
if useradd -m -d "$home" -u "$UIDN" -U -s /bin/sh "$USR"; then
	ok "throwaway user $USR (uid $UIDN)"
else
	notok "throwaway user $USR (uid $UIDN)"
	USR=""
	finish
fi
as_user() {
	setpriv --reuid="$USR" --regid="$USR" --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME="$home" USER="$USR" "$@"
}

out=$(as_user /usr/bin/nscell -v -- sh -c 'id -u; cat /etc/passwd; ls /' 2>"$W/err")
rc=$?
if [ "$rc" = 0 ] && [ "$(head -n 1 <<<"$out")" = "$UIDN" ] &&
	[ "$(sed -n 2p <<<"$out" | cut -d: -f1)" = "$USR" ] &&
	[ "$(grep -c ':x:' <<<"$out")" = 1 ] &&
	grep -q '^nscell: built a persisted sandbox (holder pid [0-9]*)$' "$W/err"; then
	ok "installed nscell -- id: runs as $USR in a sandbox (built)"
else
	notok "installed nscell -- id: runs as $USR in a sandbox (built)" \
		"exit $rc: $out $(cat "$W/err")"
fi
out=$(as_user /usr/bin/nscell -v -- id -un 2>"$W/err")
if [ "$out" = "$USR" ] &&
	grep -q '^nscell: joined the persisted sandbox' "$W/err"; then
	ok "installed nscell: the second launch joins"
else
	notok "installed nscell: the second launch joins" "$out $(cat "$W/err")"
fi
# The package's configuration names the Debian template (issue 12): the
# built-in default is the spec's list, for LiteSpeed's RHEL-style paths.
# (That default.tmpl is the built-in list is checked by a unit test.)
if grep -qx 'namespaceConf /usr/share/nscell/debian.tmpl' \
	/etc/nscell/nscell.conf &&
	as_user /usr/bin/nscell --check >"$W/b" &&
	grep -q '^/usr/share/nscell/debian.tmpl:[0-9]*: ro-bind-try /etc/hosts /etc/hosts$' "$W/b" &&
	! grep -q '^<default>' "$W/b"; then
	ok "the installed nscell.conf uses /usr/share/nscell/debian.tmpl"
else
	notok "the installed nscell.conf uses /usr/share/nscell/debian.tmpl" \
		"$(cat /etc/nscell/nscell.conf "$W/b")"
fi
out=$(/usr/sbin/cmd_ns -u "$USR" -- id -u 2>&1)
if [ "$out" = "$UIDN" ]; then
	ok "installed cmd_ns -u $USR -- id -u"
else
	notok "installed cmd_ns -u $USR -- id -u" "$out"
fi
# What the timer and the cron job run, as they run it.
out=$(sh -c "$(sed -n 's/^\*\/15 \* \* \* \* root //p' /etc/cron.d/nscell)" 2>&1)
rc=$?
if [ -d /run/systemd/system ] || { [ "$rc" = 0 ] && [ -z "$out" ]; }; then
	ok "the cron job's command runs (unmount_ns --expire)"
else
	notok "the cron job's command runs (unmount_ns --expire)" "exit $rc: $out"
fi
if /usr/sbin/unmount_ns -l | awk -v u="$UIDN" '$1 == u { f = 1 } END { exit !f }' &&
	/usr/sbin/unmount_ns -k -t 5 -u "$USR" >"$W/um" 2>&1; then
	ok "installed unmount_ns -l lists it, -k -u removes it"
else
	notok "installed unmount_ns -l lists it, -k -u removes it" "$(cat "$W/um")"
fi

if dpkg --purge nscell >"$W/dpkg.log" 2>&1; then
	INSTALLED=0
	ok "dpkg --purge nscell"
else
	notok "dpkg --purge nscell" "$(cat "$W/dpkg.log")"
fi
left=""
for f in /usr/bin/nscell /usr/sbin/unmount_ns /usr/sbin/cmd_ns \
	/usr/lib/nscell /usr/share/nscell /etc/nscell/nscell.conf \
	/usr/share/man/man1/nscell.1.gz /usr/share/doc/nscell; do
	[ -e "$f" ] && left="$left $f"
done
if [ "$ETC_CREATED" = 1 ] && [ -e /etc/nscell ]; then
	left="$left /etc/nscell"
fi
if [ -z "$left" ] && ! dpkg-query -W -f='${Status}' nscell 2>/dev/null |
	grep -q installed; then
	ok "purged: nothing of the package is left"
else
	notok "purged: nothing of the package is left" "left:$left"
fi
finish
