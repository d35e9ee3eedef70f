# shellcheck shell=bash
# Installs what nscell needs to build and test, with apt-get, only when
# something is missing (so a prepared machine needs no network).
NSCELL_DEPS=(build-essential cmake pkg-config libcap-ng-dev libseccomp-dev
	libsystemd-dev check mandoc
	util-linux passwd procps python3 valgrind cppcheck clang
	clang-tools libnss-extrausers)

install_deps() {
	local missing=() p
	for p in "${NSCELL_DEPS[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	# Set where /usr or /etc is an overlay (tests/e2e/debian-host-safety.sh):
	# apt-get would record in the host's dpkg database files that land in
	# the overlay and vanish with it.
	if [ -n "${NSCELL_NO_APT:-}" ]; then
		echo "install_deps: missing ${missing[*]}, and apt-get is not allowed here" >&2
		return 1
	fi
	echo "== installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt_update || return 1
	local rc policy=/usr/sbin/policy-rc.d made=0
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
	# Other programs on this machine may be installing too: wait for the
	# dpkg lock (bounded) rather than failing.
	apt-get -o DPkg::Lock::Timeout="$NSCELL_APT_LOCK_WAIT" install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
	rc=$?
	if [ "$made" = 1 ] && grep -q '^# nscell scripts/deps.sh' "$policy"; then
		rm -f "$policy"
	fi
	return "$rc"
}

# How long apt-get may wait for a lock another program holds (seconds).
NSCELL_APT_LOCK_WAIT=${NSCELL_APT_LOCK_WAIT:-600}

# apt-get update, retried while another program holds the lists lock
# (DPkg::Lock::Timeout covers only the dpkg lock, not /var/lib/apt/lists/lock).
apt_update() {
	local end=$((SECONDS + NSCELL_APT_LOCK_WAIT)) out
	while :; do
		out=$(apt-get -o DPkg::Lock::Timeout="$NSCELL_APT_LOCK_WAIT" \
			update -qq 2>&1) && return 0
		if ! grep -q 'Could not get lock' <<<"$out" ||
			[ "$SECONDS" -ge "$end" ]; then
			printf '%s\n' "$out" >&2
			return 1
		fi
		sleep 5
	done
}
