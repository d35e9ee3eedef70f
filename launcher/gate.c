// SPDX-License-Identifier: GPL-2.0-or-later
/* The gate: caller input's shape, then what the caller may name; see
 * gate.h for the order and why. */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "log.h"
#include "nss.h"

/* The overflow uid the kernel shows for unmapped ids, and nobody's on
 * most distributions: files owned by it belong to nobody in particular. */
#define OVERFLOW_UID 65534u

static void
check_user(const char *opt, const char *s, struct user_arg *out)
{
	const char *why = input_user(s, out);

	/* The string is not printed: it is what was refused. */
	if (why)
		die_policy("%s: the argument %s", opt, why);
}

static void
check_path(const char *opt, const char *s, struct path_arg *out)
{
	const char *why = s ? input_path(s, out) : NULL;

	if (why)
		die_policy("%s: the argument %s", opt, why);
}

void
gate_raw(const char **slot, char opt, const char *val)
{
	if (*slot)
		die_policy("-%c: given more than once", opt);
	*slot = val;
}

void
gate_args(const struct raw_args *raw, struct launch_opts *o)
{
	const char *why;

	memset(&o->user, 0, sizeof(o->user));
	memset(&o->vhost, 0, sizeof(o->vhost));
	if (raw->user)
		check_user("-u", raw->user, &o->user);
	if (raw->vhost && (why = input_vhost(raw->vhost, &o->vhost)))
		die_policy("-s: the argument %s", why);
	check_path("-f", raw->tmpl, &o->tmpl);
	check_path("-2", raw->vtmpl, &o->vtmpl);
	check_path("-d", raw->dir, &o->dir);
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

/* The caller's own login name, or NULL. */
static char *
caller_name(const struct caller *c)
{
	struct passwd pw;
	char *buf = NULL, *name = NULL;

	if (nss_pw_uid(c->uid, &pw, &buf) == 0)
		name = strdup(pw.pw_name);
	free(buf);
	return name;
}

bool
gate_privileged_caller(const struct nscell_conf *conf,
		       const struct caller *c)
{
	char *name;
	bool in = false;

	if (c->uid == 0)
		return true;
	if (conf->n_allow_users && (name = caller_name(c))) {
		for (size_t i = 0; !in && i < conf->n_allow_users; i++)
			in = !strcmp(conf->allow_users[i], name);
		free(name);
	}
	for (size_t i = 0; !in && i < conf->n_allow_groups; i++)
		in = in_group(c, conf->allow_groups[i]);
	return in;
}

/* Does -u name the caller itself?  A name is compared with the caller's
 * own login name (looked up by the caller's uid): the caller's string is
 * never looked up on this path. */
static bool
names_self(const struct caller *c, const struct user_arg *u)
{
	char *name;
	bool self;

	if (!u->given || u->numeric)
		return !u->given || u->uid == c->uid;
	name = caller_name(c);
	self = name && !strcmp(name, u->name);
	free(name);
	return self;
}

void
gate_caller(const struct nscell_conf *conf, const struct caller *c,
	    const struct launch_opts *o)
{
	bool self = names_self(c, &o->user);
	bool known_vhost = !o->vhost.name[0] ||
		conf_vhost(conf, o->vhost.name);

	if (self && known_vhost)
		return;	/* what any caller may do: no more lookups */
	if (gate_privileged_caller(conf, c)) {
		/* Allowed, but most likely a misspelling: the set built for
		 * it has no vhost template and no vhost settings. */
		if (!known_vhost && o->verbose)
			dprintf(STDERR_FILENO, "nscell: warning: vhost %s is "
				"not configured in %s: its set has no vhost "
				"template and no vhost settings\n",
				o->vhost.name, NSCELL_CONF_PATH);
		return;
	}
	if (!self)
		die_policy("uid %u may not launch for another user: only "
			   "root and allowCaller members may (-u)",
			   (unsigned)c->uid);
	die_policy("uid %u may not use vhost %s: it is not configured in %s",
		   (unsigned)c->uid, o->vhost.name, NSCELL_CONF_PATH);
}

/* A vhost block's owner: a uid or a name. */
static bool
owner_matches(const char *owner, const struct identity *id)
{
	struct user_arg u;

	if (input_user(owner, &u))
		return false;
	return u.numeric ? u.uid == id->uid : !strcmp(u.name, id->user);
}

void
gate_target(const struct nscell_conf *conf, const struct caller *c,
	    const struct identity *id, const struct launch_opts *o)
{
	const struct conf_vhost *vh = o->vhost.name[0] ?
		conf_vhost(conf, o->vhost.name) : NULL;
	const char *why = NULL;

	if (id->uid == 0)
		why = c->uid == 0 && !o->user.given ?
			"uid 0 is never a target: name one with -u USER" :
			"uid 0 is never a target";
	else if (id->uid < conf->min_uid)
		why = "its uid is below minUid";
	/* Root may enter nobody's sandbox (cmd_ns's default, as the spec
	 * says); nobody else may launch as nobody or above maxUid, where
	 * system and dynamic accounts live. */
	else if (c->uid != 0 && id->uid > conf->max_uid)
		why = "its uid is above maxUid";
	else if (c->uid != 0 && (id->uid == OVERFLOW_UID ||
				 !strcmp(id->user, "nobody")))
		why = "nobody is never a target";
	else if (vh && vh->owner && !owner_matches(vh->owner, id))
		why = "the vhost belongs to another user (owner in the "
		      "configuration)";
	if (why)
		die_policy("uid %u may not launch for %s (uid %u)%s%s: %s",
			   (unsigned)c->uid, id->user, (unsigned)id->uid,
			   vh ? " in vhost " : "", vh ? vh->name : "", why);
}
