# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the root test suites (tests/integration, tests/e2e).

# Mount points and sources of this mount namespace, without the ids (a
# remount elsewhere must not look like a leak).
mount_list() {
	awk '{ print $5, $4 }' /proc/self/mountinfo | sort
}

# pick_workdir PREFIX: a new directory for a suite's files, on a file
# system where setuid and exec work, traversable by everybody.
pick_workdir() {
	local prefix=$1 base opts d
	for base in /var/tmp /var/lib /srv /opt /usr/local; do
		[ -d "$base" ] || continue
		opts=$(findmnt -n -o OPTIONS -T "$base" 2>/dev/null) || continue
		case ",$opts," in
		*,nosuid,* | *,noexec,*) continue ;;
		*) ;;
		esac
		d=$(mktemp -d "$base/$prefix.XXXXXX") || continue
		chmod 0755 "$d"
		if setpriv --reuid=65534 --regid=65534 --clear-groups -- \
			test -x "$d"; then
			echo "$d"
			return 0
		fi
		rmdir "$d"
	done
	return 1
}

# free_block [N]: a uid/gid B >= 20000 with B..B+N-1 (N <= 20, default 10)
# free as both uid and gid, from a random start: concurrent runs should not
# pick the same ids.
free_block() {
	local n=${1:-10} b i ok
	for ((b = 20000 + 20 * (RANDOM % 2000); b < 60000; b += 20)); do
		ok=1
		for ((i = 0; i < n; i++)); do
			if getent passwd "$((b + i))" >/dev/null ||
				getent group "$((b + i))" >/dev/null; then
				ok=0
				break
			fi
		done
		if [ "$ok" = 1 ]; then
			echo "$b"
			return 0
		fi
	done
	return 1
}

# install_suid SRC DEST GROUP: a setuid-root copy of SRC at DEST that only
# root and the members of GROUP may execute (4750 root:GROUP).  Never 4755:
# a sanitizer or testing build run setuid by anybody is a local root hole
# (ASAN_OPTIONS=log_path=... writes where the caller says, as root).
install_suid() {
	local src=$1 dest=$2 group=$3
	cp -- "$src" "$dest.new" && chown "root:$group" "$dest.new" &&
		chmod 4750 "$dest.new" && mv -f -- "$dest.new" "$dest"
}

# private_dir DIR GROUP: a tmpfs over DIR, mode 0750 root:GROUP, in this
# (private) mount namespace: the setuid copies put there exist for nobody
# outside it, and even in it only for root and GROUP.
private_dir() {
	mount -t tmpfs -o mode=0750,size=256m nscell-test-bin "$1" &&
		chown "root:$2" "$1"
}

# with_dpkg_lock SECONDS CMD...: run CMD while holding the host's dpkg locks
# (lock-frontend, then lock, as apt and dpkg take them), waiting for them at
# most SECONDS: a concurrent apt-get or dpkg on this machine is waited for,
# not failed on, and cannot change the database under CMD.  Exit status:
# CMD's, or 75 when the locks could not be had in time.
with_dpkg_lock() {
	python3 - "$@" <<'PY'
import fcntl, os, subprocess, sys, time
limit = float(sys.argv[1])
cmd = sys.argv[2:]
end = time.monotonic() + limit
said = False
fds = []
for name in ("lock-frontend", "lock"):
    fd = os.open("/var/lib/dpkg/" + name, os.O_RDWR | os.O_CREAT, 0o640)
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            if time.monotonic() > end:
                print("# the dpkg lock was held by another program for %d s"
                      % limit, file=sys.stderr)
                sys.exit(75)
            if not said:
                print("# waiting for the dpkg lock (another apt or dpkg "
                      "is running)", file=sys.stderr)
                said = True
            time.sleep(1)
    fds.append(fd)
sys.exit(subprocess.call(cmd))
PY
}
