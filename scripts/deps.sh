# shellcheck shell=bash
# Installs what nscell needs to build and test, with apt-get, only when
# something is missing (so a prepared machine needs no network).
NSCELL_DEPS=(build-essential cmake pkg-config libcap-ng-dev libsystemd-dev check mandoc
	util-linux passwd procps python3 valgrind cppcheck clang
	clang-tools libnss-extrausers)

install_deps() {
	local missing=() p
	for p in "${NSCELL_DEPS[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "== installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Other jobs on the machine may hold apt's or dpkg's lock: wait for
	# it (up to 15 minutes) rather than fail.
	local i rc policy=/usr/sbin/policy-rc.d made=0
	for ((i = 0; i < 90; i++)); do
		apt-get -o DPkg::Lock::Timeout=900 update -qq && break
		sleep 10
	done
	# Servers the tests install (apache2, nginx, mariadb-server, php-fpm,
	# exim4) must not start as services: they would take the machine's
	# ports (apache2 and nginx both want port 80, and the second one's
	# installation would fail) and outlive the tests.  The tests start
	# their own.  A policy-rc.d that says so, only while installing and
	# only when the machine has none of its own.
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# nscell scripts/deps.sh: no service starts while installing\nexit 101\n' \
			>"$policy" && chmod 0755 "$policy" && made=1
	fi
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
	rc=$?
	if [ "$made" = 1 ] && grep -q '^# nscell scripts/deps.sh' "$policy"; then
		rm -f "$policy"
	fi
	return "$rc"
}
