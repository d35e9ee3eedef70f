#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs in the "systemd" guest (tests/vm/run systemd ...): systemd as PID 1
# on Debian 12's 6.1 kernel, pure cgroup v2.  The guest is thrown away
# after the run, so this installs nscell as a package would (/usr/bin,
# /etc/nscell), creates users and changes units freely.
#
#   tests/vm/run systemd tests/vm/systemd.sh BUILD_DIR
#
# BUILD_DIR holds nscell, cmd_ns, unmount_ns and nscell-cgi (one build).
#  1. examples/systemd/ for real: nscell-job@USER.service (start, the job
#     seen from cmd_ns in its sandbox, stop, restart) and
#     nscell-php@USER.socket (a FastCGI request through lighttpd, a restart
#     of the pool);
#  2. lighttpd.service (Debian's unit) serving three tenants the way
#     tests/e2e/lighttpd.sh sets them up (CGI through nscell-cgi, PHP
#     through nscell), restarted while a tenant's request runs and the
#     others' sets are persisted: what happens is measured and printed
#     ("# measured:" lines); that every tenant's next request works is
#     asserted.  Then the same with "systemctl reload" (lighttpd's
#     graceful restart; a 5-second and a 25-second request) and with
#     KillMode=process, a drop-in an operator can use today.
#
# Output: "ok N - name" / "not ok N - name" with "#   why" lines, last line
# "N passed, M failed".  Exit status 0 iff nothing failed.

# Checks are eval strings, expanded when they run (and the functions and
# variables they use look unused):
# shellcheck disable=SC2016,SC2034,SC2317
set -u
SRC=$(cd "$(dirname -- "$(readlink -f -- "$0")")/../.." && pwd)
BUILD=$(readlink -f -- "${1:?usage: systemd.sh BUILD_DIR}")
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck source=tests/common.sh
. "$SRC/tests/common.sh"

N=0 PASS=0 FAIL=0 WHY=""
ok() { N=$((N + 1)) PASS=$((PASS + 1)); echo "ok $N - $1"; }
notok() {
	N=$((N + 1)) FAIL=$((FAIL + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/#   /'
}
check() {
	local name=$1
	shift
	WHY=""
	if "$@"; then ok "$name"; else notok "$name" "$WHY"; fi
}
why() { WHY="${WHY:+$WHY
}$*"; return 1; }
measured() { echo "# measured: $*"; }
finish() {
	echo "# vm: systemd.sh: $SECONDS s in all"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit
}

# timed COMMAND...: COMMAND, then the seconds it took.
timed() {
	local t0=$SECONDS
	"$@"
	echo "# vm: $1${2:+ $2}: $((SECONDS - t0)) s"
}

# wait_for TENTHS COMMAND...: until COMMAND succeeds.
wait_for() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

declare -A UID_OF
PORT=8080
LSNS=/var/lsns
W=/var/tmp/nscell-vm-systemd
CODE="" BODY=""

# ------------------------------------------------------------- set-up ---

setup() {
	local b i u
	[ "$(cat /proc/1/comm)" = systemd ] || {
		notok "PID 1 is systemd" "PID 1 is $(cat /proc/1/comm)"
		finish
	}
	echo "# vm: $(systemctl --version | head -n 1), kernel $(uname -r)," \
		"cgroup $(stat -f -c %T /sys/fs/cgroup), this script in $(cut -d: -f3 /proc/self/cgroup)"
	for u in lighttpd curl php-cgi8.2 useradd; do
		command -v "$u" >/dev/null || {
			notok "setup: $u is installed" ""
			finish
		}
	done
	# Installed where the Debian package installs it (debian/rules), with
	# its configuration: the Debian template, which binds what
	# /usr/bin/php-cgi needs (/etc/alternatives, /etc/php).
	install -o root -g root -m 4755 "$BUILD/nscell" /usr/bin/nscell &&
		install -m 0755 "$BUILD/cmd_ns" "$BUILD/unmount_ns" /usr/sbin/ &&
		install -D -m 0755 "$BUILD/nscell-cgi" /usr/lib/nscell/nscell-cgi &&
		install -d -m 0755 /usr/share/nscell &&
		install -m 0644 "$SRC/examples/default.tmpl" \
			"$SRC"/examples/templates/*.tmpl /usr/share/nscell/ &&
		install -m 0644 "$SRC"/examples/systemd/nscell-* /etc/systemd/system/ ||
		return 1
	mkdir -p /etc/nscell "$W" && chmod 0755 /etc/nscell &&
		cat >/etc/nscell/nscell.conf <<EOF
namespaceConf /usr/share/nscell/debian.tmpl
allowCaller www-data
minUid 1000
# nscell-job@.service's -s job, as its comment says.
vhost job {
}
EOF
	chmod 0644 /etc/nscell/nscell.conf
	b=$(free_block) || return 1
	i=0
	for u in nsvm_a nsvm_b nsvm_c; do
		useradd -m -u "$((b + i))" -U -s /bin/sh "$u" || return 1
		UID_OF[$u]=$((b + i))
		chmod 0711 "/home/$u"
		site "$u" || return 1
		i=$((i + 1))
	done
	systemctl daemon-reload
}

# site USER: a docroot with a probe CGI, a slow CGI and a PHP page.
site() {
	local u=$1 d=/home/$1/public_html
	install -d -o "$u" -g "$u" -m 0755 "$d" "$d/cgi-bin" || return 1
	cat >"$d/cgi-bin/probe" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "uid=$(id -u)"
echo "pidns=$(readlink /proc/self/ns/pid)"
EOF
	cat >"$d/cgi-bin/slow" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "started $(date +%s)"
case $QUERY_STRING in
[0-9] | [0-9][0-9]) sleep "$QUERY_STRING" ;;
*) sleep 25 ;;
esac
echo "finished"
EOF
	cat >"$d/index.php" <<'EOF'
<?php
header('Content-Type: text/plain');
$st = file_get_contents('/proc/self/status');
preg_match('/^Uid:\s+(\d+)/m', $st, $m);
echo "uid=", $m[1], "\n";
echo "pidns=", readlink('/proc/self/ns/pid'), "\n";
echo "sapi=", PHP_SAPI, "\n";
EOF
	chown "$u:" "$d/cgi-bin/probe" "$d/cgi-bin/slow" "$d/index.php"
	chmod 0700 "$d/cgi-bin/probe" "$d/cgi-bin/slow"
	chmod 0644 "$d/index.php"
}

# get HOST PATH: CODE and BODY of a request to lighttpd.
get() {
	CODE=$(curl -sS --max-time 60 -o "$W/body" -w '%{http_code}' \
		-H "Host: $1" "http://127.0.0.1:$PORT$2" 2>"$W/curl.err") ||
		CODE="curl-failed: $(cat "$W/curl.err")"
	BODY=$(cat "$W/body" 2>/dev/null)
}
val() { printf '%s\n' "$BODY" | sed -n "s/^$1=//p" | head -n 1; }

# The pid namespace of USER's sandbox for VHOST, seen through cmd_ns.
sandbox_pidns() {
	cmd_ns -u "$1" ${2:+-s "$2"} -- readlink /proc/self/ns/pid 2>/dev/null
}

record_holder() {	# record_holder USER [VHOST]
	sed -n 's/^holder //p' "$LSNS/${UID_OF[$1]}${2:+/$2}/record" 2>/dev/null
}
alive() {
	local st
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
cgroup_of() { cut -d: -f3 "/proc/$1/cgroup" 2>/dev/null; }

# ------------------------------------------------- examples/systemd ---

job_unit() {
	local u=nsvm_a unit=nscell-job@nsvm_a.service ns1 ns2 h1 ps
	install -d -o "$u" -g "$u" "/home/$u/.config" "/home/$u/.config/nscell"
	cat >"/home/$u/.config/nscell/job" <<'EOF'
#!/bin/sh
echo "uid=$(id -u) pidns=$(readlink /proc/self/ns/pid)" >"$HOME/job.out"
exec sleep 1000
EOF
	chown "$u:" "/home/$u/.config/nscell/job"
	chmod 0755 "/home/$u/.config/nscell/job"

	systemctl start "$unit"
	check "nscell-job@: starts, the job runs as the user in a sandbox" eval \
		'wait_for 300 test -s /home/$u/job.out &&
		 grep -q "^uid=${UID_OF[$u]} pidns=" /home/$u/job.out &&
		 ! grep -q "pidns=$(readlink /proc/self/ns/pid)\$" /home/$u/job.out ||
		 why "$(systemctl status --no-pager "$unit" 2>&1 | tail -n 15)" "$(cat /home/$u/job.out 2>&1)"'
	ns1=$(sed -n 's/.* pidns=//p' "/home/$u/job.out")
	h1=$(record_holder "$u" job)
	ps=$(cmd_ns -u "$u" -s job -- ps -e -o pid=,args= 2>&1)
	check "nscell-job@: cmd_ns -u USER -s job sees the job in its sandbox" eval \
		'[ "$(sandbox_pidns "$u" job)" = "$ns1" ] &&
		 grep -Eq "^ *[0-9]+ sleep 1000$" <<<"$ps" || why "$ps"'
	check "nscell-job@: the sandbox's holder is in the unit's cgroup" eval \
		'[ -n "$h1" ] && [ "$(cgroup_of "$h1")" = "/system.slice/system-nscell\\x2djob.slice/$unit" ] ||
		 why "holder ${h1:-none}: $(cgroup_of "$h1")"'
	systemctl stop "$unit"
	check "nscell-job@: stop ends the job and its sandbox (the holder)" eval \
		'[ "$(systemctl is-active "$unit")" != active ] &&
		 wait_for 100 eval "! alive $h1" &&
		 [ -z "$(pgrep -u "${UID_OF[$u]}" -x sleep)" ] ||
		 why "state $(systemctl is-active "$unit"); holder $h1 alive: $(alive "$h1" && echo yes); sleeps: $(pgrep -u "${UID_OF[$u]}" -a -x sleep)"'
	rm -f "/home/$u/job.out"
	systemctl start "$unit"
	wait_for 300 test -s "/home/$u/job.out"
	systemctl restart "$unit"
	rm -f "/home/$u/job.out"
	check "nscell-job@: after start and restart, a job runs in a working sandbox" eval \
		'wait_for 300 test -s /home/$u/job.out &&
		 ns2=$(sed -n "s/.* pidns=//p" /home/$u/job.out) &&
		 [ "$(systemctl is-active "$unit")" = active ] &&
		 [ "$(sandbox_pidns "$u" job)" = "$ns2" ] ||
		 why "$(systemctl status --no-pager "$unit" 2>&1 | tail -n 15)"'
	systemctl stop "$unit"
}

php_unit() {
	local u=nsvm_a sock=nscell-php@nsvm_a.socket svc=nscell-php@nsvm_a.service
	local ns pool_ns
	systemctl start "$sock"
	check "nscell-php@.socket: listening on /run/nscell-php/$u.sock" eval \
		'[ -S /run/nscell-php/$u.sock ] || why "$(systemctl status --no-pager "$sock" 2>&1 | tail)"'
	get pool.example /index.php
	ns=$(sandbox_pidns "$u")
	check "nscell-php@: a FastCGI request (lighttpd -> socket) runs php-cgi as the user in the user's sandbox" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$u]}" ] &&
		 [ "$(val sapi)" = cgi-fcgi ] && [ -n "$ns" ] && [ "$(val pidns)" = "$ns" ] ||
		 why "HTTP $CODE: $BODY; sandbox pidns $ns" "$(systemctl status --no-pager "$svc" 2>&1 | tail -n 15)"'
	pool_ns=$(val pidns)
	systemctl restart "$svc"
	get pool.example /index.php
	check "nscell-php@: after a restart of the pool, requests work, same sandbox" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$u]}" ] &&
		 [ "$(val pidns)" = "$(sandbox_pidns "$u")" ] ||
		 why "HTTP $CODE: $BODY" "$(systemctl status --no-pager "$svc" 2>&1 | tail -n 15)"'
	systemctl stop "$svc" "$sock"
	# (lighttpd's own PHP workers for a.example run as the same user, in
	# the vhost's sandbox: only those in the pool's sandbox count.)
	check "nscell-php@: stopped, its php-cgi workers are gone" eval \
		'wait_for 100 eval "[ -z \"\$(in_pidns "$pool_ns" php-cgi8.2)\" ]" ||
		 why "left in $pool_ns: $(in_pidns "$pool_ns" php-cgi8.2)"'
}

# in_pidns NS COMM: the pids of processes named COMM in pid namespace NS.
in_pidns() {
	local p
	for p in $(pgrep -x "$2"); do
		[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$1" ] && echo "$p"
	done
}

# ------------------------------------------------- lighttpd.service ---

lighttpd_conf() {
	local u v
	cat <<EOF
server.document-root = "/var/www/html"
server.bind          = "127.0.0.1"
server.port          = $PORT
server.username      = "www-data"
server.groupname     = "www-data"
server.errorlog      = "/var/log/lighttpd/error.log"
server.breakagelog   = "/var/log/lighttpd/cgi.log"
server.pid-file      = "/run/lighttpd.pid"
server.modules       = ( "mod_access" )
index-file.names     = ( "index.php" )

include "$SRC/examples/lighttpd/50-nscell.conf"
var.nscell_php_children := "2"
var.nscell_verbose := "1"
EOF
	for u in nsvm_a nsvm_b nsvm_c; do
		v=${u#nsvm_}.example
		cat <<EOF

var.nscell_vhost   := "$v"
var.nscell_owner   := "$u"
var.nscell_docroot := "/home/$u/public_html"
include "$SRC/examples/lighttpd/nscell-vhost.conf"
EOF
	done
	# nscell-php@nsvm_a.socket, for the pool's test.
	cat <<EOF

\$HTTP["host"] == "pool.example" {
	server.document-root = "/home/nsvm_a/public_html"
	fastcgi.server = ( ".php" => ((
		"socket" => "/run/nscell-php/nsvm_a.sock",
		"check-local" => "disable",
		"broken-scriptfilename" => "enable",
	)))
}
EOF
}

start_lighttpd() {
	mkdir -p /var/log/lighttpd /run/lighttpd
	touch /var/log/lighttpd/error.log /var/log/lighttpd/cgi.log
	chown www-data: /var/log/lighttpd /var/log/lighttpd/*.log /run/lighttpd
	lighttpd_conf >/etc/lighttpd/lighttpd.conf
	systemctl start lighttpd.service
	check "lighttpd.service started with the nscell set-up" eval \
		'wait_for 300 curl -s -o /dev/null --max-time 2 http://127.0.0.1:$PORT/ ||
		 why "$(systemctl status --no-pager lighttpd 2>&1 | tail -n 20)" "$(tail -n 20 /var/log/lighttpd/error.log)"'
}

# Every tenant's CGI and PHP answer, as the tenant.  Sets NS_CGI[u].
declare -A NS_CGI
all_tenants_answer() {
	local u v bad=""
	for u in nsvm_a nsvm_b nsvm_c; do
		v=${u#nsvm_}.example
		get "$v" /cgi-bin/probe
		[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$u]}" ] ||
			bad="$bad
$v CGI: HTTP $CODE $BODY"
		NS_CGI[$u]=$(val pidns)
		get "$v" /index.php
		[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$u]}" ] &&
			[ "$(val pidns)" = "${NS_CGI[$u]}" ] ||
			bad="$bad
$v PHP: HTTP $CODE $BODY (CGI's pidns ${NS_CGI[$u]})"
	done
	[ -z "$bad" ] || why "$bad" "$(tail -n 10 /var/log/lighttpd/error.log)"
}

# logs_since ERROR_LOG_SIZE CGI_LOG_SIZE: what lighttpd's logs got since.
logs_since() {
	tail -c +"$(($1 + 1))" /var/log/lighttpd/error.log
	tail -c +"$(($2 + 1))" /var/log/lighttpd/cgi.log
}

# restart_during_request LABEL ACTION SECONDS: "systemctl ACTION lighttpd"
# while nsvm_a's slow CGI (SECONDS long) runs and every tenant has a
# persisted set; measure what survives, then assert that every tenant is
# served again.
restart_during_request() {
	local label=$1 action=$2 secs=$3 u v h t0 t1 cpid slow_pid="" st survived="" died="" before after
	declare -A H
	check "$label: every tenant's CGI and PHP answer in one sandbox per tenant" \
		all_tenants_answer
	for u in nsvm_a nsvm_b nsvm_c; do
		H[$u]=$(record_holder "$u" "${u#nsvm_}.example")
	done
	measured "$label: holders before the restart: $(for u in nsvm_a nsvm_b nsvm_c; do
		printf '%s=%s(%s) ' "$u" "${H[$u]:-none}" "$(cgroup_of "${H[$u]}")"; done)"
	rm -f "$W/slow.body"
	curl -sS --max-time 60 -o "$W/slow.body" -w '%{http_code}' \
		-H "Host: a.example" "http://127.0.0.1:$PORT/cgi-bin/slow?$secs" \
		>"$W/slow.code" 2>"$W/slow.err" &
	cpid=$!
	wait_for 300 eval 'slow_pid=$(pgrep -u ${UID_OF[nsvm_a]} -x sleep)'
	slow_pid=$(pgrep -u "${UID_OF[nsvm_a]}" -x sleep | head -n 1)
	before=$(stat -c %s /var/log/lighttpd/error.log /var/log/lighttpd/cgi.log)
	t0=$(date +%s%N)
	systemctl "$action" lighttpd.service
	t1=$(date +%s%N)
	measured "$label: systemctl $action lighttpd took $(((t1 - t0) / 1000000)) ms"
	wait "$cpid"
	st=$?
	measured "$label: the running request (nsvm_a's CGI, $secs s long): curl exit $st, HTTP $(cat "$W/slow.code"), body '$( (tr '\n' ' ' <"$W/slow.body") 2>/dev/null)' $(tr '\n' ' ' <"$W/slow.err")"
	if [ -z "$slow_pid" ]; then
		measured "$label: the slow CGI's sleep was never seen running"
	elif alive "$slow_pid"; then
		measured "$label: the slow CGI's sleep (pid $slow_pid) still runs after the $action, in $(cgroup_of "$slow_pid")"
	else
		measured "$label: the slow CGI's sleep (pid $slow_pid) no longer runs after the $action"
	fi
	for u in nsvm_a nsvm_b nsvm_c; do
		h=${H[$u]}
		if [ -n "$h" ] && alive "$h"; then
			survived="$survived $u"
		else
			died="$died $u"
		fi
	done
	measured "$label: holders alive after the $action:${survived:- none}; gone:${died:- none}"
	check "$label: lighttpd.service is active again" eval \
		'[ "$(systemctl is-active lighttpd)" = active ] &&
		 wait_for 300 curl -s -o /dev/null --max-time 2 http://127.0.0.1:$PORT/ ||
		 why "$(systemctl status --no-pager lighttpd 2>&1 | tail -n 20)"'
	check "$label: after the $action every tenant's CGI and PHP answer" \
		all_tenants_answer
	# (The PHP backends, which lighttpd starts with itself, run nscell
	# without -v: a set they rebuilt shows as a new holder, below.)
	# shellcheck disable=SC2086 # two sizes
	after=$(logs_since $before |
		grep -Eo 'nscell: (joined the persisted sandbox|built a persisted sandbox)' |
		sort | uniq -c | tr '\n' ';' | tr -s ' ')
	measured "$label: the CGI requests since the $action, nscell -v:$after"
	for u in nsvm_a nsvm_b nsvm_c; do
		v=${u#nsvm_}.example
		if [ -n "${H[$u]}" ] && alive "${H[$u]}"; then
			measured "$label: $u's set after the $action: kept (holder ${H[$u]}, now recorded $(record_holder "$u" "$v"))"
		else
			measured "$label: $u's set after the $action: rebuilt (holder ${H[$u]} gone, now $(record_holder "$u" "$v"))"
		fi
	done
}

# ----------------------------------------------------------------- main ---

if ! setup; then
	notok "setup: nscell installed, users and sites"
	finish
fi
ok "setup: nscell installed as a package would, 3 tenants with sites"
timed job_unit
timed start_lighttpd
timed php_unit
timed restart_during_request "KillMode=control-group (Debian's unit)" restart 25
timed restart_during_request "graceful (lighttpd's SIGUSR1)" reload 5
timed restart_during_request "graceful, a longer request" reload 25
mkdir -p /etc/systemd/system/lighttpd.service.d
printf '[Service]\nKillMode=process\n' \
	>/etc/systemd/system/lighttpd.service.d/nscell.conf
systemctl daemon-reload
systemctl restart lighttpd.service
timed restart_during_request "KillMode=process (drop-in)" restart 25
systemctl stop lighttpd.service
# Debian's unit again, for what runs next in this guest (tests/vm/all:
# cgroups.sh, whose control is Debian's KillMode).
rm -rf /etc/systemd/system/lighttpd.service.d
systemctl daemon-reload
unmount_ns -a -k -t 5 >/dev/null 2>&1
check "unmount_ns -a -k: no set left" eval \
	'[ "$(unmount_ns -l | grep -c .)" -le 1 ] || why "$(unmount_ns -l)"'
finish
