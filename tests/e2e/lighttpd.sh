#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End-to-end test: a real lighttpd serving two sites through nscell, with
# the configuration of examples/lighttpd/ (CGI as the owner of the script
# through nscell-cgi, PHP as FastCGI workers started through nscell).
#
#   tests/e2e/lighttpd.sh [NSCELL_BINARY]
#
# Needs root (exit 77 = skipped otherwise).  Installs lighttpd, php-cgi and
# curl if missing, builds nscell into a scratch directory unless a binary is
# given, then re-executes itself in a private mount namespace where /etc is
# an overlay on a tmpfs (the site users, and the group that may run the
# setuid copy, exist only there), /etc/nscell a tmpfs holding the test's
# configuration, persistDir the test's own, and the setuid copy (4750,
# root:nse2e_exec, whose members are www-data and the site users) lives on
# a tmpfs of that namespace.  It creates two site users with their docroots, starts
# lighttpd on a free loopback port, fetches the seed's "Is it working?"
# dirlist CGI, a probe CGI and a PHP page with curl, checks what a hosting
# operator would check, stops lighttpd and removes everything it made.
#
# Output: "ok N - name" / "not ok N - name" (+ "#   why" lines), and as the
# last line "N passed, M failed".  Exit status 0 iff nothing failed.

# Checks are eval strings, expanded when they run:
# shellcheck disable=SC2016,SC2034
set -u
SELF=$(readlink -f -- "$0")
SRC=$(cd "$(dirname -- "$SELF")/../.." && pwd)
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
		printf '%s\n' "$l" | head -n 30 | sed 's/^/#   /'
	done
}
# check NAME CONDITION-COMMAND... ; diagnostics in $WHY
WHY=""
check() {
	local name=$1
	shift
	WHY=""
	if "$@"; then ok "$name"; else notok "$name" "$WHY"; fi
}
why() { WHY="${WHY:+$WHY
}$*"; return 1; }


# ================================================================ outer ===

outer_main() {
	local bin=${1:-} w rc before after u uid left state
	local p stray

	if [ "$(id -u)" != 0 ]; then
		echo "# SKIP e2e/lighttpd: must run as root"
		echo "0 passed, 0 failed, 1 skipped"
		exit 77
	fi
	# shellcheck source=scripts/deps.sh
	. "$SRC/scripts/deps.sh"
	install_deps lighttpd php-cgi curl || {
		notok "setup: install lighttpd, php-cgi and curl"
		echo "$PASS passed, $FAIL failed"
		exit 1
	}
	for t in lighttpd php-cgi curl unshare setpriv useradd userdel \
		python3 sha256sum timeout findmnt; do
		command -v "$t" >/dev/null 2>&1 || {
			notok "setup: $t is available"
			echo "$PASS passed, $FAIL failed"
			exit 1
		}
	done

	w=$(pick_workdir nscell-e2e) || {
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
	if [ -z "$bin" ] || [ ! -x "$bin" ]; then
		notok "setup: nscell binary (got '${bin}')"
		rm -rf --one-file-system -- "$w"
		echo "$PASS passed, $FAIL failed"
		exit 1
	fi
	bin=$(readlink -f -- "$bin")

	before=$(mount_list)
	NSCELL_E2E_INNER=1 NSCELL_E2E_W=$w unshare --mount \
		--propagation private -- "$BASH" "$SELF" "$bin"
	rc=$?
	N=$(sed -n 's/^N=//p' "$state" | tail -n 1)
	PASS=$(sed -n 's/^PASS=//p' "$state" | tail -n 1)
	FAIL=$(sed -n 's/^FAIL=//p' "$state" | tail -n 1)
	N=${N:-0} PASS=${PASS:-0} FAIL=${FAIL:-0}
	if ! grep -q '^DONE=1' "$state"; then
		notok "the inner part finished (exit $rc)"
	fi

	# The leak checks, in the host's mount namespace.  The site users
	# only ever existed in the inner namespace's /etc: none of ours (name
	# and uid) may be in the host's, and nothing is deleted here (a user
	# of that name on the host is somebody else's).
	left=""
	for u in $(sed -n 's/^USER=//p' "$state"); do
		uid=$(sed -n "s/^UID_$u=//p" "$state")
		if [ -n "$uid" ] && [ "$(getent passwd "$u" | cut -d: -f3)" = "$uid" ]; then
			left="$left $u"
		fi
	done
	stray=""
	for p in $(sed -n 's/^PID=//p' "$state"); do
		if [ -d "/proc/$p" ] && grep -q "$w" "/proc/$p/cmdline" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null
			stray="$stray $p"
		fi
	done
	h=$(sed -n 's/^H=//p' "$state")
	after=$(mount_list)

	if [ "$before" = "$after" ]; then
		ok "cleanup: no new mounts in the host"
	else
		notok "cleanup: no new mounts in the host" \
			"$(diff <(echo "$before") <(echo "$after"))"
	fi
	if [ -z "$left" ]; then
		ok "cleanup: site users not on the host"
	else
		notok "cleanup: site users not on the host" "found:$left"
	fi
	if [ -z "$stray" ]; then
		ok "cleanup: lighttpd and its workers stopped"
	else
		notok "cleanup: lighttpd and its workers stopped" "killed:$stray"
	fi
	rm -rf --one-file-system -- "$w"
	case $h in
	/*/nscell-e2e.*) rm -rf --one-file-system -- "$h" ;;
	*) ;;
	esac
	if [ ! -e "$w" ] && { [ -z "$h" ] || [ ! -e "$h" ]; } &&
		! grep -qsF "persistDir $w/lsns" "$CONF_DIR/nscell.conf"; then
		ok "cleanup: work dir, homes removed; no config of ours in the host's $CONF_DIR"
	else
		notok "cleanup: work dir, homes removed; no config of ours in the host's $CONF_DIR"
	fi
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit
}


# ================================================================ inner ===

W=${NSCELL_E2E_W:-}	# work dir (bin, etc, log, run, lsns)
H=""			# parent of the homes
NS=""			# setuid copy under test
LPID=""			# lighttpd
PORT=""
UA="" UB=""		# the site users
EXEC_GROUP=nse2e_exec	# who (but root) may run the setuid copy
declare -A UID_OF GID_OF HOME_OF
CREATED_USERS=()
ETC_OVL=0
BODY="" CODE="" HDRS=""

note() { echo "$1" >>"$W/state"; }

inner_exit() {
	note "N=$N"
	note "PASS=$PASS"
	note "FAIL=$FAIL"
}

inner_cleanup() {
	local u
	stop_lighttpd
	# NSCELL_E2E_LOGS=DIR: keep lighttpd's logs there (debugging).
	if [ -n "${NSCELL_E2E_LOGS:-}" ]; then
		mkdir -p "$NSCELL_E2E_LOGS" && cp -r "$W/log" "$W/etc" "$NSCELL_E2E_LOGS/"
	fi
	if [ -x "$W/bin/unmount_ns" ]; then
		"$W/bin/unmount_ns" -a -k -t 5 >/dev/null 2>&1
	fi
	for u in "${CREATED_USERS[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null
	done
	sleep 0.2
	for u in "${CREATED_USERS[@]}"; do
		userdel -r "$u" >/dev/null 2>&1 || userdel -f -r "$u" >/dev/null 2>&1
	done
	mountpoint -q "$CONF_DIR" && umount "$CONF_DIR"
	mountpoint -q "$W/bin" && umount -l "$W/bin"
	if [ "$ETC_OVL" = 1 ]; then
		umount -l /etc && umount -l "$W/etcovl"
	fi
	case $H in
	/*/nscell-e2e.*) rm -rf --one-file-system -- "$H" ;;
	*) ;;
	esac
}

stop_lighttpd() {
	local i
	[ -n "$LPID" ] || return 0
	kill -TERM "$LPID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$LPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$LPID" 2>/dev/null
	wait "$LPID" 2>/dev/null
	LPID=""
}


add_user() {
	local name=$1 uid=$2 mode=$3
	if getent passwd "$name" >/dev/null || getent group "$name" >/dev/null; then
		echo "# setup: $name already exists; refusing to touch it" >&2
		return 1
	fi
	useradd -m -d "$H/$name" -u "$uid" -U -G "$EXEC_GROUP" -s /bin/sh \
		"$name" || return 1
	CREATED_USERS+=("$name")
	note "USER=$name"
	note "UID_$name=$uid"
	chmod "$mode" "$H/$name"
	UID_OF[$name]=$uid
	GID_OF[$name]=$(id -g "$name")
	HOME_OF[$name]=$H/$name
}

as_user() {
	local who=$1
	shift
	setpriv --reuid="$who" --regid="${GID_OF[$who]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$who]}" "$@"
}

# put OWNER MODE PATH: stdin into PATH, owned by OWNER.
put() {
	cat >"$3" && chown "$1:" "$3" && chmod "$2" "$3"
}

# The probe CGI: a bash script printing key=value lines about the sandbox
# it runs in and the request it got.
probe_cgi() {
	cat <<EOF
#!/bin/bash
printf 'Content-Type: text/plain\r\n\r\n'
echo "uid=\$(id -u)"
echo "user=\$(id -un)"
echo "pidns=\$(readlink /proc/self/ns/pid)"
echo "cwd=\$(pwd)"
echo "passwd_lines=\$(wc -l </etc/passwd)"
sed 's/^/passwd: /' /etc/passwd
if s=\$(cat "$H/$UB/private/secret.txt" 2>/dev/null); then
	echo "secret=\$s"
else
	echo "secret=unreadable"
fi
echo "tmp_list=\$(ls -A /tmp | tr '\n' ' ')"
case \$QUERY_STRING in
*tmpmark=*) m=\${QUERY_STRING#*tmpmark=}; m=\${m%%&*}
	echo "\$m" >"/tmp/\$m" && echo "tmp_wrote=\$m" ;;
esac
echo "method=\$REQUEST_METHOD"
echo "qs=\$QUERY_STRING"
echo "hdr=\$HTTP_X_NSCELL_E2E"
echo "ctype=\${CONTENT_TYPE:-}"
echo "clen=\${CONTENT_LENGTH:-}"
if [ -n "\${CONTENT_LENGTH:-}" ]; then
	echo "body_sha=\$(head -c "\$CONTENT_LENGTH" | sha256sum | cut -d' ' -f1)"
fi
echo "nscell_env=\$(env | grep -c '^NSCELL_')"
echo "path_info=\${PATH_INFO:-}"
echo "script_name=\${SCRIPT_NAME:-}"
EOF
}

probe_php() {
	cat <<'EOF'
<?php
header('Content-Type: text/plain');
$st = file_get_contents('/proc/self/status');
preg_match('/^Uid:\s+(\d+)/m', $st, $m);
echo "uid=", $m[1], "\n";
echo "pidns=", readlink('/proc/self/ns/pid'), "\n";
$pw = file('/etc/passwd', FILE_IGNORE_NEW_LINES);
echo "passwd_lines=", count($pw), "\n";
foreach ($pw as $l) echo "passwd: $l\n";
$s = @file_get_contents('SECRETPATH');
echo "secret=", $s === false ? "unreadable" : trim($s), "\n";
$mark = $_GET['tmpmark'] ?? '';
if ($mark !== '') {
	$c = @file_get_contents("/tmp/$mark");
	echo "tmp_read=", $c === false ? "missing" : trim($c), "\n";
}
echo "method=", $_SERVER['REQUEST_METHOD'], "\n";
echo "qs=", $_SERVER['QUERY_STRING'], "\n";
echo "hdr=", $_SERVER['HTTP_X_NSCELL_E2E'] ?? '', "\n";
echo "body_sha=", hash('sha256', file_get_contents('php://input')), "\n";
echo "sapi=", PHP_SAPI, "\n";
EOF
}

# A PHP application's everyday calls, under the seccomp filter nscell
# loads (issue 15): a session, a file in /tmp, a child process, and the
# resolution of localhost.
app_php() {
	cat <<'EOF'
<?php
header('Content-Type: text/plain');
session_save_path('/tmp');
session_start();
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
echo "session_n=", $_SESSION['n'], "\n";
$f = '/tmp/e2e-put-' . getmypid();
$w = file_put_contents($f, "written");
echo "put=", $w === false ? "failed" : file_get_contents($f), "\n";
@unlink($f);
$p = proc_open(['sh', '-c', 'echo child; id -u'],
	       [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$out = $p ? stream_get_contents($pipes[1]) : '';
$rc = $p ? proc_close($p) : -1;
echo "proc=", str_replace("\n", ",", trim($out)), " rc=", $rc, "\n";
echo "dns=", gethostbyname('localhost'), "\n";
preg_match('/^Seccomp:\s+(\d+)/m', file_get_contents('/proc/self/status'), $m);
echo "seccomp=", $m[1] ?? '?', "\n";
echo "max_userns=", trim((string)@file_get_contents('/proc/sys/user/max_user_namespaces')), "\n";
EOF
}

inner_setup() {
	local b u
	trap inner_cleanup EXIT
	mkdir -m 0755 "$W/bin" "$W/etc" "$W/log" "$W/empty" || return 1
	mkdir -m 0700 "$W/lsns" || return 1
	mkdir -m 0750 "$W/run" "$W/upload" || return 1
	chown www-data:www-data "$W/run" "$W/upload" || return 1

	# /etc: an overlay whose upper layer is a tmpfs of ours, so that the
	# users and the group below exist only in this mount namespace.
	mkdir -m 0700 "$W/etcovl" &&
		mount -t tmpfs -o mode=0700,size=16m nscell-e2e-etc "$W/etcovl" &&
		mkdir "$W/etcovl/upper" "$W/etcovl/work" &&
		chmod --reference=/etc "$W/etcovl/upper" || return 1
	mount -t overlay -o "lowerdir=/etc,upperdir=$W/etcovl/upper,workdir=$W/etcovl/work" \
		nscell-e2e-etc /etc || return 1
	ETC_OVL=1
	[ -d "$CONF_DIR" ] || mkdir -m 0755 "$CONF_DIR" || return 1
	b=$(free_block 3) || return 1
	# The setuid copy: 4750 root:$EXEC_GROUP, on a tmpfs of this
	# namespace.  Its members: www-data (lighttpd runs nscell-cgi and the
	# PHP workers as www-data) and the site users.
	groupadd -g "$((b + 2))" "$EXEC_GROUP" &&
		usermod -a -G "$EXEC_GROUP" www-data || return 1
	private_dir "$W/bin" "$EXEC_GROUP" &&
		install_suid "$1" "$W/bin/nscell" "$EXEC_GROUP" || return 1
	NS=$W/bin/nscell
	for u in unmount_ns cmd_ns; do
		if [ -x "$(dirname -- "$1")/$u" ]; then
			install -m 0700 "$(dirname -- "$1")/$u" "$W/bin/$u"
		fi
	done
	# The C wrapper, built next to the nscell under test.
	install -o root -g root -m 0755 "$(dirname -- "$1")/nscell-cgi" \
		"$W/bin/nscell-cgi" || return 1
	install -o root -g root -m 0644 "$SRC"/examples/lighttpd/*.conf \
		"$W/etc/" || return 1

	if [ -d /home ]; then
		H=$(mktemp -d /home/nscell-e2e.XXXXXX) || return 1
	else
		H=$(mktemp -d /srv/nscell-e2e.XXXXXX) || return 1
	fi
	chmod 0755 "$H"
	note "H=$H"
	UA=nse2e_a UB=nse2e_b
	# alice's home is 0711 (lighttpd needs only to reach the docroot);
	# bob's is 0755 and his secret 0644: only the sandbox keeps alice out.
	add_user "$UA" "$b" 0711 || return 1
	add_user "$UB" "$((b + 1))" 0755 || return 1

	# nscell's configuration, on a tmpfs over /etc/nscell.
	mount -t tmpfs -o mode=0755,size=1m nscell-e2e "$CONF_DIR" || return 1
	cat >"$CONF_DIR/nscell.conf" <<EOF
# nscell end-to-end test
allowCaller www-data
minUid 1000
persistDir $W/lsns
vhost b.example {
	namespaceConfVhAdd $CONF_DIR/b.example.tmpl
}
EOF
	# b.example adds to the built-in template: php's configuration,
	# nobody in /etc/passwd, and (as the Debian template does) the hosts
	# file and nsswitch.conf, for app.php's resolution of localhost.
	cat >"$CONF_DIR/b.example.tmpl" <<EOF
/etc/php,ro-bind-try
\$PASSWD,nobody
/etc/hosts,ro-bind-try
/etc/nsswitch.conf,ro-bind-try
EOF
	chmod 0644 "$CONF_DIR/nscell.conf" "$CONF_DIR/b.example.tmpl"

	# The sites.
	for u in "$UA" "$UB"; do
		install -d -o "$u" -g "$u" -m 0755 "${HOME_OF[$u]}/public_html" \
			"${HOME_OF[$u]}/public_html/cgi-bin" || return 1
		# The seed's script, as it is given (chmod 700, as it says).
		put "$u" 0700 "${HOME_OF[$u]}/public_html/cgi-bin/dirlist" \
			<"$SRC/examples/lighttpd/cgi-bin/dirlist" || return 1
		probe_cgi | put "$u" 0700 "${HOME_OF[$u]}/public_html/cgi-bin/probe" ||
			return 1
		probe_php | sed "s|SECRETPATH|$H/$UB/private/secret.txt|" |
			put "$u" 0600 "${HOME_OF[$u]}/public_html/index.php" || return 1
	done
	app_php | put "$UB" 0644 "${HOME_OF[$UB]}/public_html/app.php" || return 1
	install -d -o "$UB" -g "$UB" -m 0755 "$H/$UB/private" || return 1
	SECRET=bob-secret-$RANDOM$RANDOM
	echo "$SECRET" | put "$UB" 0644 "$H/$UB/private/secret.txt" || return 1
	# Fixtures nscell-cgi must refuse.
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\nid -u\n' |
		put root 0755 "${HOME_OF[$UA]}/public_html/cgi-bin/rootowned"
	ln -s probe "${HOME_OF[$UA]}/public_html/cgi-bin/link"
	chown -h "$UA:" "${HOME_OF[$UA]}/public_html/cgi-bin/link"
	probe_cgi | put "$UB" 0755 "${HOME_OF[$UA]}/public_html/cgi-bin/bobs"
	install -d -o "$UA" -g "$UA" -m 0755 \
		"${HOME_OF[$UB]}/public_html/cgi-bin/alien"
	probe_cgi | put "$UA" 0700 "${HOME_OF[$UB]}/public_html/cgi-bin/alien/probe"
	probe_cgi | put "$UA" 0702 "${HOME_OF[$UA]}/public_html/cgi-bin/writable"

	# lighttpd: the example configuration, with this test's paths.
	PORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || return 1
	cat >"$W/etc/lighttpd.conf" <<EOF
server.document-root = "$W/empty"
server.bind          = "127.0.0.1"
server.port          = $PORT
server.username      = "www-data"
server.groupname     = "www-data"
server.errorlog      = "$W/log/error.log"
server.breakagelog   = "$W/log/cgi-stderr.log"
server.upload-dirs   = ( "$W/upload" )
server.modules       = ( "mod_access" )
index-file.names     = ( "index.php" )

include "50-nscell.conf"
var.nscell_bin     := "$NS"
var.nscell_cgi     := "$W/bin/nscell-cgi"
var.nscell_sockets := "$W/run"
var.nscell_php     := "$(readlink -f /usr/bin/php-cgi)"
var.nscell_php_children := "2"
var.nscell_verbose := "1"

var.nscell_vhost   := "a.example"
var.nscell_owner   := "$UA"
var.nscell_docroot := "${HOME_OF[$UA]}/public_html"
include "nscell-vhost.conf"

var.nscell_vhost   := "b.example"
var.nscell_owner   := "$UB"
var.nscell_docroot := "${HOME_OF[$UB]}/public_html"
include "nscell-vhost.conf"
EOF
	lighttpd -tt -f "$W/etc/lighttpd.conf" >"$W/log/check.log" 2>&1 || {
		sed 's/^/#   /' "$W/log/check.log"
		return 1
	}
	# The error log, and the breakage log where lighttpd sends the CGI
	# programs' stderr (nscell's and nscell-cgi's messages among them).
	touch "$W/log/error.log" "$W/log/cgi-stderr.log"
	chown www-data: "$W/log/error.log" "$W/log/cgi-stderr.log"
	env -i PATH="$SAFE_PATH" lighttpd -D -f "$W/etc/lighttpd.conf" \
		</dev/null >"$W/log/stdout.log" 2>&1 &
	LPID=$!
	note "PID=$LPID"
	return 0
}

# get HOST PATH [curl args]: sets CODE, BODY, HDRS.
get() {
	local host=$1 path=$2
	shift 2
	CODE=$(curl -sS --max-time 30 -o "$W/body" -D "$W/hdrs" \
		-w '%{http_code}' -H "Host: $host" "$@" \
		"http://127.0.0.1:$PORT$path" 2>"$W/curl.err") || CODE="curl-failed"
	BODY=$(cat "$W/body" 2>/dev/null)
	HDRS=$(cat "$W/hdrs" 2>/dev/null)
}
val() { printf '%s\n' "$BODY" | sed -n "s/^$1=//p" | head -n 1; }
ctx() { printf 'HTTP %s\n%s\n%s' "$CODE" "$(head -c 1500 <<<"$BODY")" \
	"$(logs 2>/dev/null | tail -n 5)"; }

wait_ready() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$LPID" 2>/dev/null || return 1
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" && return 0
		sleep 0.1
	done
	return 1
}

# The server's logs: the error log and the breakage log, where lighttpd
# writes what CGI programs say on stderr.
logs() { cat "$W/log/error.log" "$W/log/cgi-stderr.log"; }

# nscell's lines in the logs that are not -v reports, and lighttpd's
# complaints about backends.
nscell_errors() {
	logs | grep -E 'nscell(-cgi)?(\[[0-9]+\])?:' |
		grep -Ev 'nscell: [^ ]+:[0-9]+: .*: (done( \(source [^)]*\))?|skipped: .*)$' |
		grep -Ev 'nscell: (joined the persisted sandbox|built a persisted sandbox|built a one-shot sandbox) \(holder pid [0-9]+\)$' |
		# -v's note that these vhosts have no block in nscell.conf
		# (they need none here): a warning, not an error.
		grep -Ev 'nscell: warning: vhost [^ ]+ is not configured in '
	grep -E 'child exited|are down|connect .* failed|Connection refused|\(mod_cgi' "$W/log/error.log"
}

record_holder() {
	sed -n 's/^holder //p' "$W/lsns/$1/$2/record" 2>/dev/null
}

QS='a=1&b=%20x%2By&c=%E2%9C%93&d=a%26b&e='
HDR='v@lue; with "quotes", commas & spaces'

inner_main() {
	local bin=$1 body_sha n0 php_pids p bad ns1 ns2 holder

	if ! inner_setup "$bin"; then
		notok "setup: users, sites, configuration, lighttpd"
		inner_exit
		note "DONE=1"
		exit 1
	fi
	if wait_ready; then
		ok "lighttpd started on 127.0.0.1:$PORT as www-data"
	else
		notok "lighttpd started on 127.0.0.1:$PORT" \
			"$(cat "$W/log/stdout.log" "$W/log/error.log" 2>/dev/null)"
		inner_exit
		note "DONE=1"
		exit 1
	fi

	# --- the seed's "Is it working?" script
	get a.example /cgi-bin/dirlist -H "X-Nscell-E2E: $HDR"
	check "dirlist: HTTP 200, text/plain" eval \
		'[ "$CODE" = 200 ] && grep -qi "^content-type: text/plain" <<<"$HDRS" || why "$(ctx)"'
	check "dirlist: runs as the script's owner ($UA)" eval \
		'grep -q "^I am: $UA Now: " <<<"$BODY" || why "$(ctx)"'
	check "dirlist: /etc holds what the default template gives, no shadow" eval \
		'awk "/^Directory \/etc/,/^HOME dir:/" <<<"$BODY" >"$W/etc.ls" &&
		 grep -Eq " passwd$" "$W/etc.ls" && grep -Eq " group$" "$W/etc.ls" &&
		 ! grep -Eq " (shadow|gshadow|sudoers|hostname|lighttpd|php)$" "$W/etc.ls" ||
		 why "$(cat "$W/etc.ls")"'
	check "dirlist: lists the owner's home" eval \
		'grep -q "^HOME dir: ${HOME_OF[$UA]}$" <<<"$BODY" &&
		 grep -Eq " public_html$" <<<"$BODY" || why "$(ctx)"'
	check "dirlist: / has no other user's home, no /root" eval \
		'! grep -q "$UB" <<<"$BODY" && ! awk "/^Directory \/:/,/^Directory \/etc/" <<<"$BODY" | grep -Eq " (root|srv|opt|mnt)$" || why "$(ctx)"'
	check "dirlist: env has the request header and server variables" eval \
		'grep -qxF "HTTP_X_NSCELL_E2E=$HDR" <<<"$BODY" &&
		 grep -qx "SERVER_PORT=$PORT" <<<"$BODY" &&
		 grep -qx "SCRIPT_FILENAME=${HOME_OF[$UA]}/public_html/cgi-bin/dirlist" <<<"$BODY" &&
		 ! grep -q "^NSCELL_" <<<"$BODY" || why "$(ctx)"'

	# --- the probe: identity, passwd, other sites' files, /tmp
	get a.example "/cgi-bin/probe?tmpmark=mark$RANDOM"
	local mark=${BODY#*tmp_wrote=}
	mark=${mark%%$'\n'*}
	check "CGI a.example runs as $UA (uid ${UID_OF[$UA]})" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$UA]}" ] &&
		 [ "$(val user)" = "$UA" ] || why "$(ctx)"'
	check "CGI runs in the script's directory" eval \
		'[ "$(val cwd)" = "${HOME_OF[$UA]}/public_html/cgi-bin" ] || why "$(ctx)"'
	check "/etc/passwd of a.example is only $UA (default template: \$PASSWD)" eval \
		'[ "$(val passwd_lines)" = 1 ] &&
		 grep -qx "passwd: $UA:x:${UID_OF[$UA]}:${GID_OF[$UA]}:.*" <<<"$BODY" ||
		 why "$(ctx)"'
	check "a.example cannot read $UB's world-readable file" eval \
		'[ "$(val secret)" = unreadable ] || why "$(ctx)"'
	check "control: on the host $UA could read it" eval \
		'[ "$(as_user "$UA" cat "$H/$UB/private/secret.txt")" = "$SECRET" ] ||
		 why "host read failed"'
	check "/tmp is $UA's private one for a.example (~/.lsns/tmp.a.example)" eval \
		'[ -n "$mark" ] && [ "$(cat "${HOME_OF[$UA]}/.lsns/tmp.a.example/$mark" 2>/dev/null)" = "$mark" ] &&
		 [ "$(stat -c %u "${HOME_OF[$UA]}/.lsns/tmp.a.example/$mark")" = "${UID_OF[$UA]}" ] &&
		 [ ! -e "/tmp/$mark" ] || why "mark=$mark" "$(ctx)"'

	get b.example /cgi-bin/probe
	check "CGI b.example runs as $UB" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$UB]}" ] || why "$(ctx)"'
	check "/etc/passwd of b.example is $UB and nobody (vhost template)" eval \
		'[ "$(val passwd_lines)" = 2 ] &&
		 grep -q "^passwd: $UB:x:${UID_OF[$UB]}:" <<<"$BODY" &&
		 grep -q "^passwd: nobody:x:" <<<"$BODY" || why "$(ctx)"'
	check "control: b.example reads its own file" eval \
		'[ "$(val secret)" = "$SECRET" ] || why "$(ctx)"'
	check "b.example does not see a.example's /tmp" eval \
		'[ -n "$mark" ] && ! grep -q "$mark" <<<"$(val tmp_list)" || why "$(ctx)"'

	# --- request data reaches the script intact
	head -c 196613 /dev/urandom >"$W/post.bin"
	body_sha=$(sha256sum <"$W/post.bin" | cut -d' ' -f1)
	get a.example "/cgi-bin/probe?$QS" -H "X-Nscell-E2E: $HDR" \
		-H 'Content-Type: application/octet-stream' --data-binary "@$W/post.bin"
	check "CGI: query string intact" eval \
		'[ "$(val qs)" = "$QS" ] || why "$(ctx)"'
	check "CGI: request header intact" eval \
		'[ "$(val hdr)" = "$HDR" ] || why "$(ctx)"'
	check "CGI: POST body (192 KiB binary) intact" eval \
		'[ "$(val method)" = POST ] && [ "$(val clen)" = 196613 ] &&
		 [ "$(val body_sha)" = "$body_sha" ] || why "want $body_sha" "$(ctx)"'
	check "CGI: nscell-cgi's settings do not reach the script" eval \
		'[ "$(val nscell_env)" = 0 ] || why "$(ctx)"'

	# --- PATH_INFO (RFC 3875): lighttpd splits it; the wrapper keeps it
	get a.example /cgi-bin/probe/extra/path
	check "CGI: PATH_INFO after the script (/cgi-bin/probe/extra/path)" eval \
		'[ "$CODE" = 200 ] && [ "$(val path_info)" = /extra/path ] &&
		 [ "$(val script_name)" = /cgi-bin/probe ] || why "$(ctx)"'
	get a.example /cgi-bin/no-such-script
	check "CGI: a missing script is 404" eval \
		'[ "$CODE" = 404 ] || why "$(ctx)"'

	# --- persistence: a second request joins
	get a.example /cgi-bin/probe
	ns1=$(val pidns)
	n0=$(wc -l <"$W/log/cgi-stderr.log")
	get a.example /cgi-bin/probe
	ns2=$(val pidns)
	holder=$(record_holder "${UID_OF[$UA]}" a.example)
	check "a second request runs in the same sandbox" eval \
		'[ -n "$ns1" ] && [ "$ns1" = "$ns2" ] || why "$ns1 vs $ns2"'
	check "a second request joins the persisted set (error log, nscell -v)" eval \
		'[ -n "$holder" ] &&
		 tail -n +"$((n0 + 1))" "$W/log/cgi-stderr.log" | grep -q "nscell: joined the persisted sandbox (holder pid $holder)$" &&
		 ! tail -n +"$((n0 + 1))" "$W/log/cgi-stderr.log" | grep -q "nscell: built a" ||
		 why "holder=$holder" "$(tail -n +"$((n0 + 1))" "$W/log/cgi-stderr.log")"'
	check "the sandbox is the recorded holder's" eval \
		'[ "$(readlink "/proc/$holder/ns/pid_for_children" 2>/dev/null)" = "$ns2" ] ||
		 why "holder $holder: $(readlink "/proc/$holder/ns/pid_for_children" 2>&1) vs $ns2"'
	if [ -x "$W/bin/unmount_ns" ]; then
		check "unmount_ns -l: one build (instance 1) for $UA a.example" eval \
			'"$W/bin/unmount_ns" -l >"$W/lsl" 2>&1 &&
			 awk -v u="${UID_OF[$UA]}" "\$1 == u && \$3 == \"a.example\" && \$4 == \"live\" && \$9 == 1 { f = 1 } END { exit !f }" "$W/lsl" ||
			 why "$(cat "$W/lsl")"'
	fi

	# --- PHP through FastCGI workers in the user's persisted sandbox
	get a.example "/index.php?$QS&tmpmark=$mark" -H "X-Nscell-E2E: $HDR" \
		-H 'Content-Type: application/octet-stream' --data-binary "@$W/post.bin"
	check "PHP a.example: HTTP 200 from php-cgi (FastCGI) as $UA" eval \
		'[ "$CODE" = 200 ] && [ "$(val sapi)" = cgi-fcgi ] &&
		 [ "$(val uid)" = "${UID_OF[$UA]}" ] || why "$(ctx)"'
	check "PHP a.example: in the same persisted sandbox as its CGI" eval \
		'[ "$(val pidns)" = "$ns2" ] && [ "$(val tmp_read)" = "$mark" ] ||
		 why "$(ctx)"'
	check "PHP a.example: /etc/passwd only $UA; $UB's file unreadable" eval \
		'[ "$(val passwd_lines)" = 1 ] && [ "$(val secret)" = unreadable ] ||
		 why "$(ctx)"'
	check "PHP: query string, header and POST body intact" eval \
		'[ "$(val qs)" = "$QS&tmpmark=$mark" ] && [ "$(val hdr)" = "$HDR" ] &&
		 [ "$(val body_sha)" = "$body_sha" ] || why "$(ctx)"'
	get b.example /
	check "PHP b.example (index.php, mode 0600): as $UB, nobody added" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$UB]}" ] &&
		 [ "$(val passwd_lines)" = 2 ] && [ "$(val secret)" = "$SECRET" ] ||
		 why "$(ctx)"'
	# --- a PHP application under the seccomp filter (issue 15)
	get b.example /app.php -c "$W/jar" -b "$W/jar"
	check "PHP app: session, file_put_contents to /tmp, proc_open, localhost resolved" eval \
		'[ "$CODE" = 200 ] && [ "$(val session_n)" = 1 ] &&
		 [ "$(val put)" = written ] &&
		 [ "$(val proc)" = "child,${UID_OF[$UB]} rc=0" ] &&
		 [ "$(val dns)" = 127.0.0.1 ] || why "$(ctx)"'
	check "PHP app: php-cgi runs under the filter, no nested user namespaces" eval \
		'[ "$(val seccomp)" = 2 ] && [ "$(val max_userns)" = 0 ] || why "$(ctx)"'
	get b.example /app.php -c "$W/jar" -b "$W/jar"
	check "PHP app: the session holds across requests" eval \
		'[ "$CODE" = 200 ] && [ "$(val session_n)" = 2 ] || why "$(ctx)"'
	bad=""
	php_pids=$(pgrep -u "${UID_OF[$UA]}" '^php-cgi')
	for p in $php_pids; do
		[ "$(readlink "/proc/$p/ns/pid")" = "$ns2" ] || bad="$bad $p"
	done
	check "php-cgi workers of $UA (master + 2) all live in the sandbox" eval \
		'[ "$(wc -w <<<"$php_pids")" = 3 ] && [ -z "$bad" ] ||
		 why "pids: $php_pids; outside: $bad"'
	check "no php-cgi runs as www-data or root" eval \
		'[ -z "$(pgrep -u 0,www-data "^php-cgi")" ] || why "$(pgrep -a -u 0,www-data "^php-cgi")"'

	check "the error log shows no nscell error" eval \
		'[ -z "$(nscell_errors)" ] || why "$(nscell_errors)"'

	# --- what nscell-cgi refuses (403 and one line in the error log)
	get a.example /cgi-bin/rootowned
	check "refused: a root-owned CGI" eval \
		'[ "$CODE" = 403 ] && grep -q "nscell-cgi: .*/rootowned: owned by uid 0, below minUid 1000" <(logs) || why "$(ctx)"'
	get a.example /cgi-bin/link
	check "refused: a CGI that is a symbolic link" eval \
		'[ "$CODE" = 403 ] && grep -q "nscell-cgi: .*/link: not a regular file (symbolic link)" <(logs) || why "$(ctx)"'
	get a.example /cgi-bin/bobs
	check "refused: $UB's file in $UA's directory" eval \
		'[ "$CODE" = 403 ] && grep -q "nscell-cgi: .*/bobs: owned by uid ${UID_OF[$UB]} but its directory by uid ${UID_OF[$UA]}" <(logs) || why "$(ctx)"'
	get b.example /cgi-bin/alien/probe
	check "refused: $UA's script under b.example (NSCELL_OWNER $UB)" eval \
		'[ "$CODE" = 403 ] && grep -q "nscell-cgi: .*/alien/probe: owned by uid ${UID_OF[$UA]}, but this vhost belongs to $UB" <(logs) || why "$(ctx)"'
	get a.example /cgi-bin/writable
	check "refused: an other-writable CGI" eval \
		'[ "$CODE" = 403 ] && grep -q "nscell-cgi: .*/writable: writable by group or others" <(logs) || why "$(ctx)"'
	check "refused requests ran nothing (no marker of $UB's probe as $UA)" eval \
		'! grep -q "^uid=" <<<"$BODY" || why "$(ctx)"'

	# --- stop
	stop_lighttpd
	sleep 0.5
	check "lighttpd stopped; its php-cgi workers are gone" eval \
		'[ -z "$(pgrep -u "${UID_OF[$UA]},${UID_OF[$UB]}" "^php-cgi")" ] &&
		 [ -z "$(pgrep -x lighttpd -P $$)" ] ||
		 why "$(pgrep -a -u "${UID_OF[$UA]},${UID_OF[$UB]}" "^php-cgi")"'
	if [ -x "$W/bin/unmount_ns" ]; then
		"$W/bin/unmount_ns" -a -k -t 5 >"$W/um" 2>&1
		p=$?
		check "unmount_ns -a -k removes the persisted sets" eval \
			'[ "$p" = 0 ] && "$W/bin/unmount_ns" -l >"$W/lsl" &&
			 [ "$(wc -l <"$W/lsl")" = 1 ] || why "$(cat "$W/um" "$W/lsl")"'
	fi
	inner_cleanup
	trap - EXIT
	inner_exit
	note "DONE=1"
	[ "$FAIL" = 0 ]
}

if [ -n "${NSCELL_E2E_INNER:-}" ]; then
	inner_main "$@"
else
	outer_main "$@"
fi
