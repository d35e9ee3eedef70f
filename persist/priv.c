// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Root-only code: every credential and capability change of nscell, each
 * verified.  See priv.h for the phases and their order.
 */
#define _GNU_SOURCE
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "priv.h"
#include "sysutil.h"

#define EXIT_REFUSED 125	/* launcher/log.h's EXIT_NSCELL: see refuse() */

/*
 * The capabilities nscell keeps after priv_start, and why; everything else
 * is gone from every set, the bounding set included, for the rest of the
 * launch and for every process it starts.
 */
static const int kept_caps[] = {
	CAP_SYS_ADMIN,		/* namespaces, setns, the mount API, pivot */
	CAP_SYS_CHROOT,		/* setns() into a mount namespace */
	CAP_SETUID,		/* the drop, fsuid, the holder's ids, uid_map */
	CAP_SETGID,		/* the same for groups, setgroups */
	CAP_SYS_PTRACE,		/* a join takes the holder's namespaces */
	CAP_MKNOD,		/* /dev nodes on the sandbox's tmpfs */
	CAP_CHOWN,		/* what root creates for the user (tmp) */
	CAP_FOWNER,		/* the mode of a file root made and gave to
				 * the user (copy) */
	CAP_KILL,		/* the monitor signals the command */
};
#define N_KEPT (sizeof(kept_caps) / sizeof(*kept_caps))

static uid_t caller_uid = (uid_t)-1;

/* ---------------------------------------------------- resource limits ---
 *
 * The limits a caller can lower to make nscell's own work fail half-way
 * or crash it (a 16 KiB stack did, with SIGSEGV: status 139 where the
 * contract says 125).  nscell raises them for its own work and the command
 * gets the caller's back just before it executes, as sudo does.  Without
 * CAP_SYS_RESOURCE (in some containers) a hard limit cannot be raised: the
 * soft limit goes up to it, and a hard limit below what nscell needs
 * refuses the launch before anything privileged is done.
 */
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

/* The one exit outside launcher/: this runs before main, where nothing
 * else can report.  No stdio: the stack may be as small as the caller
 * made it. */
static void
refuse(const char *name, const char *why)
{
	const char *parts[] = { "nscell: ", name, " ", why, "\n" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
		(void)!write(STDERR_FILENO, parts[i], strlen(parts[i]));
	_exit(EXIT_REFUSED);
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
 * nothing else is assumed).  What the dynamic loader itself needs before
 * this (its fds and mappings) is beyond any program's reach: with
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

static rlim_t
lower(rlim_t a, rlim_t b)
{
	return a < b ? a : b;	/* RLIM_INFINITY is the largest */
}

static const struct rlimit *
configured(const struct priv_rlimits *conf, int res)
{
	if (!conf)
		return NULL;
	return res == RLIMIT_CPU ? &conf->cpu : res == RLIMIT_AS ? &conf->as :
		res == RLIMIT_NPROC ? &conf->nproc : NULL;
}

int
priv_restore_limits(const struct priv_rlimits *conf)
{
	/* Only ever lowers what raise_limits() raised: no privilege
	 * needed, so this runs after the drop. */
	for (size_t i = 0; i < N_GUARDED; i++) {
		const struct rlimit *c = configured(conf, guarded[i].res);
		struct rlimit l = caller_limits[i];

		if (c) {
			l.rlim_max = lower(l.rlim_max, c->rlim_max);
			l.rlim_cur = lower(lower(l.rlim_cur, c->rlim_cur),
					   l.rlim_max);
		}
		if (setrlimit(guarded[i].res, &l) < 0)
			return -errno;
	}
	return 0;
}

/* ------------------------------------------------------- verification --- */

struct capsets {
	uint64_t eff, prm, inh;
};

static int
read_caps(struct capsets *s)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	s->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	s->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	s->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* kept_caps that nscell really has (a caller's bounding set may lack
 * some, as CAP_MKNOD: /dev is then bound instead), set by priv_start. */
static uint64_t kept;

static uint64_t
kept_mask(void)
{
	return kept;
}

/* No capability in the bounding set.  (The ambient set needs no loop of
 * its own: the kernel keeps every ambient capability permitted and
 * inheritable, and caps_are(), always called first, has checked that
 * nothing is inheritable.  One prctl per capability fewer, twice per
 * launch: about 80 system calls, each a microsecond on a VM.) */
static int
bounding_empty(void)
{
	for (int cap = 0; cap < 64; cap++) {
		int b = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (b < 0)
			break;	/* past the last capability */
		if (b > 0)
			return -EPERM;
	}
	return 0;
}

/* Exactly @eff effective and @prm permitted, nothing inheritable. */
static int
caps_are(uint64_t eff, uint64_t prm)
{
	struct capsets s = { 0, 0, 0 };
	int r = read_caps(&s);

	if (r < 0)
		return r;
	return s.eff == eff && s.prm == prm && !s.inh ? 0 : -EPERM;
}

int
priv_verify(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int r;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return -EPERM;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return -EPERM;
	if (uid != 0 && (setuid(0) == 0 || setgid(0) == 0))
		return -EPERM;
	r = caps_are(0, 0);
	return r < 0 ? r : bounding_empty();
}

/* -------------------------------------------------------------- start --- */

static int
std_fds(void)
{
	struct stat st;

	/* fds 0-2 must exist, or files we open would take their place. */
	for (int fd = 0; fd <= 2; fd++) {
		if (fstat(fd, &st) < 0 && open("/dev/null", O_RDWR) != fd)
			return -EBADF;
	}
	return 0;
}

static void
set_kept(unsigned sets)
{
	for (size_t i = 0; i < N_KEPT; i++)
		if (kept & (1ull << kept_caps[i]))
			capng_update(CAPNG_ADD, (capng_type_t)sets,
				     (unsigned)kept_caps[i]);
}

int
priv_start(void)
{
	struct capsets now = { 0, 0, 0 };
	int r;

	/* Never let the caller ptrace or read the memory of a process that
	 * holds root (CVE-2016-8659, CVE-2026-41163). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	r = std_fds();
	if (r < 0)
		return r;
	/* Nothing the caller left open reaches the sandbox
	 * (CVE-2024-21626). */
	close_fds_from(3);
	if (geteuid() != 0)
		return -EPERM;
	caller_uid = getuid();
	r = read_caps(&now);
	if (r < 0)
		return r;
	for (size_t i = 0; i < N_KEPT; i++)
		kept |= (1ull << kept_caps[i]) & now.prm;
	/* Nothing nscell or any process it starts ever executes can gain a
	 * privilege: no setuid bit, no file capability. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* The named set, permitted only: parsing, the configuration and the
	 * lookups run with no effective capability (euid 0 still owns
	 * root's files).  The bounding and ambient sets empty, once. */
	capng_clear(CAPNG_SELECT_ALL);
	/* libcap-ng's state names a pid, ours at its first call; 0 is
	 * "the calling process", whichever process the state is copied
	 * into by fork or clone (the holder, the command's process). */
	capng_setpid(0);
	set_kept(CAPNG_PERMITTED);
	if (capng_apply(CAPNG_SELECT_ALL) < 0)
		return -EPERM;
	r = caps_are(0, kept_mask());
	return r < 0 ? r : bounding_empty();
}

int
priv_raise(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	set_kept(CAPNG_PERMITTED | CAPNG_EFFECTIVE);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return -EPERM;
	return caps_are(kept_mask(), kept_mask());
}

/* ------------------------------------------------------------- fsuid --- */

int
fs_as_user(uid_t uid, gid_t gid)
{
	static uid_t checked_uid = (uid_t)-1;
	static gid_t checked_gid = (gid_t)-1;

	/* setfsuid() reports the previous value, never an error: verify the
	 * first switch to an identity.  Later switches to the same ids, made
	 * by the same process with the same capabilities, cannot fail
	 * differently; this halves the system calls per template line. */
	setfsgid(gid);
	setfsuid(uid);
	if (uid == checked_uid && gid == checked_gid)
		return 0;
	if ((uid_t)setfsuid((uid_t)-1) != uid ||
	    (gid_t)setfsgid((gid_t)-1) != gid)
		return -EPERM;
	checked_uid = uid;
	checked_gid = gid;
	return 0;
}

void
fs_as_root(void)
{
	setfsuid(0);
	setfsgid(0);
}

/* ------------------------------------------------- user namespaces --- */

/* A user namespace takes its creator's RLIMIT_NPROC as the ceiling of
 * every process in it, for good, unless the creator's real uid is root
 * (kernel/user_namespace.c, enforced_nproc_rlimit): a set made for a
 * caller with a low limit could never fork again (issue 18).  libcap-ng
 * changes all ids at once; only the real uid changes here, and back. */
int
priv_userns_owner(void)
{
	uid_t r, e, s;

	if (setresuid(0, (uid_t)-1, (uid_t)-1) < 0)
		return -errno;
	return getresuid(&r, &e, &s) == 0 && r == 0 ? 0 : -EPERM;
}

int
priv_userns_done(void)
{
	uid_t r, e, s;

	if (setresuid(caller_uid, (uid_t)-1, (uid_t)-1) < 0)
		return -errno;
	return getresuid(&r, &e, &s) == 0 && r == caller_uid ? 0 : -EPERM;
}

/* ------------------------------------------------------------ holder --- */

/* Root in all three uids and gids (a setuid launch leaves the caller's
 * real uid and gid): nobody but root can signal the holder, and what it
 * creates on the sandbox's root is root's.  It keeps the named set to
 * build with, until priv_holder_reap(). */
int
priv_holder(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	set_kept(CAPNG_PERMITTED | CAPNG_EFFECTIVE);
	if (capng_change_id(0, 0, CAPNG_NO_FLAG) < 0)
		return -EPERM;
	return caps_are(kept_mask(), kept_mask());
}

/* No capability left: what a holder does after the build is reap. */
int
priv_holder_reap(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return -EPERM;
	return caps_are(0, 0);
}

/* ----------------------------------------------------------- launcher --- */

int
priv_monitor(void)
{
	/* Root's uid and no capability but CAP_KILL: enough to forward
	 * signals to the command, which runs as another uid.  The caller can
	 * still signal us (real uid), and cannot ptrace us (not dumpable,
	 * euid 0). */
	capng_clear(CAPNG_SELECT_CAPS);
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_KILL);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return -EPERM;
	return caps_are(1ull << CAP_KILL, 1ull << CAP_KILL);
}

int
priv_drop(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
	  int userns_fd)
{
	/* Groups first, in the initial user namespace: inside a user
	 * namespace that maps only the target ids they could not be set. */
	if (setgroups(n_groups, groups) < 0)
		return -errno;
	if (userns_fd >= 0 && setns(userns_fd, CLONE_NEWUSER) < 0)
		return -errno;
	capng_clear(CAPNG_SELECT_ALL);
	/* Joining a user namespace gives a full bounding set in it again:
	 * only then is there one to empty. */
	if (capng_change_id((int)uid, (int)gid, (capng_flags_t)
			    (CAPNG_CLEAR_AMBIENT | (userns_fd >= 0 ?
						    CAPNG_CLEAR_BOUNDING : 0)))
	    < 0)
		return -EPERM;
	return priv_verify(uid, gid);
}

int
priv_to_caller(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	capng_clear(CAPNG_SELECT_ALL);
	if (capng_change_id((int)uid, (int)gid, CAPNG_CLEAR_AMBIENT) < 0)
		return -EPERM;
	return priv_verify(uid, gid);
}
