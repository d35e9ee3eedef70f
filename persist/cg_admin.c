// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Around the tenant's cgroup: its usage and removal (unmount_ns), and
 * maxEntryProcesses, the cap on a tenant's concurrent launches (LVE's
 * "EP"): PERSISTDIR/cgroup/UID.ep, one byte-range lock (an open file
 * description lock) per running launch.  The kernel drops a lock when the
 * launch's monitor exits, however it exits: no count to leak.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cg_int.h"
#include "sysutil.h"

/* --------------------------------------------------------------- usage --- */

/* The number in @file, or after "@key " at the start of one of its
 * lines (cpu.stat); -1 when there is none. */
static int64_t
read_num(int dir, const char *file, const char *key)
{
	char buf[4096], *line, *save = NULL;
	size_t n = key ? strlen(key) : 0;

	if (dir < 0 || read_small_at(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *v = line;

		if (key && (strncmp(line, key, n) || line[n] != ' '))
			continue;
		v += key ? n + 1 : 0;
		return isdigit((unsigned char)*v) ? strtoll(v, NULL, 10) : -1;
	}
	return -1;
}

int
cg_usage(const struct cg_request *rq, struct cg_usage *u)
{
	char path[CG_PATH_MAX + 300];
	struct cg_plan p;
	int r;

	u->memory = u->tasks = u->cpu_usec = -1;
	r = cg_make_plan(rq, &p, NULL);
	if (r < 0)
		return r;
	if (p.kind != CG_V1) {
		cleanup_fd int d = -1;

		snprintf(path, sizeof(path), CG_MNT "/%s", p.rel);
		d = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (d < 0)
			return -errno;
		u->memory = read_num(d, "memory.current", NULL);
		u->tasks = read_num(d, "pids.current", NULL);
		u->cpu_usec = read_num(d, "cpu.stat", "usage_usec");
		return 0;
	}
	for (size_t i = 0; i < p.nh; i++) {
		cleanup_fd int d = -1;
		int64_t ns;

		snprintf(path, sizeof(path), "%s/%s", p.h[i].mnt, p.rel);
		d = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (p.h[i].ctrl & CGC_MEMORY)
			u->memory = read_num(d, "memory.usage_in_bytes", NULL);
		if (p.h[i].ctrl & CGC_PIDS)
			u->tasks = read_num(d, "pids.current", NULL);
		if ((p.h[i].ctrl & CGC_CPUACCT) &&
		    (ns = read_num(d, "cpuacct.usage", NULL)) >= 0)
			u->cpu_usec = ns / 1000;
	}
	return 0;
}

/* -------------------------------------------------------------- remove --- */

static int
rm_dir(const char *top, const char *rel)
{
	char path[CG_PATH_MAX + 300];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if (rmdir(path) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

int
cg_remove(const struct cg_request *rq, struct ns_err *err)
{
	char name[32];
	struct cg_plan p;
	cleanup_fd int fd = -1;
	int r, removed = 0;

	r = cg_make_plan(rq, &p, err);
	if (r < 0)
		return r;
	fd = cg_open_state(rq->persist_dir, rq->uid, O_RDWR);
	if (fd == -ENOENT)
		return 0;	/* not one of nscell's */
	if (fd < 0)
		return ns_err_set(err, NULL, -fd, "cgroups: the record of uid "
				  "%u: %s", (unsigned)rq->uid, strerror(-fd));
	/* A launch placing a process holds it shared: not now, then. */
	if (cg_flock_wait(fd, LOCK_EX, 2000) < 0)
		return 0;
	if (p.kind == CG_SYSTEMD) {
		char path[CG_PATH_MAX + 32];

		/* systemd removes an empty scope itself. */
		snprintf(path, sizeof(path), CG_MNT "/%s", p.rel);
		if (access(path, F_OK) == 0)
			return 0;
	} else if (p.kind == CG_V2) {
		r = rm_dir(CG_MNT, p.rel);
		if (r < 0)
			return r == -EBUSY ? 0 : r;
		removed = r;
	} else {
		for (size_t i = 0; i < p.nh; i++) {
			r = rm_dir(p.h[i].mnt, p.rel);
			if (r == -EBUSY)
				return removed;
			if (r < 0)
				return ns_err_set(err, NULL, -r, "cgroups: "
						  "rmdir %s/%s: %s", p.h[i].mnt,
						  p.rel, strerror(-r));
			removed |= r;
		}
	}
	/* Whoever still has the record open sees it changed. */
	if (ftruncate(fd, 0) == 0) {
		int dir = cg_state_dir(rq->persist_dir, false);

		snprintf(name, sizeof(name), "%u", (unsigned)rq->uid);
		if (dir >= 0) {
			unlinkat(dir, name, 0);
			close(dir);
		}
	}
	return removed;
}

int
cg_tenants(const char *persist_dir, uid_t **uids, size_t *n)
{
	char path[4200];
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*uids = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/%s", persist_dir, CG_STATE_DIR);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) ||
		    strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		if (*n == cap) {
			uid_t *nu = realloc(*uids, (cap ? cap * 2 : 64) *
					    sizeof(*nu));

			if (!nu) {
				closedir(d);
				return -ENOMEM;
			}
			*uids = nu;
			cap = cap ? cap * 2 : 64;
		}
		(*uids)[(*n)++] = (uid_t)strtoul(e->d_name, NULL, 10);
	}
	closedir(d);
	return 0;
}

/* -------------------------------------------------------- entry slots --- */

static bool
take_slot(int fd, unsigned max)
{
	for (unsigned i = 0; i < max; i++) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
				    .l_start = i, .l_len = 1 };

		if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
			return true;
	}
	return false;
}

int
cg_entry(const char *persist_dir, uid_t uid, unsigned max, unsigned wait_ms,
	 int *out, struct ns_err *err)
{
	char name[32];
	struct timespec t0, tick = { 0, 10000000 };
	int dir, fd;

	*out = -1;
	dir = cg_state_dir(persist_dir, true);
	if (dir < 0)
		return ns_err_set(err, NULL, -dir, "maxEntryProcesses: %s/%s: %s",
				  persist_dir, CG_STATE_DIR, strerror(-dir));
	snprintf(name, sizeof(name), "%u.ep", (unsigned)uid);
	fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		fd = -errno;
	close(dir);
	if (fd < 0)
		return ns_err_set(err, NULL, -fd, "maxEntryProcesses: %s/%s/%s: "
				  "%s", persist_dir, CG_STATE_DIR, name,
				  strerror(-fd));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!take_slot(fd, max)) {
		if (ms_since(&t0) >= (long)wait_ms) {
			close(fd);
			return ns_err_set(err, NULL, EUSERS, "uid %u already "
					  "has %u launches running "
					  "(maxEntryProcesses %u), and none "
					  "ended within %u s", (unsigned)uid,
					  max, max, wait_ms / 1000);
		}
		nanosleep(&tick, NULL);
	}
	*out = fd;
	return 0;
}
