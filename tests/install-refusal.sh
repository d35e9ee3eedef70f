#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CMake refuses to install a sanitizer (NSCELL_SANITIZE) or testing
# (NSCELL_TESTING) build: setuid, either is a local root hole.
#
#   tests/install-refusal.sh SOURCE_DIR BUILD_DIR
#
# For each option, a scratch tree is configured (not built: the refusal
# must come before anything is copied) and `cmake --install` into a scratch
# prefix must fail with the refusal and install nothing.  The control:
# BUILD_DIR (a built tree) installs into a scratch DESTDIR with nscell
# setuid, or, when BUILD_DIR is itself a test build, is refused the same
# way.  Needs no root.  Output: "ok N - name" / "not ok N - name", last line
# "N passed, M failed".

set -u
src=${1:-}
build=${2:-}
if [ -z "$src" ] || [ -z "$build" ] || [ ! -f "$src/CMakeLists.txt" ] ||
	[ ! -f "$build/CMakeCache.txt" ]; then
	echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
	exit 2
fi
export LC_ALL=C
N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 20 | sed 's/^/#   /'
}
w=$(mktemp -d "${TMPDIR:-/tmp}/nscell-install.XXXXXX") || exit 1
trap 'rm -rf -- "$w"' EXIT
want='refusing to install a test build setuid root'

# refused DIR LABEL: cmake --install DIR fails with the refusal, and the
# prefix (and a DESTDIR) stay empty.
refused() {
	local d=$1 what=$2 out rc
	mkdir -p "$w/p.$what" "$w/d.$what"
	out=$(DESTDIR="$w/d.$what" cmake --install "$d" \
		--prefix "$w/p.$what" 2>&1)
	rc=$?
	if [ "$rc" != 0 ] && grep -q "$want" <<<"$out" &&
		[ -z "$(find "$w/p.$what" "$w/d.$what" -mindepth 1)" ]; then
		ok "$what: cmake --install refused, nothing installed"
	else
		notok "$what: cmake --install refused, nothing installed" \
			"exit $rc: $out
installed: $(find "$w/p.$what" "$w/d.$what" -mindepth 1 | head -n 5)"
	fi
}

for opt in NSCELL_SANITIZE NSCELL_TESTING; do
	if cmake -S "$src" -B "$w/b.$opt" "-D$opt=ON" >"$w/cfg.$opt" 2>&1; then
		refused "$w/b.$opt" "$opt=ON"
	else
		notok "$opt=ON: configure" "$(cat "$w/cfg.$opt")"
	fi
done

# The control: the refusal is about test builds, not every install.
if grep -Eq '^NSCELL_(SANITIZE|TESTING):BOOL=ON$' "$build/CMakeCache.txt"; then
	refused "$build" "control $(basename -- "$build") (a test build)"
else
	out=$(DESTDIR="$w/ctl" cmake --install "$build" --prefix /usr 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ -u "$w/ctl/usr/bin/nscell" ] &&
		[ -f "$w/ctl/usr/sbin/unmount_ns" ]; then
		ok "control: $(basename -- "$build") installs, nscell setuid"
	else
		notok "control: $(basename -- "$build") installs, nscell setuid" \
			"exit $rc: $out"
	fi
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
