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
	apt-get update -qq
	# Another apt-get (a concurrent test run's) may hold the lock a while.
	apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
		--no-install-recommends "${missing[@]}" >/dev/null
}
