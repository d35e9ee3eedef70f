#!/bin/bash
# Test functions are called indirectly, through run_test; "A && B || fail"
# chains are meant (fail returns 1):
# shellcheck disable=SC2317,SC2015
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One day of a busy tenant, in two minutes, and what its administrator sees
# of it (issue 16): the launch log, the listing, a look inside, expiry.
#
#   tests/integration/day.sh NSCELL_BINARY
#
# The tenant is nsct_a with two sites, shop.example and blog.example; the
# web server is nsct_c (allowCaller).  An hour of the day is a few seconds:
# idleTimeout is 20 s (for "2h"), the launch log keeps 40 lines a minute
# per user.  The day: a cron job, the shop's CGI traffic with a broken script,
# a request that never ends, a burst of launches from a spam script, the
# administrator looking and killing, then a quiet evening in which the
# tenant's idle sandboxes expire.  Each step checks what the administrator
# must see; everything they see is printed as "# " lines (the syslog lines,
# the listings, the expiry), which is the sample of issue 16.
#
# Harness (private mount namespace, users, config, leak checks): lib.sh;
# the private /dev/log: syslog.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" || exit 1
# shellcheck source=tests/integration/syslog.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/syslog.sh" || exit 1

CMD_NS=""
A=nsct_a	# the tenant
WWW=nsct_c	# the web server's account

suite_setup() {
	if [ -z "$UNMOUNT_NS" ] || [ ! -x "$(dirname -- "$1")/cmd_ns" ]; then
		echo "# setup: unmount_ns and cmd_ns must be built next to $1" >&2
		return 1
	fi
	cp -- "$(dirname -- "$1")/cmd_ns" "$T/bin/cmd_ns" &&
		chmod 0755 "$T/bin/cmd_ns" || return 1
	CMD_NS=$T/bin/cmd_ns
	EXTRA_BINS=("$CMD_NS")
	command -v python3 >/dev/null && command -v ps >/dev/null || {
		echo "# setup: python3 and ps are needed" >&2
		return 1
	}
	base_lines | mkt day
}

show() {	# show TITLE: the lines of stdin as "# " comments
	echo "# --- $1"
	sed 's/^/#   /'
}

day_conf() {
	CONF_DIRTY=1
	std_conf "namespaceConf $TD/day.tmpl" "idleTimeout 20s" \
		"launchLogRate 40" "vhost shop.example {" "owner $A" "}" \
		"vhost blog.example {" "owner $A" "}"
}

# The web server runs a CGI program of the shop for the tenant.
www() { nsc "$WWW" -u "$A" -s shop.example -- "$@"; }

um() {
	timeout -k 3 30 "$UNMOUNT_NS" "$@" </dev/null >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

row() {	# row VHOST: the -l row of the tenant's set, blanks squeezed
	tr -s ' ' <<<"$OUT" | awk -v u="${UID_OF[$A]}" -v v="$1" \
		'$1 == u && $3 == v'
}

# Launch lines of the tenant in the log, without the syslog header.
tenant_lines() {
	log_lines "${UID_OF[$A]}" | sed -E 's/^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} //'
}

RUNAWAY_REAPER=""

t_morning() {
	ONESHOT=()
	"$UNMOUNT_NS" -k -u "$A" >/dev/null 2>&1
	day_conf
	log_setup || fail "no private /dev/log" || return
	# 06:00 the tenant's cron job: wp-cron in the blog's sandbox (built).
	nsc "$A" -s blog.example -- sh -c 'echo wp-cron done'
	expect_rc 0 || return 1
	# 09:00-12:00 the shop's traffic: 20 requests, 3 of a broken script.
	local i
	for ((i = 0; i < 20; i++)); do
		if ((i % 7 == 3)); then
			www sh -c 'echo "Status: 500"; exit 1' broken.cgi
		else
			www sh -c 'echo "Content-Type: text/plain"; echo; echo ok' cart.cgi
		fi
	done
	sleep 0.3
	[ "$(tenant_lines | grep -c 'vhost=shop.example set=built status=0')" = 1 ] &&
		[ "$(tenant_lines | grep -c 'vhost=shop.example set=joined status=0')" = 16 ] &&
		[ "$(tenant_lines | grep -c "caller=${UID_OF[$WWW]} .*status=1 .*broken.cgi")" = 3 ] &&
		[ "$(tenant_lines | grep -c 'vhost=blog.example set=built')" = 1 ] ||
		fail "morning log: $(tenant_lines)"
}

t_afternoon() {
	local sl i
	ONESHOT=()
	# 12:30 a request that never ends.
	spawn "$WWW" -u "$A" -s shop.example -- sh -c 'exec sleep 600'
	RUNAWAY_REAPER=$SPAWN_REAPER
	sl=$(wait_child_comm "$SPAWN_PID" sleep || wait_child_comm "$SPAWN_PID" sleep) ||
		fail "no runaway sleep: $(cat "$T/spawn.err")" || return
	# 13:00 a spam script of the tenant's: 60 launches in a few seconds.
	for ((i = 0; i < 60; i++)); do
		nsc "$A" -s shop.example -- sh -c 'echo mail sent' sendmail
	done
	# 13:55 the cron job again.
	nsc "$A" -s blog.example -- sh -c 'echo wp-cron done'
	# 14:00 the administrator looks.
	um -l
	show "14:00 unmount_ns -l" <<<"$OUT"
	[ "$(awk '{ print $4, $6, $8 }' <<<"$(row shop.example)")" = "live 1 -" ] &&
		[ "$(awk '{ print $4, $6 }' <<<"$(row blog.example)")" = "live 0" ] &&
		awk '{ print $8 }' <<<"$(row blog.example)" | grep -Eq '^[0-9]+s$' ||
		fail "listing: $OUT" || return
	timeout -k 3 20 env -i PATH="$SAFE_PATH" "$CMD_NS" -u "$A" -s shop.example \
		-- ps ax </dev/null >"$T/out" 2>&1
	show "14:00 cmd_ns -u $A -s shop.example -- ps ax" <"$T/out"
	grep -q 'sleep 600$' "$T/out" || fail "cmd_ns ps: $(cat "$T/out")" || return
	um -k -v -u "$A" -s shop.example
	show "14:01 unmount_ns -k -v -u $A -s shop.example" <<<"$OUT"
	expect_rc 0 && ! alive "$sl" || fail "the runaway survived: $(ctx)" || return
	wait "$RUNAWAY_REAPER" 2>/dev/null
	# 14:05 the shop's next request builds a new sandbox.
	www sh -c 'echo ok' cart.cgi
	expect_rc 0
}

t_next_minute() {
	local s
	ONESHOT=()
	# The spam burst went past launchLogRate: the first line of the next
	# minute says how many lines were not written.
	s=$(($(date +%s) % 60))
	sleep "$((61 - s))"
	www sh -c 'echo ok' cart.cgi
	sleep 0.3
	grep -Eq "nscell\[[0-9]+\]: launch uid=${UID_OF[$A]}: [0-9]+ lines not written in the last minutes \(launchLogRate 40\)$" \
		"$T/syslog" || fail "no count of the lines not written: $(tail -n 3 "$T/syslog")"
}

t_evening() {
	local hb hs
	ONESHOT=()
	hb=$(rec "$T/lsns/${UID_OF[$A]}/blog.example" holder)
	hs=$(rec "$T/lsns/${UID_OF[$A]}/shop.example" holder)
	# 18:00-22:00 nothing for the tenant; another user's launch after
	# idleTimeout retires the tenant's sandboxes.
	sleep 21
	nsc nsct_b -- true
	expect_rc 0 || return 1
	um -l
	show "22:00 unmount_ns -l, after another user's launch" <<<"$OUT"
	[ -z "$(row blog.example)" ] && [ -z "$(row shop.example)" ] &&
		[ ! -e "$T/lsns/${UID_OF[$A]}" ] &&
		gone_within "$hb" 30 && gone_within "$hs" 30 ||
		fail "not expired: $OUT; $(find "$T/lsns" | tr '\n' ' ')" || return
	# 22:15 the timer finds nothing left to do.
	um --expire -v
	show "22:15 unmount_ns --expire -v (the timer)" <<<"${OUT:-(nothing left to expire)}"
	expect_rc 0 && [ -z "$OUT" ] || fail "--expire: $(ctx)"
}

t_the_log() {
	local n
	tenant_lines >"$T/tenant.log"
	show "the launch log of uid ${UID_OF[$A]} (syslog, authpriv.info)" <"$T/tenant.log"
	n=$(tenant_lines | grep -c '^nscell\[[0-9]*\]: launch ')
	# 2 cron + 20 + 1 runaway + 60 spam + 2 = 85 launches; at most 40 lines
	# a minute were written.  The administrator's cmd_ns is written even
	# past the rate.
	[ "$n" -lt 85 ] && [ "$n" -ge 40 ] || fail "$n launch lines for 85 launches"
	tenant_lines | grep 'cmd_ns\[' | grep -q 'caller=0 .*cmd="ps ax"$' ||
		fail "no cmd_ns line"
}

# Whatever a failed step left; then the private /dev/log goes.
t_cleanup() {
	"$UNMOUNT_NS" -a -k -t 5 >/dev/null 2>&1
	[ -z "$RUNAWAY_REAPER" ] || wait "$RUNAWAY_REAPER" 2>/dev/null
	log_teardown
	std_conf
}

suite_tests() {
	run_test "a day: morning, cron and CGI traffic, one line each" t_morning
	run_test "a day: runaway listed, seen by cmd_ns, killed; a spam burst" t_afternoon
	run_test "a day: the next minute counts the lines not written" t_next_minute
	run_test "a day: the evening's idle sandboxes expire" t_evening
	run_test "a day: the launch log as the administrator reads it" t_the_log
	run_test "a day: cleanup" t_cleanup
	run_test "leak: no sandbox holder left running" t_no_leaked_holders
}

integration_main "$@"
