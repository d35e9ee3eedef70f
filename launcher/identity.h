/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Name-service lookups, all done once, before any namespace work (inside
 * the sandbox NSS would read the sandbox's files), and the caller policy.
 */
#ifndef NSCELL_IDENTITY_H
#define NSCELL_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "input.h"
#include "template.h"

struct identity {
	uid_t uid;
	gid_t gid;
	char *user;
	char *home;	/* NULL: none, empty or "/" */
	char *gecos;
	char *shell;
	gid_t *groups;	/* getgrouplist(): the user's groups, NULL until
			 * ident_groups() (or a persisted set's cache) */
	size_t n_groups;
};

/* Look up @who (a checked name or uid; not given: the caller's real
 * uid).  Returns 0, or -ENOENT for an unknown user (other errors
 * negative). */
int ident_lookup(const struct user_arg *who, struct identity *id);
/* The user's groups through NSS (every module: slow with remote ones). */
int ident_groups(struct identity *id);
void ident_free(struct identity *id);

struct caller {
	uid_t uid;
	gid_t gid;
	gid_t *groups;	/* the process's supplementary groups */
	size_t n_groups;
};

int caller_lookup(struct caller *c);

/* The sandbox's /etc/passwd and /etc/group text for the $PASSWD / $GROUP
 * ops of @t (NULL when the op is absent).  An unknown name is an error
 * positioned at that name. */
int ident_pwfiles(const struct tmpl *t, const struct identity *id,
		  char **passwd, char **group, struct ns_err *err);

#endif
