// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The target's limits: nscell.conf's server level, overridden key by key
 * by the target's own file, userConfDir/USER.conf (default
 * /etc/nscell/users.d), which holds limit keys only and is read like
 * nscell.conf: root's, not writable by group or others, no symlink on the
 * way.  An admin of hundreds of users writes one small file per user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "launch.h"
#include "log.h"

/* The directory of NSCELL_CONF_PATH, then "/users.d". */
static void
default_user_dir(char *buf, size_t len)
{
	const char *slash = strrchr(NSCELL_CONF_PATH, '/');
	int n = slash ? (int)(slash - NSCELL_CONF_PATH) : 0;

	snprintf(buf, len, "%.*s/users.d", n, NSCELL_CONF_PATH);
}

void
launch_limits(struct launch *L)
{
	struct ns_err err = { .code = 0 };
	char dir[4096], *buf = NULL;
	size_t len;
	int r;

	if (conf_limits_copy(&L->lim, &L->conf.limits) < 0)
		die("out of memory");
	if (L->conf.user_dir)
		snprintf(dir, sizeof(dir), "%s", L->conf.user_dir);
	else
		default_user_dir(dir, sizeof(dir));
	/* The name passed the gate's and NSS's checks: one path component
	 * that does not start with a dot. */
	if (asprintf(&L->lim_file, "%s/%s.conf", dir, L->id.user) < 0)
		die("out of memory");
	r = file_load(L->lim_file, true, (uid_t)-1, (gid_t)-1, CONF_MAX_FILE,
		      &buf, &len, &err);
	if (r == -ENOENT) {
		debugf("no %s: the server level's limits", L->lim_file);
		return;
	}
	if (r < 0)
		die_err(&err);
	r = conf_parse_user(&L->lim, L->lim_file, buf, len, &err);
	free(buf);
	if (r < 0)
		die_err(&err);
	debugf("limits of %s from %s", L->id.user, L->lim_file);
}
