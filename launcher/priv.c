// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Root-only code: every id and capability change of the launcher.
 * See priv.h for the phases and their order.
 */
#define _GNU_SOURCE
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "log.h"
#include "priv.h"
#include "sysutil.h"

/* The limits a caller can lower to make nscell's own work fail half-way
 * or crash it (a 16 KiB stack did, with SIGSEGV: status 139 where the
 * contract says 125).  nscell raises them for its own work and the command
 * gets the caller's back just before it executes, as sudo does.  Without
 * CAP_SYS_RESOURCE (in some containers) a hard limit cannot be raised:
 * the soft limit goes up to it, and a hard limit below what nscell needs
 * refuses the launch (125) before anything privileged is done. */
static const struct {
	int res;
	const char *name;
	rlim_t min;	/* what nscell's own work needs, at least */
} guarded[] = {
	{ RLIMIT_AS, "RLIMIT_AS", 256ul << 20 },
	{ RLIMIT_DATA, "RLIMIT_DATA", 256ul << 20 },
	{ RLIMIT_STACK, "RLIMIT_STACK", 1ul << 20 },
	{ RLIMIT_CPU, "RLIMIT_CPU", 10 },
	{ RLIMIT_FSIZE, "RLIMIT_FSIZE", 16ul << 20 },
	{ RLIMIT_NOFILE, "RLIMIT_NOFILE", 64 },
	/* nscell's own clones are exempt (CAP_SYS_ADMIN); what it raises
	 * is what the tenant's processes are checked against in a set. */
	{ RLIMIT_NPROC, "RLIMIT_NPROC", 0 },
	{ RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING", 16 },
	{ RLIMIT_RTTIME, "RLIMIT_RTTIME", 0 },
};
#define N_GUARDED (sizeof(guarded) / sizeof(*guarded))
#define NOFILE_OWN 1024		/* nscell never has more open */
static struct rlimit caller_limits[N_GUARDED];

/* No die() here: this runs before main (see below). */
static void
refuse(const char *name, const char *why)
{
	dprintf(STDERR_FILENO, "nscell: %s %s\n", name, why);
	_exit(EXIT_NSCELL);
}

static void
raise_limit(size_t i)
{
	const struct rlimit *c = &caller_limits[i];
	struct rlimit own = { RLIM_INFINITY, RLIM_INFINITY };

	if (guarded[i].res == RLIMIT_NOFILE) {
		if (c->rlim_cur >= NOFILE_OWN)
			return;
		/* Never lower a hard limit: the drop could not undo it. */
		own.rlim_cur = NOFILE_OWN;
		own.rlim_max = c->rlim_max > NOFILE_OWN ? c->rlim_max :
			NOFILE_OWN;
	}
	if (setrlimit(guarded[i].res, &own) == 0)
		return;
	/* No CAP_SYS_RESOURCE: as far as the hard limit allows. */
	own.rlim_cur = own.rlim_max = c->rlim_max;
	if (c->rlim_max < guarded[i].min)
		refuse(guarded[i].name, "has a hard limit below what nscell "
		       "needs for its own work: raise it");
	if (setrlimit(guarded[i].res, &own) < 0)
		refuse(guarded[i].name, "cannot be raised");
}

/* Before main, and before any library's constructor: libcap-ng's alone
 * needs more than 16 KiB of stack.  The executable's .preinit_array runs
 * first (the C library is relocated and its system call wrappers work;
 * nothing else is assumed).  What the dynamic loader itself needs
 * before this (its fds and mappings) is beyond any program's reach: with
 * RLIMIT_NOFILE at 3 it exits 127 before nscell runs (nscell(1)). */
static void
raise_limits(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	for (size_t i = 0; i < N_GUARDED; i++) {
		if (getrlimit(guarded[i].res, &caller_limits[i]) < 0)
			refuse(guarded[i].name, "cannot be read");
		raise_limit(i);
	}
}

__attribute__((section(".preinit_array"), used))
static void (*const raise_limits_early)(int, char **, char **) = raise_limits;

void
priv_restore_limits(void)
{
	/* Only ever lowers what raise_limits() raised: no privilege
	 * needed, so this runs after the drop. */
	for (size_t i = 0; i < N_GUARDED; i++)
		if (setrlimit(guarded[i].res, &caller_limits[i]) < 0)
			die("cannot restore %s: %s", guarded[i].name,
			    strerror(errno));
}

void
priv_init(void)
{
	struct stat st;

	/* Never let the caller ptrace or read the memory of a process that
	 * holds root (CVE-2016-8659, CVE-2026-41163). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
	/* fds 0-2 must exist, or files we open would take their place. */
	for (int fd = 0; fd <= 2; fd++) {
		if (fstat(fd, &st) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_NSCELL);
	}
	/* Nothing the caller left open reaches the sandbox (CVE-2024-21626). */
	close_fds_from(3);
	if (geteuid() != 0)
		die("not installed setuid root (euid %u)",
		    (unsigned)geteuid());
}

void
priv_to_caller(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id((int)uid, (int)gid, CAPNG_CLEAR_BOUNDING |
			    CAPNG_CLEAR_AMBIENT) < 0)
		die("cannot drop privileges to uid %u", (unsigned)uid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	if (priv_verify(uid, gid) < 0)
		die("privileges still held after dropping to uid %u",
		    (unsigned)uid);
}

void
priv_drop(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
	  int userns_fd)
{
	int r;

	/* Groups first, in the initial user namespace: inside a user
	 * namespace that maps only the target ids they could not be set. */
	if (setgroups(n_groups, groups) < 0)
		die("setgroups: %s", strerror(errno));
	if (userns_fd >= 0 && setns(userns_fd, CLONE_NEWUSER) < 0)
		die("setns(user): %s", strerror(errno));
	capng_clear(CAPNG_SELECT_BOTH);
	r = capng_change_id((int)uid, (int)gid, CAPNG_CLEAR_BOUNDING |
			    CAPNG_CLEAR_AMBIENT);
	if (r < 0)
		die("cannot change to uid %u gid %u (libcap-ng %d)",
		    (unsigned)uid, (unsigned)gid, r);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	r = priv_verify(uid, gid);
	if (r < 0)
		die("privilege drop could not be verified: %s", strerror(-r));
	r = landlock_scope();
	if (r < 0)
		die("landlock: cannot scope abstract unix sockets: %s",
		    strerror(-r));
	if (r == 0)
		debugf("no Landlock ABI 6: abstract unix sockets are not "
		       "scoped (see SECURITY.md)");
}

void
priv_monitor(void)
{
	/* Root's uid and no capability but CAP_KILL: enough to forward
	 * signals to the command, which runs as another uid.  The caller can
	 * still signal us (real uid), and cannot ptrace us (not dumpable,
	 * euid 0).  The bounding set stays: the monitor never executes, and
	 * with no_new_privs an exec could not raise its permitted set above
	 * CAP_KILL anyway; emptying it cost 41 credential commits and three
	 * /proc reads inside libcap-ng on every launch. */
	capng_clear(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_KILL);
	if (capng_apply(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("cannot drop the monitor's capabilities");
}

static int
caps_empty(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return -EPERM;
	}
	for (int cap = 0; cap < 64; cap++) {
		int b = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (b < 0)
			break;	/* past the last capability */
		if (b > 0 || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
				   cap, 0, 0) > 0)
			return -EPERM;
	}
	return 0;
}

int
priv_verify(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return -EPERM;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return -EPERM;
	if (uid != 0 && (setuid(0) == 0 || setgid(0) == 0))
		return -EPERM;
	return caps_empty();
}
