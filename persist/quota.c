// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-uid cap on persisted sets (maxSetsPerUser), and when a set was
 * last used.  Each set is a root-owned holder process that outlives the
 * launches: without a cap, one tenant could fill the process table with
 * them (issue 10).  A new set past the cap retires the tenant's least
 * recently used idle set (no process left in it); if every set is in use,
 * the launch is refused.  "Used" is the mtime of the set's lock file,
 * touched when a launch's command ends (persist_note_used, lifecycle.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "persist.h"
#include "sysutil.h"

struct set_use {
	struct record rec;
	struct timespec used;	/* the lock file's mtime */
};

static int
by_use(const void *a, const void *b)
{
	const struct timespec *x = &((const struct set_use *)a)->used;
	const struct timespec *y = &((const struct set_use *)b)->used;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* The set of @vhost ("" for the server level) if its holder is alive. */
static bool
read_set(const char *pdir, uid_t uid, const char *vhost, struct set_use *u)
{
	struct store s;
	struct stat st;
	bool live = false;

	if (store_open(pdir, uid, vhost, false, &s, NULL) < 0)
		return false;
	if (record_read(&s, &u->rec) == 0 && persist_holder_alive(&u->rec)) {
		live = true;
		u->used = fstatat(s.dir, "lock", &st, AT_SYMLINK_NOFOLLOW) ?
			(struct timespec){ u->rec.built, 0 } : st.st_mtim;
	}
	store_close(&s);
	return live;
}

/* Every live set of @uid (@dirfd: its store directory, readable). */
static size_t
list_sets(const char *pdir, uid_t uid, int dirfd, struct set_use **out)
{
	DIR *d = fdopendir(dirfd);
	struct set_use *v = calloc(CONF_MAX_SETS_LIMIT + 1, sizeof(*v));
	struct dirent *e;
	size_t n = 0;

	*out = v;
	if (!d || !v) {
		if (d)
			closedir(d);
		else
			close(dirfd);
		return 0;
	}
	if (read_set(pdir, uid, "", &v[n]))
		n++;
	while ((e = readdir(d)) && n < CONF_MAX_SETS_LIMIT) {
		if ((e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) &&
		    conf_vhost_name_ok(e->d_name) &&
		    read_set(pdir, uid, e->d_name, &v[n]))
			n++;
	}
	closedir(d);
	return n;
}

/* Retire @u's set if it is still that set, unlocked and idle. */
static bool
retire_idle(const char *pdir, const struct set_use *u)
{
	return persist_retire_idle(pdir, &u->rec, 0) == 0;
}

int
persist_make_room(const char *pdir, uid_t uid, const char *vhost,
		  unsigned max, int *uid_lock, struct ns_err *err)
{
	struct set_use *v = NULL;
	struct store s;
	size_t n, over, i;
	int r, fd;

	*uid_lock = -1;
	if (!max)
		return 0;
	r = store_open(pdir, uid, "", true, &s, err);
	if (r < 0)
		return r;
	/* One new set of this uid at a time past this point: the lock is
	 * held until the new set is published (persist_acquire). */
	fd = openat(s.dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	store_close(&s);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return ns_err_set(err, NULL, -r, "locking the sets of uid %u: %s",
			       (unsigned)uid, strerror(-r));
	}
	*uid_lock = fd;
	n = list_sets(pdir, uid, fcntl(fd, F_DUPFD_CLOEXEC, 3), &v);
	/* This set itself may be there, stale: rebuilding it adds none. */
	for (i = 0; i < n; i++)
		if (!strcmp(v[i].rec.vhost, vhost))
			n = 0;
	over = n >= max ? n - max + 1 : 0;
	qsort(v, n, sizeof(*v), by_use);
	for (i = 0; i < n && over; i++)
		over -= retire_idle(pdir, &v[i]);
	free(v);
	if (over)
		return ns_err_set(err, NULL, EUSERS, "uid %u has %zu persisted sets, "
			       "maxSetsPerUser is %u, and none is idle: "
			       "retire one with unmount_ns", (unsigned)uid, n,
			       max);
	return 0;
}

