// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The last phases: build the sandbox (or not, when the configuration
 * disables namespaces), enter it, start the command's process, drop, exec;
 * the parent stays as a small monitor.  Fail closed: every error before
 * exec exits 125 and nothing runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "env.h"
#include "exec.h"
#include "landlock.h"
#include "launch.h"
#include "launchlog.h"
#include "log.h"
#include "priv.h"
#include "persist.h"
#include "sandbox.h"

#define LOCK_TIMEOUT_MS 30000

static void
fill_spec(struct launch *L, struct sandbox_spec *spec,
	  const struct cg_tenant *cg, struct ns_err *err)
{
	char *passwd = NULL, *group = NULL;

	*spec = (struct sandbox_spec){
		.cg = cg,
		.ops = &L->ops,
		.id = { L->id.uid, L->id.gid, L->id.user, L->id.home,
			L->id.groups, L->id.n_groups },
		.vhost = L->o.vhost.name,
		.persist_dir = L->conf.persist_dir,
		.persistent = !L->o.oneshot,
		.verbose_fd = L->o.verbose ? STDERR_FILENO : -1,
		.debug_fd = log_debug_fd,
		.store_dir = -1,
	};
	if (sandbox_kernel_ok(err) < 0 ||
	    ident_pwfiles(&L->ops, &L->id, &passwd, &group, err) < 0)
		die_err(err);
	spec->passwd = passwd;
	spec->group = group;
	spec->userns = !tmpl_no_unshare_user(&L->ops) &&
		sandbox_userns_available();
	spec->nested_userns = L->nested_userns;
	spec->seccomp = &L->sc;
}

/* Everything the sandbox's content depends on but the bound sources. */
static uint64_t
spec_hash(const struct sandbox_spec *spec)
{
	uint64_t h = tmpl_hash(spec->ops, TMPL_HASH_INIT);
	const char *v = NSCELL_VERSION;

	h = tmpl_hash_bytes(h, v, strlen(v) + 1);
	/* A set is built for one uid and one primary gid (its user
	 * namespace maps exactly those): a changed gid must rebuild it, or
	 * every launch would fail to drop to the new one (issue 18). */
	h = tmpl_hash_bytes(h, &spec->id.uid, sizeof(spec->id.uid));
	h = tmpl_hash_bytes(h, &spec->id.gid, sizeof(spec->id.gid));
	h = tmpl_hash_bytes(h, &spec->userns, sizeof(spec->userns));
	/* The filter a set keeps, and its max_user_namespaces. */
	h = tmpl_hash_bytes(h, &spec->nested_userns,
			    sizeof(spec->nested_userns));
	h = sc_policy_hash(spec->seccomp, h);
	if (spec->passwd)
		h = tmpl_hash_bytes(h, spec->passwd, strlen(spec->passwd));
	if (spec->group)
		h = tmpl_hash_bytes(h, spec->group, strlen(spec->group) + 1);
	/* Its holder lives in the tenant's cgroup, and its cgroup namespace
	 * is rooted there: turning cgroups on or off builds a new set. */
	if (spec->cg)
		h = tmpl_hash_bytes(h, spec->cg->path, strlen(spec->cg->path));
	return tmpl_hash_bytes(h, spec->persist_dir,
			       strlen(spec->persist_dir));
}

/* The user's groups: from the persisted set's record while /etc/group is
 * unchanged (asking every NSS module is the slowest part of a join), else
 * through NSS. */
static bool
resolve_groups(struct launch *L, const struct record *rec, uint64_t stamp)
{
	if (rec && persist_cached_groups(rec, stamp, &L->id.groups,
					 &L->id.n_groups) == 0)
		return true;
	if (ident_groups(&L->id) < 0)
		die("cannot read the groups of %s", L->id.user);
	return false;
}

/* idleTimeout: retire the sets unused that long, at most once a minute
 * and by one launch at a time (persist/lifecycle.c); the others pay one
 * stat(). */
static void
expire_idle(struct launch *L)
{
	int fd = persist_expire_due(L->conf.persist_dir, L->conf.idle_timeout,
				    time(NULL));

	if (fd < 0)
		return;
	if (persist_expire(L->conf.persist_dir, L->conf.idle_timeout,
			   time(NULL), NULL) < 0)
		debugf("expiring idle sets failed");
	close(fd);
}

/* Join the persisted set, or build one (persisted, or one-shot with -n),
 * and enter it.  Returns the set's lock file for persist_note_used(), or
 * -1 (one-shot). */
static int
acquire_sandbox(struct launch *L, struct nsset *ns, const struct cg_tenant *cg)
{
	struct ns_err err = { .code = 0 };
	uint64_t stamp = L->o.oneshot ? 0 : persist_group_stamp();
	struct sandbox_spec spec;
	enum persist_how how = PERSIST_BUILT;
	struct sc_bpf rec_filter = { 0 };
	struct record rec;
	bool have_rec, cached;
	int r, used;

	/* In use from now on: never retired as idle under us.  Then the
	 * published record, read once: its groups, the set to join, and
	 * the set's filter. */
	used = L->o.oneshot ? -1 : persist_hold(L->conf.persist_dir,
						 L->id.uid, L->o.vhost.name);
	expire_idle(L);
	have_rec = used >= 0 &&
		persist_peek(L->conf.persist_dir, L->id.uid,
			     L->o.vhost.name, &rec, sc_policy_empty(&L->sc) ?
			     NULL : &rec_filter) == 0;
	cached = resolve_groups(L, have_rec ? &rec : NULL, stamp);
	/* The target's groups from here on: permission checks made as the
	 * user (fsuid) must not see the caller's groups. */
	if (setgroups(L->id.n_groups, L->id.groups) < 0)
		die("setgroups: %s", strerror(errno));
	fill_spec(L, &spec, cg, &err);
	if (spec.persistent) {
		uint64_t srchash = TMPL_HASH_INIT;

		if (persist_source_hash(&L->ops, &spec.id, &srchash, &err) < 0)
			die_err(&err);
		struct persist_key k = {
			.persist_dir = spec.persist_dir,
			.hash = spec_hash(&spec),
			.srchash = srchash,
			/* A set being retired is not joined, even through
			 * a record read before its removal. */
			.reload = persist_reload_requested(&spec.id) ||
				used == -2,
			.group_stamp = stamp,
			.hint = have_rec ? &rec : NULL,
			.hint_filter = &rec_filter,
			.timeout_ms = LOCK_TIMEOUT_MS,
			.max_sets = L->conf.max_sets,
		};

		r = persist_acquire(&spec, &k, ns, &how, &err);
		if (r == 0 && how == PERSIST_JOINED && have_rec && !cached)
			persist_refresh_groups(spec.persist_dir, &rec,
					       L->id.groups, L->id.n_groups,
					       stamp);
	} else {
		r = sandbox_build(&spec, ns, &err);
	}
	filter_free(&rec_filter);
	if (r < 0)
		die_err(&err);
	free((char *)spec.passwd);
	free((char *)spec.group);
	/* A set this launch built, or found by the lock: held now, while
	 * the store's path still resolves (entering changes our root). */
	if (spec.persistent && used < 0)
		used = persist_hold(spec.persist_dir, L->id.uid, spec.vhost);
	if (sandbox_enter(ns, &err) < 0)
		die_err(&err);
	launchlog_set(how == PERSIST_JOINED ? "joined" : spec.persistent ?
		      "built" : "one-shot");
	debugf("%s the sandbox (holder pid %d)", how == PERSIST_JOINED ?
	       "joined" : "built and entered", (int)ns->holder);
	if (L->o.verbose)
		dprintf(STDERR_FILENO, "nscell: %s sandbox (holder pid %d)\n",
			how == PERSIST_JOINED ? "joined the persisted" :
			spec.persistent ? "built a persisted" :
			"built a one-shot", (int)ns->holder);
	return used;
}

struct child_args {
	struct launch *L;
	char **env;
	const sigset_t *mask;
	int parent;
	const struct nsset *ns;		/* NULL: namespaces disabled */
	const struct cg_tenant *cg;	/* NULL: no cgroup */
	const struct sc_bpf *filter;	/* len 0: none */
};

/* The configured rlimits of the command (RLIM_INFINITY: none). */
static void
conf_rlimits(const struct conf_limits *l, struct priv_rlimits *r)
{
	static const struct {
		size_t off;
		enum conf_limit soft, hard;
	} map[] = {
		{ offsetof(struct priv_rlimits, cpu), CONF_L_CPU_SOFT,
		  CONF_L_CPU_HARD },
		{ offsetof(struct priv_rlimits, as), CONF_L_MEM_SOFT,
		  CONF_L_MEM_HARD },
		{ offsetof(struct priv_rlimits, nproc), CONF_L_PROC_SOFT,
		  CONF_L_PROC_HARD },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
		struct rlimit *rl = (struct rlimit *)((char *)r + map[i].off);
		uint64_t v;

		rl->rlim_cur = conf_limit_get(l, map[i].soft, &v) ? v :
			RLIM_INFINITY;
		rl->rlim_max = conf_limit_get(l, map[i].hard, &v) ? v :
			RLIM_INFINITY;
	}
}

/* Into the tenant's cgroup (v1: now; v2: clone3 did it) and only then
 * into the set's cgroup namespace, still root: nothing of the tenant's
 * has run yet. */
static void
child_cgroup(const struct child_args *a)
{
	struct ns_err err = { .code = 0 };

	if (cg_join(a->cg, &err) < 0 ||
	    (a->ns && sandbox_enter_cgroup(a->ns, &err) < 0))
		die_err(&err);
}

/* Drop for good, scope abstract sockets, and execute: never returns. */
static void __attribute__((noreturn))
child_main(const struct child_args *a)
{
	struct launch *L = a->L;
	struct ns_err err = { .code = 0 };
	struct priv_rlimits lim;
	int r;

	child_cgroup(a);
	/* Still root, in the set's pid namespace (forked after the setns):
	 * cmd_ns's own view of /proc (persist/adminproc.c). */
	if (L->o.whole_set && a->ns &&
	    sandbox_unhide_procs(&L->ops, &err) < 0)
		die_err(&err);
	conf_rlimits(&L->lim, &lim);
	r = priv_drop(L->id.uid, L->id.gid, L->id.groups, L->id.n_groups,
		      a->ns ? a->ns->fd[NS_USER] : -1);
	if (r < 0)
		die("cannot drop to uid %u gid %u: %s", (unsigned)L->id.uid,
		    (unsigned)L->id.gid, strerror(-r));
	r = landlock_scope();
	if (r < 0)
		die("landlock: cannot scope abstract unix sockets: %s",
		    strerror(-r));
	if (r == 0)
		debugf("no Landlock ABI 6: abstract unix sockets are not "
		       "scoped (see SECURITY.md)");
	exec_command(L->o.cmd, a->env, L->o.dir.path[0] ? L->o.dir.path :
		     NULL, L->id.home, a->mask, a->parent, a->filter, &lim);
}

/* The command's process is a plain fork: the same path in every build,
 * sanitizers included, and nothing shared with the root monitor once it
 * runs (issue 11; a CLONE_VM|CLONE_VFORK child measured no gain and ran
 * libcap-ng, setns and die() in the monitor's memory).  In a v2 cgroup,
 * clone3 with fork()'s semantics puts it there as it is born. */
static pid_t
spawn_command(const struct child_args *a)
{
	pid_t pid = a->cg && a->cg->dir >= 0 ? (pid_t)cg_clone(a->cg, 0) :
		fork();

	if (pid == 0)
		child_main(a);
	return pid;
}

/* The caller's own environment when it runs its own command; another
 * caller's (a web server's, root's) only through the allow list, with the
 * target's HOME, USER and LOGNAME; cmd_ns's a login environment, as
 * "su -" makes it (launcher/env.h). */
static char **
command_env(const struct launch *L, char **envp)
{
	struct env_rules r = {
		.mode = L->o.login_env ? ENV_LOGIN :
			L->caller.uid != L->id.uid ? ENV_SERVER : ENV_OWN,
		.user = L->id.user,
		.home = L->id.home,
		.shell = L->id.shell,
		.pass = L->conf.pass_env,
		.n_pass = L->conf.n_pass_env,
	};

	return env_build(envp, &r);
}

/* maxEntryProcesses: a slot among the tenant's concurrent launches, held
 * by the monitor until the command ends (-1: no cap). */
static int
entry_slot(struct launch *L)
{
	struct ns_err err = { .code = 0 };
	uint64_t max;
	int fd;

	if (!conf_limit_get(&L->lim, CONF_L_ENTRY, &max))
		return -1;
	if (cg_entry(L->conf.persist_dir, L->id.uid, (unsigned)max,
		     (unsigned)L->lim.v[CONF_L_ENTRY_WAIT] * 1000, &fd,
		     &err) < 0)
		die_err(&err);
	return fd;
}

/* The tenant's cgroup, when -c or the configuration asks for it: every
 * process of the launch is placed in it, or the launch exits 125. */
static bool
open_cgroup(struct launch *L, struct cg_tenant *cg)
{
	struct ns_err err = { .code = 0 };
	struct cg_request rq = {
		.uid = L->id.uid, .lim = &L->lim,
		.manager = L->conf.cg_manager, .root = L->conf.cg_root,
		.home = L->id.home, .persist_dir = L->conf.persist_dir,
	};

	cg_init(cg);
	if (!L->o.cgroups && !conf_cg_enabled(&L->conf, launch_vhost(&L->o))) {
		if (conf_limits_need_cgroup(&L->lim))
			debugf("cgroups are off: the cgroup limits are not "
			       "enforced");
		return false;
	}
	if (cg_tenant_open(&rq, cg, &err) < 0)
		die_err(&err);
	debugf("%s the cgroup %s", cg->created ? "set up" : "opened",
	       cg->path);
	if (L->o.verbose)
		dprintf(STDERR_FILENO, "nscell: %s cgroup %s\n", cg->created ?
			"set up the tenant's" : "the tenant's", cg->path);
	return true;
}

int
launch_run(struct launch *L, char **envp)
{
	bool enabled = conf_ns_enabled(&L->conf, launch_vhost(&L->o));
	struct cg_tenant cg;
	struct nsset ns;
	char **env;
	sigset_t mask;
	int parent, status, used = -1, slot;
	bool cg_on;
	pid_t child;

	env = command_env(L, envp);
	if (!env)
		die("environment: %s", strerror(errno));
	launch_seccomp(L);
	launchlog_open(L, L->o.program ? L->o.program : "nscell");
	slot = entry_slot(L);
	cg_on = open_cgroup(L, &cg);
	nsset_init(&ns);
	if (enabled) {
		used = acquire_sandbox(L, &ns, cg_on ? &cg : NULL);
	} else {
		struct ns_err err = { .code = 0 };

		debugf("namespaces disabled by the configuration");
		launchlog_set("none");
		resolve_groups(L, NULL, 0);
		/* No set to keep it: compiled for this launch. */
		if (!sc_policy_empty(&L->sc) &&
		    filter_compile(&L->sc, &ns.filter, &err) < 0)
			die_err(&err);
	}
	exec_block_signals(&mask);
	parent = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (parent < 0)
		die("pidfd_open: %s", strerror(errno));
	child = spawn_command(&(struct child_args){
		L, env, &mask, parent, enabled ? &ns : NULL,
		cg_on ? &cg : NULL, &ns.filter });
	if (child < 0)
		die("clone: %s", strerror(errno));
	close(parent);
	nsset_close(&ns);
	cg_tenant_close(&cg);
	if (priv_monitor() < 0)
		die("cannot drop the monitor's capabilities");
	status = exec_monitor(child);
	persist_note_used(used);
	launchlog_done(status);
	if (slot >= 0)
		close(slot);
	return status;
}
