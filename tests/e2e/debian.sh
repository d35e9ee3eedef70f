#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds the Debian package from a copy of the tree (outside the
# repository), lints it, then installs it with dpkg -i in a throwaway root,
# runs a sandboxed command with the installed binary as a throwaway user,
# purges the package and checks that it is gone.
#
#   tests/e2e/debian.sh
#
# The throwaway root: a private mount namespace where /etc, /usr, /var and
# /home are overlays whose upper layers are a tmpfs, and /var/lib/dpkg is a
# snapshot of the host's database (copied while holding the host's dpkg
# lock, waited for, bounded).  dpkg, the user, /var/lsns and the persisted
# sandbox exist only there; the host's dpkg database and files are never
# written, and nscell files the host already has (another nscell's config,
# another program's /usr/lib/nscell/nscell-cgi) are hidden in the throwaway
# root only, never removed.  Checked here: what the throwaway root writes
# in /etc, /usr and the dpkg database is not seen from the host; the nscell
# files the host had are the same files with the same bytes after; the
# host's /var/lsns has nothing of the throwaway user.  (Other programs may
# install or remove things meanwhile: only what this test could have
# changed is compared.  tests/e2e/debian-host-safety.sh runs this on a
# simulated host that has such files, and checks that nothing at all was
# written to its /etc and /usr.)
#
# Needs root and a Debian system (exit 77 = skipped otherwise).  Installs the
# build dependencies if missing (apt-get, waiting for the dpkg lock).
#
# Output: "ok N - name" / "not ok N - name", last line "N passed, M failed".

set -u
SELF=$(readlink -f -- "$0")
SRC=$(cd "$(dirname -- "$SELF")/../.." && pwd)
export LC_ALL=C PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
# shellcheck source=tests/common.sh
. "$SRC/tests/common.sh"

N=${NSCELL_DEB_N:-0} PASS=0 FAIL=0
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

# How long to wait for another program's dpkg lock (seconds).
LOCK_WAIT=${NSCELL_APT_LOCK_WAIT:-600}

# The host paths the package would own, from its listing (its files and
# links, and the directories of its own: those named nscell).
pkg_paths() {
	dpkg-deb -c "$1" | awk '{
		p = substr($6, 2); sub(/\/$/, "", p)
		if (p != "" && (substr($1, 1, 1) != "d" || p ~ /nscell/)) print p
	}'
}

# host_state PATHS...: what the host has at those of the paths that exist
# (recursively: inode, mode, owner, size, content).
host_state() {
	local p
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			find "$p" -printf '%p %i %m %u %s %y\n' 2>&1
			find "$p" -type f -exec sha256sum {} + 2>&1
		fi
	done
}

# ============================================================ throwaway ===

# In the private mount namespace: build the throwaway root, then the
# install, use and purge.  Counters go to fd 3 (a file of the outer part).
USR="" UIDN=""
inner_main() {
	local w=$1 r=$2 deb=$3 host_pid=$4 d p f out rc home left
	UIDN=$5
	local paths=()
	mapfile -t paths <"$w/paths"
	# (r is outside /etc, /usr, /var and /home: still reachable once they
	# are overlays.)
	mount -t tmpfs -o mode=0700,size=1g nscell-deb "$r" ||
		{ notok "throwaway root: a tmpfs"; inner_exit; }
	# The dpkg database, copied while no apt or dpkg on the host runs.
	mkdir "$r/dpkg" || inner_exit
	if ! with_dpkg_lock "$LOCK_WAIT" cp -a /var/lib/dpkg/. "$r/dpkg/"; then
		notok "throwaway root: a snapshot of the dpkg database"
		inner_exit
	fi
	for d in /etc /usr /var /home; do
		if [ ! -d "$d" ] || [ -L "$d" ]; then
			continue
		fi
		if ! { mkdir -p "$r/u$d" "$r/w$d" &&
			chmod --reference="$d" "$r/u$d" &&
			chown --reference="$d" "$r/u$d" &&
			mount -t overlay -o "lowerdir=$d,upperdir=$r/u$d,workdir=$r/w$d" \
				nscell-deb "$d"; }; then
			notok "throwaway root: an overlay on $d"
			inner_exit
		fi
	done
	mount --bind "$r/dpkg" /var/lib/dpkg || inner_exit
	# The host's view (the outer part's root) must not see what is
	# written here.
	f=.nscell-deb-probe.$$
	touch "/etc/$f" "/usr/$f" "/var/lib/dpkg/$f"
	if [ -e "/etc/$f" ] && [ -e "/usr/$f" ] && [ -e "/var/lib/dpkg/$f" ] &&
		[ ! -e "/proc/$host_pid/root/etc/$f" ] &&
		[ ! -e "/proc/$host_pid/root/usr/$f" ] &&
		[ ! -e "/proc/$host_pid/root/var/lib/dpkg/$f" ]; then
		ok "throwaway root: /etc, /usr, the dpkg database written here are not the host's"
	else
		notok "throwaway root: /etc, /usr, the dpkg database written here are not the host's"
		inner_exit
	fi
	rm -f "/etc/$f" "/usr/$f" "/var/lib/dpkg/$f"
	# nscell files the host has without the package: hidden here (a
	# whiteout in the upper layer), so that the install starts clean.
	if ! dpkg-query -W -f='${Status}' nscell 2>/dev/null | grep -q 'ok installed'; then
		for p in "${paths[@]}"; do
			if [ -e "$p" ] || [ -L "$p" ]; then
				echo "# the host has $p (not from the package): hidden in the throwaway root, untouched on the host"
				rm -rf --one-file-system -- "$p"
			fi
		done
	fi

	if dpkg -i "$deb" >"$r/dpkg.log" 2>&1; then
		ok "dpkg -i"
	else
		notok "dpkg -i" "$(cat "$r/dpkg.log")"
		inner_exit
	fi
	if [ "$(stat -c '%U %a' /usr/bin/nscell)" = "root 4755" ]; then
		ok "installed /usr/bin/nscell is setuid root"
	else
		notok "installed /usr/bin/nscell is setuid root" "$(stat -c '%U %a' /usr/bin/nscell)"
	fi

	# A throwaway user (in the throwaway /etc).
	USR=nsdeb$$
	home=/home/$USR
	[ -d /home ] || home=/srv/$USR
	trap inner_cleanup EXIT
	if useradd -m -d "$home" -u "$UIDN" -U -s /bin/sh "$USR"; then
		ok "throwaway user $USR (uid $UIDN)"
	else
		notok "throwaway user $USR (uid $UIDN)"
		inner_exit
	fi
	as_user() {
		setpriv --reuid="$USR" --regid="$USR" --init-groups -- \
			env -i PATH=/usr/bin:/bin HOME="$home" USER="$USR" "$@"
	}

	out=$(as_user /usr/bin/nscell -v -- sh -c 'id -u; cat /etc/passwd; ls /' 2>"$r/err")
	rc=$?
	if [ "$rc" = 0 ] && [ "$(head -n 1 <<<"$out")" = "$UIDN" ] &&
		[ "$(sed -n 2p <<<"$out" | cut -d: -f1)" = "$USR" ] &&
		[ "$(grep -c ':x:' <<<"$out")" = 1 ] &&
		grep -q '^nscell: built a persisted sandbox (holder pid [0-9]*)$' "$r/err"; then
		ok "installed nscell -- id: runs as $USR in a sandbox (built)"
	else
		notok "installed nscell -- id: runs as $USR in a sandbox (built)" \
			"exit $rc: $out $(cat "$r/err")"
	fi
	out=$(as_user /usr/bin/nscell -v -- id -un 2>"$r/err")
	if [ "$out" = "$USR" ] &&
		grep -q '^nscell: joined the persisted sandbox' "$r/err"; then
		ok "installed nscell: the second launch joins"
	else
		notok "installed nscell: the second launch joins" "$out $(cat "$r/err")"
	fi
	# The package's configuration names the Debian template (issue 12):
	# the built-in default is the spec's list, for LiteSpeed's RHEL-style
	# paths.  (That default.tmpl is the built-in list is a unit test.)
	if grep -qx 'namespaceConf /usr/share/nscell/debian.tmpl' \
		/etc/nscell/nscell.conf &&
		as_user /usr/bin/nscell --check >"$r/b" &&
		grep -q '^/usr/share/nscell/debian.tmpl:[0-9]*: ro-bind-try /etc/hosts /etc/hosts$' "$r/b" &&
		! grep -q '^<default>' "$r/b"; then
		ok "the installed nscell.conf uses /usr/share/nscell/debian.tmpl"
	else
		notok "the installed nscell.conf uses /usr/share/nscell/debian.tmpl" \
			"$(cat /etc/nscell/nscell.conf "$r/b")"
	fi
	out=$(/usr/sbin/cmd_ns -u "$USR" -- id -u 2>&1)
	if [ "$out" = "$UIDN" ]; then
		ok "installed cmd_ns -u $USR -- id -u"
	else
		notok "installed cmd_ns -u $USR -- id -u" "$out"
	fi
	# What the timer and the cron job run, as they run it (issue 16).
	out=$(sh -c "$(sed -n 's/^\*\/15 \* \* \* \* root //p' /etc/cron.d/nscell)" 2>&1)
	rc=$?
	if [ -d /run/systemd/system ] || { [ "$rc" = 0 ] && [ -z "$out" ]; }; then
		ok "the cron job's command runs (unmount_ns --expire)"
	else
		notok "the cron job's command runs (unmount_ns --expire)" "exit $rc: $out"
	fi
	if /usr/sbin/unmount_ns -l | awk -v u="$UIDN" '$1 == u { f = 1 } END { exit !f }' &&
		/usr/sbin/unmount_ns -k -t 5 -u "$USR" >"$r/um" 2>&1; then
		ok "installed unmount_ns -l lists it, -k -u removes it"
	else
		notok "installed unmount_ns -l lists it, -k -u removes it" "$(cat "$r/um")"
	fi

	if dpkg --purge nscell >"$r/dpkg.log" 2>&1; then
		ok "dpkg --purge nscell"
	else
		notok "dpkg --purge nscell" "$(cat "$r/dpkg.log")"
	fi
	left=""
	for f in /usr/bin/nscell /usr/sbin/unmount_ns /usr/sbin/cmd_ns \
		/usr/lib/nscell /usr/share/nscell /etc/nscell/nscell.conf \
		/usr/share/man/man1/nscell.1.gz /usr/share/doc/nscell /etc/nscell; do
		[ -e "$f" ] && left="$left $f"
	done
	if [ -z "$left" ] && ! dpkg-query -W -f='${Status}' nscell 2>/dev/null |
		grep -q installed; then
		ok "purged: nothing of the package is left"
	else
		notok "purged: nothing of the package is left" "left:$left"
	fi
	inner_exit
}

# (Called by the EXIT trap.)
# shellcheck disable=SC2317
# Processes of the throwaway user (the persisted sandbox's holder, if the
# test stopped before unmount_ns): they would keep this namespace alive.
inner_cleanup() {
	[ -n "$USR" ] || return 0
	if ! { [ -x /usr/sbin/unmount_ns ] &&
		/usr/sbin/unmount_ns -k -t 5 -u "$USR" >/dev/null 2>&1; }; then
		pkill -KILL -U "$UIDN" 2>/dev/null
	fi
	return 0
}

inner_exit() {
	echo "N=$N PASS=$PASS FAIL=$FAIL DONE=1" >&3
	exit 0
}

if [ "${1:-}" = --throwaway-root ]; then
	inner_main "$2" "$3" "$4" "$5" "$6"
fi

# ================================================================ outer ===

[ "$(id -u)" = 0 ] || skip "must run as root"
command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
	skip "not a Debian system"
for t in unshare python3 setpriv findmnt; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is missing"
done

# shellcheck source=scripts/deps.sh
. "$SRC/scripts/deps.sh"
install_deps debhelper dpkg-dev fakeroot lintian || {
	notok "install debhelper, dpkg-dev, fakeroot and lintian"
	finish
}

W=$(mktemp -d /var/tmp/nscell-deb.XXXXXX) || exit 1
chmod 0755 "$W"
R=$(mktemp -d /tmp/nscell-deb-root.XXXXXX) || exit 1
trap 'rm -rf --one-file-system -- "$W"; rmdir -- "$R"' EXIT

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

# Install, use and purge in the throwaway root, as a user whose uid is
# from a random free block (other suites' users exist only in their own
# namespaces, so "free" is as far as this one can see).
pkg_paths "$deb" >"$W/paths"
mapfile -t PATHS <"$W/paths"
before=$(host_state "${PATHS[@]}")
had=()
for p in "${PATHS[@]}"; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		had+=("$p")
	fi
done
uidn=$(free_block 1) || { notok "a free uid for the throwaway user"; finish; }
: >"$W/inner.state"
NSCELL_DEB_N=$N unshare --mount --propagation private -- \
	"$BASH" "$SELF" --throwaway-root "$W" "$R" "$deb" "$$" "$uidn" \
	3>"$W/inner.state"
rc=$?
st=$(tail -n 1 "$W/inner.state")
if [[ $st =~ ^N=([0-9]+)\ PASS=([0-9]+)\ FAIL=([0-9]+)\ DONE=1$ ]]; then
	N=${BASH_REMATCH[1]}
	PASS=$((PASS + BASH_REMATCH[2])) FAIL=$((FAIL + BASH_REMATCH[3]))
else
	notok "the throwaway-root part finished (exit $rc)"
fi
after=$(host_state "${had[@]}")
left=""
for p in "/var/lsns/$uidn" "/var/lsns/tmp/$uidn"; do
	[ -e "$p" ] && left="$left $p"
done
if [ "$before" = "$after" ] && [ -z "$left" ]; then
	ok "the host's own nscell files (${#had[@]}) are as they were, its /var/lsns has nothing of uid $uidn"
else
	notok "the host's own nscell files (${#had[@]}) are as they were, its /var/lsns has nothing of uid $uidn" \
		"$(diff <(echo "$before") <(echo "$after"))${left:+
in /var/lsns:$left}"
fi
finish
