// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tenant's cgroup: which manager, where, set up once under a lock,
 * opened by every launch, and the placement of new processes.  See
 * cgroup.h; the managers are cg_fs.c (cgroupfs) and cg_systemd.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cg_int.h"
#include "store.h"
#include "sysutil.h"

#define LOCK_WAIT_MS	30000	/* another launch's setup: a D-Bus call */

void
cg_init(struct cg_tenant *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = CG_NONE;
	t->dir = t->lock = t->seed_fd = -1;
	for (size_t i = 0; i < CG_V1_MAX; i++)
		t->procs[i] = -1;
}

/* ------------------------------------------------------------ helpers --- */

int
cg_write_at(int dirfd, const char *name, const char *text)
{
	cleanup_fd int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* One write: a cgroup file takes one value per write(2). */
	n = write(fd, text, strlen(text));
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(text) ? 0 : -EIO;
}

bool
cg_lim(const struct cg_plan *p, enum conf_limit k, uint64_t *v)
{
	return p->rq->lim && conf_limit_get(p->rq->lim, k, v);
}

int
cg_flock_wait(int fd, int op, unsigned timeout_ms)
{
	struct timespec t0, tick = { 0, 5000000 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(fd, op | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (ms_since(&t0) >= (long)timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
	return 0;
}

/* ----------------------------------------------------------- manager --- */

static bool
systemd_running(void)
{
	struct stat st;

	/* sd_booted()'s test: systemd as PID 1 made this directory. */
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

static int
pick_kind(enum conf_cgm m, struct ns_err *err)
{
	struct statfs sf;
	bool unified;

	if (statfs(CG_MNT, &sf) < 0)
		return ns_err_set(err, NULL, errno, "cgroups: %s: %s", CG_MNT,
				  strerror(errno));
	unified = sf.f_type == CGROUP2_SUPER_MAGIC;
	if (m == CONF_CGM_SYSTEMD && !systemd_running())
		return ns_err_set(err, NULL, ENOSYS, "cgroups: cgroupManager "
				  "is systemd, but systemd is not running "
				  "here (no /run/systemd/system)");
	if (m == CONF_CGM_SYSTEMD && !unified)
		return ns_err_set(err, NULL, ENOSYS, "cgroups: the systemd "
				  "manager needs the unified cgroup hierarchy "
				  "(cgroup v2); this host mounts cgroup v1 at "
				  "%s: set cgroupManager cgroupfs", CG_MNT);
	if (m != CONF_CGM_CGROUPFS && unified && systemd_running())
		return CG_SYSTEMD;
	if (unified)
		return CG_V2;
	if (sf.f_type == TMPFS_MAGIC)
		return CG_V1;
	return ns_err_set(err, NULL, ENOENT, "cgroups: no cgroup file system "
			  "is mounted at %s", CG_MNT);
}

static const struct {
	const char *name;
	unsigned bit;
} v1_ctrls[] = {
	{ "memory", CGC_MEMORY }, { "pids", CGC_PIDS },
	{ "cpuacct", CGC_CPUACCT }, { "cpu", CGC_CPU }, { "blkio", CGC_BLKIO },
};

static unsigned
super_ctrls(const char *opts)
{
	unsigned bits = 0;
	char buf[1024], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (char *o = strtok_r(buf, ",", &save); o;
	     o = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < sizeof(v1_ctrls) / sizeof(*v1_ctrls); i++)
			if (!strcmp(o, v1_ctrls[i].name))
				bits |= v1_ctrls[i].bit;
	return bits;
}

/* The v1 hierarchies carrying @want, from mountinfo: "ID PARENT MAJ:MIN
 * ROOT MOUNTPOINT OPTS ... - cgroup SOURCE SUPEROPTS".  Only whole
 * hierarchies (ROOT "/"), each once. */
static unsigned
v1_hierarchies(struct cg_plan *p, unsigned want)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], root[1024], mnt[1024], fstype[64], super[1024];
	unsigned found = 0;
	struct statfs sf;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && p->nh < CG_V1_MAX) {
		char *dash = strstr(line, " - ");
		unsigned bits;

		if (!dash || sscanf(line, "%*s %*s %*s %1023s %1023s", root,
				    mnt) != 2 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2 ||
		    strcmp(fstype, "cgroup") || strcmp(root, "/") ||
		    strchr(mnt, '\\') || strlen(mnt) >= sizeof(p->h[0].mnt))
			continue;
		bits = super_ctrls(super) & want & ~found;
		/* Still there: not covered by a later mount. */
		if (!bits || statfs(mnt, &sf) < 0 ||
		    sf.f_type != CGROUP_SUPER_MAGIC)
			continue;
		snprintf(p->h[p->nh].mnt, sizeof(p->h[0].mnt), "%s", mnt);
		p->h[p->nh++].ctrl = bits;
		found |= bits;
	}
	fclose(f);
	return found;
}

static int
plan_v1(struct cg_plan *p, struct ns_err *err)
{
	unsigned want = CGC_MEMORY | CGC_PIDS | CGC_CPUACCT, need = 0, got;

	if (cg_lim(p, CONF_L_CPU, NULL) || cg_lim(p, CONF_L_CPU_WEIGHT, NULL))
		need |= CGC_CPU;
	if (cg_lim(p, CONF_L_MEMORY_MAX, NULL) ||
	    cg_lim(p, CONF_L_MEMORY_HIGH, NULL) ||
	    cg_lim(p, CONF_L_SWAP_MAX, NULL))
		need |= CGC_MEMORY;
	if (cg_lim(p, CONF_L_TASKS_MAX, NULL))
		need |= CGC_PIDS;
	for (int i = 0; i < CONF_L_IO_COUNT; i++)
		if (p->io[i])
			need |= CGC_BLKIO;
	got = v1_hierarchies(p, want | need);
	for (size_t i = 0; i < sizeof(v1_ctrls) / sizeof(*v1_ctrls); i++)
		if (need & v1_ctrls[i].bit & ~got)
			return ns_err_set(err, NULL, ENOENT, "cgroups: no cgroup "
					  "v1 hierarchy with the %s controller "
					  "is mounted, and a limit needs it",
					  v1_ctrls[i].name);
	if (!p->nh)
		return ns_err_set(err, NULL, ENOENT, "cgroups: no cgroup v1 "
				  "hierarchy (memory, pids, cpuacct) is "
				  "mounted under %s", CG_MNT);
	return 0;
}

/* ----------------------------------------------------------- devices --- */

/* The whole disk of block device @d (a partition maps to its disk: v1's
 * blkio and v2's io.max take disks only), or -ENODEV. */
static int
whole_disk(dev_t d, dev_t *out)
{
	char path[64], buf[32];
	cleanup_fd int fd = -1;
	unsigned ma, mi;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(d),
		 minor(d));
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -ENODEV;
	if (faccessat(fd, "partition", F_OK, 0) == 0) {
		if (read_small_at(fd, "../dev", buf, sizeof(buf)) < 0 ||
		    sscanf(buf, "%u:%u", &ma, &mi) != 2)
			return -ENODEV;
		*out = makedev(ma, mi);
		return 0;
	}
	*out = d;
	return 0;
}

static int
io_devices(struct cg_plan *p, struct ns_err *err)
{
	const struct conf_limits *l = p->rq->lim;

	for (int i = 0; i < CONF_L_IO_COUNT; i++) {
		const char *dev = l ? l->io_dev[i] : NULL;
		struct stat st;
		dev_t d;

		if (!cg_lim(p, (enum conf_limit)(CONF_L_IO_FIRST + i), NULL))
			continue;
		if (!dev && !p->rq->home)
			return ns_err_set(err, NULL, ENOENT, "cgroups: %s: the "
					  "user has no home: name a device",
					  conf_limit_name((enum conf_limit)
							  (CONF_L_IO_FIRST + i)));
		if (stat(dev ? dev : p->rq->home, &st) < 0)
			return ns_err_set(err, NULL, errno, "cgroups: %s: %s: %s",
					  conf_limit_name((enum conf_limit)
							  (CONF_L_IO_FIRST + i)),
					  dev ? dev : p->rq->home,
					  strerror(errno));
		if (dev && !S_ISBLK(st.st_mode))
			return ns_err_set(err, NULL, ENOTBLK, "cgroups: %s: %s "
					  "is not a block device",
					  conf_limit_name((enum conf_limit)
							  (CONF_L_IO_FIRST + i)),
					  dev);
		d = dev ? st.st_rdev : st.st_dev;
		if (whole_disk(d, &p->io[i]) < 0)
			return ns_err_set(err, NULL, ENODEV, "cgroups: %s: %s "
					  "(%u:%u) is on no block device that "
					  "can be throttled: name one",
					  conf_limit_name((enum conf_limit)
							  (CONF_L_IO_FIRST + i)),
					  dev ? dev : p->rq->home, major(d),
					  minor(d));
	}
	return 0;
}

/* ------------------------------------------------------------- plan --- */

int
cg_make_plan(const struct cg_request *rq, struct cg_plan *p, struct ns_err *err)
{
	char scope[64], slice[64];
	int r;

	memset(p, 0, sizeof(*p));
	p->rq = rq;
	r = pick_kind(rq->manager, err);
	if (r < 0)
		return r;
	p->kind = (enum cg_kind)r;
	r = io_devices(p, err);
	if (r < 0)
		return r;
	if (p->kind == CG_SYSTEMD) {
		cgsd_names(rq->uid, scope, sizeof(scope), slice, sizeof(slice));
		/* systemd's path of a slice: "user-1000.slice" is below
		 * "user.slice". */
		snprintf(p->rel, sizeof(p->rel), "user.slice/%s/%s", slice,
			 scope);
		return 0;
	}
	snprintf(p->rel, sizeof(p->rel), "%s/user-%u", rq->root + 1,
		 (unsigned)rq->uid);
	return p->kind == CG_V1 ? plan_v1(p, err) : 0;
}

/* What the record says: the manager, the cgroup, and a hash of the limits
 * and devices it was set up with. */
static void
plan_line(const struct cg_plan *p, char *buf, size_t len)
{
	static const char *const kinds[] = { "none", "systemd", "v2", "v1" };
	const struct conf_limits *l = p->rq->lim;
	uint64_t h = tmpl_hash_bytes(0xcbf29ce484222325ull, p->rel,
				     strlen(p->rel));

	for (int k = 0; l && k < CONF_L_COUNT; k++) {
		uint64_t v = CONF_LIMIT_INF;

		if (k == CONF_L_ENTRY || k == CONF_L_ENTRY_WAIT ||
		    k >= CONF_L_CPU_SOFT)
			continue;	/* not the cgroup's */
		conf_limit_get(l, (enum conf_limit)k, &v);
		h = tmpl_hash_bytes(h, &v, sizeof(v));
	}
	h = tmpl_hash_bytes(h, p->io, sizeof(p->io));
	for (size_t i = 0; i < p->nh; i++)
		h = tmpl_hash_bytes(h, &p->h[i], sizeof(p->h[i]));
	snprintf(buf, len, "%s %016llx /%s\n", kinds[p->kind],
		 (unsigned long long)h, p->rel);
}

/* ------------------------------------------------------------ record --- */

/* PERSISTDIR/cgroup, root's, created when @create. */
int
cg_state_dir(const char *pdir, bool create)
{
	cleanup_fd int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char path[4200];
	struct stat st;
	int fd;

	if (root < 0)
		return -errno;
	if (snprintf(path, sizeof(path), "%s/%s", pdir, CG_STATE_DIR) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (create) {
		fd = store_mkdirs(root, path, 0700);
	} else {
		fd = openat(root, path + 1, O_PATH | O_NOFOLLOW | O_DIRECTORY |
			    O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int
cg_open_state(const char *pdir, uid_t uid, int flags)
{
	char name[16];
	int dir = cg_state_dir(pdir, flags & O_CREAT), fd;

	if (dir < 0)
		return dir;
	snprintf(name, sizeof(name), "%u", (unsigned)uid);
	fd = openat(dir, name, flags | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		    0600);
	if (fd < 0)
		fd = -errno;
	close(dir);
	return fd;
}

static bool
state_matches(int fd, const char *want)
{
	char buf[CG_PATH_MAX + 64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return !strcmp(buf, want);
}

static int
state_write(int fd, const char *line)
{
	if (ftruncate(fd, 0) < 0)
		return -errno;
	return pwrite(fd, line, strlen(line), 0) == (ssize_t)strlen(line) ?
		0 : -EIO;
}

/* -------------------------------------------------------- placement --- */

int
cg_open_placement(const struct cg_plan *p, struct cg_tenant *t)
{
	char path[CG_PATH_MAX + 300];

	if (p->kind != CG_V1) {
		snprintf(path, sizeof(path), CG_MNT "/%s", p->rel);
		t->dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(t->path, sizeof(t->path), "%s", path);
		return t->dir < 0 ? -errno : 0;
	}
	for (size_t i = 0; i < p->nh; i++) {
		snprintf(path, sizeof(path), "%s/%s/cgroup.procs", p->h[i].mnt,
			 p->rel);
		t->procs[t->n_procs] = open(path, O_WRONLY | O_CLOEXEC);
		if (t->procs[t->n_procs] < 0)
			return -errno;
		t->n_procs++;
		/* Named by its memory cgroup, else its first. */
		if (i == 0 || (p->h[i].ctrl & CGC_MEMORY))
			snprintf(t->path, sizeof(t->path), "%s/%s",
				 p->h[i].mnt, p->rel);
	}
	return 0;
}

static void
close_placement(struct cg_tenant *t)
{
	close_fd(&t->dir);
	for (size_t i = 0; i < t->n_procs; i++)
		close_fd(&t->procs[i]);
	t->n_procs = 0;
}

/* The scope has a process in it (an empty one is on its way out). */
static bool
populated(const struct cg_tenant *t)
{
	char buf[256];

	return t->dir >= 0 && read_small_at(t->dir, "cgroup.events", buf,
					  sizeof(buf)) == 0 &&
		strstr(buf, "populated 1");
}

/* The launch's record matches and the cgroup opens: nothing to set up. */
static bool
usable(const struct cg_plan *p, struct cg_tenant *t, const char *line)
{
	if (!state_matches(t->lock, line))
		return false;
	if (cg_open_placement(p, t) == 0 &&
	    (p->kind != CG_SYSTEMD || populated(t)))
		return true;
	close_placement(t);
	return false;
}

/* A process of root's that only waits: the first one of a new scope
 * (systemd makes none empty), until the launch's own is in. */
static int
seed_start(struct cg_tenant *t)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		prctl(PR_SET_NAME, "nscell-seed", 0, 0, 0);
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -errno;
	}
	t->seed = pid;
	t->seed_fd = p[1];
	return 0;
}

void
cg_placed(struct cg_tenant *t)
{
	if (t->seed <= 0)
		return;
	close_fd(&t->seed_fd);
	waitpid(t->seed, NULL, 0);
	t->seed = 0;
}

/* Wait (bounded) until a dying scope of the same name is gone. */
static void
wait_scope_gone(const struct cg_plan *p)
{
	char path[CG_PATH_MAX + 32];
	struct timespec tick = { 0, 20000000 };

	snprintf(path, sizeof(path), CG_MNT "/%s", p->rel);
	for (int i = 0; i < 100 && access(path, F_OK) == 0; i++)
		nanosleep(&tick, NULL);
}

static int
setup_systemd(const struct cg_plan *p, struct cg_tenant *t,
	      struct ns_err *err)
{
	int r;

	if (cg_open_placement(p, t) == 0 && populated(t)) {
		close_placement(t);
		return cgsd_set_limits(p, err);
	}
	close_placement(t);
	wait_scope_gone(p);
	r = seed_start(t);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "cgroups: fork: %s",
				  strerror(-r));
	r = cgsd_start(p, t->seed, err);
	if (r < 0) {
		kill(t->seed, SIGKILL);
		cg_placed(t);
		return r;
	}
	t->created = true;
	return 0;
}

/* Under the record's exclusive lock: set the cgroup up, write the record,
 * open the cgroup. */
static int
setup_locked(const struct cg_plan *p, struct cg_tenant *t, const char *line,
	     struct ns_err *err)
{
	int r;

	if (p->kind == CG_SYSTEMD)
		r = setup_systemd(p, t, err);
	else
		r = cgfs_setup(p, &t->created, err);
	if (r < 0)
		return r;
	r = cg_open_placement(p, t);
	if (r == 0)
		r = state_write(t->lock, line);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "cgroups: %s: %s", t->path[0] ?
				  t->path : p->rel, strerror(-r));
	return 0;
}

int
cg_tenant_open(const struct cg_request *rq, struct cg_tenant *t,
	       struct ns_err *err)
{
	char line[CG_PATH_MAX + 64];
	struct cg_plan p;
	int r;

	cg_init(t);
	r = cg_make_plan(rq, &p, err);
	if (r < 0)
		return r;
	t->kind = p.kind;
	plan_line(&p, line, sizeof(line));
	/* The common case: set up before, with these limits. */
	t->lock = cg_open_state(rq->persist_dir, rq->uid, O_RDONLY);
	if (t->lock >= 0 && cg_flock_wait(t->lock, LOCK_SH, LOCK_WAIT_MS) == 0 &&
	    usable(&p, t, line))
		return 0;
	close_fd(&t->lock);
	t->lock = cg_open_state(rq->persist_dir, rq->uid, O_RDWR | O_CREAT);
	if (t->lock < 0)
		return ns_err_set(err, NULL, -t->lock, "cgroups: %s/%s: %s",
				  rq->persist_dir, CG_STATE_DIR,
				  strerror(-t->lock));
	r = cg_flock_wait(t->lock, LOCK_EX, LOCK_WAIT_MS);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "cgroups: waiting for the "
				  "cgroup lock of uid %u: %s", (unsigned)rq->uid,
				  strerror(-r));
	/* Somebody may have set it up while we waited. */
	if (!usable(&p, t, line)) {
		r = setup_locked(&p, t, line, err);
		if (r < 0) {
			cg_tenant_close(t);
			return r;
		}
	}
	/* Shared from here on: other launches may go ahead, unmount_ns may
	 * not remove the cgroup. */
	flock(t->lock, LOCK_SH);
	return 0;
}

void
cg_tenant_close(struct cg_tenant *t)
{
	cg_placed(t);
	close_placement(t);
	close_fd(&t->lock);
}

long
cg_clone(const struct cg_tenant *t, unsigned long flags)
{
	struct clone_args a = {
		.flags = flags | CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};

	if (!t || t->dir < 0)
		return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL,
			       NULL);
	a.cgroup = (uint64_t)t->dir;
	return syscall(SYS_clone3, &a, sizeof(a));
}

int
cg_join(const struct cg_tenant *t, struct ns_err *err)
{
	/* "0": the writing process itself. */
	for (size_t i = 0; t && i < t->n_procs; i++)
		if (write(t->procs[i], "0\n", 2) != 2)
			return ns_err_set(err, NULL, errno, "cgroups: cannot "
					  "enter %s: %s", t->path,
					  strerror(errno));
	return 0;
}
