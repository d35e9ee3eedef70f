// SPDX-License-Identifier: GPL-2.0-or-later
/* The persist store; see store.h for the layout and the MUST rules. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "store.h"
#include "sysutil.h"

#define RECORD_MAX 8192

static const char *const ns_keys[NS_COUNT] = {
	[NS_MNT] = "mnt", [NS_PID] = "pid", [NS_IPC] = "ipc",
	[NS_UTS] = "uts", [NS_CGROUP] = "cgroup", [NS_USER] = "user",
};

static int
mkdir_open(int cur, const char *comp, mode_t mode)
{
	int fd;

	if (mkdirat(cur, comp, mode) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int
store_mkdirs(int rootfd, const char *path, mode_t mode)
{
	char comp[256];
	const char *p = path;
	int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);

	if (cur < 0)
		return -errno;
	for (;;) {
		const char *e;
		int next;

		while (*p == '/')
			p++;
		if (!*p)
			return cur;
		e = strchrnul(p, '/');
		if ((size_t)(e - p) >= sizeof(comp)) {
			close(cur);
			return -ENAMETOOLONG;
		}
		memcpy(comp, p, (size_t)(e - p));
		comp[e - p] = '\0';
		p = e;
		next = mkdir_open(cur, comp, mode);
		close(cur);
		if (next < 0)
			return next;
		cur = next;
	}
}

static int
check_root_dir(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return 0;
}

static int
sub_dir(int *cur, const char *name, bool create)
{
	int next = create ? mkdir_open(*cur, name, 0700) :
		openat(*cur, name, O_PATH | O_NOFOLLOW | O_DIRECTORY |
		       O_CLOEXEC);

	if (next == -1)
		next = -errno;
	if (next < 0)
		return next;
	close(*cur);
	*cur = next;
	return check_root_dir(*cur);
}

/* One walk from / to the set's directory; *cur is its fd on success. */
static int
open_walk(int root, const char *persist_dir, const char *name,
	  const char *vhost, bool create, int *cur)
{
	int r;

	*cur = create ? store_mkdirs(root, persist_dir, 0700) :
		openat(root, persist_dir + 1, O_PATH | O_NOFOLLOW |
		       O_DIRECTORY | O_CLOEXEC);
	if (*cur == -1)
		*cur = -errno;
	r = *cur < 0 ? *cur : check_root_dir(*cur);
	if (r == 0)
		r = sub_dir(cur, name, create);
	if (r == 0 && vhost && vhost[0])
		r = sub_dir(cur, vhost, create);
	if (r < 0 && *cur >= 0)
		close(*cur);
	return r;
}

int
store_open(const char *persist_dir, uid_t uid, const char *vhost,
	   bool create, struct store *s, struct ns_err *err)
{
	char name[16];
	cleanup_fd int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int cur = -1, r, tries = 0;

	s->dir = s->lock = -1;
	if (root < 0)
		return ns_err_set(err, NULL, errno, "open /: %s", strerror(errno));
	snprintf(name, sizeof(name), "%u", (unsigned)uid);
	/* A directory removed by store_remove_set() between our mkdir and
	 * the next one (ENOENT in a deleted parent): walk again. */
	do
		r = open_walk(root, persist_dir, name, vhost, create, &cur);
	while (r == -ENOENT && create && ++tries < 8);
	if (r < 0) {
		if (r == -ENOENT && !create)
			return r;
		return ns_err_set(err, NULL, -r, "persist directory %s/%s%s%s: %s",
			       persist_dir, name, vhost && vhost[0] ? "/" : "",
			       vhost ? vhost : "", r == -EPERM ?
			       "must be root-owned and not writable by group "
			       "or others" : strerror(-r));
	}
	s->dir = cur;
	return 0;
}

void
store_close(struct store *s)
{
	close_fd(&s->lock);
	close_fd(&s->dir);
}

static void
on_tick(int sig)
{
	(void)sig;	/* only to interrupt flock() */
}

/* Wait for the lock in the kernel, which hands it over the moment it is
 * released (polling with growing sleeps woke up to 32 ms late: with 256
 * launches queued behind a build, that was the 99th percentile).  A
 * periodic timer interrupts the wait to check the time; periodic, so a
 * tick that lands just before flock() cannot leave it waiting forever.
 * SIGALRM is ours meanwhile (unblocked, caught), then restored. */
static int
lock_wait(int fd, int op, unsigned timeout_ms)
{
	struct sigaction sa = { .sa_handler = on_tick }, old_sa;
	struct itimerval tick = { { 0, 20000 }, { 0, 20000 } }, old_it;
	sigset_t alrm, old_mask;
	struct timespec t0;
	int r, e;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	sigemptyset(&sa.sa_mask);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigaction(SIGALRM, &sa, &old_sa);	/* no SA_RESTART */
	sigprocmask(SIG_UNBLOCK, &alrm, &old_mask);
	setitimer(ITIMER_REAL, &tick, &old_it);
	do {
		r = flock(fd, op);
		e = errno;
	} while (r < 0 && e == EINTR && ms_since(&t0) < (long)timeout_ms);
	setitimer(ITIMER_REAL, &old_it, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGALRM, &old_sa, NULL);
	if (r == 0)
		return 0;
	return e == EINTR ? -ETIMEDOUT : -e;
}

/* Is the lock file we hold still the set's?  store_remove_set() unlinks
 * it under the lock, so whoever was waiting on it meanwhile holds a lock
 * that excludes nobody. */
static bool
lock_current(const struct store *s)
{
	struct stat a, b;

	return fstat(s->lock, &a) == 0 && a.st_nlink > 0 &&
		fstatat(s->dir, "lock", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int
flock_once(struct store *s, int op, unsigned timeout_ms)
{
	if (s->lock < 0) {
		s->lock = openat(s->dir, "lock", O_RDWR | O_CREAT | O_NOFOLLOW |
				 O_CLOEXEC, 0600);
		if (s->lock < 0)
			return errno == ENOENT ? -ESTALE : -errno;
	}
	if (flock(s->lock, op | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK && errno != EINTR)
		return -errno;
	return timeout_ms ? lock_wait(s->lock, op, timeout_ms) : -ETIMEDOUT;
}

/* -ESTALE: the set's directory was removed meanwhile (open it again). */
static int
store_flock(struct store *s, int op, unsigned timeout_ms)
{
	for (int tries = 0; tries < 8; tries++) {
		int r = flock_once(s, op, timeout_ms);

		if (r < 0 || lock_current(s))
			return r;
		/* Removed while we waited: the directory may still be there
		 * (a launch made a new lock in it), or not (ENOENT). */
		close_fd(&s->lock);
	}
	return -ESTALE;
}

int
store_lock(struct store *s, unsigned timeout_ms)
{
	return store_flock(s, LOCK_EX, timeout_ms);
}

int
store_wait_build(struct store *s, unsigned timeout_ms)
{
	int r = store_flock(s, LOCK_SH, timeout_ms);

	if (r == 0)
		flock(s->lock, LOCK_UN);
	return r;
}

/* "groups 1001,27,100" (or "groups -") */
static int
parse_groups(struct record *r, const char *p)
{
	char *end;

	r->n_groups = 0;
	if (!strcmp(p, "-"))
		return 0;
	for (;;) {
		unsigned long g = strtoul(p, &end, 10);

		if (end == p || r->n_groups >= RECORD_MAX_GROUPS)
			return -EINVAL;
		r->groups[r->n_groups++] = (gid_t)g;
		if (*end != ',')
			return *end ? -EINVAL : 0;
		p = end + 1;
	}
}

static int
parse_line(struct record *r, const char *line)
{
	char key[16], val[300];
	unsigned long long v;

	if (!strncmp(line, "groups ", 7))
		return parse_groups(r, line + 7);
	if (sscanf(line, "%15s %299s", key, val) != 2)
		return -EINVAL;
	if (!strcmp(key, "vhost"))
		return snprintf(r->vhost, sizeof(r->vhost), "%s",
				strcmp(val, "-") ? val : "") < 0 ? -EINVAL : 0;
	v = strtoull(val, NULL, strcmp(key, "hash") && strcmp(key, "srchash")
		     && strcmp(key, "groupstamp") ? 10 : 16);
	if (!strcmp(key, "uid"))
		r->uid = (uid_t)v;
	else if (!strcmp(key, "instance"))
		r->instance = (unsigned long)v;
	else if (!strcmp(key, "built"))
		r->built = (time_t)v;
	else if (!strcmp(key, "hash"))
		r->hash = v;
	else if (!strcmp(key, "srchash"))
		r->srchash = v;
	else if (!strcmp(key, "holder"))
		r->holder = (pid_t)v;
	else if (!strcmp(key, "userns"))
		r->userns = v != 0;
	else if (!strcmp(key, "nsdev"))
		r->nsdev = (dev_t)v;
	else if (!strcmp(key, "groupstamp"))
		r->group_stamp = v;
	else
		for (int i = 0; i < NS_COUNT; i++)
			if (!strcmp(key, ns_keys[i]))
				r->ino[i] = (ino_t)v;
	return 0;
}

int
record_read(const struct store *s, struct record *r)
{
	cleanup_fd int fd = openat(s->dir, "record", O_RDONLY | O_NOFOLLOW |
				   O_CLOEXEC);
	struct stat st;
	char *buf, *line, *save = NULL;
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	rc = read_fd_all(fd, RECORD_MAX, &buf, &len);
	if (rc < 0)
		return rc;
	if (strncmp(buf, "nscell-record 1\n", 16)) {
		free(buf);
		return -EINVAL;
	}
	for (line = strtok_r(buf + 16, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save))
		rc = parse_line(r, line);
	free(buf);
	if (rc == 0 && (!r->holder || !r->ino[NS_MNT] || !r->ino[NS_PID]))
		rc = -EINVAL;
	return rc;
}

int
record_write(const struct store *s, const struct record *r)
{
	char buf[RECORD_MAX];
	cleanup_fd int fd = -1;
	int n, rc;

	n = snprintf(buf, sizeof(buf), "nscell-record 1\nuid %u\nvhost %s\n"
		     "instance %lu\nbuilt %lld\nhash %016" PRIx64 "\n"
		     "srchash %016" PRIx64 "\nholder %d\nuserns %d\n"
		     "nsdev %llu\n", (unsigned)r->uid,
		     r->vhost[0] ? r->vhost : "-", r->instance,
		     (long long)r->built, r->hash, r->srchash, (int)r->holder,
		     r->userns, (unsigned long long)r->nsdev);
	for (int i = 0; i < NS_COUNT && n > 0 && (size_t)n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s %llu\n",
			      ns_keys[i], (unsigned long long)r->ino[i]);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "groupstamp %016"
		      PRIx64 "\ngroups %s", r->group_stamp,
		      r->n_groups ? "" : "-");
	for (size_t i = 0; i < r->n_groups && (size_t)n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%u",
			      i ? "," : "", (unsigned)r->groups[i]);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\n");
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	unlinkat(s->dir, "record.new", 0);
	fd = openat(s->dir, "record.new", O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, buf, (size_t)n);
	if (rc == 0 && renameat(s->dir, "record.new", s->dir, "record") < 0)
		rc = -errno;
	return rc;
}

int
record_remove(const struct store *s)
{
	if (unlinkat(s->dir, "record", 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Try to remove an empty directory @name of @parent.  A launch that
 * created something in it meanwhile keeps it (ENOTEMPTY); one that opened
 * it before and creates in it after gets ENOENT and walks again
 * (store_open, store_flock). */
static void
rmdir_at(int parent, const char *name)
{
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* The uid's own directory, once nothing but a server-level lock file is
 * left in it: that lock is taken (without waiting) and removed first, as
 * for a set. */
static void
tidy_uid_dir(const char *persist_dir, uid_t uid)
{
	struct store s;
	struct dirent *e;
	char name[16];
	int pfd, dfd, others = 0;
	DIR *d;

	if (store_open(persist_dir, uid, "", false, &s, NULL) < 0)
		return;
	dfd = openat(s.dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "lock"))
			others++;
	}
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
	if (d && !others && store_lock(&s, 0) == 0 &&
	    faccessat(s.dir, "record", F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
	    unlinkat(s.dir, "lock", 0) == 0) {
		pfd = open(persist_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			   O_CLOEXEC);
		snprintf(name, sizeof(name), "%u", (unsigned)uid);
		if (pfd >= 0) {
			rmdir_at(pfd, name);
			close(pfd);
		}
	}
	store_close(&s);
}

int
store_remove_set(struct store *s, const char *persist_dir, uid_t uid,
		 const char *vhost)
{
	struct store up;
	int r = record_remove(s);

	if (r < 0)
		return r;
	unlinkat(s->dir, "record.new", 0);
	unlinkat(s->dir, "used", 0);	/* an older version's */
	/* The filter is bound to the record just removed (filter.h); left
	 * behind, it would keep the directories from going. */
	if (filter_remove(s->dir) < 0)
		return 0;
	/* Under the lock, which is then released: see lock_current(). */
	if (unlinkat(s->dir, "lock", 0) < 0 && errno != ENOENT)
		return 0;
	close_fd(&s->lock);
	if (vhost && vhost[0] &&
	    store_open(persist_dir, uid, "", false, &up, NULL) == 0) {
		rmdir_at(up.dir, vhost);
		store_close(&up);
	}
	tidy_uid_dir(persist_dir, uid);
	return 0;
}
