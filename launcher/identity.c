// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "nss.h"
#include "pwgen.h"
#include "sysutil.h"


static int
get_pw(const struct user_arg *who, struct passwd *pw, char **buf)
{
	if (!who->given)
		return nss_pw_uid(getuid(), pw, buf);
	if (who->numeric)
		return nss_pw_uid(who->uid, pw, buf);
	return nss_pw_name(who->name, pw, buf);
}

int
ident_lookup(const struct user_arg *who, struct identity *id)
{
	struct passwd pw;
	char *buf = NULL;
	int r;

	memset(id, 0, sizeof(*id));
	r = get_pw(who, &pw, &buf);
	if (r == 0) {
		id->uid = pw.pw_uid;
		id->gid = pw.pw_gid;
		id->user = strdup(pw.pw_name);
		id->gecos = strdup(pw.pw_gecos ? pw.pw_gecos : "");
		id->shell = strdup(pw.pw_shell ? pw.pw_shell : "");
		if (pw.pw_dir && pw.pw_dir[0] == '/' && pw.pw_dir[1])
			id->home = strdup(pw.pw_dir);
		if (!id->user || !id->gecos || !id->shell ||
		    (pw.pw_dir && pw.pw_dir[0] == '/' && pw.pw_dir[1] &&
		     !id->home))
			r = -ENOMEM;
	}
	free(buf);
	if (r < 0)
		ident_free(id);
	return r;
}

int
ident_groups(struct identity *id)
{
	if (id->groups)
		return 0;
	return nss_grouplist(id->user, id->gid, &id->groups, &id->n_groups);
}

void
ident_free(struct identity *id)
{
	free(id->user);
	free(id->home);
	free(id->gecos);
	free(id->shell);
	free(id->groups);
	memset(id, 0, sizeof(*id));
}

int
caller_lookup(struct caller *c)
{
	int n;

	memset(c, 0, sizeof(*c));
	c->uid = getuid();
	c->gid = getgid();
	n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	c->groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (!c->groups)
		return -ENOMEM;
	n = getgroups(n, c->groups);
	if (n < 0)
		return -errno;
	c->n_groups = (size_t)n;
	return 0;
}
