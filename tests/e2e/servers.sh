#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End to end: Apache 2.4 (mod_cgid, mod_actions, mod_proxy_fcgi) and nginx
# with fcgiwrap, from Debian's packages, set up with the steps and blocks
# of docs/USING.md as printed, each serving a CGI and a PHP site for each
# of two users through nscell with the Debian template: Apache's PHP from
# the php-cgi pool of examples/systemd (nscell-php@), nginx's from the
# PHP-FPM pool of examples/php-fpm (nscell-fpm@).
#
#   tests/e2e/servers.sh [NSCELL_BINARY]
#
# What differs from the documentation, and only that: the blocks are taken
# from docs/USING.md with "alice" replaced by each test user, the homes,
# the port (80) and the install location of the nscell under test (the
# blocks' /usr/lib/nscell and /usr/bin/nscell) replaced, and NSCELL_BIN
# set to the setuid copy under test; "systemctl" lines are carried out as
# systemd would, from the units' own ExecStart= lines (no systemd here):
# socket activation for nscell-php@ and fcgiwrap, ExecStartPre= as root
# and ExecStart= as User= for nscell-fpm@.  /etc/apache2, /etc/nginx,
# /etc/default and /run are private to the suite's mount namespace.
#
# Output and exit status: see tests/e2e/lib.sh.

# Checks are eval strings, expanded when they run:
# shellcheck disable=SC2016,SC2034
E2E_SELF=$(readlink -f -- "$0")
E2E_NAME=servers
E2E_DEPS=(apache2 nginx fcgiwrap php-cgi php-fpm php-mysql mariadb-server
	mariadb-client curl)
E2E_TOOLS=(apache2ctl a2enmod nginx fcgiwrap php-cgi php-fpm8.2 mariadbd)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname -- "$E2E_SELF")/lib.sh"

DOC=$SRC/docs/USING.md
UA="" UB="" APORT="" NPORT="" APID="" NPID="" DBPW=""
declare -A POOL_PID FPM_PID
FCGIWRAP_PID=""

# The probe CGI and PHP page: key=value lines about where they run.
probe_cgi() {
	cat <<EOF
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "uid=\$(id -u)"
echo "pidns=\$(readlink /proc/self/ns/pid)"
echo "passwd_lines=\$(wc -l </etc/passwd)"
if cat "$1" >/dev/null 2>&1; then echo other=readable; else echo other=unreadable; fi
echo "cwd=\$(pwd)"
echo "script_name=\${SCRIPT_NAME:-}"
echo "script_filename=\${SCRIPT_FILENAME:-}"
echo "path_info=\${PATH_INFO:-}"
echo "path_translated=\${PATH_TRANSLATED:-}"
echo "nscell_env=\$(env | grep -c '^NSCELL_\|^REDIRECT_NSCELL_')"
EOF
}

probe_php() {
	cat <<EOF
<?php
header('Content-Type: text/plain');
\$st = file_get_contents('/proc/self/status');
preg_match('/^Uid:\s+(\d+)/m', \$st, \$m);
echo "uid=", \$m[1], "\n";
echo "pidns=", readlink('/proc/self/ns/pid'), "\n";
echo "sapi=", PHP_SAPI, "\n";
echo "mysqli=", extension_loaded('mysqli') ? 'yes' : 'no', "\n";
echo "other=", @file_get_contents('$1') === false ? 'unreadable' : 'readable', "\n";
echo "run=", implode(' ', scandir('/run')), "\n";
\$fpm = @scandir('/run/nscell-fpm');
echo "fpm_dirs=", \$fpm ? implode(' ', \$fpm) : '', "\n";
echo "php_dirs=", is_dir('/run/nscell-php') ? 'yes' : 'no', "\n";
echo "pool_d=", implode(' ', @scandir('/etc/php/8.2/fpm/pool.d') ?: []), "\n";
\$db = @mysqli_connect('localhost', '$2', '$3');
echo "db=", \$db ? 'ok' : mysqli_connect_error(), "\n";
EOF
}

site() {
	local u=$1 other=$2 h=${HOME_OF[$1]}
	install -d -o "$u" -g "$u" -m 0755 "$h/public_html" \
		"$h/public_html/cgi-bin" || return 1
	probe_cgi "${HOME_OF[$other]}/public_html/secret.txt" |
		put "$u" 0755 "$h/public_html/cgi-bin/probe" || return 1
	probe_php "${HOME_OF[$other]}/public_html/secret.txt" "db_$u" "$DBPW" |
		put "$u" 0644 "$h/public_html/index.php" || return 1
	echo "secret of $u" | put "$u" 0644 "$h/public_html/secret.txt"
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\nid -u\n' |
		put root 0755 "$h/public_html/cgi-bin/rootowned"
	sql "CREATE USER 'db_$u'@'localhost' IDENTIFIED BY '$DBPW';"
}

# doc_for USER BLOCK: a block of docs/USING.md for one test user.
doc_for() {
	doc_block "$DOC" "$2" | sed -e "s/alice/$1/g" \
		-e "s|/home/$1|${HOME_OF[$1]}|g" \
		-e "s|/usr/lib/nscell|$W/lib/nscell|g" \
		-e "s|/usr/bin/nscell|$NS|g"
}

# --- what systemctl would do ---------------------------------------------

# nscell-php@USER.socket + .service (examples/systemd): the socket unit's
# ListenStream=, SocketGroup=, SocketMode=, the service's Environment= and
# ExecStart= as User=.
start_php_pool() {
	local u=${1%.socket} sock unit=$SRC/examples/systemd/nscell-php@.service
	local s=$SRC/examples/systemd/nscell-php@.socket env=() e cmd
	u=${u#nscell-php@}
	sock=$(unit_value "$s" ListenStream | sed "s/%i/$u/g")
	while read -r e; do env+=("$e"); done < <(sed -n 's/^Environment=//p' "$unit")
	cmd=$(unit_value "$unit" ExecStart | sed "s|/usr/bin/nscell|$NS|; s/%i/$u/g")
	# shellcheck disable=SC2086 # the ExecStart line's words
	POOL_PID[$u]=$(cd "${HOME_OF[$u]}" && socket_activate "$sock" \
		"$(unit_value "$s" SocketUser)" "$(unit_value "$s" SocketGroup)" \
		"$(unit_value "$s" SocketMode)" -- setpriv --reuid="$u" \
		--regid="${GID_OF[$u]}" --init-groups -- env -i PATH="$SAFE_PATH" \
		HOME="${HOME_OF[$u]}" USER="$u" LOGNAME="$u" "${env[@]}" $cmd \
		2>>"$W/log/pool-$u.log")
	note "PID=${POOL_PID[$u]}"
	on_cleanup "stop_pid ${POOL_PID[$u]}"
}

# nscell-fpm@USER.service (examples/php-fpm): EnvironmentFile=,
# ExecStartPre=+ as root, ExecStart= as User=, its ${NSCELL_VHOST}.
start_fpm() {
	local u=${1#nscell-fpm@} unit=$SRC/examples/php-fpm/nscell-fpm@.service
	local vhost pre cmd
	u=${u%.service}
	vhost=$(sed -n 's/^NSCELL_VHOST=//p' "/etc/nscell/fpm/$u.env")
	pre=$(unit_value "$unit" ExecStartPre | sed "s/^+//; s/%i/$u/g")
	cmd=$(unit_value "$unit" ExecStart | sed "s|/usr/bin/nscell|$NS|; s/%i/$u/g; s/\${NSCELL_VHOST}/$vhost/g")
	$pre || return 1
	# shellcheck disable=SC2086 # the ExecStart line's words
	(cd "${HOME_OF[$u]}" && exec setpriv --reuid="$u" --regid="${GID_OF[$u]}" \
		--init-groups -- env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$u]}" \
		USER="$u" LOGNAME="$u" $cmd </dev/null >>"$W/log/fpm-$u.log" 2>&1) &
	FPM_PID[$u]=$!
	note "PID=${FPM_PID[$u]}"
	on_cleanup "stop_pid ${FPM_PID[$u]}"
	wait_socket "/run/nscell-fpm/$u/php.sock"
}

# fcgiwrap.socket + fcgiwrap.service, with /etc/default/fcgiwrap.
start_fcgiwrap() {
	local opts=-f
	[ -n "$FCGIWRAP_PID" ] && return 0
	# shellcheck disable=SC1091
	[ -f /etc/default/fcgiwrap ] && opts=$(. /etc/default/fcgiwrap && echo "$DAEMON_OPTS")
	# shellcheck disable=SC2086
	FCGIWRAP_PID=$(socket_activate /run/fcgiwrap.socket www-data www-data \
		0660 -- setpriv --reuid=www-data --regid=www-data --clear-groups -- \
		fcgiwrap $opts 2>>"$W/log/fcgiwrap.log")
	note "PID=$FCGIWRAP_PID"
	on_cleanup 'stop_server "$FCGIWRAP_PID"'
}

systemctl() {
	case "$*" in
	"enable --now nscell-php@"*.socket) start_php_pool "$3" ;;
	"daemon-reload") return 0 ;;
	"enable --now nscell-fpm@"*) start_fpm "$3" ;;
	"enable --now fcgiwrap.socket") return 0 ;;
	"restart fcgiwrap.service") start_fcgiwrap ;;
	"reload apache2") apache_start ;;
	"reload nginx") nginx_start ;;
	*) echo "servers.sh: systemctl $* not emulated" >&2; return 1 ;;
	esac
}

# "systemctl reload": start the server the first time, reload it after.
apache_start() {
	if [ -n "$APID" ]; then
		apache2ctl graceful >>"$W/log/apache-start.log" 2>&1
		return
	fi
	apache2ctl start >>"$W/log/apache-start.log" 2>&1 || return 1
	wait_http "http://127.0.0.1:$APORT/" || return 1
	APID=$(cat /run/apache2/apache2.pid)
	note_pid "$APID"
}

nginx_start() {
	if [ -n "$NPID" ]; then
		nginx -s reload >>"$W/log/nginx-start.log" 2>&1
		return
	fi
	nginx >>"$W/log/nginx-start.log" 2>&1 || return 1
	wait_http "http://127.0.0.1:$NPORT/" || return 1
	NPID=$(cat /run/nginx.pid)
	note_pid "$NPID"
}

apache_stop() {
	[ -n "$APID" ] || return 0
	apache2ctl stop
	stop_server "$APID"
}

nginx_stop() {
	[ -n "$NPID" ] || return 0
	nginx -s quit
	stop_server "$NPID"
}

# run_doc USER BLOCK: the block's commands, as the documentation says.
run_doc() {
	local out
	out=$(cd "$SRC" && doc_for "$1" "$2" | doc_commands)
	echo "$out" >"$W/log/doc-$2-$1.sh"
	# In this shell, not a subshell: the servers and pools it starts are
	# recorded (pids, cleanup hooks) for the checks and the cleanup.
	pushd "$SRC" >/dev/null || return 1
	# shellcheck disable=SC1090
	. "$W/log/doc-$2-$1.sh" >>"$W/log/doc.log" 2>&1
	out=$?
	popd >/dev/null || return 1
	return "$out"
}

suite_setup() {
	local b u
	e2e_base_setup "$1" || return 1
	mkdir -p "$W/lib/nscell" && cp "$W/bin/nscell-cgi" "$W/lib/nscell/" ||
		return 1
	b=$(free_block) || return 1
	UA=nsesa UB=nsesb
	add_user "$UA" "$b" 0711 || return 1
	add_user "$UB" "$((b + 1))" 0711 || return 1
	DBPW=db$RANDOM$RANDOM
	mariadb_start || return 1
	site "$UA" "$UB" && site "$UB" "$UA" || return 1

	# nscell: the web server may launch for the users; each user's vhost
	# has the PHP-FPM template (docs/USING.md, "PHP-FPM").
	write_conf "allowCaller www-data" "minUid 1000" "persistDir $W/lsns" \
		"namespaceConf $CONF_DIR/debian.tmpl" || return 1
	for u in "$UA" "$UB"; do
		doc_for "$u" fpm-conf >>"$CONF_DIR/nscell.conf" || return 1
		run_doc "$u" fpm-setup || return 1
	done

	# Apache, on a private copy of /etc/apache2.
	APORT=$(free_port) && NPORT=$(free_port) || return 1
	private_copy /etc/apache2 && private_tmpfs /var/log/apache2 || return 1
	sed -i "s/^Listen 80$/Listen 127.0.0.1:$APORT/; /Listen 443/d" \
		/etc/apache2/ports.conf
	a2dissite -q 000-default >/dev/null 2>&1
	on_cleanup apache_stop
	run_doc "$UA" apache-setup
	for u in "$UA" "$UB"; do
		doc_for "$u" apache-site | sed "s/\*:80/*:$APORT/" |
			sed "s|^\(    SetEnv NSCELL_OWNER .*\)$|\1\n    SetEnv NSCELL_BIN $NS|" \
			>"/etc/apache2/sites-available/$u.example.conf"
	done
	run_doc "$UA" apache-enable || return 1
	run_doc "$UB" apache-enable || return 1

	# nginx, on a private copy of /etc/nginx (and /etc/default).
	private_copy /etc/nginx && private_copy /etc/default &&
		private_tmpfs /var/log/nginx || return 1
	rm -f /etc/nginx/sites-enabled/default
	on_cleanup nginx_stop
	run_doc "$UA" nginx-setup || return 1
	for u in "$UA" "$UB"; do
		doc_for "$u" nginx-site | sed "s/listen 80;/listen 127.0.0.1:$NPORT;/" |
			sed "s|^\(        fastcgi_param NSCELL_OWNER .*\)$|\1\n        fastcgi_param NSCELL_BIN $NS;|" \
			>"/etc/nginx/sites-available/$u.example"
	done
	run_doc "$UA" nginx-enable || return 1
	run_doc "$UB" nginx-enable
}

AG() { get "http://127.0.0.1:$APORT$2" -H "Host: $1.example"; }
NG() { get "http://127.0.0.1:$NPORT$2" -H "Host: $1.example"; }

server_checks() {
	local srv=$1 req=$2 u=$3 o=$4 sapi=$5 ns
	$req "$u" /cgi-bin/probe
	check "$srv: $u's CGI runs as $u, only $u in /etc/passwd" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$u]}" ] &&
		 [ "$(val passwd_lines)" = 1 ] || why "$(ctx)" "$(tail -n 5 "$W/log/doc.log")"'
	check "$srv: $u's CGI cannot read $o's world-readable file" eval \
		'[ "$(val other)" = unreadable ] || why "$(ctx)"'
	check "$srv: $u's CGI runs in its directory; no NSCELL_* reaches it" eval \
		'[ "$(val cwd)" = "${HOME_OF[$u]}/public_html/cgi-bin" ] &&
		 [ "$(val nscell_env)" = 0 ] || why "$(ctx)"'
	ns=$(val pidns)
	$req "$u" /cgi-bin/probe/extra/path
	check "$srv: PATH_INFO (/cgi-bin/probe/extra/path)" eval \
		'[ "$CODE" = 200 ] && [ "$(val path_info)" = /extra/path ] &&
		 [ "$(val script_name)" = /cgi-bin/probe ] &&
		 [ "$(val script_filename)" = "${HOME_OF[$u]}/public_html/cgi-bin/probe" ] ||
		 why "$(ctx)"'
	$req "$u" /cgi-bin/no-such-script
	check "$srv: a missing CGI is 404" eval '[ "$CODE" = 404 ] || why "$(ctx)"'
	$req "$u" /cgi-bin/rootowned
	check "$srv: a root-owned CGI is refused (403)" eval \
		'[ "$CODE" = 403 ] && ! grep -q "^0$" <<<"$BODY" || why "$(ctx)"'
	$req "$u" /index.php
	check "$srv: $u's PHP ($sapi) runs as $u, with mysqli" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$u]}" ] &&
		 [ "$(val sapi)" = "$sapi" ] && [ "$(val mysqli)" = yes ] || why "$(ctx)"'
	check "$srv: $u's PHP cannot read $o's file, reaches MariaDB by socket" eval \
		'[ "$(val other)" = unreadable ] && [ "$(val db)" = ok ] || why "$(ctx)"'
	check "$srv: no other pool's socket or pool file is visible to $u" eval \
		'[ "$(val php_dirs)" = no ] && ! grep -q "$o" <<<"$(val fpm_dirs)" &&
		 [ "$(val pool_d)" = ". .." ] || why "$(ctx)"'
}

suite_tests() {
	local u p bad
	check "Apache started as docs/USING.md says (configtest passed)" eval \
		'[ -n "$APID" ] || why "$(tail -n 30 "$W/log/doc.log" "$W/log/apache-start.log")"'
	check "nginx started as docs/USING.md says (nginx -t passed)" eval \
		'[ -n "$NPID" ] || why "$(tail -n 30 "$W/log/doc.log" "$W/log/nginx-start.log")"'
	check "Apache: serve-cgi-bin disabled, mod_php off" eval \
		'[ ! -e /etc/apache2/conf-enabled/serve-cgi-bin.conf ] &&
		 ! a2query -q -m php8.2 || why "$(ls /etc/apache2/conf-enabled /etc/apache2/mods-enabled)"'
	for u in "$UA" "$UB"; do
		p=$UB
		[ "$u" = "$UB" ] && p=$UA
		server_checks Apache AG "$u" "$p" cgi-fcgi
		server_checks nginx NG "$u" "$p" fpm-fcgi
	done

	bad=""
	for p in $(pgrep -u "${UID_OF[$UA]}" '^php-fpm'); do
		[ "$(readlink "/proc/$p/ns/pid")" = "$(readlink "/proc/${FPM_PID[$UA]}/ns/pid")" ] &&
			bad="$bad $p"
	done
	check "PHP-FPM of $UA: master and workers in a sandbox, as $UA" eval \
		'[ -n "$(pgrep -u "${UID_OF[$UA]}" "^php-fpm")" ] && [ -z "$bad" ] &&
		 [ -z "$(pgrep -u 0,www-data "^php-fpm")" ] || why "in the host pid ns:$bad"'
	check "PHP-FPM's socket: $UA's, group www-data, 0660, in a 2750 dir" eval \
		'[ "$(stat -c "%U %G %a" "/run/nscell-fpm/$UA/php.sock")" = "$UA www-data 660" ] &&
		 [ "$(stat -c "%U %G %a" "/run/nscell-fpm/$UA")" = "$UA www-data 2750" ] ||
		 why "$(ls -la "/run/nscell-fpm/$UA")"'
	check "PHP-FPM is ready, logs to its socket dir, no worker exited" eval \
		'grep -q "ready to handle connections" "/run/nscell-fpm/$UA/php-fpm.log" &&
		 ! grep -q "exited" "/run/nscell-fpm/$UA/php-fpm.log" ||
		 why "$(tail "/run/nscell-fpm/$UA/php-fpm.log" "$W/log/fpm-$UA.log" 2>&1)"'

	# A MariaDB restart: the pool's sandbox binds the socket's directory,
	# so the long-running PHP-FPM pool reaches the new socket.
	mariadb_stop
	mariadb_start
	NG "$UA" /index.php
	check "after a MariaDB restart the running pool still reaches it" eval \
		'[ "$(val db)" = ok ] || why "$(ctx)"'

	check "fcgiwrap runs 4 workers (-c 4) as www-data" eval \
		'[ "$(pgrep -u www-data -x fcgiwrap | wc -l)" -ge 4 ] || why "$(pgrep -a fcgiwrap)"'
	check "no nscell error in the logs" eval \
		'[ -z "$(nscell_errors /var/log/apache2/error.log /var/log/nginx/error.log "$W"/log/*.log | grep -v "nscell-cgi: .*\(rootowned\|no-such-script\)")" ] ||
		 why "$(nscell_errors /var/log/apache2/error.log /var/log/nginx/error.log "$W"/log/*.log)"'
}

e2e_main "$@"
