/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building a sandbox and entering it are separate steps:
 *
 *   sandbox_build()  forks a holder: pid 1 of a new pid namespace, in new
 *                    mount, ipc, uts and cgroup namespaces, which builds the
 *                    mount tree from the op list, pivots into it, drops every
 *                    capability and then only reaps orphans.  The builder
 *                    gets an nsset: one fd per namespace (plus a user
 *                    namespace mapping only the target ids, when asked).
 *                    The command's seccomp filter is compiled meanwhile
 *                    (filter.h) and returned with the nsset.
 *   sandbox_enter()  setns()es the calling process into an nsset (all but
 *                    the cgroup namespace, which the command's process
 *                    joins once it is in the tenant's cgroup
 *                    (sandbox_enter_cgroup), and the user namespace, which
 *                    it joins last, in priv_drop, once nothing else needs
 *                    root).
 *
 * A one-shot launch builds and enters; persistence keeps the nsset (the
 * holder) alive under persistDir and later launches only enter it.
 *
 * Everything here runs as root and returns 0 or -errno with a
 * struct ns_err filled; nothing here exits the launcher.
 */
#ifndef NSCELL_SANDBOX_H
#define NSCELL_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "filter.h"
#include "template.h"

struct cg_tenant;

enum ns_index { NS_MNT, NS_PID, NS_IPC, NS_UTS, NS_CGROUP, NS_USER, NS_COUNT };

struct nsset {
	int fd[NS_COUNT];	/* -1 when not used */
	pid_t holder;		/* pid 1 of the sandbox, in the host pid ns */
	int commit;		/* persistent build: see sandbox_commit() */
	struct sc_bpf filter;	/* the command's seccomp filter, to load
				 * last before exec (len 0: none) */
};

/* Who the sandbox is for; resolved by the launcher before any namespace
 * work (NSS must read the host's files, not the sandbox's). */
struct sandbox_ident {
	uid_t uid;
	gid_t gid;
	const char *user;
	const char *home;	/* NULL: no usable home */
	const gid_t *groups;	/* supplementary groups, for fsuid checks */
	size_t n_groups;
};

struct sandbox_spec {
	const struct tmpl *ops;		/* effective, expanded, merged */
	struct sandbox_ident id;
	const char *vhost;		/* "" for the server level */
	const char *persist_dir;	/* root-owned fallback for tmp */
	bool userns;			/* create a user namespace */
	bool nested_userns;		/* allowUserNamespaces 1; else
					 * max_user_namespaces is 0 in the
					 * set's user namespace */
	const struct sc_policy *seccomp;	/* compiled into the set's
						 * filter; NULL or empty:
						 * none */
	bool persistent;		/* holder outlives the builder once
					 * committed; retires on SIGTERM */
	const char *passwd;		/* $PASSWD text, NULL if unused */
	const char *group;		/* $GROUP text, NULL if unused */
	const struct cg_tenant *cg;	/* the tenant's cgroup: the holder
					 * is born in it; NULL: none */
	int verbose_fd;			/* -v: one line per op, else -1 */
	int debug_fd;			/* /lsnsdebug, else -1 */
	int store_dir;			/* persistent: the set's store
					 * directory, which the holder keeps
					 * as its fd 1 (unmount_ns finds by
					 * it the sets of its persistDir that
					 * no record names); else -1 */
};

void nsset_init(struct nsset *s);
void nsset_close(struct nsset *s);

/* Kernel features needed (open_tree, move_mount, mount_setattr, fsopen:
 * Linux 5.12).  Returns 0 or -ENOSYS with a message in @err. */
int sandbox_kernel_ok(struct ns_err *err);

/* Whether a user namespace can be created here, as the seed says:
 * /sys/module/user_namespace/parameters/enable (if present) is Y and
 * /proc/sys/user/max_user_namespaces is not 0. */
bool sandbox_userns_available(void);

int sandbox_build(const struct sandbox_spec *spec, struct nsset *out,
		  struct ns_err *err);

/* Persistent builds: the holder dies with the builder until this is
 * called (after the record is published), so a builder killed at any point
 * leaves nothing running that no record points to. */
int sandbox_commit(struct nsset *s);

/* setns() into every namespace of @s but the cgroup and user
 * namespaces.  After this the caller's root and cwd are the sandbox's. */
int sandbox_enter(const struct nsset *s, struct ns_err *err);

/* For cmd_ns's command, after sandbox_enter() and in the set's pid
 * namespace (persist/adminproc.c): a mount namespace of its own in which
 * each procfs of the template shows every process of the set, not only
 * those of this launch. */
int sandbox_unhide_procs(const struct tmpl *ops, struct ns_err *err);

/* setns() into @s's cgroup namespace: by the command's process, once it
 * is in the tenant's cgroup.  (With nsdelegate, a cgroup namespace is a
 * delegation boundary: a process inside one could not be moved to a
 * cgroup outside it, and the monitor, which stays where it is, never
 * joins it.) */
int sandbox_enter_cgroup(const struct nsset *s, struct ns_err *err);

#endif
