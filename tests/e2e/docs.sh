#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The shell examples of README.md and docs/USING.md ("Using nscell from a
# shell"), run as written: every "$ command" as a user, every "# command"
# as root, in the order printed, with the configuration the Debian package
# installs (namespaceConf naming the Debian template).
#
#   tests/e2e/docs.sh [NSCELL_BINARY]
#
# Substituted, and only that: the user "alice" (a test user, "Alice", with
# /bin/bash, as the examples show it), her home, the programs' install
# location (nscell, cmd_ns, unmount_ns, /usr/share/nscell), and the
# fixtures the examples name (script.php, wp-cron.php, /etc/nscell/site.tmpl
# before the commands that make it, a vhost example.com).  Every command
# must exit 0; the output printed under a command must be found in what it
# prints: every word of it, except words holding digits (uids, pids,
# dates, hashes), and "..." stands for anything.  An interactive command
# (editor) is skipped, said with a "# SKIP" line; "cmd_ns -u alice" (a
# shell) gets "id -un" on its standard input.
#
# Output and exit status: see tests/e2e/lib.sh.

# Checks are eval strings, expanded when they run:
# shellcheck disable=SC2016,SC2034
E2E_SELF=$(readlink -f -- "$0")
E2E_NAME=docs
E2E_DEPS=(php-cli procps)
E2E_TOOLS=(php ps)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname -- "$E2E_SELF")/lib.sh"

UD=""

conf() {
	write_conf "namespaceConf $CONF_DIR/debian.tmpl" "persistDir $W/lsns" \
		"vhost example.com {" "	owner $UD" "}"
}

suite_setup() {
	local b
	e2e_base_setup "$1" || return 1
	b=$(free_block) || return 1
	UD=nsedoc
	add_user "$UD" "$b" 0711 || return 1
	usermod -c Alice -s /bin/bash "$UD" || return 1
	# As the package installs it (the Debian template), and the vhost
	# the examples name, the user's (a user may use -s only with a
	# configured vhost).
	conf || return 1
	install -o root -g root -m 0644 "$SRC/examples/templates/debian.tmpl" \
		"$CONF_DIR/site.tmpl"
	printf '<?php echo "script ran as ", posix_getpwuid(posix_geteuid())["name"], "\\n";\n' |
		put "$UD" 0644 "${HOME_OF[$UD]}/script.php"
	printf '<?php echo "cron ran\\n";\n' | put "$UD" 0644 "${HOME_OF[$UD]}/wp-cron.php"
	echo x | put "$UD" 0644 "${HOME_OF[$UD]}/x"
	mkdir -p "${HOME_OF[$UD]}/cgi-bin" && chown "$UD:" "${HOME_OF[$UD]}/cgi-bin" &&
		printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "query $QUERY_STRING"\n' |
		put "$UD" 0755 "${HOME_OF[$UD]}/cgi-bin/x.cgi"
	# The programs where the examples call them.
	mkdir -p "$W/path" && ln -s "$NS" "$W/path/nscell" &&
		ln -s "$W/bin/cmd_ns" "$W/path/cmd_ns" &&
		ln -s "$W/bin/unmount_ns" "$W/path/unmount_ns"
}

# The examples of section SECTION of FILE: one line per command, "$ " or
# "# " first, continuation lines joined, the trailing comment removed;
# then the output lines printed under it, each as "> line".
examples() {
	awk -v sec="$2" -v q="'" '
		/^## / { on = ($0 == "## " sec); next }
		!on { next }
		/^    / {
			l = substr($0, 5)
			if (cont) { sub(/^ +/, "", l); cmd = cmd " " l }
			else if (l ~ /^[$#] /) { cmd = l }
			else { if (l !~ /^ +#/) print "> " l; next }
			cont = (cmd ~ /\\$/)
			if (cont) { sub(/ *\\$/, "", cmd); next }
			c = cmd
			# a trailing comment: " # ..." after the command
			sub(" +# [^" q "\"]*$", "", c)
			sub(/ +$/, "", c)
			print c
		}' "$1"
}

# Expected output words: no digits, "..." dropped.
words() { tr ' \t:()=,' '\n\n\n\n\n\n\n' | grep -v '[0-9]' | grep -vx '\.\.\.' | grep -v '^$'; }

subst() {
	sed -e "s|/home/alice|${HOME_OF[$UD]}|g" -e "s/alice/$UD/g" \
		-e "s|/usr/share/nscell/|$CONF_DIR/|g"
}

run_example() {
	local line=$1 who=${1%% *} cmd=${1#? } out rc input=""
	case $cmd in
	editor\ *)
		echo "# SKIP $2: $cmd (interactive)"
		return 0 ;;
	"cmd_ns -u $UD") input="id -un" ;;
	esac
	if [ "$who" = '$' ]; then
		out=$(cd "${HOME_OF[$UD]}" && printf '%s\n' "$input" |
			setpriv --reuid="$UD" --regid="${GID_OF[$UD]}" --init-groups -- \
			env -i PATH="$W/path:$SAFE_PATH" HOME="${HOME_OF[$UD]}" \
			USER="$UD" LOGNAME="$UD" bash -c "$cmd" 2>&1)
	else
		out=$(cd "$SRC" && printf '%s\n' "$input" |
			env PATH="$W/path:$SAFE_PATH" bash -c "$cmd" 2>&1)
	fi
	rc=$?
	LAST_OUT=$out LAST_RC=$rc
}

check_example() {
	local name=$1 cmd=$2 expect=$3 w lost=""
	run_example "$cmd" "$name"
	[ -z "${LAST_RC+x}" ] && return 0
	for w in $(words <<<"$expect"); do
		grep -qF -- "$w" <<<"$LAST_OUT" || lost="$lost $w"
	done
	check "$name: $cmd" eval \
		'[ "$LAST_RC" = 0 ] && [ -z "$lost" ] ||
		 why "exit $LAST_RC; missing:$lost" "$LAST_OUT"'
	unset LAST_RC
}

run_section() {
	local file=$1 sec=$2 name=$3 line cmd="" expect=""
	while IFS= read -r line; do
		case $line in
		'> '*) expect="$expect${line#> }
" ;;
		*)
			[ -n "$cmd" ] && check_example "$name" "$cmd" "$expect"
			cmd=$line expect="" ;;
		esac
	done < <(examples "$file" "$sec" | subst)
	[ -n "$cmd" ] && check_example "$name" "$cmd" "$expect"
}

suite_tests() {
	local n
	n=$(examples "$SRC/README.md" "Using nscell from a shell" | grep -c '^[$#] ')
	check "README.md: the section has its examples" eval '[ "$n" -ge 8 ] || why "$n"'
	n=$(examples "$SRC/docs/USING.md" "Using nscell from a shell" | grep -c '^[$#] ')
	check "docs/USING.md: the section has its examples" eval '[ "$n" -ge 15 ] || why "$n"'
	run_section "$SRC/README.md" "Using nscell from a shell" README.md
	"$W/bin/unmount_ns" -a -k -t 5 >/dev/null 2>&1
	conf
	run_section "$SRC/docs/USING.md" "Using nscell from a shell" docs/USING.md
	n=$(examples "$SRC/docs/USING.md" "Operating nscell" | grep -c '^[$#] ')
	check "docs/USING.md: Operating nscell has its examples" eval '[ "$n" -ge 5 ] || why "$n"'
	run_section "$SRC/docs/USING.md" "Operating nscell" "docs/USING.md operating"
	check "the site.tmpl steps took effect (namespaceConf)" eval \
		'grep -qx "namespaceConf /etc/nscell/site.tmpl" "$CONF_DIR/nscell.conf" ||
		 why "$(cat "$CONF_DIR/nscell.conf")"'
}

e2e_main "$@"
