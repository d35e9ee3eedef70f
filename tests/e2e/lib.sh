# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Harness of the end-to-end suites that run real servers and real PHP
# applications from Debian's packages through nscell (wordpress.sh,
# apache.sh, nginx.sh, docs.sh).  A suite sets E2E_NAME, E2E_DEPS (Debian
# packages) and E2E_TOOLS (commands), defines suite_setup and suite_tests,
# and ends with "e2e_main "$@"".
#
# The outer part (the host's mount namespace) checks root, installs the
# packages (waiting for the dpkg lock), builds nscell unless a binary is
# given, and re-executes the suite in a private mount namespace.  There,
# everything the suite changes is private: /etc/nscell is a tmpfs with the
# suite's configuration, the directories of /etc a server's documentation
# tells an admin to edit (/etc/apache2, /etc/nginx, /etc/wordpress) are
# copies bound over the originals, logs and run directories are tmpfs.  The
# host's own files and services are never touched.  Afterwards the outer
# part checks that no mount, user, process or file of the suite is left.
#
# Output: "ok N - name" / "not ok N - name" (+ "#   why" lines), "# SKIP"
# lines, and as the last line "N passed, M failed".  Exit status 0 iff
# nothing failed; 77 when the suite cannot run here (never a pass).

# Checks are eval strings, expanded when they run; the state file's
# values are words:
# shellcheck disable=SC2016,SC2034,SC2013
set -u
SRC=$(cd "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/common.sh
. "$SRC/tests/common.sh"
readonly CONF_DIR=/etc/nscell
readonly SAFE_PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
export PATH=$SAFE_PATH LC_ALL=C

N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	shift
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | head -n 40 | sed 's/^/#   /'
	done
}
WHY=""
# check NAME CONDITION-COMMAND...; diagnostics collected with why.
check() {
	local name=$1
	shift
	WHY=""
	if "$@"; then ok "$name"; else notok "$name" "$WHY"; fi
}
why() { WHY="${WHY:+$WHY
}$*"; return 1; }

# ================================================================ outer ===

# wait_dpkg_lock: other agents may be installing; wait, never fail on it.
install_suite_deps() {
	# shellcheck source=scripts/deps.sh
	. "$SRC/scripts/deps.sh"
	install_deps "$@"
}

e2e_outer() {
	local bin=${1:-} w rc before after u p left stray state t h

	if [ "$(id -u)" != 0 ]; then
		echo "# SKIP e2e/$E2E_NAME: must run as root"
		echo "0 passed, 0 failed, 1 skipped"
		exit 77
	fi
	install_suite_deps "${E2E_DEPS[@]}" || {
		notok "setup: install ${E2E_DEPS[*]}"
		echo "$PASS passed, $FAIL failed"
		exit 1
	}
	for t in unshare setpriv useradd userdel python3 curl timeout \
		"${E2E_TOOLS[@]}"; do
		command -v "$t" >/dev/null 2>&1 || {
			notok "setup: $t is available"
			echo "$PASS passed, $FAIL failed"
			exit 1
		}
	done
	w=$(pick_workdir "nscell-$E2E_NAME") || {
		notok "setup: a work directory where setuid works"
		echo "$PASS passed, $FAIL failed"
		exit 1
	}
	state=$w/state
	: >"$state"
	if [ -z "$bin" ]; then
		echo "# building nscell in $w/build"
		if cmake -S "$SRC" -B "$w/build" >"$w/build.log" 2>&1 &&
			cmake --build "$w/build" -j"$(nproc)" >>"$w/build.log" 2>&1; then
			bin=$w/build/nscell
		else
			tail -n 20 "$w/build.log" | sed 's/^/#   /'
		fi
	fi
	if [ -z "$bin" ] || [ ! -x "$bin" ] ||
		[ ! -x "$(dirname -- "$bin")/nscell-cgi" ]; then
		notok "setup: nscell and nscell-cgi binaries (got '${bin}')"
		rm -rf --one-file-system -- "$w"
		echo "$PASS passed, $FAIL failed"
		exit 1
	fi
	bin=$(readlink -f -- "$bin")
	before=$(mount_list)
	E2E_CREATED_ETC=0
	if [ ! -e "$CONF_DIR" ]; then
		mkdir -m 0755 "$CONF_DIR" || exit 1
		E2E_CREATED_ETC=1
	fi
	NSCELL_E2E_INNER=1 NSCELL_E2E_W=$w unshare --mount \
		--propagation private -- "$BASH" "$E2E_SELF" "$bin"
	rc=$?
	N=$(sed -n 's/^N=//p' "$state" | tail -n 1)
	PASS=$(sed -n 's/^PASS=//p' "$state" | tail -n 1)
	FAIL=$(sed -n 's/^FAIL=//p' "$state" | tail -n 1)
	N=${N:-0} PASS=${PASS:-0} FAIL=${FAIL:-0}
	grep -q '^DONE=1' "$state" || notok "the inner part finished (exit $rc)"

	# Safety net, then the leak checks, in the host's mount namespace.
	left=""
	for u in $(sed -n 's/^USER=//p' "$state"); do
		if getent passwd "$u" >/dev/null; then
			pkill -KILL -u "$u" 2>/dev/null
			sleep 0.2
			userdel -r "$u" >/dev/null 2>&1 ||
				userdel -f -r "$u" >/dev/null 2>&1
			left="$left $u"
		fi
	done
	stray=""
	for p in $(sed -n 's/^PID=//p' "$state"); do
		if [ -d "/proc/$p" ] &&
			grep -qa -- "$w" "/proc/$p/cmdline" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null
			stray="$stray $p"
		fi
	done
	# Processes of the suite's servers, found by the work dir in their
	# command line (each is given a path in it).
	for p in $(pgrep -f -- "$w/" 2>/dev/null); do
		[ "$p" = $$ ] && continue
		stray="$stray $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | tr -d '\0' | head -c 100))"
		kill -KILL "$p" 2>/dev/null
	done
	for p in $(sed -n 's/^SPID=//p' "$state"); do
		if [ -n "${p#*:}" ] && [ "$(start_time "${p%%:*}")" = "${p#*:}" ]; then
			kill -KILL "${p%%:*}" 2>/dev/null
			stray="$stray ${p%%:*}(a server)"
		fi
	done
	h=$(sed -n 's/^H=//p' "$state")
	[ "$E2E_CREATED_ETC" = 1 ] && rmdir "$CONF_DIR" 2>/dev/null
	after=$(mount_list)
	if [ "$before" = "$after" ]; then
		ok "cleanup: no new mounts in the host"
	else
		notok "cleanup: no new mounts in the host" \
			"$(diff <(echo "$before") <(echo "$after"))"
	fi
	if [ -z "$left" ]; then
		ok "cleanup: test users removed"
	else
		notok "cleanup: test users removed" "left:$left"
	fi
	if [ -z "$stray" ]; then
		ok "cleanup: servers and workers stopped"
	else
		notok "cleanup: servers and workers stopped" "killed:$stray"
	fi
	rm -rf --one-file-system -- "$w"
	case $h in
	/*/nscell-e2e.*) rm -rf --one-file-system -- "$h" ;;
	*) ;;
	esac
	if [ ! -e "$w" ] && { [ -z "$h" ] || [ ! -e "$h" ]; } &&
		{ [ "$E2E_CREATED_ETC" = 0 ] || [ ! -e "$CONF_DIR" ]; }; then
		ok "cleanup: work dir, homes and $CONF_DIR as they were"
	else
		notok "cleanup: work dir, homes and $CONF_DIR as they were"
	fi
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit
}

# ================================================================ inner ===

W=${NSCELL_E2E_W:-}	# work dir
H=""			# parent of the homes
NS=""			# setuid nscell under test
declare -A UID_OF GID_OF HOME_OF
CREATED_USERS=()
STOP_HOOKS=()		# commands run at cleanup, last first
CODE="" BODY="" HDRS=""

note() { echo "$1" >>"$W/state"; }
# note_pid PID: a server whose command line does not name the work dir,
# for the outer safety net: its pid and start time (never another's).
note_pid() { note "SPID=$1:$(start_time "$1")"; }
start_time() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null; }
on_cleanup() { STOP_HOOKS+=("$1"); }

e2e_cleanup() {
	local i u
	for ((i = ${#STOP_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${STOP_HOOKS[$i]}" >>"$W/log/cleanup.log" 2>&1
	done
	STOP_HOOKS=()
	if [ -n "${NSCELL_E2E_LOGS:-}" ]; then
		mkdir -p "$NSCELL_E2E_LOGS" && cp -r "$W/log" "$NSCELL_E2E_LOGS/"
	fi
	# The persisted sets (their holders): with this suite's configuration.
	[ -x "$W/bin/unmount_ns" ] && "$W/bin/unmount_ns" -a -k -t 5 >/dev/null 2>&1
	mountpoint -q "$CONF_DIR" && umount "$CONF_DIR"
	for u in "${CREATED_USERS[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null
	done
	sleep 0.3
	for u in "${CREATED_USERS[@]}"; do
		userdel -r "$u" >/dev/null 2>&1 || userdel -f -r "$u" >/dev/null 2>&1
	done
	CREATED_USERS=()
	case $H in
	/*/nscell-e2e.*) rm -rf --one-file-system -- "$H" ;;
	*) ;;
	esac
}

# stop_pid PID [SIGNAL]: TERM (or SIGNAL), wait up to 10 s, then KILL.
stop_pid() {
	local p=$1 i
	[ -n "$p" ] || return 0
	kill "-${2:-TERM}" "$p" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null
	return 0
}

# stop_server PID: the server and the launches it started (the nscell
# monitors of its FastCGI backends, its children), by their ids.
stop_server() {
	local kids p
	[ -n "$1" ] || return 0
	kids=$(pgrep -P "$1")
	stop_pid "$1"
	wait "$1" 2>/dev/null
	for p in $kids; do
		stop_pid "$p"
	done
}

add_user() {
	local name=$1 uid=$2 mode=$3
	if getent passwd "$name" >/dev/null || getent group "$name" >/dev/null; then
		echo "# setup: $name already exists; refusing to touch it" >&2
		return 1
	fi
	useradd -m -d "$H/$name" -u "$uid" -U -s /bin/sh "$name" || return 1
	CREATED_USERS+=("$name")
	note "USER=$name"
	chmod "$mode" "$H/$name"
	UID_OF[$name]=$uid
	GID_OF[$name]=$(id -g "$name")
	HOME_OF[$name]=$H/$name
}

# as_user WHO CMD...: as the user, a clean environment, like a login.
as_user() {
	local who=$1
	shift
	setpriv --reuid="$who" --regid="${GID_OF[$who]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$who]}" USER="$who" \
		LOGNAME="$who" "$@"
}

# put OWNER MODE PATH: stdin into PATH.
put() { cat >"$3" && chown "$1:" "$3" && chmod "$2" "$3"; }

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# private_copy DIR: a copy of DIR bound over it (this namespace only),
# so that an admin's steps can be run on it as written.
private_copy() {
	local d=$1 c
	c=$W/etc-copy${d//\//_}
	mkdir -p "$c" && cp -a "$d/." "$c/" && mount --bind "$c" "$d" &&
		on_cleanup "umount -l $d"
}

# private_tmpfs DIR [OWNER MODE]: an empty tmpfs over DIR, an existing
# directory (this namespace only; unmounted at cleanup).
private_tmpfs() {
	mount -t tmpfs -o "mode=${3:-0755},size=64m" "nscell-e2e" "$1" &&
		chown "${2:-root}:" "$1" && on_cleanup "umount -l $1"
}

# get URL [curl args]: sets CODE, BODY, HDRS (127.0.0.1 and the port in
# the URL; the Host header given with -H).
get() {
	local url=$1
	shift
	CODE=$(curl -sS --max-time 60 -o "$W/body" -D "$W/hdrs" \
		-w '%{http_code}' "$@" "$url" 2>"$W/curl.err") || CODE="curl-failed"
	BODY=$(tr -d '\0' <"$W/body" 2>/dev/null)
	HDRS=$(cat "$W/hdrs" 2>/dev/null)
}
val() {
	printf '%s\n' "$BODY" |
		awk -v k="$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'
}
ctx() {
	printf 'HTTP %s\n%s\n%s' "$CODE" "$(head -c 2000 <<<"$BODY")" \
		"$(cat "$W/curl.err" 2>/dev/null)"
}

# wait_http URL PID: until the server answers (60 s) or dies.
wait_http() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
		curl -s -o /dev/null --max-time 2 "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_socket PATH: until a unix socket exists (60 s).
wait_socket() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# The common nscell set-up: the setuid copy under test, nscell-cgi, the
# tools, a tmpfs over /etc/nscell with the Debian template, two homes.
e2e_base_setup() {
	local src=$1 u
	mkdir -m 0755 "$W/bin" "$W/etc" "$W/log" "$W/run" || return 1
	mkdir -m 0700 "$W/lsns" || return 1
	cp -- "$src" "$W/bin/nscell" && chown root:root "$W/bin/nscell" &&
		chmod 4755 "$W/bin/nscell" || return 1
	NS=$W/bin/nscell
	install -o root -g root -m 0755 "$(dirname -- "$src")/nscell-cgi" \
		"$W/bin/nscell-cgi" || return 1
	for u in unmount_ns cmd_ns; do
		[ -x "$(dirname -- "$src")/$u" ] &&
			install -m 0700 "$(dirname -- "$src")/$u" "$W/bin/$u"
	done
	mount -t tmpfs -o mode=0755,size=1m nscell-e2e "$CONF_DIR" || return 1
	# A private /run: the documented socket paths (/run/mysqld,
	# /run/nscell-php, /run/fcgiwrap.socket, ...) can be used as
	# written without meeting the host's services.
	private_tmpfs /run root 0755 || return 1
	mkdir -m 1777 /run/lock && mkdir -m 0755 /run/user || return 1
	install -o root -g root -m 0644 "$SRC/examples/templates/debian.tmpl" \
		"$CONF_DIR/debian.tmpl" || return 1
	if [ -d /home ]; then
		H=$(mktemp -d /home/nscell-e2e.XXXXXX) || return 1
	else
		H=$(mktemp -d /srv/nscell-e2e.XXXXXX) || return 1
	fi
	chmod 0755 "$H"
	note "H=$H"
}

# write_conf TEXT...: /etc/nscell/nscell.conf, root-owned 0644.
write_conf() {
	printf '%s\n' "$@" >"$CONF_DIR/nscell.conf" &&
		chmod 0644 "$CONF_DIR/nscell.conf"
}

# --- MariaDB, the test's own: its data in the work dir, its socket in the
# private /run, no network.
MYSQL_PID=""
mariadb_start() {
	local i
	install -d -o mysql -g root -m 0755 /run/mysqld || return 1
	# The first start makes the data directory; a restart keeps it.
	if [ ! -d "$W/mysql" ]; then
		mkdir -m 0700 "$W/mysql" && chown mysql: "$W/mysql" || return 1
		mariadb-install-db --user=mysql --datadir="$W/mysql" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$W/log/mysql-install.log" 2>&1 || {
			cat "$W/log/mysql-install.log" >&2
			return 1
		}
		on_cleanup mariadb_stop
	fi
	touch "$W/log/mysql.err" && chown mysql: "$W/log/mysql.err"
	mariadbd --no-defaults --user=mysql --datadir="$W/mysql" \
		--socket=/run/mysqld/mysqld.sock --skip-networking \
		--pid-file=/run/mysqld/mysqld.pid --log-error="$W/log/mysql.err" \
		--innodb-buffer-pool-size=32M </dev/null >"$W/log/mysql.out" 2>&1 &
	MYSQL_PID=$!
	note "PID=$MYSQL_PID"
	for ((i = 0; i < 600; i++)); do
		mariadb --no-defaults -S /run/mysqld/mysqld.sock -e 'select 1' \
			>/dev/null 2>&1 && return 0
		kill -0 "$MYSQL_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$W/log/mysql.err" "$W/log/mysql.out" >&2
	return 1
}
mariadb_stop() { stop_pid "$MYSQL_PID"; wait "$MYSQL_PID" 2>/dev/null; MYSQL_PID=""; }
sql() { mariadb --no-defaults -S /run/mysqld/mysqld.sock -N -B -e "$1"; }

# doc_block FILE NAME: the indented block after "<!-- e2e: NAME -->" in
# FILE, its indent removed.
doc_block() {
	awk -v m="<!-- e2e: $2 -->" '
		$0 == m { on = 1; next }
		on && /^    / { sub(/^    /, ""); print; seen = 1; next }
		on && seen && !/^$/ { exit }
		on && seen && /^$/ { print }' "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# doc_commands: a block of "# command" lines (root's prompt) as a script:
# the prompt removed; other lines (here-documents) as they are.
doc_commands() { sed 's/^# //'; }

# socket_activate PATH USER GROUP MODE -- COMMAND...: as systemd does for
# a .socket unit with StandardInput=socket: a listening unix socket at
# PATH (owner, group, mode as given; its directory 0755) on the command's
# standard input.  Prints the command's pid.
socket_activate() {
	local path=$1 owner=$2 group=$3 mode=$4
	shift 5
	install -d -m 0755 "$(dirname -- "$path")" || return 1
	# Its standard output is not the caller's: $(socket_activate ...)
	# must not wait for the server to close it.
	python3 - "$path" "$owner" "$group" "$mode" "$@" >/dev/null <<'PY' &
import os, pwd, grp, socket, sys
path, owner, group, mode = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chown(path, pwd.getpwnam(owner).pw_uid, grp.getgrnam(group).gr_gid)
os.chmod(path, int(mode, 8))
s.listen(128)
os.dup2(s.fileno(), 0)
os.execvp(sys.argv[5], sys.argv[5:])
PY
	echo $!
}

# unit_value FILE KEY: the (last) value of KEY= in a systemd unit.
unit_value() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# The logs' nscell lines that are not -v reports.
nscell_errors() {
	cat "$@" 2>/dev/null | grep -E 'nscell(-cgi)?(\[[0-9]+\])?:' |
		grep -Ev 'nscell: [^ ]+:[0-9]+: .*: (done( \(source [^)]*\))?|skipped: .*)$' |
		grep -Ev 'nscell: (joined the persisted sandbox|built a persisted sandbox|built a one-shot sandbox) \(holder pid [0-9]+\)$'
}

e2e_inner() {
	trap e2e_cleanup EXIT
	if ! suite_setup "$1"; then
		notok "setup: $E2E_NAME"
	else
		suite_tests
	fi
	e2e_cleanup
	trap - EXIT
	note "N=$N"
	note "PASS=$PASS"
	note "FAIL=$FAIL"
	note "DONE=1"
	[ "$FAIL" = 0 ]
}

e2e_main() {
	if [ -n "${NSCELL_E2E_INNER:-}" ]; then
		e2e_inner "$@"
	else
		e2e_outer "$@"
	fi
}
