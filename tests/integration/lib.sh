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

	NSCELL_IT_STATE=$state NSCELL_IT_HOST_PID=$$ \
		unshare --mount --propagation private -- \
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

	# No safety net that deletes users or groups here: ours only ever
	# existed in the inner namespace's /etc (an overlay), and a user of
	# the same name on the host is somebody else's.

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
	# Ours: the name with the uid (or gid) of our block.
	for u in $(sed -n 's/^UID=//p' "$state"); do
		p=$(getent passwd "$u" | cut -d: -f1)
		[ -n "$p" ] && grep -qx "USER=$p" "$state" && lines="$lines $p"
	done
	for u in $(sed -n 's/^GID=//p' "$state"); do
		p=$(getent group "$u" | cut -d: -f1)
		[ -n "$p" ] && grep -qx "GROUP=$p" "$state" && lines="$lines @$p"
	done
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
CREATED_GROUPS=()
EXEC_GROUP=nsct_exec	# the only group (but root) that may run the setuid copies
EXEC_GID=""
IPC_IDS=()
EXTRA_ENV=()
# Every launch is one-shot (-n: a fresh sandbox that dies with nscell)
# unless a persistence test empties this.
ONESHOT=(-n)
UNMOUNT_NS=""		# unmount_ns next to the binary under test, if built
EXTRA_BINS=()		# other copies whose processes may be sandbox holders
NSC_BIN=""		# nsc/spawn run this copy instead of $NS when set
NSC_WRAP=()		# nsc: command prefix between timeout and the launch
# nsc: command prefix right before the binary (after setpriv and env), for
# what must apply to nscell alone: setpriv crashes on a 16 KiB stack in
# one start of six (ASLR), nscell never did.
NSC_EXEC_WRAP=()
# nsc: seconds before a launch is killed.  The slowest launches measured on
# a loaded 2-vCPU host (each run prints its slowest at the end): 1.5 s in
# the integration suite, 0.4 s in the persistence suite; the security
# suite's cross-tenant probe (15 s) sets its own limit.  A launch killed at
# the limit is reported as a timeout, never as a verdict on nscell.  A test
# may raise it for itself (run_test resets it).
NSC_TIMEOUT_DEFAULT=${NSCELL_IT_LAUNCH_TIMEOUT:-30}
NSC_TIMEOUT=$NSC_TIMEOUT_DEFAULT
TIMED_OUT=0		# the last nsc launch was killed at NSC_TIMEOUT
N_TIMEOUTS=0		# launches killed at the limit in the current test
SLOWEST=0 SLOWEST_WHAT=""	# the slowest launch (ms) of the run
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
	for u in "${CREATED_GROUPS[@]}"; do
		groupdel "$u" >/dev/null 2>&1
	done
	if mountpoint -q "$CONF_DIR"; then
		umount "$CONF_DIR" 2>/dev/null
	fi
	# The private tmpfs of the setuid copies (lazily: a process killed
	# above may not have exited yet).
	for p in "$T/bin" "$T/suid"; do
		[ -n "$T" ] && mountpoint -q "$p" && umount -l "$p"
	done
	if [ "$ETC_OVL" = 1 ]; then
		mountpoint -q /root && umount /root 2>/dev/null
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

add_group() {	# add_group NAME GID
	retry groupadd -g "$2" "$1" || return 1
	CREATED_GROUPS+=("$1")
	note "GROUP=$1"
	note "GID=$2"
}

add_user() {
	# add_user NAME UID HOME|-  [extra useradd args]
	local name=$1 uid=$2 home=$3
	shift 3
	if getent passwd "$name" >/dev/null || getent group "$name" >/dev/null; then
		echo "# setup: $name already exists; refusing to touch it" >&2
		return 1
	fi
	# Every test user may execute the setuid copies: a member of
	# EXEC_GROUP besides the groups asked for (-G G becomes -G G,EXEC).
	local a=() g="$EXEC_GROUP"
	while [ $# -gt 0 ]; do
		if [ "$1" = -G ] && [ $# -ge 2 ]; then
			g="$2,$g"
			shift 2
		else
			a+=("$1")
			shift
		fi
	done
	if [ "$home" = - ]; then
		retry useradd -M -d /nonexistent/nscell-it -u "$uid" -U \
			-s /bin/sh -G "$g" "${a[@]}" "$name" || return 1
	else
		retry useradd -m -d "$home" -u "$uid" -U -s /bin/sh -G "$g" \
			"${a[@]}" "$name" || return 1
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
	# /root likewise (the security suite's canary lives there): whatever a
	# test writes in /etc or /root, on purpose or through an escape, lands
	# in these upper layers, and only what this namespace wrote does
	# (host_writes).
	mkdir "$T/etc/root-upper" "$T/etc/root-work" &&
		chmod --reference=/root "$T/etc/root-upper" &&
		mount -t overlay -o "lowerdir=/root,upperdir=$T/etc/root-upper,workdir=$T/etc/root-work" \
			nscell-it-root /root || return 1
	[ -d "$CONF_DIR" ] || mkdir -m 0755 "$CONF_DIR" || return 1
	mount -t tmpfs -o mode=0755,size=4m nscell-it "$CONF_DIR" || return 1
	mkdir -m 0755 "$TD" || return 1

	b=$(free_block 12) || {
		echo "# setup: no free uid block" >&2
		return 1
	}
	add_group nsct_g "$((b + 9))" || return 1
	add_group "$EXEC_GROUP" "$((b + 10))" || return 1
	EXEC_GID=$((b + 10))

	# The setuid copy under test: 4750 root:$EXEC_GROUP (only the test
	# users and root may run it), on a tmpfs that exists only in this
	# mount namespace.  Likewise the setuid fixture of the nosuid test.
	private_dir "$T/bin" "$EXEC_GROUP" &&
		install_suid "$1" "$T/bin/nscell" "$EXEC_GROUP" || return 1
	NS=$T/bin/nscell
	if [ -x "$(dirname -- "$1")/unmount_ns" ]; then
		cp -- "$(dirname -- "$1")/unmount_ns" "$T/bin/unmount_ns" &&
			chmod 0755 "$T/bin/unmount_ns" && UNMOUNT_NS=$T/bin/unmount_ns
	fi
	mount -t tmpfs -o mode=0755,size=16m nscell-it-suid "$T/suid" || return 1
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
	local who=$1 home t0 ms
	shift
	home=${HOME_OF[$who]:-/root}
	t0=$(date +%s%N)
	if [ "$who" = root ]; then
		timeout -k 3 "$NSC_TIMEOUT" "${NSC_WRAP[@]}" env -i PATH="$SAFE_PATH" \
			HOME=/root USER=root LOGNAME=root LANG=C "${EXTRA_ENV[@]}" \
			"${NSC_EXEC_WRAP[@]}" "${NSC_BIN:-$NS}" "${ONESHOT[@]}" "$@" \
			</dev/null >"$T/out" 2>"$T/err"
	else
		timeout -k 3 "$NSC_TIMEOUT" "${NSC_WRAP[@]}" \
			setpriv --reuid="$who" --regid="${GID_OF[$who]}" \
			--groups="$(groups_of "$who")" -- env -i PATH="$SAFE_PATH" HOME="$home" \
			USER="$who" LOGNAME="$who" LANG=C "${EXTRA_ENV[@]}" \
			"${NSC_EXEC_WRAP[@]}" "${NSC_BIN:-$NS}" "${ONESHOT[@]}" "$@" \
			</dev/null >"$T/out" 2>"$T/err"
	fi
	RC=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	launch_done "$ms" "$*"
	return 0
}

# groups_of WHO: WHO's groups as initgroups() would set them (setpriv
# --init-groups), plus EXEC_GROUP: a user the suite makes on the fly (a
# directory user, say) may run the setuid copy too.
groups_of() {
	id -G -- "$1" 2>/dev/null | tr ' ' '\n' | { cat; echo "$EXEC_GID"; } |
		grep . | sort -n -u | paste -s -d,
}

# launch_done MS WHAT: after a launch: its time for the run's slowest, and
# TIMED_OUT when it was killed at NSC_TIMEOUT.
launch_done() {
	TIMED_OUT=0
	if [ "$1" -ge $((NSC_TIMEOUT * 1000)) ] && { [ "$RC" = 124 ] || [ "$RC" = 137 ]; }; then
		TIMED_OUT=1
		N_TIMEOUTS=$((N_TIMEOUTS + 1))
		ERR="${ERR:+$ERR
}(harness: killed after the ${NSC_TIMEOUT} s limit: a timeout, not a verdict)"
	fi
	if [ "$1" -gt "$SLOWEST" ]; then
		SLOWEST=$1
		SLOWEST_WHAT=$(printf '%s' "$2" | head -c 60 | tr '\n' ' ')
	fi
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
		setpriv --reuid="$who" --regid="${GID_OF[$who]}" --groups="$(groups_of "$who")" -- \
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

# host_writes HOME: what this namespace wrote into /etc and /root (their
# overlays' upper layers, recursively: a concurrent apt-get on the host
# changes the lower layer only), the entries of /, and the root-owned files
# in HOME.  Compared before and after an attack: only what the test itself
# could have created shows as a difference.
host_writes() {
	find "$T/etc/upper" "$T/etc/root-upper" -mindepth 1 \
		-printf '%H %P %y %u\n' 2>/dev/null | sort
	ls -a /
	find "$1" -uid 0 2>/dev/null
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

# The harness's own promise: the setuid copy under test (a sanitizer or
# testing build, maybe) is 4750 root:EXEC_GROUP, uid 65534 without the group
# cannot run it, a test user can (the control), and the host's view of the
# work dir does not have it.
t_harness_setuid_copy() {
	local o rc
	[ "$(stat -c '%a %U %G' "$NS")" = "4750 root $EXEC_GROUP" ] ||
		fail "$NS is $(stat -c '%a %U %G' "$NS")" || return
	# (Through env: setpriv itself calls execve() with root's effective
	# capabilities still raised, so CAP_DAC_OVERRIDE would pass any x bit.)
	o=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- env "$NS" --version 2>&1)
	rc=$?
	[ "$rc" != 0 ] && grep -q 'Permission denied' <<<"$o" ||
		fail "uid 65534 ran it: exit $rc: $o" || return
	nsc nsct_a --version
	expect_rc 0 || return
	[ -n "${NSCELL_IT_HOST_PID:-}" ] && [ -d "/proc/$NSCELL_IT_HOST_PID/root$T" ] &&
		[ ! -e "/proc/$NSCELL_IT_HOST_PID/root$NS" ] ||
		fail "the host sees $NS (or the host's view was not found)"
}

run_test() {
	local name=$1 fn=$2 r
	# NSCELL_IT_ONLY=ERE: run only the matching tests (debugging, and
	# tests/vm/minimal.sh; bash's own match: a grep per test costs a
	# second under TCG).
	if [ -n "${NSCELL_IT_ONLY:-}" ] && ! [[ $name =~ $NSCELL_IT_ONLY ]]; then
		return 0
	fi
	DIAG="" SKIP_REASON="" OUT="" ERR="" RC="" N_TIMEOUTS=0
	if [ "$CONF_DIRTY" = 1 ]; then
		std_conf
	fi
	"$fn"
	r=$?
	EXTRA_ENV=()
	ONESHOT=(-n)
	NSC_BIN=""
	NSC_WRAP=()
	NSC_EXEC_WRAP=()
	NSC_TIMEOUT=$NSC_TIMEOUT_DEFAULT
	# A launch killed at the limit says nothing about nscell: say so
	# first, whatever the test concluded from the missing output.
	if [ "$r" != 0 ] && [ "$r" != 77 ] && [ "$N_TIMEOUTS" -gt 0 ]; then
		DIAG="TIMEOUT: $N_TIMEOUTS launch(es) killed at the limit (a loaded host?); not a verdict on nscell
$DIAG"
	fi
	if [ "$r" = 77 ]; then
		SKIP=$((SKIP + 1))
		echo "# SKIP $name: $SKIP_REASON"
		# scripts/test lists every skip at its end: a skip is not a
		# pass, and ctest shows no output of a suite that passed.
		if [ -n "${NSCELL_SKIP_LOG:-}" ]; then
			printf '%s: %s: %s\n' "${0##*/}" "$name" "$SKIP_REASON" \
				>>"$NSCELL_SKIP_LOG"
		fi
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

	run_test "harness: the setuid copy is 4750 root:$EXEC_GROUP, private to this namespace" \
		t_harness_setuid_copy
	suite_tests
	echo "# slowest launch: $SLOWEST ms ($SLOWEST_WHAT), limit ${NSC_TIMEOUT_DEFAULT} s"

	note "N=$N"
	note "PASS=$PASS"
	note "FAIL=$FAIL"
	note "SKIP=$SKIP"
	note "DONE=1"
	exit 0
}

# Close every fd above 2 we were given: ctest passes its LastTest.log (fd 3)
# and more to the tests, and a test that lowers RLIMIT_NOFILE to 4 then
# saw setpriv fail to load its libraries (EMFILE) under ctest only.
close_inherited_fds() {
	local f n
	for f in /proc/$$/fd/*; do
		n=${f##*/}
		if [ "$n" -gt 2 ] 2>/dev/null; then
			eval "exec $n>&-" 2>/dev/null
		fi
	done
}

# integration_main ARGS...: the entry point of a suite script.
integration_main() {
	close_inherited_fds
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
