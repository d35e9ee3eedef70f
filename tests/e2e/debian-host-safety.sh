#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/e2e/debian.sh on a host that already has nscell files, which must
# survive it: scripts/test never removes what it did not create.
#
#   tests/e2e/debian-host-safety.sh
#
# The "host" is simulated in a private mount namespace (the real host's
# files are never touched): /etc and /usr become overlays on a tmpfs, and
# in them another nscell's /etc/nscell/nscell.conf, a site template next to
# it and another program's /usr/lib/nscell/nscell-cgi are created.
# debian.sh then runs there, in full (it builds, installs, uses and purges
# the package in a throwaway root of its own), and must pass, not skip.
# Afterwards the three files must be the same files (inode) with the same
# bytes and modes, and nothing else may have been written to /etc or /usr:
# the upper layers of the overlays hold exactly what this script wrote
# (the host's own changes meanwhile, say a concurrent apt-get, go to the
# lower layers and are not compared).
#
# Needs root (exit 77 = skipped otherwise).  Output: debian.sh's lines, then
# this test's own; last line "N passed, M failed" for both.

set -u
SELF=$(readlink -f -- "$0")
SRC=$(cd "$(dirname -- "$SELF")/../.." && pwd)
export LC_ALL=C PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP e2e/debian: must run as root"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
fi

if [ "${1:-}" != --inner ]; then
	# debian.sh's packages, installed here on the host: inside, /usr is an
	# overlay, and apt-get there would leave the host's dpkg database
	# naming files that vanish with it (NSCELL_NO_APT makes it refuse).
	# shellcheck source=scripts/deps.sh
	. "$SRC/scripts/deps.sh"
	install_deps debhelper dpkg-dev fakeroot lintian || {
		echo "not ok 1 - install debhelper, dpkg-dev, fakeroot and lintian"
		echo "0 passed, 1 failed"
		exit 1
	}
	t=$(mktemp -d /tmp/nscell-debsafe.XXXXXX) || exit 1
	NSCELL_NO_APT=1 unshare --mount --propagation private -- \
		"$BASH" "$SELF" --inner "$t"
	rc=$?
	rmdir -- "$t"
	exit "$rc"
fi

t=$2
N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 30 | sed 's/^/#   /'
}

# The simulated host: /etc and /usr with writes going to our tmpfs.
mount -t tmpfs -o mode=0700,size=64m nscell-debsafe "$t" || exit 1
trap 'umount -l /etc /usr "$t"' EXIT
for d in /etc /usr; do
	mkdir -p "$t/u$d" "$t/w$d" && chmod --reference="$d" "$t/u$d" &&
		mount -t overlay -o "lowerdir=$d,upperdir=$t/u$d,workdir=$t/w$d" \
			nscell-debsafe "$d" || exit 1
done
FOREIGN=(/etc/nscell/nscell.conf /etc/nscell/site.tmpl /usr/lib/nscell/nscell-cgi)
mkdir -p /etc/nscell /usr/lib/nscell || exit 1
printf '# this host'"'"'s own nscell configuration (%s)\nminUid 2000\n' \
	"$RANDOM$RANDOM" >/etc/nscell/nscell.conf
printf '/srv/site /site,ro-bind\n' >/etc/nscell/site.tmpl
printf '#!/bin/sh\n# another program'"'"'s nscell-cgi (%s)\nexit 0\n' \
	"$RANDOM$RANDOM" >/usr/lib/nscell/nscell-cgi
chmod 0640 /etc/nscell/nscell.conf
chmod 0644 /etc/nscell/site.tmpl
chmod 0755 /usr/lib/nscell/nscell-cgi
state() {
	local f
	for f in "${FOREIGN[@]}"; do
		stat -c '%n %i %a %U %s' "$f" 2>&1
		sha256sum "$f" 2>&1
	done
}
# Everything written to the simulated host's /etc and /usr.
written() {
	find "$t/u" -mindepth 1 -printf '%P %y %m %s\n' | sort
}
before=$(state)
w_before=$(written)

"$SRC/tests/e2e/debian.sh" >"$t/debian.out" 2>&1
rc=$?
cat "$t/debian.out"
last=$(tail -n 1 "$t/debian.out")
if [ "$rc" = 0 ] && [[ $last =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] &&
	[ "${BASH_REMATCH[1]}" -gt 0 ]; then
	PASS=${BASH_REMATCH[1]} N=$PASS
else
	[[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] &&
		PASS=${BASH_REMATCH[1]} FAIL=${BASH_REMATCH[2]} N=$((PASS + FAIL))
	notok "e2e/debian ran on a host with nscell files and passed (exit $rc)" \
		"$last"
fi

after=$(state)
if [ "$before" = "$after" ]; then
	ok "the host's own /etc/nscell/nscell.conf, site.tmpl and /usr/lib/nscell/nscell-cgi survived (inode, mode, bytes)"
else
	notok "the host's own /etc/nscell/nscell.conf, site.tmpl and /usr/lib/nscell/nscell-cgi survived (inode, mode, bytes)" \
		"$(diff <(echo "$before") <(echo "$after"))"
fi
w_after=$(written)
if [ "$w_before" = "$w_after" ]; then
	ok "nothing else was written to the host's /etc and /usr"
else
	notok "nothing else was written to the host's /etc and /usr" \
		"$(diff <(echo "$w_before") <(echo "$w_after") | head -n 20)"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
