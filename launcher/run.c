// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The last phases: build the sandbox (or not, when the configuration
 * disables namespaces), enter it, fork the command's process, drop, exec;
 * the parent stays as a small monitor.  Fail closed: every error before
 * exec exits 125 and nothing runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env.h"
#include "exec.h"
#include "launch.h"
#include "log.h"
#include "priv.h"
#include "sandbox.h"

static void
build(struct launch *L, struct nsset *ns)
{
	struct tmpl_err err = { .code = 0 };
	char *passwd = NULL, *group = NULL;
	struct sandbox_spec spec = {
		.ops = &L->ops,
		.id = { L->id.uid, L->id.gid, L->id.user, L->id.home,
			L->id.groups, L->id.n_groups },
		.vhost = L->o.vhost ? L->o.vhost : "",
		.persist_dir = L->conf.persist_dir,
		.die_with_parent = true,
		.verbose_fd = L->o.verbose ? STDERR_FILENO : -1,
		.debug_fd = log_debug_fd,
	};

	if (sandbox_kernel_ok(&err) < 0 ||
	    ident_pwfiles(&L->ops, &L->id, &passwd, &group, &err) < 0)
		die_err(&err);
	spec.passwd = passwd;
	spec.group = group;
	spec.userns = !tmpl_no_unshare_user(&L->ops) &&
		sandbox_userns_available();
	debugf("building: %zu ops, user namespace %s", L->ops.n,
	       spec.userns ? "yes" : "no");
	if (sandbox_build(&spec, ns, &err) < 0)
		die_err(&err);
	free(passwd);
	free(group);
	if (sandbox_enter(ns, &err) < 0)
		die_err(&err);
	debugf("entered the sandbox (holder pid %d)", (int)ns->holder);
}

int
launch_run(struct launch *L, char **envp)
{
	bool enabled = conf_ns_enabled(&L->conf, L->o.vhost);
	struct nsset ns;
	char **env;
	sigset_t mask;
	int parent;
	pid_t child;

	/* Loader and interpreter injection is stripped when the command
	 * runs as somebody else than the caller. */
	env = env_build(envp, L->caller.uid != L->id.uid);
	if (!env)
		die("environment: %s", strerror(errno));
	nsset_init(&ns);
	if (enabled)
		build(L, &ns);
	else
		debugf("namespaces disabled by the configuration");
	exec_block_signals(&mask);
	parent = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (parent < 0)
		die("pidfd_open: %s", strerror(errno));
	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0) {
		priv_drop(L->id.uid, L->id.gid, L->id.groups, L->id.n_groups,
			  ns.fd[NS_USER]);
		exec_command(L->o.cmd, env, L->o.dir, L->id.home, &mask,
			     parent);
	}
	close(parent);
	nsset_close(&ns);
	priv_monitor();
	return exec_monitor(child);
}
