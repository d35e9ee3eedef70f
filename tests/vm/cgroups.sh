#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The tenants' cgroups and limits (issue 14) in a QEMU guest: Debian 12's
# 6.1 kernel, pure cgroup v2.
#
#   tests/vm/run minimal tests/vm/cgroups.sh BUILD_DIR
#   tests/vm/run systemd tests/vm/cgroups.sh BUILD_DIR
#
# BUILD_DIR holds nscell, cmd_ns, unmount_ns and nscell-cgi (one build).
#  1. Both guests: tests/integration/cgroups.sh, with the manager nscell
#     picks there: cgroupfs on v2 in the minimal guest (no systemd), the
#     systemd manager (transient scopes through D-Bus) in the systemd one.
#  2. The systemd guest, with nscell installed as the package installs it:
#     - what operators see: systemctl status of a tenant's scope, its
#       properties (Delegate, the limits), systemd-cgtop;
#     - "systemctl set-property user-UID.slice MemoryMax=" limits the
#       tenant, as LiteSpeed's admins do it, and a daemon-reload keeps the
#       scope's own limits;
#     - a login session of the tenant that ends (pam_systemd, logind) does
#       not stop the tenant's scope;
#     - lighttpd.service serving two tenants' CGI through nscell-cgi, and
#       "systemctl restart lighttpd" while one's request runs: with
#       cgroups off the tenants' persisted sets die with the web server's
#       control group (the control), with "cgroups 2" they are all kept,
#       and the next requests join them.
#
# Output: the suite's own lines, then "ok N - name" / "not ok N - name"
# with "#   why" lines and "# measured:" lines; last line "N passed, M
# failed".  Exit status 0 iff nothing failed.

# Checks are eval strings, expanded when they run:
# shellcheck disable=SC2016,SC2317
set -u
SRC=$(cd "$(dirname -- "$(readlink -f -- "$0")")/../.." && pwd)
BUILD=$(readlink -f -- "${1:?usage: cgroups.sh BUILD_DIR}")
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
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit
}
wait_for() {	# wait_for TENTHS COMMAND...
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
alive() {
	local st
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }

echo "# vm: kernel $(uname -r), PID 1 $(cat /proc/1/comm)," \
	"cgroup $(stat -f -c %T /sys/fs/cgroup)"

# ---------------------------------------------------- 1: the suite ---

t0=$(date +%s)
"$SRC/tests/integration/cgroups.sh" "$BUILD/nscell"
rc=$?
echo "# vm: tests/integration/cgroups.sh: exit $rc in $(($(date +%s) - t0)) s"
if [ "$rc" = 0 ]; then
	ok "tests/integration/cgroups.sh in this guest"
else
	notok "tests/integration/cgroups.sh in this guest" "exit $rc"
fi
[ "$(cat /proc/1/comm)" = systemd ] || finish

# --------------------------------------------------- 2: systemd ---

PORT=8080
LSNS=/var/lsns
W=/var/tmp/nscell-vm-cgroups
CONF=/etc/nscell/nscell.conf
CODE="" BODY=""
declare -A UID_OF

conf() {	# conf LINE...: the configuration, plus LINEs
	{
		echo "namespaceConf /usr/share/nscell/debian.tmpl"
		echo "allowCaller www-data"
		echo "minUid 1000"
		printf '%s\n' "$@"
	} >"$CONF"
	chmod 0644 "$CONF"
}

site() {	# site USER: a docroot with a probe and a slow CGI
	local u=$1 d=/home/$1/public_html
	install -d -o "$u" -g "$u" -m 0755 "$d" "$d/cgi-bin" || return 1
	printf '%s\n' '#!/bin/sh' "printf 'Content-Type: text/plain\\r\\n\\r\\n'" \
		'echo "uid=$(id -u)"' 'echo "pidns=$(readlink /proc/self/ns/pid)"' \
		>"$d/cgi-bin/probe"
	printf '%s\n' '#!/bin/sh' "printf 'Content-Type: text/plain\\r\\n\\r\\n'" \
		'echo started' 'sleep 20' 'echo finished' >"$d/cgi-bin/slow"
	chown "$u:" "$d/cgi-bin/probe" "$d/cgi-bin/slow"
	chmod 0700 "$d/cgi-bin/probe" "$d/cgi-bin/slow"
}

setup() {
	local b i u
	for u in lighttpd curl useradd systemctl; do
		command -v "$u" >/dev/null || {
			why "$u is not installed"
			return 1
		}
	done
	install -o root -g root -m 4755 "$BUILD/nscell" /usr/bin/nscell &&
		install -m 0755 "$BUILD/cmd_ns" "$BUILD/unmount_ns" /usr/sbin/ &&
		install -D -m 0755 "$BUILD/nscell-cgi" /usr/lib/nscell/nscell-cgi &&
		install -d -m 0755 /usr/share/nscell /etc/nscell "$W" &&
		install -m 0644 "$SRC/examples/default.tmpl" \
			"$SRC"/examples/templates/*.tmpl /usr/share/nscell/ ||
		return 1
	conf
	b=$(free_block) || return 1
	i=0
	for u in nscg_a nscg_b; do
		useradd -m -u "$((b + i))" -U -s /bin/sh "$u" || return 1
		UID_OF[$u]=$((b + i))
		chmod 0711 "/home/$u"
		site "$u" || return 1
		i=$((i + 1))
	done
}

scope_of() { echo "nscell-${UID_OF[$1]}.scope"; }
scope_dir() { echo "/sys/fs/cgroup/user.slice/user-${UID_OF[$1]}.slice/$(scope_of "$1")"; }
record_holder() {	# record_holder USER [VHOST]
	sed -n 's/^holder //p' "$LSNS/${UID_OF[$1]}${2:+/$2}/record" 2>/dev/null
}

# What an operator sees of a tenant's scope.
operators_view() {
	local u=nscg_a s h st
	s=$(scope_of "$u")
	conf "cgroups 2" "memoryMax 256M" "tasksMax 64" "cpu 50%"
	nscell_as "$u" -- true || return 1
	h=$(record_holder "$u")
	st=$(systemctl status --no-pager "$s" 2>&1)
	echo "$st" | sed 's/^/# status: /'
	[ "$(systemctl is-active "$s")" = active ] &&
		[ "$(systemctl show -P Delegate "$s")" = yes ] &&
		[ "$(systemctl show -P Slice "$s")" = "user-${UID_OF[$u]}.slice" ] &&
		[ "$(systemctl show -P MemoryMax "$s")" = 268435456 ] &&
		[ "$(systemctl show -P TasksMax "$s")" = 64 ] &&
		[ "$(systemctl show -P CPUQuotaPerSecUSec "$s")" = 500ms ] &&
		[ "$(cat "$(scope_dir "$u")/memory.max")" = 268435456 ] &&
		[ "$(cat "/proc/$h/comm" 2>/dev/null)" = "nsh:${UID_OF[$u]}" ] &&
		grep -Eq -- "-$h /usr/bin/nscell " <<<"$st" &&
		[ "$(cgroup_of "$h")" = "/user.slice/user-${UID_OF[$u]}.slice/$s" ] ||
		why "$st" "holder $h in $(cgroup_of "$h")"
}

# nscell_as USER ARGS...: nscell as USER, -v; sets OUT, ERR and RC.
nscell_as() {
	local u=$1
	shift
	timeout -k 3 120 setpriv --reuid="$u" --regid="$u" --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME="/home/$u" /usr/bin/nscell -v "$@" \
		</dev/null >"$W/out" 2>"$W/err"
	RC=$?
	OUT=$(cat "$W/out") ERR=$(cat "$W/err")
	[ "$RC" = 0 ] || why "nscell as $u: exit $RC: $OUT $ERR"
}

# The slice's limit, set the way LiteSpeed's admins set it, holds the
# tenant; daemon-reload keeps the scope's own limits.
slice_property() {
	local u=nscg_b sl="user-${UID_OF[nscg_b]}.slice" r=0
	conf "cgroups 2"
	nscell_as "$u" -- true || return 1
	systemctl set-property --runtime "$sl" MemoryMax=64M MemorySwapMax=0 ||
		{ why "set-property failed"; return 1; }
	nscell_as "$u" -- python3 -c 'x = b"x" * (200 << 20)'
	[ "$RC" = 137 ] || { why "a 200 MB hog under the slice's 64M: exit $RC, $ERR"; r=1; }
	systemctl set-property --runtime "$sl" MemoryMax=infinity MemorySwapMax=infinity
	conf "cgroups 2" "memoryMax 100M"
	nscell_as nscg_a -- true || r=1
	systemctl daemon-reload
	[ "$(cat "$(scope_dir nscg_a)/memory.max")" = 104857600 ] &&
		[ "$(systemctl show -P MemoryMax "$(scope_of nscg_a)")" = 104857600 ] ||
		{ why "after daemon-reload: memory.max $(cat "$(scope_dir nscg_a)/memory.max")"; r=1; }
	return "$r"
}

# A login session of the tenant comes and goes (pam_systemd registers it
# with logind, which starts and then stops user@UID.service): the tenant's
# scope, and its persisted set, stay.
login_session() {
	local u=nscg_a h s
	s=$(scope_of "$u")
	systemctl start dbus.service systemd-logind.service ||
		{ why "cannot start logind"; return 1; }
	conf "cgroups 2"
	nscell_as "$u" -- true || return 1
	h=$(record_holder "$u")
	runuser -l "$u" -c 'loginctl show-session "$XDG_SESSION_ID" -p Id -p Scope' \
		>"$W/session" 2>&1
	measured "login session: $(tr '\n' ' ' <"$W/session")"
	# logind stops user@UID.service a moment after the last session.
	wait_for 100 eval '[ "$(systemctl is-active user@${UID_OF[$u]}.service)" != active ]'
	sleep 2
	measured "after the logout: user@${UID_OF[$u]}.service $(systemctl is-active "user@${UID_OF[$u]}.service"), user-${UID_OF[$u]}.slice $(systemctl is-active "user-${UID_OF[$u]}.slice"), $s $(systemctl is-active "$s")"
	grep -q '^Id=' "$W/session" || why "no logind session was made: $(cat "$W/session")" || return 1
	[ "$(systemctl is-active "$s")" = active ] && alive "$h" &&
		nscell_as "$u" -- true && grep -q "joined the persisted sandbox (holder pid $h)" <<<"$ERR" ||
		why "scope $(systemctl is-active "$s"), holder $h alive: $(alive "$h" && echo yes || echo no); $ERR"
}

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

include "$SRC/examples/lighttpd/50-nscell.conf"
var.nscell_verbose := "1"
EOF
	for u in nscg_a nscg_b; do
		v=${u#nscg_}.example
		cat <<EOF

var.nscell_vhost   := "$v"
var.nscell_owner   := "$u"
var.nscell_docroot := "/home/$u/public_html"
include "$SRC/examples/lighttpd/nscell-vhost.conf"
EOF
	done
}

get() {	# get HOST PATH: CODE and BODY
	CODE=$(curl -sS --max-time 120 -o "$W/body" -w '%{http_code}' \
		-H "Host: $1" "http://127.0.0.1:$PORT$2" 2>"$W/curl.err") ||
		CODE="curl-failed: $(cat "$W/curl.err")"
	BODY=$(cat "$W/body" 2>/dev/null)
}

served() {	# every tenant's probe answers, as the tenant
	local u bad=""
	for u in nscg_a nscg_b; do
		get "${u#nscg_}.example" /cgi-bin/probe
		[ "$CODE" = 200 ] && grep -qx "uid=${UID_OF[$u]}" <<<"$BODY" ||
			bad="$bad ${u}: HTTP $CODE $BODY;"
	done
	[ -z "$bad" ] || why "$bad $(tail -n 5 /var/log/lighttpd/error.log)"
}

# restart LABEL: "systemctl restart lighttpd" while nscg_a's slow CGI
# runs and both tenants have a persisted set; which sets survive.
# Sets KEPT (the tenants whose holder survived).
restart() {
	local label=$1 u cpid slow="" t0 joined
	declare -A H
	KEPT=""
	unmount_ns -a -k -t 5 >/dev/null 2>&1
	systemctl restart lighttpd.service
	wait_for 600 curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" ||
		{ why "lighttpd did not come up: $(systemctl status --no-pager lighttpd | tail)"; return 1; }
	served || return 1
	for u in nscg_a nscg_b; do
		H[$u]=$(record_holder "$u" "${u#nscg_}.example")
	done
	measured "$label: holders before: $(for u in nscg_a nscg_b; do
		printf '%s=%s in %s; ' "$u" "${H[$u]}" "$(cgroup_of "${H[$u]}")"; done)"
	curl -sS --max-time 120 -o "$W/slow.body" -H "Host: a.example" \
		"http://127.0.0.1:$PORT/cgi-bin/slow" 2>/dev/null &
	cpid=$!
	wait_for 600 eval 'slow=$(pgrep -u ${UID_OF[nscg_a]} -x sleep)'
	t0=$(date +%s%N)
	systemctl restart lighttpd.service
	measured "$label: systemctl restart lighttpd took $((($(date +%s%N) - t0) / 1000000)) ms"
	wait "$cpid"
	measured "$label: the running request got '$({ tr '\n' ' ' <"$W/slow.body"; } 2>/dev/null)'; its sleep ($slow) $(alive "${slow:-0}" && echo "still runs, in $(cgroup_of "$slow")" || echo "is gone")"
	for u in nscg_a nscg_b; do
		alive "${H[$u]}" && KEPT="$KEPT $u"
	done
	measured "$label: holders alive after the restart:${KEPT:- none}"
	wait_for 600 curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" &&
		served || return 1
	joined=$(grep -c 'nscell: joined the persisted sandbox' /var/log/lighttpd/cgi.log)
	measured "$label: nscell -v lines in lighttpd's CGI log: $joined joined, $(grep -c 'nscell: built a persisted sandbox' /var/log/lighttpd/cgi.log) built"
}

web_restart() {
	mkdir -p /var/log/lighttpd /run/lighttpd
	chown www-data: /var/log/lighttpd /run/lighttpd
	lighttpd_conf >/etc/lighttpd/lighttpd.conf
	: >/var/log/lighttpd/cgi.log
	chown www-data: /var/log/lighttpd/cgi.log
	conf
	# The control holds for Debian's unit as shipped (a drop-in with
	# KillMode=process would keep the sets without cgroups).
	km=$(systemctl show -p KillMode --value lighttpd.service)
	measured "cgroups off: lighttpd.service has KillMode=$km"
	check "lighttpd, cgroups off (the control): a restart ends the tenants' sets, requests work again" \
		eval 'if [ "$km" != control-group ]; then
			why "KillMode=$km, not Debian'"'"'s control-group"
		      else
			restart "cgroups off" && [ -z "$KEPT" ] || why "kept:$KEPT"
		      fi'
	conf "cgroups 2"
	: >/var/log/lighttpd/cgi.log
	check "lighttpd, cgroups 2: a restart leaves every tenant's set alone; the next requests join them" \
		eval 'restart "cgroups 2" && [ "$KEPT" = " nscg_a nscg_b" ] &&
		      [ "$(grep -c "nscell: joined the persisted sandbox" /var/log/lighttpd/cgi.log)" -ge 4 ] ||
		      why "kept:$KEPT; $(tail -n 5 /var/log/lighttpd/cgi.log)"'
	systemctl stop lighttpd.service
}

cleanup() {
	local u
	systemctl stop lighttpd.service 2>/dev/null
	unmount_ns -a -k -t 5 >/dev/null 2>&1
	for u in nscg_a nscg_b; do
		[ -n "${UID_OF[$u]:-}" ] || continue
		wait_for 100 eval '[ ! -e "$(scope_dir $u)" ]'
		systemctl stop "user-${UID_OF[$u]}.slice" 2>/dev/null
		userdel -r "$u" 2>/dev/null
	done
}

check "setup: nscell installed as the package installs it, 2 tenants with sites" setup ||
	finish
trap cleanup EXIT
check "systemctl status of a tenant's scope: active, delegated, the limits as properties, its holder" operators_view
check "systemctl set-property user-UID.slice MemoryMax=64M holds the tenant; daemon-reload keeps the scope's limits" slice_property
check "a login session of the tenant ends: its scope and set stay" login_session
check "systemctl restart lighttpd: the control, then cgroups 2" web_restart
cleanup
trap - EXIT
check "nothing left: no scope, no set" eval \
	'[ -z "$(systemctl list-units --all --plain --no-legend "nscell-*.scope")" ] &&
	 [ "$(unmount_ns -l | grep -c .)" -le 1 ] ||
	 why "$(systemctl list-units --all --plain --no-legend "nscell-*.scope"; unmount_ns -l)"'
finish
