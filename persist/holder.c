// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The holder: pid 1 of a new sandbox.  As root (in the initial user
 * namespace) it makes its mount tree private, mounts a private base tmpfs
 * on /tmp, pivots into it with the host's root at /oldroot, builds the
 * sandbox's root tmpfs at /newroot by applying the ops strictly in order,
 * remounts that root read-only, detaches /oldroot and pivots into
 * /newroot.  Then it reports to the builder (build.c), drops every
 * capability, closes every fd and only reaps orphans: a pid namespace dies
 * with its pid 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "holder.h"
#include <sys/mount.h>
#include "mounts.h"
#include "mounts_int.h"
#include "paths.h"
#include "priv.h"
#include "sysutil.h"
#include "testing.h"

#define BASE_SIZE	"64m"
#define ROOT_SIZE	"16m"

static void
trace_op(const struct build_ctx *c, const struct tmpl_op *op, int r,
	 const char *why)
{
	const struct sandbox_spec *spec = c->spec;
	char line[8300], how[4200], out[12600];
	int n;

	if (c->trace < 0)
		return;
	tmpl_op_format(op, line, sizeof(line));
	if (r <= 0)
		snprintf(how, sizeof(how), "skipped: %s", why);
	else if (c->resolved[0] && op->src && strcmp(c->resolved, op->src))
		snprintf(how, sizeof(how), "done (source %s)", c->resolved);
	else
		snprintf(how, sizeof(how), "done");
	/* One write per line: the builder routes it by its first byte. */
	if (spec->verbose_fd >= 0) {
		n = snprintf(out, sizeof(out), "vnscell: %s:%u: %s: %s\n",
			     op->pos.file, op->pos.line, line, how);
		write_all(c->trace, out, (size_t)n < sizeof(out) ? (size_t)n :
			  sizeof(out) - 1);
	}
	if (spec->debug_fd >= 0 && spec->debug_fd != spec->verbose_fd) {
		n = snprintf(out, sizeof(out), "dnscell[%d]: op %s:%u: %s: "
			     "%s\n", (int)getpid(), op->pos.file, op->pos.line,
			     line, how);
		write_all(c->trace, out, (size_t)n < sizeof(out) ? (size_t)n :
			  sizeof(out) - 1);
	}
}

static void
pre_close(struct build_ctx *c)
{
	for (size_t i = 0; i < c->pre_n; i++) {
		if (c->pre[i] >= 0)
			close(c->pre[i]);
	}
	c->pre_n = 0;
}

/* The sources of the next ops, opened as the user with one fsuid switch
 * for the batch instead of two per op (each switch is a credential
 * commit).  Ops apply strictly in file order, so a batch never reaches
 * past an op that changes the host's tree (tmp creates its directory
 * there): a later op's source may be what it made. */
static void
pre_open(struct build_ctx *c, size_t first)
{
	const struct tmpl *t = c->spec->ops;
	const char *paths[MNT_PRE_BATCH];
	size_t n = 0;

	pre_close(c);
	for (; n < MNT_PRE_BATCH && first + n < t->n; n++) {
		if (n && mounts_changes_host(&t->ops[first + n - 1]))
			break;
		paths[n] = mounts_source(&t->ops[first + n]);
	}
	c->pre_first = first;
	c->pre_n = path_open_sources(c->oldroot, paths, n, &c->spec->id,
				     c->pre);
}

static int
apply_ops(struct build_ctx *c, struct ns_err *err)
{
	const struct tmpl *t = c->spec->ops;
	size_t next_batch = 0;
	int r = 0;

	for (size_t i = 0; i < t->n && r == 0; i++) {
		const struct tmpl_op *op = &t->ops[i];
		struct ns_err e = { .code = 0 };
		const char *why;
		char line[8300];

		/* An op the batch stopped at opens its source itself. */
		if (i == next_batch) {
			pre_open(c, i);
			next_batch = i + (c->pre_n ? c->pre_n : 1);
		}
		c->cur = i;
		r = mounts_apply(c, op, &why, &e);
		/* The op's fsuid switches cleared the death signal. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

		if (r >= 0) {
			trace_op(c, op, r, why ? why : "");
			if (i == t->n / 2)
				kill_point("holder-mid-build");
			r = 0;
			continue;
		}
		tmpl_op_format(op, line, sizeof(line));
		r = ns_err_set(err, &op->pos, -r, "%s: %s", line,
				e.msg[0] ? e.msg : strerror(-r));
	}
	pre_close(c);
	mounts_drop_parent(c);
	return r;
}

/* A new nosuid, nodev tmpfs configured by @kv, mounted on @at. */
static int
attach_tmpfs(int at, const char *const *kv)
{
	int m = mnt_new_fs("tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	int r = m < 0 ? m : mnt_attach(m, at);

	if (m >= 0)
		close(m);
	return r;
}

/* The private base: /tmp of this mount namespace becomes a tmpfs holding
 * newroot/, oldroot/ and scratch/ (generated files, never visible). */
static int
make_base(void)
{
	const char *kv[] = { "mode", "0755", "size", BASE_SIZE, NULL };
	const char *rkv[] = { "mode", "0755", "size", ROOT_SIZE,
			      "nr_inodes", "65536", NULL };
	cleanup_fd int tmp = -1;
	cleanup_fd int nr = -1;
	int r, fd;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	tmp = open("/tmp", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tmp < 0)
		return -errno;
	r = attach_tmpfs(tmp, kv);
	if (r < 0 || chdir("/tmp") < 0)
		return r < 0 ? r : -errno;
	if (mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0 ||
	    mkdir("scratch", 0700) < 0 || mkdir("scratch/empty", 0755) < 0)
		return -errno;
	fd = open("scratch/emptyfile", O_WRONLY | O_CREAT | O_EXCL |
		  O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	close(fd);
	nr = open("newroot", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nr < 0)
		return -errno;
	r = attach_tmpfs(nr, rkv);
	if (r < 0)
		return r;
	if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

static int
open_ctx(struct build_ctx *c)
{
	struct stat st;

	c->oldroot = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	c->newroot = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	c->scratch = open("/scratch", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->oldroot < 0 || c->newroot < 0 || c->scratch < 0)
		return -errno;
	if (fstat(c->newroot, &st) < 0)
		return -errno;
	c->root_dev = st.st_dev;
	return 0;
}

/* The persist store must never be reachable from a sandbox: if a template
 * bound its parent (`/var,ro-bind`), cover it with an empty read-only
 * directory, like an exclude. */
static int
mask_persist_dir(struct build_ctx *c, struct ns_err *err)
{
	struct tmpl_op op = { .kind = TMPL_HIDE,
			      .dest = (char *)c->spec->persist_dir };
	struct ns_err e = { .code = 0 };
	const char *why;
	int r = op_hide(c, &op, &why, &e);

	/* Behind a symlink the path is not where the store is. */
	if (r < 0 && r != -ELOOP)
		return ns_err_set(err, NULL, -r, "cannot mask %s in the sandbox: %s",
			       c->spec->persist_dir, strerror(-r));
	return 0;
}

/* Seal the root read-only, forget the host, and pivot into the sandbox. */
static int
enter_newroot(struct build_ctx *c)
{
	int r = mnt_set_attr(c->newroot, MOUNT_ATTR_RDONLY, false);

	if (r < 0)
		return r;
	if (umount2("/oldroot", MNT_DETACH) < 0 || fchdir(c->newroot) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

static int
build_tree(const struct sandbox_spec *spec, int trace, struct ns_err *err)
{
	struct build_ctx c = { .spec = spec, .trace = trace, .oldroot = -1,
			       .newroot = -1, .scratch = -1, .parent_fd = -1 };
	int r;

	r = make_base();
	if (r < 0)
		return ns_err_set(err, NULL, -r, "cannot set up the sandbox root: %s",
			       strerror(-r));
	r = open_ctx(&c);
	if (r == 0)
		r = apply_ops(&c, err);
	if (r == 0)
		r = mask_persist_dir(&c, err);
	if (r == 0) {
		r = enter_newroot(&c);
		if (r < 0)
			ns_err_set(err, NULL, -r, "cannot enter the sandbox root: %s",
				strerror(-r));
	}
	close_fd(&c.oldroot);
	close_fd(&c.newroot);
	close_fd(&c.scratch);
	return r;
}

/* Is pid 1 alone in its namespace?  kill(-1) reaches every process but
 * itself; with no capability left it may signal none of the user's, so
 * EPERM means "somebody is there" and ESRCH "nobody". */
static bool
alone(void)
{
	return kill(-1, 0) < 0 && errno == ESRCH;
}

/* No capabilities, no new privileges, no fds but the one that keeps the
 * user namespace alive (as fd 0) and the set's store directory (as fd 1,
 * by which unmount_ns tells whose set this is once no record names it,
 * persist/lifecycle.c): what is left can only reap.  A retired
 * holder (SIGTERM: a newer set replaced it, or unmount_ns) exits as soon as
 * no process is left in its pid namespace, so running commands keep their
 * sandbox and nothing lingers after them. */
static void
holder_reap(bool keep_userns, int store)
{
	struct timespec poll_ts = { 1, 0 };
	bool retired = false;
	sigset_t set;

	/* No_new_privs and an empty bounding set since nscell started. */
	if (priv_holder_reap() < 0)
		_exit(1);
	if (store >= 0 && store != 1 && dup2(store, 1) != 1)
		_exit(1);
	close_fds_from(store >= 0 ? 2 : 1);
	if (!keep_userns)
		close(0);
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		siginfo_t si;
		int sig = sigtimedwait(&set, &si, retired ? &poll_ts : NULL);

		if (sig == SIGTERM)
			retired = true;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (retired && alone())
			_exit(0);
	}
}

/* Take the user namespace the builder made meanwhile (if the set has one)
 * as fd 0, where a join looks for it, before the set is published; wait
 * for the builder to publish the set, stop dying with it, and say so:
 * until the builder has read that, it must not exit (its exit would still
 * kill us). */
static bool
committed(int commit, bool userns)
{
	char c;

	if (userns) {
		int fd = recv_fd(commit, 'u');

		if (fd < 0 || dup2(fd, 0) != 0)
			return false;
		close(fd);
	}
	return read_all(commit, &c, 1) == 1 &&
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) == 0 &&
		send(commit, "a", 1, MSG_NOSIGNAL) == 1;
}

/* Root in all ids with the named capabilities (priv.c); its name,
 * "nsh:UID", binds the process to the user it serves: a join checks it
 * (persist.c). */
static int
holder_identity(uid_t uid)
{
	char name[16];
	int r = priv_holder();

	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "nsh:%u", (unsigned)uid);
	return prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* Become the holder: armed to die with the builder, out of the caller's
 * session and process group (terminal and process-group signals are not
 * for it), root in all ids, the target's groups (so that permission checks
 * made as the user, with its fsuid, see the user's groups, not the
 * caller's). */
static int
holder_setup(const struct sandbox_spec *spec, struct ns_err *err)
{
	if (setsid() < 0)
		return ns_err_set(err, NULL, errno, "holder: setsid: %s",
				  strerror(errno));
	if (holder_identity(spec->id.uid) < 0)
		return ns_err_set(err, NULL, EPERM, "holder: cannot become "
				  "root in all ids");
	umask(0);
	if (setgroups(spec->id.n_groups, spec->id.groups) < 0)
		return ns_err_set(err, NULL, errno, "holder: setgroups: %s",
				  strerror(errno));
	return 0;
}

void
holder_main(const struct sandbox_spec *spec, const struct holder_fds *f)
{
	struct ns_err err = { .code = 0 };
	int r, trace = f->trace;

	/* Nobody to report to once the builder is gone. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    pidfd_exited(f->parent))
		_exit(1);
	/* In the tenant's cgroup before anything else (cgroup v1; on v2
	 * clone3 placed it). */
	r = cg_join(spec->cg, &err);
	if (r == 0)
		r = holder_setup(spec, &err);
	if (r == 0)
		r = build_tree(spec, trace, &err);
	close_fd(&trace);
	/* Every setfsuid() of the build cleared the death signal (any
	 * credential change does): arm it again, then look whether the
	 * builder died meanwhile. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    pidfd_exited(f->parent))
		_exit(1);
	close(f->parent);
	kill_point("holder-built");
	/* Every failure is reported, as what it is: the builder prints it. */
	if (write_all(f->status, &err, sizeof(err)) < 0 || r < 0)
		_exit(1);
	if (f->commit >= 0 && !committed(f->commit, spec->userns))
		_exit(1);
	holder_reap(f->commit >= 0 && spec->userns,
		    f->commit >= 0 ? spec->store_dir : -1);
	_exit(0);
}
