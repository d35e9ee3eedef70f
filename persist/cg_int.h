/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between cgroup.c and the two managers, cg_fs.c and cg_systemd.c. */
#ifndef NSCELL_CG_INT_H
#define NSCELL_CG_INT_H

#include "cgroup.h"

#define CG_MNT		"/sys/fs/cgroup"

/* The v1 controllers nscell uses, as bits. */
enum {
	CGC_MEMORY = 1u << 0,
	CGC_PIDS = 1u << 1,
	CGC_CPUACCT = 1u << 2,
	CGC_CPU = 1u << 3,
	CGC_BLKIO = 1u << 4,
};

struct cg_hier {
	char mnt[256];		/* a v1 hierarchy's mount point */
	unsigned ctrl;		/* CGC_* it carries that nscell uses */
};

/* What a launch wants: the manager, the tenant's cgroup, the devices its
 * io limits are for. */
struct cg_plan {
	const struct cg_request *rq;
	enum cg_kind kind;
	char rel[CG_PATH_MAX];	/* below the hierarchy's root, no leading / */
	dev_t io[CONF_L_IO_COUNT];	/* 0: that io key not set */
	struct cg_hier h[CG_V1_MAX];	/* v1: the hierarchies placed in */
	size_t nh;
};

#define CG_STATE_DIR	"cgroup"	/* under persistDir */

/* The manager and the cgroup for @rq (cgroup.c). */
int cg_make_plan(const struct cg_request *rq, struct cg_plan *p,
		 struct ns_err *err);

/* PERSISTDIR/cgroup (O_PATH), checked root's; made when @create. */
int cg_state_dir(const char *persist_dir, bool create);

/* PERSISTDIR/cgroup/UID opened with @flags (O_CREAT: the directory too);
 * fd or -errno. */
int cg_open_state(const char *persist_dir, uid_t uid, int flags);

/* flock(@op), retried until @timeout_ms: 0, -ETIMEDOUT or -errno. */
int cg_flock_wait(int fd, int op, unsigned timeout_ms);

/* Write a small cgroup file: 0 or -errno. */
int cg_write_at(int dirfd, const char *name, const char *text);

/* Whether a limit is set, and its value (cgroup.c). */
bool cg_lim(const struct cg_plan *p, enum conf_limit k, uint64_t *v);

/* cgroupfs: make the tenant's cgroup (and its parents) if needed and
 * write every limit (those not set back to none).  *@created: it was
 * made now. */
int cgfs_setup(const struct cg_plan *p, bool *created, struct ns_err *err);

/* Open what placement needs: v2 (and systemd) the directory, v1 each
 * hierarchy's cgroup.procs.  -ENOENT when the cgroup does not exist. */
int cg_open_placement(const struct cg_plan *p, struct cg_tenant *t);

/* systemd: start the tenant's scope with @t->seed in it, or set the
 * limits of the running one. */
int cgsd_start(const struct cg_plan *p, pid_t seed, struct ns_err *err);
int cgsd_set_limits(const struct cg_plan *p, struct ns_err *err);

/* The scope's unit name, "nscell-UID.scope", and slice, "user-UID.slice". */
void cgsd_names(uid_t uid, char *scope, size_t slen, char *slice,
		size_t sllen);

#endif
