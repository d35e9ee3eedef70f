# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The harness of the privileged integration tests, sourced by run.sh and
# persist.sh (see run.sh for the layout).  A suite defines suite_tests
# (its run_test lines) and optionally suite_setup (extra fixtures, called
# after the common setup with the script's arguments), sources this file
# and calls "integration_main "$@"".
# Functions are called indirectly (run_test, traps):
# shellcheck disable=SC2317,SC2034

set -u
# shellcheck source=tests/common.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../common.sh"

readonly CONF_DIR=/etc/nscell
readonly SAFE_PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

# ---------------------------------------------------------------- outer ---

outer_main() {
	local bin=${1:-} state rc mounts_before mounts_after
	local lsns_after t h users p u uids n pass fail skip extra_fail=0
	local lines

	if [ "$(id -u)" != 0 ]; then
		echo "# SKIP integration: must run as root"
		echo "0 passed, 0 failed, 1 skipped"
		exit 77
	fi
	if [ -z "$bin" ] || [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		echo "usage: $0 NSCELL_BINARY (got '${bin}')" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	bin=$(readlink -f -- "$bin")
	for tool in unshare setpriv findmnt useradd userdel groupadd \
		groupdel getent ipcmk ipcrm ipcs perl timeout; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "# SKIP integration: $tool is missing"
			echo "0 passed, 0 failed, 1 skipped"
			exit 77
		fi
	done

	state=$(mktemp /tmp/nscell-it-state.XXXXXX) || exit 1
	mounts_before=$(mount_list)

	NSCELL_IT_STATE=$state unshare --mount --propagation private -- \
		"$BASH" "$0" "$bin" "${@:2}"
	rc=$?

	# The inner part reports "T=", "USER=" and the counters in $state.
	t=$(sed -n 's/^T=//p' "$state")
	h=$(sed -n 's/^H=//p' "$state")
	users=$(sed -n 's/^USER=//p' "$state")
	n=$(sed -n 's/^N=//p' "$state" | tail -n 1)
	pass=$(sed -n 's/^PASS=//p' "$state" | tail -n 1)
	fail=$(sed -n 's/^FAIL=//p' "$state" | tail -n 1)
	skip=$(sed -n 's/^SKIP=//p' "$state" | tail -n 1)
	n=${n:-0} pass=${pass:-0} fail=${fail:-0} skip=${skip:-0}
	if [ -z "$(sed -n 's/^DONE=//p' "$state")" ]; then
		echo "# the inner runner did not finish (exit $rc)"
		extra_fail=1
	fi

	# Safety net: whatever the inner trap could not remove.
	for u in $users; do
		if getent passwd "$u" >/dev/null; then
			userdel -r "$u" >/dev/null 2>&1
		fi
	done
	if getent group nsct_g >/dev/null && grep -q '^GROUP=nsct_g' "$state"; then
		groupdel nsct_g >/dev/null 2>&1
	fi

	# Leak checks, in the host's mount namespace.
	mounts_after=$(mount_list)
	n=$((n + 1))
	if [ "$mounts_before" = "$mounts_after" ]; then
		echo "ok $n - leak: no new mounts in the host namespace"
		pass=$((pass + 1))
	else
		echo "not ok $n - leak: no new mounts in the host namespace"
		diff <(echo "$mounts_before") <(echo "$mounts_after") |
			head -n 20 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
	n=$((n + 1))
	lines=""
	for u in $users; do
		getent passwd "$u" >/dev/null && lines="$lines $u"
	done
	if getent group nsct_g >/dev/null && grep -q '^GROUP=nsct_g' "$state"; then
		lines="$lines @nsct_g"
	fi
	if [ -z "$lines" ] && [ -n "$users" ]; then
		echo "ok $n - leak: test users and groups removed"
		pass=$((pass + 1))
	else
		echo "not ok $n - leak: test users and groups removed"
		echo "#   left:${lines:- (no users were recorded)}"
		fail=$((fail + 1))
	fi
	n=$((n + 1))
	if [ -n "$t" ] && [ ! -e "$t" ] && [ -n "$h" ] && [ ! -e "$h" ]; then
		echo "ok $n - leak: work dir and homes removed"
		pass=$((pass + 1))
	else
		echo "not ok $n - leak: work dir and homes removed"
		echo "#   '$t' or '$h' is still there (or was never recorded)"
		fail=$((fail + 1))
	fi
	n=$((n + 1))
	# Only our users' entries: other launches may use /var/lsns meanwhile.
	lsns_after=""
	uids=$(sed -n 's/^UID=//p' "$state" | tr '\n' ' ')
	for u in $uids; do
		for p in "/var/lsns/$u" "/var/lsns/tmp/$u"; do
			[ -e "$p" ] && lsns_after="$lsns_after $p"
		done
	done
	if [ -z "$lsns_after" ]; then
		echo "ok $n - leak: nothing of the test users in /var/lsns"
		pass=$((pass + 1))
	else
		echo "not ok $n - leak: nothing of the test users in /var/lsns"
		echo "#   left:$lsns_after"
		fail=$((fail + 1))
	fi
	n=$((n + 1))
	# Cgroups a suite made (cgroups.sh notes each as CGDIR=PATH).
	if grep -q '^CGDIR=' "$state"; then
		lines=""
		for p in $(sed -n 's/^CGDIR=//p' "$state"); do
			[ -e "$p" ] && lines="$lines $p"
		done
		if [ -z "$lines" ]; then
			echo "ok $n - leak: no cgroup of the tests left"
			pass=$((pass + 1))
		else
			echo "not ok $n - leak: no cgroup of the tests left"
			echo "#   left:$lines"
			fail=$((fail + 1))
		fi
		n=$((n + 1))
	fi
	# Our config only ever existed in the inner namespace's /etc.
	if ! grep -qsF "persistDir $t/lsns" "$CONF_DIR/nscell.conf"; then
		echo "ok $n - leak: no config of ours in the host's $CONF_DIR"
		pass=$((pass + 1))
	else
		echo "not ok $n - leak: no config of ours in the host's $CONF_DIR"
		fail=$((fail + 1))
	fi
	rm -f "$state"
	fail=$((fail + extra_fail))
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" = 0 ]
	exit
}



# ---------------------------------------------------------------- inner ---

T=""			# work dir
H=""			# parent of the test homes (/home/nscell-it.*)
NS=""			# the setuid copy under test
TD=$CONF_DIR/t		# trusted template dir (root-owned, on our tmpfs)
CONF=$CONF_DIR/nscell.conf
OVERFLOW_UID=65534
CREATED_USERS=()
CREATED_GROUP=""
IPC_IDS=()
EXTRA_ENV=()
# Every launch is one-shot (-n: a fresh sandbox that dies with nscell)
# unless a persistence test empties this.
ONESHOT=(-n)
UNMOUNT_NS=""		# unmount_ns next to the binary under test, if built
EXTRA_BINS=()		# other copies whose processes may be sandbox holders
NSC_BIN=""		# nsc/spawn run this copy instead of $NS when set
NSC_WRAP=()		# nsc: command prefix between timeout and the launch
OUT="" ERR="" RC=0
DIAG="" SKIP_REASON=""
N=0 PASS=0 FAIL=0 SKIP=0
CONF_DIRTY=0
ETC_OVL=0		# /etc is our overlay
declare -A UID_OF GID_OF HOME_OF

note() { echo "$1" >>"$NSCELL_IT_STATE"; }

# Processes still running the setuid copy under test: after the tests,
# only leaked sandbox holders can be left.
running_ns() {
	local e p x
	for e in /proc/[0-9]*/exe; do
		x=$(readlink "$e" 2>/dev/null) || continue
		case " $NS ${EXTRA_BINS[*]} " in
		*" $x "*) ;;
		*) continue ;;
		esac
		p=${e#/proc/}
		p=${p%/exe}
		alive "$p" && echo "$p"
	done
}

# Holders named by the records of persisted sets under our persistDir.
recorded_holders() {
	[ -d "$T/lsns" ] || return 0
	find "$T/lsns" -name record -type f -exec sed -n 's/^holder //p' {} + 2>/dev/null
}

# Processes running the binary under test that no record accounts for.
leaked_holders() {
	local rec p
	rec=" $(recorded_holders | tr '\n' ' ') "
	for p in $(running_ns); do
		case $rec in
		*" $p "*) ;;
		*) echo "$p" ;;
		esac
	done
}

inner_cleanup() {
	local p u
	# A suite's own clean-up first (cgroups.sh: its cgroups), while the
	# processes it knows of still run.
	if declare -F suite_cleanup >/dev/null; then
		suite_cleanup
	fi
	if [ -n "$NS" ]; then
		# Persisted sets first (retired properly when we can), then
		# anything else still running our copy of the binary.
		if [ -n "$UNMOUNT_NS" ]; then
			"$UNMOUNT_NS" -a -k -t 5 >/dev/null 2>&1
		fi
		for p in $(running_ns); do
			kill -KILL "$p" 2>/dev/null
		done
	fi
	# Our own background jobs not yet waited for (never a stale pid).
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "${IPC_IDS[@]}"; do
		ipcrm -q "$p" 2>/dev/null
	done
	for u in "${CREATED_USERS[@]}"; do
		retry userdel -r "$u" >/dev/null 2>&1 || userdel -f -r "$u" >/dev/null 2>&1
	done
	if [ -n "$CREATED_GROUP" ]; then
		groupdel "$CREATED_GROUP" >/dev/null 2>&1
	fi
	if mountpoint -q "$CONF_DIR"; then
		umount "$CONF_DIR" 2>/dev/null
	fi
	if [ "$ETC_OVL" = 1 ]; then
		umount /etc 2>/dev/null && umount "$T/etc" 2>/dev/null
	fi
	case $T in
	/*/nscell-it.*) rm -rf --one-file-system -- "$T" ;;
	*) ;;
	esac
	case $H in
	/*/nscell-it.*) rm -rf --one-file-system -- "$H" ;;
	*) ;;
	esac
}



# retry CMD...: CMD, again up to 9 times while it fails with exit 1 or 10
# (the shadow tools' "cannot lock /etc/passwd" or "/etc/group"): the host's
# lock files show through our /etc overlay while a tool on the host (such
# as another harness creating its users) holds them.
retry() {
	local i rc
	for ((i = 0; i < 10; i++)); do
		"$@"
		rc=$?
		[ "$rc" = 1 ] || [ "$rc" = 10 ] || return "$rc"
		sleep 0.2
	done
	return "$rc"
}

add_user() {
	# add_user NAME UID HOME|-  [extra useradd args]
	local name=$1 uid=$2 home=$3
	shift 3
	if getent passwd "$name" >/dev/null || getent group "$name" >/dev/null; then
		echo "# setup: $name already exists; refusing to touch it" >&2
		return 1
	fi
	if [ "$home" = - ]; then
		retry useradd -M -d /nonexistent/nscell-it -u "$uid" -U \
			-s /bin/sh "$@" "$name" || return 1
	else
		retry useradd -m -d "$home" -u "$uid" -U -s /bin/sh "$@" "$name" ||
			return 1
		chmod 0700 "$home"
	fi
	CREATED_USERS+=("$name")
	note "USER=$name"
	note "UID=$uid"
	UID_OF[$name]=$uid
	GID_OF[$name]=$(id -g "$name")
	HOME_OF[$name]=$(getent passwd "$name" | cut -d: -f6)
}

# shellcheck disable=SC2120 # the suites pass extra lines
std_conf() {
	# The standard config, plus any lines given as arguments.
	{
		echo "# nscell integration tests"
		echo "allowCaller nsct_c @nsct_g"
		echo "minUid 1000"
		echo "persistDir $T/lsns"
		echo "vhost off.example {"
		echo "	namespace 1"
		echo "}"
		echo "vhost on.example {"
		echo "	namespace 2"
		echo "}"
		echo "vhost v1 {"
		echo "	namespaceConfVhAdd $TD/vh1.tmpl"
		echo "}"
		echo "vhost plain {"
		echo "}"
		local l
		for l in "$@"; do
			echo "$l"
		done
	} >"$CONF.new" && chmod 0644 "$CONF.new" && mv -f "$CONF.new" "$CONF"
	chown root:root "$CONF"
	CONF_DIRTY=0
}

# The base of most templates: a working userland, proc, dev, passwd and a
# writable marker dir at the same path inside as outside.
base_lines() {
	cat <<EOF
/usr,ro-bind
/lib,ro-bind
/lib64,ro-bind-try
/bin,ro-bind
/sbin,ro-bind
/etc/ld.so.cache,ro-bind-try
/proc,proc
/dev,dev
\$PASSWD
\$GROUP
$T/mark /mark,bind
EOF
}

# mkt NAME: template from stdin (root-owned 0644 in $TD); mkb NAME: the
# base lines, then stdin.
mkt() {
	cat >"$TD/$1.tmpl" && chown root:root "$TD/$1.tmpl" &&
		chmod 0644 "$TD/$1.tmpl"
}
mkb() {
	{
		base_lines
		cat
	} >"$TD/$1.tmpl" && chown root:root "$TD/$1.tmpl" &&
		chmod 0644 "$TD/$1.tmpl"
}

inner_setup() {
	local b u
	T=$(pick_workdir nscell-it) || {
		echo "# setup: no suid-capable place for the work dir" >&2
		return 1
	}
	note "T=$T"
	# Homes live apart from $T: the default template makes /var/tmp a
	# symlink, and a bind destination is never resolved through one, so a
	# home under /var/tmp could not be bound at its own path.
	if [ -d /home ]; then
		H=$(mktemp -d /home/nscell-it.XXXXXX) || return 1
	else
		H=$(mktemp -d /srv/nscell-it.XXXXXX) || return 1
	fi
	chmod 0755 "$H"
	note "H=$H"
	OVERFLOW_UID=$(cat /proc/sys/kernel/overflowuid 2>/dev/null || echo 65534)
	mkdir -m 0755 "$T/bin" "$T/data" "$T/data/secretdir" \
		"$T/data2" "$T/cp" "$T/exp" "$T/suid" "$T/lsns" "$T/tmp" || return 1
	mkdir -m 1777 "$T/mark" "$T/ww" || return 1
	cp -- "$1" "$T/bin/nscell" && chown root:root "$T/bin/nscell" &&
		chmod 4755 "$T/bin/nscell" || return 1
	NS=$T/bin/nscell
	if [ -x "$(dirname -- "$1")/unmount_ns" ]; then
		cp -- "$(dirname -- "$1")/unmount_ns" "$T/bin/unmount_ns" &&
			chmod 0755 "$T/bin/unmount_ns" && UNMOUNT_NS=$T/bin/unmount_ns
	fi

	# /etc becomes an overlay whose upper layer is a tmpfs of ours: the
	# test users and groups and the config exist only in this mount
	# namespace, and the tmpfs over /etc/nscell is mounted on a directory
	# of that overlay.  (Mounted on the host's /etc/nscell it would be
	# detached the moment anybody, such as another run of this harness,
	# removed that directory on the host: nscell would then silently use
	# its built-in defaults and the host's /var/lsns.)
	mkdir -m 0700 "$T/etc" &&
		mount -t tmpfs -o mode=0700,size=16m nscell-it-etc "$T/etc" &&
		mkdir "$T/etc/upper" "$T/etc/work" || return 1
	mount -t overlay -o "lowerdir=/etc,upperdir=$T/etc/upper,workdir=$T/etc/work" \
		nscell-it-etc /etc || return 1
	ETC_OVL=1
	[ -d "$CONF_DIR" ] || mkdir -m 0755 "$CONF_DIR" || return 1
	mount -t tmpfs -o mode=0755,size=4m nscell-it "$CONF_DIR" || return 1
	mkdir -m 0755 "$TD" || return 1

	b=$(free_block) || {
		echo "# setup: no free uid block" >&2
		return 1
	}
	retry groupadd -g "$((b + 9))" nsct_g || return 1
	CREATED_GROUP=nsct_g
	note "GROUP=nsct_g"
	add_user nsct_a "$b" "$H/nsct_a" || return 1
	add_user nsct_b "$((b + 1))" "$H/nsct_b" || return 1
	add_user nsct_c "$((b + 2))" "$H/nsct_c" || return 1
	add_user nsct_d "$((b + 3))" "$H/nsct_d" -G nsct_g || return 1
	add_user nsct_n "$((b + 4))" - || return 1

	# Fixtures.
	echo hello >"$T/data/hello.txt"
	echo secret >"$T/data/secret.txt"
	echo inside >"$T/data/secretdir/inner.txt"
	echo data2 >"$T/data2/two.txt"
	printf '#!/bin/sh\necho never\n' >"$T/data/notexec.sh"
	chmod 0644 "$T/data/notexec.sh"
	echo copyme >"$T/cp/c604" && chmod 0604 "$T/cp/c604"
	echo private >"$T/cp/c600" && chmod 0600 "$T/cp/c600"
	for u in nsct_a nsct_b; do
		mkdir -m 0755 "$T/exp/$u" "$T/exp/${UID_OF[$u]}"
		echo "user $u" >"$T/exp/$u/who"
		echo "uid ${UID_OF[$u]}" >"$T/exp/${UID_OF[$u]}/who"
	done
	mkdir -m 0755 "$T/rw" && chown nsct_a: "$T/rw"
	mkdir -m 0755 "$T/rw/sub" && chown nsct_a: "$T/rw/sub"
	echo rw-content >"$T/rw/which" && chown nsct_a: "$T/rw/which"
	ln -s "$T/data" "$T/ww/rootlink"	# root-owned, in a 1777 dir
	cp /usr/bin/id "$T/suid/id" && chown root:root "$T/suid/id" &&
		chmod 4755 "$T/suid/id"
	echo "home file" >"$H/nsct_a/homefile"
	chown nsct_a: "$H/nsct_a/homefile"
	ln -s /etc "$H/nsct_a/etclink"
	ln -s /root "$H/nsct_a/rootlink"
	chown -h nsct_a: "$H/nsct_a/etclink" "$H/nsct_a/rootlink"
	echo "b's secret" >"$H/nsct_b/bfile"
	chown nsct_b: "$H/nsct_b/bfile"

	# argc == 0 helper.
	if command -v cc >/dev/null 2>&1; then
		printf '%s\n' '#include <unistd.h>' \
			'int main(int c, char **v) { char *a[] = { 0 }, *e[] = { 0 };' \
			'  if (c < 2) return 99; execve(v[1], a, e); return 98; }' \
			>"$T/argc0.c"
		cc -o "$T/bin/argc0" "$T/argc0.c" 2>/dev/null &&
			chmod 0755 "$T/bin/argc0"
	fi

	std_conf
	base_lines | mkt base
	mkt vh1 <<EOF
$T/data2 /vh1data,ro-bind
EOF
	return 0
}

# ------------------------------------------------------------ helpers ---

# nsc WHO [nscell args]: run the setuid copy as WHO (a test user, or root)
# with a clean environment (+ EXTRA_ENV), stdin /dev/null.  Sets OUT, ERR
# and RC.  Extra redirections on the call (3</ ...) reach nscell.  NSC_BIN
# runs another copy (persist.sh: the kill-point build); NSC_WRAP is put
# between timeout and the launch (persist.sh: a reaper recording the real
# wait status).
nsc() {
	local who=$1 home
	shift
	home=${HOME_OF[$who]:-/root}
	if [ "$who" = root ]; then
		timeout -k 3 20 "${NSC_WRAP[@]}" env -i PATH="$SAFE_PATH" \
			HOME=/root USER=root LOGNAME=root LANG=C "${EXTRA_ENV[@]}" \
			"${NSC_BIN:-$NS}" "${ONESHOT[@]}" "$@" \
			</dev/null >"$T/out" 2>"$T/err"
	else
		timeout -k 3 20 "${NSC_WRAP[@]}" \
			setpriv --reuid="$who" --regid="${GID_OF[$who]}" \
			--init-groups -- env -i PATH="$SAFE_PATH" HOME="$home" \
			USER="$who" LOGNAME="$who" LANG=C "${EXTRA_ENV[@]}" \
			"${NSC_BIN:-$NS}" "${ONESHOT[@]}" "$@" </dev/null >"$T/out" 2>"$T/err"
	fi
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	return 0
}

# Run a plain command as a test user (no nscell).
as_user() {
	local who=$1
	shift
	setpriv --reuid="$who" --regid="${GID_OF[$who]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$who]}" "$@"
}

fail() {
	DIAG="${DIAG:+$DIAG
}$*"
	return 1
}

skip() {
	SKIP_REASON=$*
	return 77
}

ctx() {
	printf 'exit %s; stdout: %s; stderr: %s' "$RC" \
		"$(printf '%s' "$OUT" | head -c 400 | tr '\n' '|')" \
		"$(printf '%s' "$ERR" | head -c 400 | tr '\n' '|')"
}

expect_rc() {
	[ "$RC" = "$1" ] || fail "expected exit $1; $(ctx)"
}

expect_out() {	# exact stdout
	[ "$OUT" = "$1" ] || fail "expected stdout '$1'; $(ctx)"
}

out_has() {	# stdout has a line matching the ERE
	grep -Eq -- "$1" <<<"$OUT" || fail "stdout lacks /$1/; $(ctx)"
}

out_lacks() {
	! grep -Eq -- "$1" <<<"$OUT" || fail "stdout has /$1/; $(ctx)"
}

err_has() {
	grep -Eq -- "$1" <<<"$ERR" || fail "stderr lacks /$1/; $(ctx)"
}

err_one_line() {	# nscell's errors are one line
	local n
	n=$(printf '%s\n' "$ERR" | grep -c .)
	[ "$n" = 1 ] || fail "expected one line on stderr, got $n; $(ctx)"
}

# expect_refused MARKER REGEX: 125, one line matching REGEX on stderr, and
# the marker file (which the command would have made) absent.
expect_refused() {
	expect_rc 125 && err_has "$2" && err_one_line &&
		{ [ ! -e "$T/mark/$1" ] || fail "the command ran: $T/mark/$1 exists"; }
}

# The marker's path inside the sandbox (bound from $T/mark).
marker() { echo "/mark/$1"; }

ere_quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# spawn WHO ARGS...: start nscell as WHO in the background through a perl
# reaper that writes the real wait status to $T/spawn.st ("exit N" or
# "sig N").  Sets SPAWN_PID (the nscell process).
spawn() {
	local who=$1
	shift
	rm -f "$T/spawn.st" "$T/spawn.pid"
	perl -e '
		my ($stf, $pidf) = splice(@ARGV, 0, 2);
		my $p = fork();
		if (!$p) { exec { $ARGV[0] } @ARGV; exit 127; }
		open(my $f, ">", $pidf); print $f "$p\n"; close($f);
		waitpid($p, 0);
		open(my $s, ">", $stf);
		print $s (($? & 127) ? "sig " . ($? & 127) : "exit " . ($? >> 8)), "\n";
		close($s);' "$T/spawn.st" "$T/spawn.pid" \
		setpriv --reuid="$who" --regid="${GID_OF[$who]}" --init-groups -- \
		env -i PATH="$SAFE_PATH" HOME="${HOME_OF[$who]}" "${NSC_BIN:-$NS}" "${ONESHOT[@]}" "$@" \
		</dev/null >"$T/spawn.out" 2>"$T/spawn.err" &
	SPAWN_REAPER=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$T/spawn.pid" ] && break
		sleep 0.05
	done
	SPAWN_PID=$(cat "$T/spawn.pid" 2>/dev/null)
}

children_of() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n'
}

# alive PID: exists and is not a zombie (pid 1 here may not reap orphans).
alive() {
	local st
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_child_comm PID COMM: the host pid of PID's child running COMM.
wait_child_comm() {
	local pid=$1 comm=$2 i c
	for ((i = 0; i < 200; i++)); do
		for c in $(children_of "$pid"); do
			if [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$comm" ]; then
				echo "$c"
				return 0
			fi
		done
		sleep 0.025
	done
	return 1
}

gone_within() {	# gone_within PID TENTHS
	local i
	for ((i = 0; i < $2; i++)); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# The holder pid from nscell -v's last line.
v_holder() {
	sed -n 's/^nscell: .* sandbox (holder pid \([0-9]*\))$/\1/p' <<<"$ERR" | tail -n 1
}

record_holder() {	# record_holder DIR
	sed -n 's/^holder //p' "$1/record" 2>/dev/null
}
t_no_leaked_holders() {
	local p n=0 sample=""
	for p in $(leaked_holders); do
		n=$((n + 1))
		[ "$n" -le 3 ] && sample="$sample $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | head -c 60))"
	done
	[ "$n" = 0 ] || fail "$n processes still run $NS ${EXTRA_BINS[*]} (sandbox holders):$sample"
}
# --------------------------------------------------------------- runner ---

run_test() {
	local name=$1 fn=$2 r
	# NSCELL_IT_ONLY=ERE: run only the matching tests (for debugging).
	if [ -n "${NSCELL_IT_ONLY:-}" ] && ! grep -Eq -- "$NSCELL_IT_ONLY" <<<"$name"; then
		return 0
	fi
	DIAG="" SKIP_REASON="" OUT="" ERR="" RC=""
	if [ "$CONF_DIRTY" = 1 ]; then
		std_conf
	fi
	"$fn"
	r=$?
	EXTRA_ENV=()
	ONESHOT=(-n)
	NSC_BIN=""
	NSC_WRAP=()
	if [ "$r" = 77 ]; then
		SKIP=$((SKIP + 1))
		echo "# SKIP $name: $SKIP_REASON"
		return
	fi
	N=$((N + 1))
	if [ "$r" = 0 ]; then
		PASS=$((PASS + 1))
		echo "ok $N - $name"
	else
		FAIL=$((FAIL + 1))
		echo "not ok $N - $name"
		[ -n "$DIAG" ] || DIAG="(test returned $r)"
		printf '%s\n' "$DIAG" | sed 's/^/#   /'
	fi
}

inner_main() {
	cd / || exit 1
	umask 022
	trap inner_cleanup EXIT
	trap 'exit 130' INT TERM
	if ! inner_setup "$1" ||
		{ declare -F suite_setup >/dev/null && ! suite_setup "$@"; }; then
		echo "not ok 1 - setup"
		note "N=1"
		note "PASS=0"
		note "FAIL=1"
		note "DONE=1"
		exit 1
	fi
	echo "# work dir $T, binary $NS"

	suite_tests

	note "N=$N"
	note "PASS=$PASS"
	note "FAIL=$FAIL"
	note "SKIP=$SKIP"
	note "DONE=1"
	exit 0
}

# integration_main ARGS...: the entry point of a suite script.
integration_main() {
	if [ -n "${NSCELL_IT_STATE:-}" ]; then
		inner_main "$@"
	else
		outer_main "$@"
	fi
}

# Persisted-set helpers, for the suites that look into records.
rec() {		# rec DIR KEY: a field of DIR's record (empty when absent)
	sed -n "s/^$2 //p" "$1/record" 2>/dev/null
}

ns_ino() {	# ns_ino LINK: the inode in "mnt:[4026532...]"
	readlink "$1" 2>/dev/null | sed -n 's/^[a-z]*:\[\([0-9]*\)\]$/\1/p'
}

# rewrite_record DIR KEY VALUE...: change fields of a record, keeping it a
# root-owned 0600 file replaced by rename (as nscell itself does).
rewrite_record() {
	local d=$1 sc=""
	shift
	while [ $# -ge 2 ]; do
		sc="$sc;s/^$1 .*/$1 $2/"
		shift 2
	done
	sed "${sc#;}" "$d/record" >"$d/record.t" && chmod 0600 "$d/record.t" &&
		mv -f "$d/record.t" "$d/record"
}

set_dir() {	# set_dir USER [VHOST]: the store directory of a set
	echo "$T/lsns/${UID_OF[$1]}${2:+/$2}"
}

# fake_pid PARENT: the sleep child of PARENT (unshare --fork's pid 1).
fake_pid() {
	local i c
	for ((i = 0; i < 100; i++)); do
		c=$(children_of "$1" | head -n 1)
		if [ -n "$c" ] && [ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ]; then
			echo "$c"
			return 0
		fi
		sleep 0.05
	done
	return 1
}
