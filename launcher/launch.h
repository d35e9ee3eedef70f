/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The launch phases called by main(), and the state they share. */
#ifndef NSCELL_LAUNCH_H
#define NSCELL_LAUNCH_H

#include <stdbool.h>

#include "config.h"
#include "identity.h"
#include "template.h"

struct launch_opts {
	const char *user, *vhost, *tmpl, *vtmpl, *dir;
	bool verbose, oneshot, check;
	char **cmd;
};

struct launch {
	struct launch_opts o;
	struct nscell_conf conf;
	struct caller caller;
	struct identity id;
	struct tmpl ops;	/* effective: merged and expanded */
	char *files[2];		/* template paths, kept for positions */
};

void launch_load_config(struct launch *L);
/* Caller, target and policy; --check drops to the caller here. */
void launch_identify(struct launch *L);
void launch_templates(struct launch *L);
int launch_print_check(struct launch *L);
int launch_run(struct launch *L, char **envp);

#endif
