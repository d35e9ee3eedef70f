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

# A uid/gid B >= 20000 with B..B+9 free as both uid and gid, from a random
# start: concurrent runs should not pick the same ids.
free_block() {
	local b i ok
	for ((b = 20000 + 10 * (RANDOM % 2000); b < 60000; b += 10)); do
		ok=1
		for ((i = 0; i < 10; i++)); do
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
