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


static bool
parse_id(const char *s, uid_t *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 4294967294ul)
			return false;
	}
	*out = (uid_t)v;
	return true;
}

static int
get_pw(const char *who, uid_t uid, struct passwd *pw, char **buf)
{
	uid_t n;

	if (!who)
		return nss_pw_uid(uid, pw, buf);
	if (parse_id(who, &n))
		return nss_pw_uid(n, pw, buf);
	return nss_pw_name(who, pw, buf);
}

int
ident_lookup(const char *who, struct identity *id)
{
	struct passwd pw;
	char *buf = NULL;
	int r;

	memset(id, 0, sizeof(*id));
	r = get_pw(who, getuid(), &pw, &buf);
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

static bool
in_group(const struct caller *c, const char *group)
{
	struct group gr;
	char *buf = NULL;
	bool in = false;

	if (nss_gr_name(group, &gr, &buf) == 0) {
		in = gr.gr_gid == c->gid;
		for (size_t i = 0; !in && i < c->n_groups; i++)
			in = c->groups[i] == gr.gr_gid;
	}
	free(buf);
	return in;
}

/* The caller's name is looked up only here, when a name list needs it:
 * launching for oneself or as root costs no lookup. */
static bool
caller_named(const struct nscell_conf *conf, const struct caller *c)
{
	struct passwd pw;
	char *buf = NULL;
	bool in = false;

	if (!conf->n_allow_users)
		return false;
	if (nss_pw_uid(c->uid, &pw, &buf) == 0) {
		for (size_t i = 0; !in && i < conf->n_allow_users; i++)
			in = !strcmp(conf->allow_users[i], pw.pw_name);
	}
	free(buf);
	return in;
}

static bool
allowed_caller(const struct nscell_conf *conf, const struct caller *c)
{
	if (c->uid == 0 || caller_named(conf, c))
		return true;
	for (size_t i = 0; i < conf->n_allow_groups; i++) {
		if (in_group(c, conf->allow_groups[i]))
			return true;
	}
	return false;
}

const char *
policy_check(const struct nscell_conf *conf, const struct caller *c,
	     uid_t target)
{
	if (target == 0)
		return "uid 0 is never a target";
	if (target < conf->min_uid)
		return "target uid is below minUid";
	if (target != c->uid && !allowed_caller(conf, c))
		return "only root and allowCaller members may launch for "
		       "another user";
	return NULL;
}
