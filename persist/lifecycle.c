// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The life of persisted sets after their build: in use, idle, retired,
 * detached (persist.h).
 *
 * In use: a launch holds an OFD read lock on byte 0 of its set's lock file
 * from before it joins until its command has ended (persist_hold).  Builds
 * serialise with flock() on the same file, which OFD locks do not
 * conflict with, so a running launch never delays a rebuild.  Retiring an
 * idle set takes the write lock on that byte without waiting: it fails
 * while any launch is between its join and its end, even one whose
 * command has not started yet (no process in the set to count), so an
 * idle set is never retired under a launch that is about to use it.
 *
 * Idle: no process in the set but its holder, and last used (the lock
 * file's mtime, set when a launch's command ends) at least idleTimeout
 * ago.  Expiry retires such sets: a launch does it at most once a minute
 * (persist_expire_due), unmount_ns --expire whenever it is run.
 *
 * Detached: a holder still running that no record names: retired (a
 * newer set replaced it, or unmount_ns or expiry removed its record) but
 * with processes left, or left behind by a builder killed at the wrong
 * moment.  persist_find_holders() finds them by what only a holder is:
 * named nsh:UID, root in every id, pid 1 of a pid namespace of its own;
 * and by whose it is: one of its fds is its set's store directory (a
 * holder keeps it as fd 1, one still building has the builder's), so only
 * the holders of this persistDir are ever touched, never those of another
 * installation or test, nor one-shot sandboxes.
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

#include "config.h"
#include "persist.h"
#include "sysutil.h"

#define EXPIRE_STAMP	"expire"
#define EXPIRE_EVERY_S	60

static int
byte0(int fd, short type)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = 0, .l_len = 1 };

	return fcntl(fd, F_OFD_SETLK, &l) < 0 ? -errno : 0;
}

int
persist_hold(const char *pdir, uid_t uid, const char *vhost)
{
	char path[4200];
	struct stat st;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%u%s%s/lock", pdir,
		     (unsigned)uid, vhost[0] ? "/" : "", vhost) >=
	    (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	/* Refused while the set is being retired; unlinked once it has
	 * been: either way this launch must not join what it names. */
	if (byte0(fd, F_RDLCK) < 0 || fstat(fd, &st) < 0 || st.st_nlink == 0) {
		close(fd);
		return -2;
	}
	return fd;
}

void
persist_note_used(int fd)
{
	if (fd < 0)
		return;
	futimens(fd, NULL);
	close(fd);
}

static bool
same_set(const struct record *a, const struct record *b)
{
	return a->instance == b->instance && a->holder == b->holder &&
		a->ino[NS_PID] == b->ino[NS_PID];
}

int
persist_retire_idle(const char *pdir, const struct record *seen,
		    time_t used_before)
{
	struct record now;
	struct store s;
	struct stat st;
	int busy = 1, r = -EBUSY;

	if (store_open(pdir, seen->uid, seen->vhost, false, &s, NULL) < 0)
		return -ENOENT;
	/* No build in progress, no launch between its join and its end,
	 * still the set that was seen, not used since, and nothing in it. */
	if (store_lock(&s, 0) == 0 && byte0(s.lock, F_WRLCK) == 0 &&
	    record_read(&s, &now) == 0 && same_set(&now, seen) &&
	    (!used_before || (fstat(s.lock, &st) == 0 &&
			      st.st_mtime <= used_before)) &&
	    persist_members(&now, 1, &busy, NULL, 0) == 0 && !busy) {
		r = store_remove_set(&s, pdir, seen->uid, seen->vhost);
		if (r == 0)
			persist_retire(&now, false);
	}
	store_close(&s);
	return r;
}

/* ------------------------------------------------------------ listing --- */

static int
add_info(struct set_list *l, const struct set_info *i)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct set_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *i;
	return 0;
}

/* One set's record and last use, if it has a record. */
static int
read_one(const char *pdir, uid_t uid, const char *vhost, struct set_list *l)
{
	struct set_info i = { .state = SET_LIVE };
	struct store s;
	struct stat st;
	int r = 0;

	if (store_open(pdir, uid, vhost, false, &s, NULL) < 0)
		return 0;
	if (record_read(&s, &i.rec) == 0 && i.rec.uid == uid) {
		i.used = fstatat(s.dir, "lock", &st, AT_SYMLINK_NOFOLLOW) ?
			i.rec.built : st.st_mtime;
		if (!persist_holder_alive(&i.rec))
			i.state = SET_GONE;
		r = add_info(l, &i);
	}
	store_close(&s);
	return r;
}

static int
read_uid(const char *pdir, uid_t uid, const char *only, struct set_list *l)
{
	char path[4200];
	struct dirent *e;
	DIR *d;
	int r;

	if (only)
		return read_one(pdir, uid, only, l);
	r = read_one(pdir, uid, "", l);
	snprintf(path, sizeof(path), "%s/%u", pdir, (unsigned)uid);
	d = opendir(path);
	while (r == 0 && d && (e = readdir(d))) {
		if ((e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) &&
		    conf_vhost_name_ok(e->d_name))
			r = read_one(pdir, uid, e->d_name, l);
	}
	if (d)
		closedir(d);
	return r;
}

int
persist_read_sets(const char *pdir, uid_t uid, const char *vhost,
		  struct set_list *l)
{
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (uid != (uid_t)-1)
		return read_uid(pdir, uid, vhost, l);
	d = opendir(pdir);
	while (r == 0 && d && (e = readdir(d))) {
		char *end;
		unsigned long u = strtoul(e->d_name, &end, 10);

		if (isdigit((unsigned char)e->d_name[0]) && !*end &&
		    u < (uid_t)-1)
			r = read_uid(pdir, (uid_t)u, NULL, l);
	}
	if (d)
		closedir(d);
	return r;
}

/* ------------------------------------------------ holders, recorded or not */


/* The line of /proc/PID/status that starts with @key, after it. */
static const char *
status_field(const char *status, const char *key)
{
	size_t k = strlen(key);
	const char *p = status;

	while (p && strncmp(p, key, k)) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return p ? p + k : NULL;
}

/* Root in every uid, pid 1 of a pid namespace below ours (NSpid: its pid
 * in each namespace from ours down, so two or more, the last 1), and
 * whether it still has capabilities (a holder drops them all once its set
 * is built and published). */
static bool
holder_status(long pid, bool *building)
{
	char path[64], st[4096], line[256], *tok, *save = NULL;
	const char *f;
	unsigned u[4], n = 0;
	unsigned long long cap;
	bool one = false;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (read_small_at(AT_FDCWD, path, st, sizeof(st)) < 0)
		return false;
	f = status_field(st, "Uid:");
	if (!f || sscanf(f, "%u %u %u %u", &u[0], &u[1], &u[2], &u[3]) != 4 ||
	    u[0] || u[1] || u[2] || u[3])
		return false;
	f = status_field(st, "NSpid:");
	if (!f)
		return false;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(f, "\n"), f);
	for (tok = strtok_r(line, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save), n++)
		one = !strcmp(tok, "1");
	if (n < 2 || !one)
		return false;
	f = status_field(st, "CapEff:");
	*building = f && sscanf(f, "%llx", &cap) == 1 && cap != 0;
	return true;
}

static time_t
boot_time(void)
{
	char st[8192];
	const char *f;

	if (read_small_at(AT_FDCWD, "/proc/stat", st, sizeof(st)) < 0)
		return 0;
	f = strstr(st, "\nbtime ");
	return f ? (time_t)strtoll(f + 7, NULL, 10) : 0;
}

/* When @pid started, from field 22 of /proc/PID/stat. */
static time_t
started(long pid, time_t btime)
{
	char path[64], st[1024];
	const char *p;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (read_small_at(AT_FDCWD, path, st, sizeof(st)) < 0 || hz <= 0)
		return 0;
	p = strrchr(st, ')');	/* the name may hold spaces */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
		return 0;
	return btime + (time_t)(ticks / (unsigned long long)hz);
}

static bool
recorded(const struct set_list *l, pid_t pid, const struct stat *pidns)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct record *r = &l->v[i].rec;

		if (l->v[i].state != SET_DETACHED &&
		    l->v[i].state != SET_BUILDING && r->holder == pid &&
		    r->ino[NS_PID] == pidns->st_ino && r->nsdev == pidns->st_dev)
			return true;
	}
	return false;
}

/* Is @link ("PDIR/UID" or "PDIR/UID/VHOST", maybe " (deleted)") a store
 * directory of @pdir for @uid?  Its vhost goes to @vhost. */
static bool
store_link(const char *link, const char *pdir, unsigned uid, char *vhost,
	   size_t len)
{
	size_t n = strlen(pdir), l = strlen(link);
	char want[24];
	const char *p;

	if (l > 10 && !strcmp(link + l - 10, " (deleted)"))
		l -= 10;
	if (strncmp(link, pdir, n) || link[n] != '/')
		return false;
	p = link + n + 1;
	snprintf(want, sizeof(want), "%u", uid);
	if (strncmp(p, want, strlen(want)))
		return false;
	p += strlen(want);
	if (p == link + l) {
		vhost[0] = '\0';
		return true;
	}
	if (*p != '/' || (size_t)(link + l - p - 1) >= len)
		return false;
	snprintf(vhost, len, "%.*s", (int)(link + l - p - 1), p + 1);
	return conf_vhost_name_ok(vhost);
}

/* Whose is holder @pid: a store directory of @pdir among its fds. */
static bool
holder_of(long pid, const char *pdir, unsigned uid, char *vhost, size_t len)
{
	char path[64], link[4200];
	struct dirent *e;
	bool mine = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	d = opendir(path);
	while (d && !mine && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		mine = store_link(link, pdir, uid, vhost, len);
	}
	if (d)
		closedir(d);
	return mine;
}

/* Its builder still runs: the parent of a holder that has not finished
 * (still holding capabilities) runs the same executable. */
static bool
builder_alive(long pid)
{
	char path[64], st[4096];
	struct stat a, b;
	const char *f;
	long ppid;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (read_small_at(AT_FDCWD, path, st, sizeof(st)) < 0 ||
	    !(f = status_field(st, "PPid:")))
		return false;
	ppid = strtol(f, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	if (ppid <= 1 || stat(path, &a) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/exe", ppid);
	return stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		a.st_dev == b.st_dev;
}

/* One /proc entry: a holder of @pdir that no record in @l names is added
 * to @l. */
static int
check_pid(struct set_list *l, long pid, uid_t only, const char *pdir,
	  time_t btime)
{
	struct set_info i = { .state = SET_DETACHED };
	char path[64], comm[32];
	struct stat ns;
	unsigned uid;
	bool building = false;
	char tail;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (read_small_at(AT_FDCWD, path, comm, sizeof(comm)) < 0 ||
	    sscanf(comm, "nsh:%u%c", &uid, &tail) != 2 || tail != '\n' ||
	    (only != (uid_t)-1 && uid != only))
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
	if (stat(path, &ns) < 0 || !holder_status(pid, &building) ||
	    recorded(l, (pid_t)pid, &ns) ||
	    !holder_of(pid, pdir, uid, i.rec.vhost, sizeof(i.rec.vhost)))
		return 0;
	i.rec.uid = uid;
	i.rec.holder = (pid_t)pid;
	i.rec.ino[NS_PID] = ns.st_ino;
	i.rec.nsdev = ns.st_dev;
	i.rec.built = started(pid, btime);
	if (building && builder_alive(pid))
		i.state = SET_BUILDING;
	return add_info(l, &i);
}

int
persist_find_holders(struct set_list *l, uid_t only, const char *pdir)
{
	char real[4096];
	time_t btime = boot_time();
	struct dirent *e;
	DIR *d;
	int r = 0;

	/* /proc shows the directory's path with symlinks resolved. */
	if (!realpath(pdir, real))
		return errno == ENOENT ? 0 : -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while (r == 0 && (e = readdir(d))) {
		if (isdigit((unsigned char)e->d_name[0]))
			r = check_pid(l, strtol(e->d_name, NULL, 10), only,
				      real, btime);
	}
	closedir(d);
	return r;
}

int
persist_count(struct set_list *l, pid_t *pids, size_t max_each)
{
	struct record *recs = calloc(l->n + 1, sizeof(*recs));
	int *counts = calloc(l->n + 1, sizeof(*counts));
	int r = -ENOMEM;

	if (recs && counts) {
		for (size_t i = 0; i < l->n; i++)
			recs[i] = l->v[i].rec;
		r = persist_members(recs, l->n, counts, pids, max_each);
		for (size_t i = 0; r == 0 && i < l->n; i++)
			l->v[i].procs = l->v[i].state == SET_GONE ? 0 :
				counts[i];
	}
	free(recs);
	free(counts);
	return r;
}

void
set_list_free(struct set_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* ------------------------------------------------------------- expiry --- */

int
persist_expire(const char *pdir, unsigned idle_s, time_t now,
	       struct set_list *done)
{
	struct set_list l = { 0 };
	int r = persist_read_sets(pdir, (uid_t)-1, NULL, &l);

	if (r == 0)
		r = persist_count(&l, NULL, 0);
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		struct set_info *s = &l.v[i];
		struct store st;

		if (s->state == SET_GONE) {
			/* Its holder died: nothing to retire, only the
			 * record and its directory to take away. */
			if (store_open(pdir, s->rec.uid, s->rec.vhost, false,
				       &st, NULL) == 0) {
				struct record cur;

				if (store_lock(&st, 0) == 0 &&
				    record_read(&st, &cur) == 0 &&
				    same_set(&cur, &s->rec) &&
				    !persist_holder_alive(&cur) &&
				    store_remove_set(&st, pdir, s->rec.uid,
						     s->rec.vhost) == 0 && done)
					r = add_info(done, s);
				store_close(&st);
			}
			continue;
		}
		if (!idle_s || s->procs || now - s->used < (time_t)idle_s)
			continue;
		if (persist_retire_idle(pdir, &s->rec, s->used) == 0 && done)
			r = add_info(done, s);
	}
	set_list_free(&l);
	return r;
}

int
persist_expire_due(const char *pdir, unsigned idle_s, time_t now)
{
	unsigned every = idle_s < EXPIRE_EVERY_S ? idle_s : EXPIRE_EVERY_S;
	char path[4200];
	struct stat st;
	int fd;

	if (!idle_s || snprintf(path, sizeof(path), "%s/" EXPIRE_STAMP,
				pdir) >= (int)sizeof(path))
		return -1;
	/* The cheap part, on every launch: one stat. */
	if (stat(path, &st) == 0 && now - st.st_mtime < (time_t)every &&
	    st.st_mtime <= now)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -1;
	/* One launch does it; the others go on at once. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (now - st.st_mtime < (time_t)every && st.st_mtime <= now &&
	     st.st_size > 0)) {
		close(fd);
		return -1;
	}
	/* Stamped before the scan: a slow scan is not repeated meanwhile.
	 * One byte marks a stamp that a scan made (a new file has none). */
	if (ftruncate(fd, 1) < 0 || futimens(fd, NULL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}
