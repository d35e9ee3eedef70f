/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launch phases called by main(), and the state they share. */
#ifndef NSCELL_LAUNCH_H
#define NSCELL_LAUNCH_H

#include <stdbool.h>

#include "config.h"
#include "identity.h"
#include "input.h"
#include "scpolicy.h"
#include "template.h"

/* Only checked types (gate.c, parser/input.h): no raw argv string. */
struct launch_opts {
	struct user_arg user;		/* not .given: the caller */
	struct vhost_arg vhost;		/* "": the server level */
	struct path_arg tmpl, vtmpl, dir;	/* "": not given */
	bool verbose, oneshot, check;
	bool cgroups;			/* -c: enforce cgroups */
	bool login_env;			/* cmd_ns: a login environment */
	bool whole_set;			/* cmd_ns: /proc shows the set's
					 * processes, not only its own */
	const char *program;		/* the launch log's name; NULL:
					 * "nscell" */
	char **cmd;
};

/* The vhost, or NULL at the server level. */
static inline const char *
launch_vhost(const struct launch_opts *o)
{
	return o->vhost.name[0] ? o->vhost.name : NULL;
}

struct launch {
	struct launch_opts o;
	struct nscell_conf conf;
	struct caller caller;
	struct identity id;
	struct tmpl ops;	/* effective: merged and expanded */
	char *files[2];		/* template paths, kept for positions */
	/* The command's seccomp policy (nscell.conf seccomp and
	 * allowUserNamespaces for the vhost) and the FILE it came from. */
	struct sc_policy sc;
	struct sc_file sc_file;
	char *sc_path;
	bool nested_userns;
	struct conf_limits lim;	/* the server's, then the user's file's */
	char *lim_file;		/* that file's path, kept for positions */
};

/* First in main: priv_start(), or exit 125. */
void launch_start(void);
void launch_load_config(struct launch *L);
/* unmount_ns: the same, but a syntax error is a warning on stderr and the
 * other lines are used (parser/config.h: conf_parse_lenient). */
void launch_load_config_lenient(struct launch *L);
/* Caller, target and policy; --check drops to the caller here. */
void launch_identify(struct launch *L);
void launch_templates(struct launch *L);
/* The target's limits: nscell.conf's, overridden by userConfDir/USER.conf
 * (launcher/limits.c); called by launch_identify. */
void launch_limits(struct launch *L);
int launch_print_check(struct launch *L);
/* The seccomp policy into L->sc: the FILE, if the configuration names
 * one, read through the trusted-file gate, parsed and checked. */
void launch_seccomp(struct launch *L);
int launch_run(struct launch *L, char **envp);

#endif
