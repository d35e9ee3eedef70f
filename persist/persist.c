// SPDX-License-Identifier: GPL-2.0-or-later
/* Join or build a persisted set; see persist.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "persist.h"
#include "sysutil.h"
#include "testing.h"

/* The pidfd ioctls of Linux 6.11 (linux/pidfd.h, newer than Debian 12's
 * headers): a namespace of the process behind a pidfd, without a /proc
 * path walk. */
#define PIDFS_IOCTL_MAGIC		0xFF
#define PIDFD_GET_CGROUP_NAMESPACE	_IO(PIDFS_IOCTL_MAGIC, 1)
#define PIDFD_GET_IPC_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 2)
#define PIDFD_GET_MNT_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 3)
#define PIDFD_GET_PID_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 5)
#define PIDFD_GET_USER_NAMESPACE	_IO(PIDFS_IOCTL_MAGIC, 9)
#define PIDFD_GET_UTS_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 10)

static const struct {
	const char *path;	/* under /proc/<holder>/ */
	int type;
	unsigned long req;	/* its pidfd ioctl (not NS_USER: fd 0) */
} ns_files[NS_COUNT] = {
	[NS_MNT] = { "ns/mnt", CLONE_NEWNS, PIDFD_GET_MNT_NAMESPACE },
	[NS_PID] = { "ns/pid", CLONE_NEWPID, PIDFD_GET_PID_NAMESPACE },
	[NS_IPC] = { "ns/ipc", CLONE_NEWIPC, PIDFD_GET_IPC_NAMESPACE },
	[NS_UTS] = { "ns/uts", CLONE_NEWUTS, PIDFD_GET_UTS_NAMESPACE },
	[NS_CGROUP] = { "ns/cgroup", CLONE_NEWCGROUP,
			PIDFD_GET_CGROUP_NAMESPACE },
	[NS_USER] = { "fd/0", CLONE_NEWUSER, 0 },
};

/* The namespace's owning user namespace is the one we run in (nscell runs
 * in the initial user namespace, refusing otherwise would be the caller's
 * problem to explain). */
static int
owned_by_init(int fd, const struct stat *init)
{
	struct stat a;
	int u = ioctl(fd, NS_GET_USERNS);
	int r = -ESTALE;

	if (u < 0)
		return -ESTALE;
	if (fstat(u, &a) == 0 && a.st_ino == init->st_ino &&
	    a.st_dev == init->st_dev)
		r = 0;
	close(u);
	return r;
}

/* @typed: the fd came from a pidfd namespace ioctl, so the kernel says
 * it is a namespace of that type; anything else is checked for it. */
static int
verify_ns(int fd, int i, const struct record *r, const struct stat *init,
	  bool typed)
{
	struct statfs sf;
	struct stat st;
	uid_t owner;

	if (!typed && (fstatfs(fd, &sf) < 0 || sf.f_type != NSFS_MAGIC ||
		       ioctl(fd, NS_GET_NSTYPE) != ns_files[i].type))
		return -ESTALE;
	if (fstat(fd, &st) < 0 || st.st_ino != r->ino[i] ||
	    st.st_dev != r->nsdev)
		return -ESTALE;
	/* Our user namespaces are created by root, and everything else
	 * belongs to the initial user namespace, as the builder made it. */
	if (i == NS_USER && (ioctl(fd, NS_GET_OWNER_UID, &owner) < 0 ||
			     owner != 0))
		return -ESTALE;
	return owned_by_init(fd, init);
}

/* The holder names itself "nsh:UID" (holder.c): a record that points at
 * another user's holder, even one whose inodes it copied, is refused. */
static bool
holder_serves(const struct record *r)
{
	char path[64], want[32], have[32];
	cleanup_fd int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)r->holder);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read_all(fd, have, sizeof(have) - 1);
	if (n <= 0)
		return false;
	have[n] = '\0';
	snprintf(want, sizeof(want), "nsh:%u\n", (unsigned)r->uid);
	return !strcmp(have, want);
}

/* The holder's namespaces through its pidfd (Linux 6.11; fd 0 with
 * pidfd_getfd, which Yama's ptrace_scope 3 refuses even to root): fds
 * that are certainly that process's.  -1 when any cannot be had so. */
static int
open_by_pidfd(int pidfd, int n, struct nsset *ns)
{
	for (int i = 0; i < n; i++) {
		ns->fd[i] = i == NS_USER ?
			(int)syscall(SYS_pidfd_getfd, pidfd, 0, 0) :
			ioctl(pidfd, ns_files[i].req, 0);
		if (ns->fd[i] < 0) {
			nsset_close(ns);
			return -1;
		}
	}
	return 0;
}

/* The same through /proc/PID: every file is opened first, and the caller
 * then checks that the pid is still the holder it opened as a pidfd. */
static int
open_by_proc(pid_t pid, int n, struct nsset *ns)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid,
			 ns_files[i].path);
		/* O_NONBLOCK: whatever the pid's fd 0 is now (a FIFO, if the
		 * pid is no longer a holder), opening it must not wait. */
		ns->fd[i] = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
				 O_CLOEXEC);
		if (ns->fd[i] < 0) {
			nsset_close(ns);
			return -ESTALE;
		}
	}
	return 0;
}

/* Our own user namespace (the initial one, or a container's), through a
 * pidfd of ourselves where the kernel can, else through /proc/self. */
static int
own_userns(struct stat *st)
{
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	int fd = self < 0 ? -1 : ioctl(self, PIDFD_GET_USER_NAMESPACE, 0);
	int r = fd >= 0 ? fstat(fd, st) :
		stat("/proc/self/ns/user", st);

	if (fd >= 0)
		close(fd);
	if (self >= 0)
		close(self);
	return r < 0 ? -ESTALE : 0;
}

int
persist_open_record(const struct record *r, struct nsset *ns)
{
	struct stat init;	/* our user namespace: the initial one */
	int n = r->userns ? NS_COUNT : NS_USER, rc = 0;
	bool typed;
	int pidfd;

	nsset_init(ns);
	if (own_userns(&init) < 0)
		return -ESTALE;
	/* The pidfd pins the process: what it yields is the holder's, and
	 * while it has not exited, /proc/PID is that process too. */
	pidfd = (int)syscall(SYS_pidfd_open, r->holder, 0);
	if (pidfd < 0)
		return -ESTALE;
	rc = testing_old_kernel() ? -1 : open_by_pidfd(pidfd, n, ns);
	typed = rc == 0;
	if (rc < 0)	/* an older kernel, or a dead holder: /proc tells */
		rc = open_by_proc(r->holder, n, ns);
	for (int j = 0; rc == 0 && j < n; j++) {
		if (verify_ns(ns->fd[j], j, r, &init,
			      typed && j != NS_USER) < 0)
			rc = -ESTALE;
	}
	if (rc == 0 && !(holder_serves(r) && !pidfd_exited(pidfd)))
		rc = -ESTALE;
	close(pidfd);
	if (rc < 0) {
		nsset_close(ns);
		return -ESTALE;
	}
	ns->holder = r->holder;
	return 0;
}

/* One source's identity: a bind shows its source live, so only a new
 * inode (a file or socket replaced by rename, a restarted server's socket)
 * makes the set stale; a copy froze the content, so size and mtime count
 * too. */
static uint64_t
source_identity(const struct tmpl_op *op, uint64_t h)
{
	struct stat st;
	uint64_t v[5] = { 0 };

	if (stat(op->src, &st) == 0) {
		v[0] = 1;
		v[1] = st.st_dev;
		v[2] = st.st_ino;
		if (op->kind == TMPL_COPY) {
			v[3] = (uint64_t)st.st_size;
			v[4] = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
				(uint64_t)st.st_mtim.tv_nsec;
		}
	}
	h = tmpl_hash_bytes(h, op->src, strlen(op->src) + 1);
	return tmpl_hash_bytes(h, v, sizeof(v));
}

int
persist_source_hash(const struct tmpl *t, const struct sandbox_ident *id,
		    uint64_t *out, struct ns_err *err)
{
	uint64_t h = *out;

	/* As the user: nothing the user could not stat is even looked at
	 * (an unreachable source hashes like a missing one). */
	if (fs_as_user(id->uid, id->gid) < 0) {
		fs_as_root();
		return ns_err_set(err, NULL, EPERM, "cannot check the bound "
				  "sources as uid %u", (unsigned)id->uid);
	}
	for (size_t i = 0; i < t->n; i++) {
		enum tmpl_kind k = t->ops[i].kind;

		if (k == TMPL_BIND || k == TMPL_RO_BIND || k == TMPL_DEV_BIND ||
		    k == TMPL_COPY)
			h = source_identity(&t->ops[i], h);
	}
	fs_as_root();
	*out = h;
	return 0;
}

uint64_t
persist_group_stamp(void)
{
	struct stat st;
	uint64_t v[3] = { 0 };

	if (stat("/etc/group", &st) == 0) {
		v[0] = st.st_ino;
		v[1] = (uint64_t)st.st_size;
		v[2] = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
			(uint64_t)st.st_mtim.tv_nsec;
	}
	return tmpl_hash_bytes(TMPL_HASH_INIT, v, sizeof(v)) | 1;
}

int
persist_peek(const char *persist_dir, uid_t uid, const char *vhost,
	     struct record *r, struct sc_bpf *filter)
{
	struct store s;
	int rc;

	rc = store_open(persist_dir, uid, vhost, false, &s, NULL);
	if (rc < 0)
		return rc;
	rc = record_read(&s, r);
	if (rc == 0 && filter)
		filter_read(s.dir, r->hash, r->instance, filter);
	store_close(&s);
	return rc < 0 ? rc : (r->uid == uid ? 0 : -ESTALE);
}

void
persist_refresh_groups(const char *persist_dir, const struct record *seen,
		       const gid_t *groups, size_t n, uint64_t stamp)
{
	struct store s;
	struct record r;

	if (n > RECORD_MAX_GROUPS || store_open(persist_dir, seen->uid,
						seen->vhost, false, &s,
						NULL) < 0)
		return;
	/* Only the set that was joined, and never waiting for a build. */
	if (store_lock(&s, 0) == 0 && record_read(&s, &r) == 0 &&
	    r.instance == seen->instance && r.holder == seen->holder) {
		r.group_stamp = stamp;
		r.n_groups = n;
		memcpy(r.groups, groups, n * sizeof(gid_t));
		record_write(&s, &r);
	}
	store_close(&s);
}

int
persist_cached_groups(const struct record *r, uint64_t stamp,
		      gid_t **groups, size_t *n)
{
	if (r->group_stamp != stamp)
		return -ESTALE;
	*groups = malloc((r->n_groups + 1) * sizeof(gid_t));
	if (!*groups)
		return -ENOMEM;
	memcpy(*groups, r->groups, r->n_groups * sizeof(gid_t));
	*n = r->n_groups;
	return 0;
}

bool
persist_reload_requested(const struct sandbox_ident *id)
{
	cleanup_fd int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_fd int home = -1;
	bool asked = false;

	if (!id->home || root < 0)
		return false;
	home = path_open_source(root, id->home, id, NULL);
	if (home < 0)
		return false;
	/* unlinkat() never follows the name: a symlink called .lsns_reload
	 * is removed itself, and only the user's own permissions apply. */
	if (fs_as_user(id->uid, id->gid) == 0)
		asked = unlinkat(home, ".lsns_reload", 0) == 0;
	fs_as_root();
	return asked;
}

/* A pidfd for the record's holder, checked to still be that holder. */
static int
holder_pidfd(const struct record *r)
{
	char path[64];
	struct stat st;
	int pfd = (int)syscall(SYS_pidfd_open, r->holder, 0);

	if (pfd < 0)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)r->holder);
	if (stat(path, &st) < 0 || st.st_ino != r->ino[NS_PID] ||
	    st.st_dev != r->nsdev) {
		close(pfd);
		return -ESRCH;
	}
	return pfd;
}

int
persist_retire(const struct record *r, bool kill_it)
{
	int pfd = holder_pidfd(r), rc = 0;

	if (pfd < 0)
		return pfd == -ESRCH ? 0 : pfd;
	if (syscall(SYS_pidfd_send_signal, pfd, kill_it ? SIGKILL : SIGTERM,
		    NULL, 0) < 0 && errno != ESRCH)
		rc = -errno;
	close(pfd);
	return rc;
}
