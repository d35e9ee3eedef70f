// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cgroupfs manager: the tenant's cgroup made with mkdir under
 * cgroupRoot, its limits written into its files.  Runs under the tenant's
 * record lock (cgroup.c), only when the cgroup is new or its limits
 * changed.  Every limit is written, those not configured back to "none",
 * so that removing a key from the configuration lifts the limit.
 *
 *   v2  memory.max, memory.high, memory.swap.max, pids.max, cpu.max,
 *       cpu.weight, io.max; the controllers enabled in subtree_control
 *       from the root down to cgroupRoot (the no-internal-process rule: a
 *       parent that holds processes cannot enable them, and says so).
 *   v1  memory.limit_in_bytes, memory.soft_limit_in_bytes (memoryHigh),
 *       memory.memsw.limit_in_bytes (memory + swap), pids.max,
 *       cpu.cfs_quota_us / cfs_period_us, cpu.shares, and
 *       blkio.throttle.*_device (which throttles direct IO only).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cg_int.h"
#include "sysutil.h"

#define CPU_PERIOD	100000ull	/* µs, systemd's too */

/* A value for a cgroup file: the number, or @none. */
static const char *
num(const struct cg_plan *p, enum conf_limit k, uint64_t scale,
    const char *none, char *buf, size_t len)
{
	uint64_t v;

	if (!cg_lim(p, k, &v))
		return none;
	snprintf(buf, len, "%llu", (unsigned long long)(v * scale));
	return buf;
}

/* Write @val into @d/@file.  A file that is not there (its controller is
 * not enabled) is skipped unless @needed. */
static int
put(int d, const char *path, const char *file, const char *val, bool needed,
    struct ns_err *err)
{
	int r = cg_write_at(d, file, val);

	if (r == -ENOENT && !needed)
		return 0;
	if (r == -ENOENT)
		return ns_err_set(err, NULL, ENOENT, "cgroups: %s/%s is "
				  "missing: its controller is not enabled "
				  "there, and a limit needs it", path, file);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "cgroups: cannot write '%s' "
				  "to %s/%s: %s", val, path, file,
				  strerror(-r));
	return 0;
}

/* mkdir and open @name below @cur (O_PATH), as root, no symlink. */
static int
sub(int cur, const char *name, bool *made)
{
	int fd;

	if (mkdirat(cur, name, 0755) == 0) {
		if (made)
			*made = true;
	} else if (errno != EEXIST) {
		return -errno;
	}
	fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* mkdir -p @rel below @top; fd of the last one.  *@made: it was new. */
static int
mkdirs(int top, const char *rel, bool *made)
{
	char buf[CG_PATH_MAX], *save = NULL;
	int cur = fcntl(top, F_DUPFD_CLOEXEC, 3);

	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *c = strtok_r(buf, "/", &save); c && cur >= 0;
	     c = strtok_r(NULL, "/", &save)) {
		int next;

		*made = false;
		next = sub(cur, c, made);
		close(cur);
		cur = next;
	}
	return cur;
}

/* ---------------------------------------------------------------- v2 --- */

static bool
has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
						    p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* "+memory" in @d's subtree_control unless it is on already. */
static int
enable(int d, const char *path, const char *ctrl, struct ns_err *err)
{
	char on[256], w[32];
	int r = read_small_at(d, "cgroup.subtree_control", on, sizeof(on));

	if (r == 0 && has_word(on, ctrl))
		return 0;
	snprintf(w, sizeof(w), "+%s", ctrl);
	r = cg_write_at(d, "cgroup.subtree_control", w);
	if (r == -EBUSY)
		return ns_err_set(err, NULL, EBUSY, "cgroups: cannot enable "
				  "the %s controller below %s: it holds "
				  "processes (cgroup v2 allows controllers "
				  "only in cgroups without any): choose "
				  "another cgroupRoot", ctrl, path);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "cgroups: cannot enable the %s "
				  "controller below %s: %s", ctrl, path,
				  strerror(-r));
	return 0;
}

static int
enable_all(int d, const char *path, const char *const *ctrls, size_t n,
	   struct ns_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = enable(d, path, ctrls[i], err);

		if (r < 0)
			return r;
	}
	return 0;
}

static int
v2_io(const struct cg_plan *p, int d, const char *path, struct ns_err *err)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
	char cur[4096], line[256], *save = NULL;
	size_t n;
	int r;

	/* Devices of an earlier configuration: lifted. */
	if (read_small_at(d, "io.max", cur, sizeof(cur)) == 0) {
		for (char *l = strtok_r(cur, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			unsigned ma, mi;
			bool keep = false;

			if (sscanf(l, "%u:%u", &ma, &mi) != 2)
				continue;
			for (int i = 0; i < CONF_L_IO_COUNT; i++)
				keep |= p->io[i] == makedev(ma, mi);
			snprintf(line, sizeof(line), "%u:%u rbps=max wbps=max "
				 "riops=max wiops=max", ma, mi);
			r = keep ? 0 : put(d, path, "io.max", line, true, err);
			if (r < 0)
				return r;
		}
	}
	for (int i = 0; i < CONF_L_IO_COUNT; i++) {
		if (!p->io[i])
			continue;
		n = (size_t)snprintf(line, sizeof(line), "%u:%u",
				     major(p->io[i]), minor(p->io[i]));
		for (int j = 0; j < CONF_L_IO_COUNT; j++) {
			uint64_t v;
			bool on = p->io[j] == p->io[i] &&
				cg_lim(p, (enum conf_limit)(CONF_L_IO_FIRST + j),
				       &v);

			if (on)
				n += (size_t)snprintf(line + n, sizeof(line) - n,
						      " %s=%llu", keys[j],
						      (unsigned long long)v);
			else
				n += (size_t)snprintf(line + n, sizeof(line) - n,
						      " %s=max", keys[j]);
		}
		r = put(d, path, "io.max", line, true, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
v2_limits(const struct cg_plan *p, int d, const char *path, bool io,
	  struct ns_err *err)
{
	char b[64];
	uint64_t v;
	int r;

	r = put(d, path, "memory.max", num(p, CONF_L_MEMORY_MAX, 1, "max", b,
					   sizeof(b)),
		cg_lim(p, CONF_L_MEMORY_MAX, NULL), err);
	if (r == 0)
		r = put(d, path, "memory.high", num(p, CONF_L_MEMORY_HIGH, 1,
						    "max", b, sizeof(b)),
			cg_lim(p, CONF_L_MEMORY_HIGH, NULL), err);
	if (r == 0)
		r = put(d, path, "memory.swap.max", num(p, CONF_L_SWAP_MAX, 1,
							"max", b, sizeof(b)),
			cg_lim(p, CONF_L_SWAP_MAX, NULL), err);
	if (r == 0)
		r = put(d, path, "pids.max", num(p, CONF_L_TASKS_MAX, 1, "max",
						 b, sizeof(b)),
			cg_lim(p, CONF_L_TASKS_MAX, NULL), err);
	if (r == 0) {
		if (cg_lim(p, CONF_L_CPU, &v))
			snprintf(b, sizeof(b), "%llu %llu",
				 (unsigned long long)(v * CPU_PERIOD / 100),
				 CPU_PERIOD);
		else
			snprintf(b, sizeof(b), "max %llu", CPU_PERIOD);
		r = put(d, path, "cpu.max", b, cg_lim(p, CONF_L_CPU, NULL),
			err);
	}
	if (r == 0)
		r = put(d, path, "cpu.weight", num(p, CONF_L_CPU_WEIGHT, 1,
						   "100", b, sizeof(b)),
			cg_lim(p, CONF_L_CPU_WEIGHT, NULL), err);
	if (r == 0 && io)
		r = v2_io(p, d, path, err);
	return r;
}

static int
v2_setup(const struct cg_plan *p, bool *created, struct ns_err *err)
{
	const char *want[4];
	char avail[512], path[CG_PATH_MAX + 32], buf[CG_PATH_MAX], *save = NULL;
	cleanup_fd int cur = open(CG_MNT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_fd int d = -1;
	bool io = false, cpu = cg_lim(p, CONF_L_CPU, NULL) ||
		cg_lim(p, CONF_L_CPU_WEIGHT, NULL);
	size_t n = 0;
	int r;

	for (int i = 0; i < CONF_L_IO_COUNT; i++)
		io |= p->io[i] != 0;
	if (cur < 0 || read_small_at(cur, "cgroup.controllers", avail,
				  sizeof(avail)) < 0)
		return ns_err_set(err, NULL, errno, "cgroups: %s: %s", CG_MNT,
				  strerror(errno));
	/* memory and pids for the usage too, when the host has them. */
	if (has_word(avail, "memory"))
		want[n++] = "memory";
	if (has_word(avail, "pids"))
		want[n++] = "pids";
	if (cpu)
		want[n++] = "cpu";
	if (io)
		want[n++] = "io";
	for (size_t i = 0; i < n; i++)
		if (!has_word(avail, want[i]))
			return ns_err_set(err, NULL, ENOENT, "cgroups: the %s "
					  "controller is not available (%s/"
					  "cgroup.controllers: %.*s), and a "
					  "limit needs it", want[i], CG_MNT,
					  (int)strcspn(avail, "\n"), avail);
	/* From the root down to cgroupRoot: each enables the controllers
	 * for the next, cgroupRoot for the tenants. */
	snprintf(path, sizeof(path), "%s", CG_MNT);
	snprintf(buf, sizeof(buf), "%s", p->rq->root + 1);
	for (char *c = strtok_r(buf, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		int next;

		r = enable_all(cur, path, want, n, err);
		if (r < 0)
			return r;
		next = sub(cur, c, NULL);
		/* The cgroup2 root directory is 0555: only CAP_DAC_OVERRIDE,
		 * which nscell does not keep (persist/priv.c), makes a
		 * directory in it.  The administrator makes cgroupRoot once;
		 * everything below it is nscell's own, 0755. */
		if (next == -EACCES)
			return ns_err_set(err, NULL, EACCES, "cgroups: mkdir "
					  "%s/%s: %s (nscell keeps no "
					  "CAP_DAC_OVERRIDE: make cgroupRoot "
					  "once, as root: mkdir -p %s%s)", path,
					  c, strerror(EACCES), CG_MNT,
					  p->rq->root);
		if (next < 0)
			return ns_err_set(err, NULL, -next, "cgroups: mkdir "
					  "%s/%s: %s", path, c,
					  strerror(-next));
		close(cur);
		cur = next;
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "/%s", c);
	}
	r = enable_all(cur, path, want, n, err);
	if (r < 0)
		return r;
	snprintf(buf, sizeof(buf), "user-%u", (unsigned)p->rq->uid);
	d = sub(cur, buf, created);
	if (d < 0)
		return ns_err_set(err, NULL, -d, "cgroups: mkdir %s/%s: %s",
				  path, buf, strerror(-d));
	snprintf(path, sizeof(path), CG_MNT "/%s", p->rel);
	return v2_limits(p, d, path, io, err);
}

/* ---------------------------------------------------------------- v1 --- */

static int
v1_memory(const struct cg_plan *p, int d, const char *path,
	  struct ns_err *err)
{
	bool memsw = faccessat(d, "memory.memsw.limit_in_bytes", F_OK, 0) == 0;
	uint64_t mem, swap;
	char b[64];
	int r;

	if (cg_lim(p, CONF_L_SWAP_MAX, &swap) && !memsw)
		return ns_err_set(err, NULL, ENOENT, "cgroups: cannot enforce "
				  "swapMax: %s has no memory.memsw files "
				  "(cgroup v1 without swap accounting: boot "
				  "with swapaccount=1)", path);
	if (cg_lim(p, CONF_L_SWAP_MAX, NULL) &&
	    !cg_lim(p, CONF_L_MEMORY_MAX, NULL))
		return ns_err_set(err, NULL, EINVAL, "cgroups: swapMax needs "
				  "memoryMax on cgroup v1 (its limit is one "
				  "of memory and swap together)");
	/* memory + swap is never below memory: lift it first. */
	r = memsw ? put(d, path, "memory.memsw.limit_in_bytes", "-1", true,
			err) : 0;
	if (r == 0)
		r = put(d, path, "memory.limit_in_bytes",
			num(p, CONF_L_MEMORY_MAX, 1, "-1", b, sizeof(b)), true,
			err);
	if (r == 0)
		r = put(d, path, "memory.soft_limit_in_bytes",
			num(p, CONF_L_MEMORY_HIGH, 1, "-1", b, sizeof(b)), true,
			err);
	if (r == 0 && cg_lim(p, CONF_L_SWAP_MAX, &swap) &&
	    cg_lim(p, CONF_L_MEMORY_MAX, &mem)) {
		snprintf(b, sizeof(b), "%llu", (unsigned long long)(mem + swap));
		r = put(d, path, "memory.memsw.limit_in_bytes", b, true, err);
	}
	return r;
}

static int
v1_cpu(const struct cg_plan *p, int d, const char *path, struct ns_err *err)
{
	char b[64];
	uint64_t w;
	int r = put(d, path, "cpu.cfs_period_us", "100000", true, err);

	if (r == 0)
		r = put(d, path, "cpu.cfs_quota_us",
			num(p, CONF_L_CPU, CPU_PERIOD / 100, "-1", b,
			    sizeof(b)), true, err);
	if (r == 0) {
		/* systemd's mapping: weight 100 is 1024 shares. */
		if (cg_lim(p, CONF_L_CPU_WEIGHT, &w))
			snprintf(b, sizeof(b), "%llu", (unsigned long long)
				 (w * 1024 / 100 < 2 ? 2 : w * 1024 / 100));
		else
			snprintf(b, sizeof(b), "1024");
		r = put(d, path, "cpu.shares", b, true, err);
	}
	return r;
}

static int
v1_blkio(const struct cg_plan *p, int d, const char *path,
	 struct ns_err *err)
{
	static const char *const files[] = {
		"blkio.throttle.read_bps_device",
		"blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device",
		"blkio.throttle.write_iops_device",
	};
	char cur[4096], line[64], *save = NULL;
	unsigned ma, mi;
	uint64_t v;
	int r = 0;

	for (int i = 0; i < CONF_L_IO_COUNT && r == 0; i++) {
		/* An earlier configuration's devices: 0 removes a rule. */
		if (read_small_at(d, files[i], cur, sizeof(cur)) == 0)
			for (char *l = strtok_r(cur, "\n", &save); l && r == 0;
			     l = strtok_r(NULL, "\n", &save)) {
				if (sscanf(l, "%u:%u", &ma, &mi) != 2 ||
				    makedev(ma, mi) == p->io[i])
					continue;
				snprintf(line, sizeof(line), "%u:%u 0", ma, mi);
				r = put(d, path, files[i], line, true, err);
			}
		if (r == 0 && p->io[i] &&
		    cg_lim(p, (enum conf_limit)(CONF_L_IO_FIRST + i), &v)) {
			snprintf(line, sizeof(line), "%u:%u %llu",
				 major(p->io[i]), minor(p->io[i]),
				 (unsigned long long)v);
			r = put(d, path, files[i], line, true, err);
		}
	}
	return r;
}

static int
v1_setup(const struct cg_plan *p, bool *created, struct ns_err *err)
{
	for (size_t i = 0; i < p->nh; i++) {
		const struct cg_hier *h = &p->h[i];
		cleanup_fd int top = open(h->mnt, O_PATH | O_DIRECTORY |
					  O_CLOEXEC);
		cleanup_fd int d = -1;
		char path[CG_PATH_MAX + 300], b[32];
		bool made = false;
		int r = 0;

		snprintf(path, sizeof(path), "%s/%s", h->mnt, p->rel);
		d = top < 0 ? -errno : mkdirs(top, p->rel, &made);
		if (d < 0)
			return ns_err_set(err, NULL, -d, "cgroups: mkdir %s: %s",
					  path, strerror(-d));
		*created |= made;
		if (h->ctrl & CGC_MEMORY)
			r = v1_memory(p, d, path, err);
		if (r == 0 && (h->ctrl & CGC_PIDS))
			r = put(d, path, "pids.max",
				num(p, CONF_L_TASKS_MAX, 1, "max", b,
				    sizeof(b)), true, err);
		if (r == 0 && (h->ctrl & CGC_CPU))
			r = v1_cpu(p, d, path, err);
		if (r == 0 && (h->ctrl & CGC_BLKIO))
			r = v1_blkio(p, d, path, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int
cgfs_setup(const struct cg_plan *p, bool *created, struct ns_err *err)
{
	*created = false;
	return p->kind == CG_V1 ? v1_setup(p, created, err) :
		v2_setup(p, created, err);
}
