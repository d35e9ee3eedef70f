/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tenant's cgroup (issue 14): one per uid, shared by all of its
 * launches, vhosts, cmd_ns sessions and persisted sets' holders, so that a
 * limit is per tenant, never per request.  Where it lives:
 *
 *   systemd    /sys/fs/cgroup/user.slice/user-UID.slice/nscell-UID.scope,
 *              a transient scope made through systemd's D-Bus API with
 *              Delegate=yes and the limits as unit properties
 *              (cg_systemd.c; cgroup v2 only);
 *   cgroupfs   v2: /sys/fs/cgroup/ROOT/user-UID, the controllers enabled
 *              in the subtree_control of ROOT and of its parents;
 *              v1: /sys/fs/cgroup/CONTROLLER/ROOT/user-UID in the memory,
 *              pids, cpuacct (and, for their limits, cpu and blkio)
 *              hierarchies (cg_fs.c).
 *
 * ROOT is cgroupRoot (default /nscell).  PERSISTDIR/cgroup/UID records the
 * cgroup and a hash of its limits as last set up; a launch whose record
 * matches only opens the cgroup (no lock, no write): setting it up (making
 * it, writing the limits, calling systemd) happens once, under that file's
 * exclusive flock, and again only when the limits change.  A launch holds
 * the file's shared flock until its processes are placed, so that
 * unmount_ns never removes a cgroup a process is about to enter.
 *
 * Placement, before the process executes anything: a new process is
 * cloned into the cgroup with clone3(CLONE_INTO_CGROUP) on v2 (Linux 5.7;
 * nscell needs 5.12), or writes itself into each v1 hierarchy's
 * cgroup.procs (cg_join) before it drops privileges.  The fds are opened
 * before the launch enters the sandbox; the launcher itself (the monitor)
 * never enters the tenant's cgroup, so it outlives the tenant's OOM kill
 * and reports it.
 */
#ifndef NSCELL_CGROUP_H
#define NSCELL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

enum cg_kind { CG_NONE, CG_SYSTEMD, CG_V2, CG_V1 };

#define CG_V1_MAX	5	/* memory, pids, cpuacct, cpu, blkio */
#define CG_PATH_MAX	1024

struct cg_request {
	uid_t uid;
	const struct conf_limits *lim;
	enum conf_cgm manager;
	const char *root;		/* cgroupRoot */
	const char *home;		/* its device: the io keys' default */
	const char *persist_dir;
};

struct cg_tenant {
	enum cg_kind kind;
	int dir;		/* v2: the cgroup's directory, for clone3 */
	int procs[CG_V1_MAX];	/* v1: each hierarchy's cgroup.procs */
	size_t n_procs;
	int lock;		/* PERSISTDIR/cgroup/UID, flock()ed shared */
	pid_t seed;		/* systemd: the new scope's first process, until
				 * another one is in (cg_placed) */
	int seed_fd;
	bool created;		/* this launch set the cgroup up */
	char path[CG_PATH_MAX + 320];	/* for messages and the set's hash */
};

void cg_init(struct cg_tenant *t);

/* Set up (once) or open the tenant's cgroup, as @rq says.  Fails, with
 * what is missing in @err, when it cannot: no cgroup file system, no
 * controller a limit needs, no permission, systemd not running or
 * refusing. */
int cg_tenant_open(const struct cg_request *rq, struct cg_tenant *t,
		   struct ns_err *err);

/* fork() semantics (SIGCHLD, no new stack) with clone(2)'s namespace
 * @flags, and, when @t is a v2 cgroup, the child born in it
 * (clone3 CLONE_INTO_CGROUP).  @t NULL: a plain clone. */
long cg_clone(const struct cg_tenant *t, unsigned long flags);

/* In a new process cloned by cg_clone, before it does anything else: on
 * v1, write itself into each hierarchy (on v2 clone3 already placed it). */
int cg_join(const struct cg_tenant *t, struct ns_err *err);

/* A process is in the cgroup: the systemd seed can go. */
void cg_placed(struct cg_tenant *t);

/* Close everything (after cg_placed), the shared lock included. */
void cg_tenant_close(struct cg_tenant *t);

/* The tenant's usage, for unmount_ns -l; -1 where unknown. */
struct cg_usage {
	int64_t memory;		/* bytes */
	int64_t tasks;
	int64_t cpu_usec;
};
int cg_usage(const struct cg_request *rq, struct cg_usage *u);

/* unmount_ns: remove the tenant's cgroup if nscell made it (cgroupfs) and
 * it is empty, and its record; systemd removes an empty scope itself.
 * 1 removed, 0 nothing to do or still in use, <0 error. */
int cg_remove(const struct cg_request *rq, struct ns_err *err);

/* The uids with a record under PERSISTDIR/cgroup (unmount_ns -a).  *@uids
 * is malloc'd. */
int cg_tenants(const char *persist_dir, uid_t **uids, size_t *n);

/* maxEntryProcesses: one of @max slots of @uid's concurrent launches,
 * waited for at most @wait_ms.  *@fd holds it until it is closed (the
 * monitor keeps it while the command runs; close-on-exec).  -EUSERS when
 * none was free in time. */
int cg_entry(const char *persist_dir, uid_t uid, unsigned max,
	     unsigned wait_ms, int *fd, struct ns_err *err);

#endif
