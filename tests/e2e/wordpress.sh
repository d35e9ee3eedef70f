#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End to end with real software from Debian's packages: WordPress (the
# "wordpress" package) on MariaDB, behind lighttpd, its PHP run by php-cgi
# under nscell as the site's owner with the Debian template
# (examples/templates/debian.tmpl), and a second tenant's PHP site using
# sessions, mail() and proc_open.
#
#   tests/e2e/wordpress.sh [NSCELL_BINARY]
#
# The test starts its own MariaDB (data in its work dir, socket on a tmpfs
# over /run/mysqld in its private mount namespace, reached from inside the
# sandbox through the template's /run/mysqld bind) and its own lighttpd on
# a free loopback port.  Through curl it installs WordPress with
# wp-admin/install.php, logs in, publishes a post over XML-RPC and reads it
# back from the front page, uploads a PNG (thumbnails made by GD or
# Imagick), schedules a post and publishes it by running wp-cron.php from a
# shell through "nscell -- php", and repeats the isolation checks of
# lighttpd.sh.  WordPress makes no network request (WP_HTTP_BLOCK_EXTERNAL).
#
# Output and exit status: see tests/e2e/lib.sh.

# Checks are eval strings, expanded when they run:
# shellcheck disable=SC2016,SC2034

E2E_SELF=$(readlink -f -- "$0")
E2E_NAME=wordpress
E2E_DEPS=(wordpress wordpress-theme-twentytwentythree mariadb-server
	mariadb-client php-cgi php-cli php-mysql php-gd php-xml php-mbstring
	lighttpd curl exim4-daemon-light)
E2E_TOOLS=(lighttpd php-cgi php mariadbd mariadb-install-db)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname -- "$E2E_SELF")/lib.sh"

PORT="" LPID="" UA="" UB="" WPPW="" DBPW="" JAR=""
WP=wp.example

wp_config() {
	cat <<EOF
<?php
/* $WP: the site of ${UA}, readable by ${UA} alone (0600); the vhost
 * template binds this one file into the site's sandbox. */
define('DB_NAME', 'wp_e2e');
define('DB_USER', 'wp_e2e');
define('DB_PASSWORD', '$DBPW');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', 'http://$WP');
define('WP_SITEURL', 'http://$WP');
define('WP_CONTENT_DIR', '${HOME_OF[$UA]}/wp-content');
define('WP_CONTENT_URL', 'http://$WP/wp-content');
define('FS_METHOD', 'direct');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTH_KEY', '$(head -c 24 /dev/urandom | base64)');
define('SECURE_AUTH_KEY', '$(head -c 24 /dev/urandom | base64)');
define('LOGGED_IN_KEY', '$(head -c 24 /dev/urandom | base64)');
define('NONCE_KEY', '$(head -c 24 /dev/urandom | base64)');
define('AUTH_SALT', '$(head -c 24 /dev/urandom | base64)');
define('SECURE_AUTH_SALT', '$(head -c 24 /dev/urandom | base64)');
define('LOGGED_IN_SALT', '$(head -c 24 /dev/urandom | base64)');
define('NONCE_SALT', '$(head -c 24 /dev/urandom | base64)');
\$table_prefix = 'wp_';
EOF
}

# A PHP page printing key=value lines about the sandbox it runs in.
probe_php() {
	cat <<'EOF'
<?php
header('Content-Type: text/plain');
$st = file_get_contents('/proc/self/status');
preg_match('/^Uid:\s+(\d+)/m', $st, $m);
echo "uid=", $m[1], "\n";
echo "pidns=", readlink('/proc/self/ns/pid'), "\n";
echo "passwd_lines=", count(file('/etc/passwd')), "\n";
foreach (explode(' ', 'OTHERS') as $f)
	echo "read:$f=", @file_get_contents($f) === false ? "no" : "yes", "\n";
foreach (explode(' ', 'SEEN') as $f)
	echo "exists:$f=", file_exists($f) ? "yes" : "no", "\n";
echo "etc=", implode(' ', scandir('/etc')), "\n";
echo "run=", implode(' ', scandir('/run')), "\n";
echo "var=", implode(' ', scandir('/var')), "\n";
echo "sapi=", PHP_SAPI, "\n";
EOF
}

# Sessions, mail() and proc_open.
session_php() {
	cat <<'EOF'
<?php
session_start();
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
header('Content-Type: text/plain');
echo "n=", $_SESSION['n'], "\n";
echo "sid=", session_id(), "\n";
echo "save_path=", session_save_path(), "\n";
if (isset($_GET['mail'])) {
	$r = mail('root@localhost', 'nscell e2e', 'body');
	echo "mail=", $r ? "true" : "false", "\n";
	$e = error_get_last();
	echo "mail_error=", $e ? $e['message'] : "", "\n";
}
$p = proc_open(['sh', '-c', 'id -u; ls /'], [1 => ['pipe', 'w']], $pipes);
$out = stream_get_contents($pipes[1]);
fclose($pipes[1]);
echo "proc_status=", proc_close($p), "\n";
$l = explode("\n", trim($out));
echo "proc_uid=", array_shift($l), "\n";
echo "proc_root=", implode(' ', $l), "\n";
EOF
}

suite_setup() {
	local b
	e2e_base_setup "$1" || return 1
	b=$(free_block) || return 1
	UA=nse2e_wp UB=nse2e_wb
	add_user "$UA" "$b" 0711 || return 1
	add_user "$UB" "$((b + 1))" 0711 || return 1
	WPPW=wp-$RANDOM$RANDOM-Pass!
	DBPW=db$RANDOM$RANDOM
	JAR=$W/cookies

	mariadb_start || return 1
	sql "CREATE DATABASE wp_e2e; CREATE USER 'wp_e2e'@'localhost' IDENTIFIED BY '$DBPW'; GRANT ALL ON wp_e2e.* TO 'wp_e2e'@'localhost';" ||
		return 1

	# The site's configuration: Debian's wp-config.php reads
	# /etc/wordpress/config-HOST.php (a private copy of /etc/wordpress).
	private_copy /etc/wordpress || return 1
	wp_config | put "$UA" 0600 "/etc/wordpress/config-$WP.php" || return 1
	# wp-content in the owner's home, with Debian's theme linked in.
	install -d -o "$UA" -g "$UA" -m 0755 "${HOME_OF[$UA]}/wp-content" \
		"${HOME_OF[$UA]}/wp-content/themes" \
		"${HOME_OF[$UA]}/wp-content/plugins" \
		"${HOME_OF[$UA]}/wp-content/uploads" || return 1
	ln -s /usr/share/wordpress/wp-content/themes/twentytwentythree \
		"${HOME_OF[$UA]}/wp-content/themes/twentytwentythree"
	chown -h "$UA:" "${HOME_OF[$UA]}/wp-content/themes/twentytwentythree"
	probe_php | sed "s|OTHERS|${HOME_OF[$UB]}/public_html/secret.txt /etc/shadow|; s|SEEN|/etc/wordpress/config-$WP.php /var/www /run/php /var/lib/mysql /etc/ssl/private/x|" |
		put "$UA" 0644 "${HOME_OF[$UA]}/wp-content/probe.php" || return 1

	# Tenant B: a PHP site in its home.
	install -d -o "$UB" -g "$UB" -m 0755 "${HOME_OF[$UB]}/public_html" ||
		return 1
	echo "b-secret-$RANDOM" | put "$UB" 0644 "${HOME_OF[$UB]}/public_html/secret.txt"
	session_php | put "$UB" 0644 "${HOME_OF[$UB]}/public_html/session.php"
	probe_php | sed "s|OTHERS|/etc/wordpress/config-$WP.php ${HOME_OF[$UA]}/wp-content/probe.php|; s|SEEN|/etc/wordpress/config-$WP.php ${HOME_OF[$UA]} /var/www|" |
		put "$UB" 0644 "${HOME_OF[$UB]}/public_html/probe.php" || return 1

	write_conf "allowCaller www-data" "minUid 1000" \
		"persistDir $W/lsns" "namespaceConf $CONF_DIR/debian.tmpl" \
		"vhost $WP {" "	namespaceConfVhAdd $CONF_DIR/$WP.tmpl" "}" ||
		return 1
	cat >"$CONF_DIR/$WP.tmpl" <<EOF
# The site's WordPress configuration, and no other site's.
/etc/wordpress/config-$WP.php,ro-bind
EOF
	chmod 0644 "$CONF_DIR/$WP.tmpl"
	lighttpd_start
}

lighttpd_start() {
	mkdir -m 0755 "$W/empty" && mkdir -m 0750 "$W/upload" &&
		chown www-data: "$W/upload" "$W/run" || return 1
	install -o root -g root -m 0644 "$SRC"/examples/lighttpd/*.conf \
		"$W/etc/" || return 1
	PORT=$(free_port) || return 1
	cat >"$W/etc/lighttpd.conf" <<EOF
server.document-root = "$W/empty"
server.bind          = "127.0.0.1"
server.port          = $PORT
server.username      = "www-data"
server.groupname     = "www-data"
server.errorlog      = "$W/log/error.log"
server.breakagelog   = "$W/log/cgi-stderr.log"
server.upload-dirs   = ( "$W/upload" )
server.modules       = ( "mod_access", "mod_alias" )
index-file.names     = ( "index.php" )
mimetype.assign      = ( ".png" => "image/png", ".css" => "text/css",
                         ".js" => "text/javascript", ".html" => "text/html" )
include "50-nscell.conf"
var.nscell_bin     := "$NS"
var.nscell_cgi     := "$W/bin/nscell-cgi"
var.nscell_sockets := "$W/run"
var.nscell_php     := "$(readlink -f /usr/bin/php-cgi)"
var.nscell_php_children := "2"
var.nscell_verbose := "1"

var.nscell_vhost   := "$WP"
var.nscell_owner   := "$UA"
var.nscell_docroot := "/usr/share/wordpress"
include "nscell-vhost.conf"
\$HTTP["host"] == "$WP" {
	alias.url = ( "/wp-content/" => "${HOME_OF[$UA]}/wp-content/" )
}

var.nscell_vhost   := "b.example"
var.nscell_owner   := "$UB"
var.nscell_docroot := "${HOME_OF[$UB]}/public_html"
include "nscell-vhost.conf"
EOF
	lighttpd -tt -f "$W/etc/lighttpd.conf" >"$W/log/check.log" 2>&1 || {
		sed 's/^/#   /' "$W/log/check.log"
		return 1
	}
	touch "$W/log/error.log" "$W/log/cgi-stderr.log"
	chown www-data: "$W/log/error.log" "$W/log/cgi-stderr.log"
	env -i PATH="$SAFE_PATH" lighttpd -D -f "$W/etc/lighttpd.conf" \
		</dev/null >"$W/log/stdout.log" 2>&1 &
	LPID=$!
	note "PID=$LPID"
	on_cleanup 'stop_server "$LPID"'
	wait_http "http://127.0.0.1:$PORT/" "$LPID"
}

U() { echo "http://127.0.0.1:$PORT$1"; }
wpget() { local p=$1; shift; get "$(U "$p")" -H "Host: $WP" "$@"; }

# xmlrpc METHOD PARAMS-XML: WordPress's XML-RPC as the admin.
xmlrpc() {
	local m=$1 p=$2
	wpget /xmlrpc.php -H 'Content-Type: text/xml' --data-binary \
		"<?xml version=\"1.0\"?><methodCall><methodName>$m</methodName><params><param><value><int>1</int></value></param><param><value><string>admin</string></value></param><param><value><string>$WPPW</string></value></param>$p</params></methodCall>"
}
xstr() { echo "<member><name>$1</name><value><string>$2</string></value></member>"; }

logs() { cat "$W/log/error.log" "$W/log/cgi-stderr.log" 2>/dev/null; }

suite_tests() {
	local id fid img sid url file thumbs ns1 bad p php_pids out due

	check "lighttpd, MariaDB and two tenants up" true

	# --- install through wp-admin/install.php
	wpget /wp-admin/install.php
	check "install.php: the installer's first page (PHP reached MariaDB)" eval \
		'[ "$CODE" = 200 ] && grep -q "install.php?step=2" <<<"$BODY" || why "$(ctx)" "$(logs | tail -n 20)"'
	wpget "/wp-admin/install.php?step=2" --data-urlencode "weblog_title=nscell e2e" \
		--data-urlencode user_name=admin --data-urlencode "admin_password=$WPPW" \
		--data-urlencode "admin_password2=$WPPW" --data-urlencode pw_weak=1 \
		--data-urlencode admin_email=admin@wp.example --data-urlencode blog_public=0 \
		--data-urlencode language=
	check "install.php step 2: Success!" eval \
		'[ "$CODE" = 200 ] && grep -q "Success!" <<<"$BODY" || why "$(ctx)" "$(logs | tail -n 20)"'
	check "the tables are in MariaDB (wp_posts, wp_users)" eval \
		'[ "$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema=\"wp_e2e\" AND table_name IN (\"wp_posts\",\"wp_users\")")" = 2 ] || why "$(sql "SHOW TABLES FROM wp_e2e" 2>&1)"'

	# --- log in
	rm -f "$JAR"
	wpget /wp-login.php -c "$JAR"
	wpget /wp-login.php -b "$JAR" -c "$JAR" --data-urlencode log=admin \
		--data-urlencode "pwd=$WPPW" --data-urlencode wp-submit=Log\ In \
		--data-urlencode "redirect_to=http://$WP/wp-admin/" \
		--data-urlencode testcookie=1
	check "wp-login.php: logged in (302 to wp-admin, auth cookie)" eval \
		'[ "$CODE" = 302 ] && grep -qi "^location: http://$WP/wp-admin/" <<<"$HDRS" &&
		 grep -q wordpress_logged_in "$JAR" || why "$(ctx)" "$HDRS"'
	wpget /wp-admin/ -b "$JAR"
	check "wp-admin/: the dashboard, as the logged-in admin" eval \
		'[ "$CODE" = 200 ] && grep -q "Dashboard" <<<"$BODY" || why "$(ctx)"'

	# --- publish a post and read it back
	xmlrpc wp.newPost "<param><value><struct>$(xstr post_title "nscell post $RANDOM")$(xstr post_content "Hello from the sandbox")$(xstr post_status publish)</struct></value></param>"
	id=$(sed -n 's|.*<string>\([0-9]*\)</string>.*|\1|p' <<<"$BODY" | head -n 1)
	check "XML-RPC wp.newPost: a published post" eval \
		'[ "$CODE" = 200 ] && [ -n "$id" ] || why "$(ctx)"'
	wpget "/?p=$id"
	check "the front end shows the post (theme twentytwentythree)" eval \
		'[ "$CODE" = 200 ] && grep -q "Hello from the sandbox" <<<"$BODY" ||
		 why "$(ctx)"'
	check "the post is in MariaDB, written by WordPress" eval \
		'[ "$(sql "SELECT post_status FROM wp_e2e.wp_posts WHERE ID=$id")" = publish ] || why "no row"'

	# --- wp-cron.php from a shell, through nscell -- php: a post
	# scheduled now (WordPress wants a minute at least), published by
	# the cron run at the end, once due.
	due=$(($(date +%s) + 65))
	xmlrpc wp.newPost "<param><value><struct>$(xstr post_title "scheduled $RANDOM")$(xstr post_content "Published by wp-cron")$(xstr post_status future)<member><name>post_date_gmt</name><value><dateTime.iso8601>$(date -u -d "@$due" +%Y%m%dT%H:%M:%S)</dateTime.iso8601></value></member></struct></value></param>"
	fid=$(sed -n 's|.*<string>\([0-9]*\)</string>.*|\1|p' <<<"$BODY" | head -n 1)
	check "a post scheduled for in 65 s (status future)" eval \
		'[ -n "$fid" ] && [ "$(sql "SELECT post_status FROM wp_e2e.wp_posts WHERE ID=$fid")" = future ] ||
		 why "$(sql "SELECT post_status, post_date_gmt, UTC_TIMESTAMP() FROM wp_e2e.wp_posts WHERE ID=$fid")" "$(ctx)"'
	out=$(cd "${HOME_OF[$UA]}" && as_user "$UA" HTTP_HOST=$WP "$NS" -v -s "$WP" -- \
		php /usr/share/wordpress/wp-cron.php 2>&1)
	check "control: wp-cron.php before it is due leaves it future" eval \
		'[ "$(sql "SELECT post_status FROM wp_e2e.wp_posts WHERE ID=$fid")" = future ] || why "$out"'
	check "the shell's launch joins the web server's set for $WP" eval \
		'grep -q "^nscell: joined the persisted sandbox" <<<"$out" || why "$out"'
	# --- upload an image: thumbnails made by GD or Imagick, as the owner
	php -r '$i = imagecreatetruecolor(400, 300);
		imagefilledrectangle($i, 0, 0, 399, 299, imagecolorallocate($i, 200, 40, 40));
		imagepng($i, $argv[1]);' "$W/img.png"
	img=$(base64 -w0 "$W/img.png")
	xmlrpc wp.uploadFile "<param><value><struct>$(xstr name nscell-e2e.png)$(xstr type image/png)<member><name>bits</name><value><base64>$img</base64></value></member></struct></value></param>"
	url=$(sed -n 's|.*<name>url</name><value><string>\([^<]*\)</string>.*|\1|p' <<<"$BODY" | head -n 1)
	file=$(sed -n 's|.*<name>file</name><value><string>\([^<]*\)</string>.*|\1|p' <<<"$BODY" | head -n 1)
	check "XML-RPC wp.uploadFile: stored under the owner's wp-content" eval \
		'[ "$CODE" = 200 ] && [ -n "$url" ] && [ -n "$file" ] || why "$(ctx)"'
	thumbs=$(find "${HOME_OF[$UA]}/wp-content/uploads" -name 'nscell-e2e*-150x150.png' -user "$UA" 2>/dev/null)
	check "the image's thumbnail (150x150) was made, owned by $UA" eval \
		'[ -n "$thumbs" ] || why "$(find "${HOME_OF[$UA]}/wp-content/uploads" -ls)" "$(logs | tail -n 10)"'
	wpget "${url#http://"$WP"}"
	check "the uploaded image is served (image/png)" eval \
		'[ "$CODE" = 200 ] && grep -qi "^content-type: image/png" <<<"$HDRS" || why "$(ctx)"'

	# --- the isolation checks of lighttpd.sh, in WordPress's sandbox
	wpget /wp-content/probe.php
	check "WordPress's PHP runs as $UA, from FastCGI" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$UA]}" ] &&
		 [ "$(val sapi)" = cgi-fcgi ] || why "$(ctx)"'
	ns1=$(val pidns)
	check "$UA's /etc/passwd: only $UA" eval \
		'[ "$(val passwd_lines)" = 1 ] || why "$(ctx)"'
	check "$UA cannot read $UB's world-readable file, nor /etc/shadow" eval \
		'[ "$(val "read:${HOME_OF[$UB]}/public_html/secret.txt")" = no ] &&
		 [ "$(val read:/etc/shadow)" = no ] || why "$(ctx)"'
	check "$UA sees its own WordPress config, no /var/www, /run/php, /var/lib/mysql, /etc/ssl/private" eval \
		'[ "$(val "exists:/etc/wordpress/config-$WP.php")" = yes ] &&
		 [ "$(val exists:/var/www)" = no ] && [ "$(val exists:/run/php)" = no ] &&
		 [ "$(val exists:/var/lib/mysql)" = no ] &&
		 [ "$(val exists:/etc/ssl/private/x)" = no ] || why "$(ctx)"'
	check "the sandbox's /run holds only database socket directories" eval \
		'[ -z "$(tr " " "\n" <<<"$(val run)" | grep -Evx "\.|\.\.|mysqld|postgresql|redis|user")" ] || why "$(val run)"'
	get "$(U /probe.php)" -H "Host: b.example"
	check "$UB's PHP: no WordPress config of $UA, no $UA home" eval \
		'[ "$CODE" = 200 ] && [ "$(val uid)" = "${UID_OF[$UB]}" ] &&
		 [ "$(val "exists:/etc/wordpress/config-$WP.php")" = no ] &&
		 [ "$(val "exists:${HOME_OF[$UA]}")" = no ] &&
		 [ "$(val "read:${HOME_OF[$UA]}/wp-content/probe.php")" = no ] || why "$(ctx)"'
	check "control: on the host, $UB could read $UA's probe.php" eval \
		'as_user "$UB" cat "${HOME_OF[$UA]}/wp-content/probe.php" >/dev/null || why "host read failed"'
	bad=""
	php_pids=$(pgrep -u "${UID_OF[$UA]}" '^php-cgi')
	for p in $php_pids; do
		[ "$(readlink "/proc/$p/ns/pid")" = "$ns1" ] || bad="$bad $p"
	done
	check "$UA's php-cgi workers all live in the sandbox" eval \
		'[ -n "$php_pids" ] && [ -z "$bad" ] || why "pids: $php_pids; outside: $bad"'
	check "no php-cgi runs as www-data or root" eval \
		'[ -z "$(pgrep -u 0,www-data "^php-cgi")" ] || why "$(pgrep -a -u 0,www-data "^php-cgi")"'

	# --- php-cgi -m inside equals outside (the Debian template)
	out=$(cd / && as_user "$UA" "$NS" -s "$WP" -- php-cgi -m 2>&1)
	check "php-cgi -m: the same modules inside as outside" eval \
		'[ "$out" = "$(php-cgi -m 2>&1)" ] && grep -qx mysqli <<<"$out" &&
		 grep -qx gd <<<"$out" || why "$(diff <(echo "$out") <(php-cgi -m 2>&1))"'

	# --- sessions, mail() and proc_open in tenant B's PHP
	rm -f "$W/bjar"
	get "$(U /session.php)" -H "Host: b.example" -c "$W/bjar"
	sid=$(val sid)
	get "$(U /session.php?mail=1)" -H "Host: b.example" -b "$W/bjar" -c "$W/bjar"
	check "PHP sessions: the second request sees the first's session" eval \
		'[ "$CODE" = 200 ] && [ "$(val n)" = 2 ] && [ "$(val sid)" = "$sid" ] || why "$(ctx)"'
	check "the session file is in $UB's private tmp, owned by $UB" eval \
		'[ "$(stat -c %U "${HOME_OF[$UB]}/.lsns/tmp.b.example/sess_$sid" 2>&1)" = "$UB" ] &&
		 [ ! -e "/var/lib/php/sessions/sess_$sid" ] || why "$(ls -la "${HOME_OF[$UB]}/.lsns/tmp.b.example/")"'
	check "proc_open: a shell runs as $UB, sees the sandbox's /" eval \
		'[ "$(val proc_status)" = 0 ] && [ "$(val proc_uid)" = "${UID_OF[$UB]}" ] &&
		 [ -z "$(tr " " "\n" <<<"$(val proc_root)" | grep -Evx "bin|dev|etc|home|lib|lib32|lib64|libx32|proc|run|sbin|tmp|usr|var")" ] || why "$(ctx)"'
	# mail(): Debian's sendmail is exim4, setuid root; NO_NEW_PRIVS makes
	# it run as the tenant, which cannot read exim's configuration or
	# write its spool: mail() returns false (docs/USING.md says so).
	check "mail() returns false: the setuid MTA cannot work (NO_NEW_PRIVS)" eval \
		'[ "$(val mail)" = false ] || why "$(ctx)"'
	if [ -u /usr/sbin/exim4 ] && [ "$(readlink /usr/sbin/sendmail)" = exim4 ]; then
		check "mail(): exim4 ran as $UB and stopped (no Debian-exim user)" eval \
			'grep -q "exim: failed to find uid for user name \"Debian-exim\"" "$W/log/cgi-stderr.log" ||
			 why "$(tail -n 5 "$W/log/cgi-stderr.log")"'
	fi
	echo "# mail(): $(grep -m1 '^exim:' "$W/log/cgi-stderr.log"); sendmail: $(ls -l /usr/sbin/sendmail 2>&1)"

	# --- wp-cron.php, once the scheduled post is due
	p=$((due + 2 - $(date +%s)))
	[ "$p" -gt 0 ] && sleep "$p"
	out=$(cd "${HOME_OF[$UA]}" && as_user "$UA" HTTP_HOST=$WP "$NS" -s "$WP" -- \
		php /usr/share/wordpress/wp-cron.php 2>&1)
	p=$?
	check "nscell -s $WP -- php wp-cron.php (as $UA) publishes it" eval \
		'[ "$p" = 0 ] && [ "$(sql "SELECT post_status FROM wp_e2e.wp_posts WHERE ID=$fid")" = publish ] ||
		 why "exit $p: $out"'


	check "the logs show no nscell error" eval \
		'[ -z "$(nscell_errors "$W/log/error.log" "$W/log/cgi-stderr.log")" ] ||
		 why "$(nscell_errors "$W/log/error.log" "$W/log/cgi-stderr.log")"'
}

e2e_main "$@"
