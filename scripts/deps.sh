# shellcheck shell=bash
# Installs what nscell needs to build and test, with apt-get, only when
# something is missing (so a prepared machine needs no network).
NSCELL_DEPS=(build-essential cmake pkg-config libcap-ng-dev check mandoc
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
	local i
	for ((i = 0; i < 90; i++)); do
		apt-get -o DPkg::Lock::Timeout=900 update -qq && break
		sleep 10
	done
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}
