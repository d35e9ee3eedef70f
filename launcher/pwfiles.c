// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * $PASSWD and $GROUP: entries looked up through NSS (so directory-service
 * users work and no id is assumed, not even nobody's), formatted by the
 * pure pwgen module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "nss.h"
#include "pwgen.h"
#include "sysutil.h"

#define MAX_ENTRIES (TMPL_MAX_NAMES + 1)

struct lookups {
	struct pw_entry pw[MAX_ENTRIES];
	size_t n_pw;
	struct gr_entry gr[MAX_ENTRIES];
	size_t n_gr;
	char *bufs[2 * MAX_ENTRIES];
	size_t n_bufs;
};

static const struct tmpl_op *
find_op(const struct tmpl *t, enum tmpl_kind kind)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->ops[i].kind == kind)
			return &t->ops[i];
	}
	return NULL;
}

static int
add_user(struct lookups *l, const char *name, const struct tmpl_pos *pos,
	 struct ns_err *err)
{
	struct passwd pw;
	int r = nss_pw_name(name, &pw, &l->bufs[l->n_bufs]);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return ns_err_set(err, pos, ENOENT, "unknown user '%s' in "
				   "$PASSWD", name);
	l->n_bufs++;
	l->pw[l->n_pw++] = (struct pw_entry){ pw.pw_name, pw.pw_uid,
		pw.pw_gid, pw.pw_gecos ? pw.pw_gecos : "", pw.pw_dir,
		pw.pw_shell ? pw.pw_shell : "" };
	return 0;
}

static int
add_group(struct lookups *l, const char *name, gid_t gid,
	  const struct tmpl_pos *pos, struct ns_err *err)
{
	struct group gr;
	char **buf = &l->bufs[l->n_bufs];
	int r = name ? nss_gr_name(name, &gr, buf) : nss_gr_gid(gid, &gr, buf);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (!name)
			return 0;	/* a primary gid without a name */
		return ns_err_set(err, pos, ENOENT, "unknown group '%s' in "
				   "$GROUP", name);
	}
	l->n_bufs++;
	l->gr[l->n_gr++] = (struct gr_entry){ gr.gr_name, gr.gr_gid,
		(const char *const *)gr.gr_mem };
	return 0;
}

static int
collect(const struct tmpl *t, const struct identity *id, struct lookups *l,
	struct ns_err *err)
{
	const struct tmpl_op *p = find_op(t, TMPL_PASSWD);
	const struct tmpl_op *g = find_op(t, TMPL_GROUP);
	int r = 0;

	l->pw[l->n_pw++] = (struct pw_entry){ id->user, id->uid, id->gid,
		id->gecos, id->home ? id->home : "/", id->shell };
	for (size_t i = 0; p && r == 0 && i < p->n_names; i++)
		r = add_user(l, p->names[i], &p->name_pos[i], err);
	if (g && r == 0)
		r = add_group(l, NULL, id->gid, &g->pos, err);
	for (size_t i = 0; g && r == 0 && i < g->n_names; i++)
		r = add_group(l, g->names[i], 0, &g->name_pos[i], err);
	return r;
}

static int
format(const struct tmpl *t, struct lookups *l, char **passwd, char **group,
       struct ns_err *err)
{
	size_t len, bad = 0;
	int r = 0;

	if (find_op(t, TMPL_PASSWD)) {
		r = pwgen_passwd(l->pw, l->n_pw, passwd, &len, &bad);
		if (r < 0)
			return ns_err_set(err, NULL, -r, "cannot write /etc/passwd: "
				       "entry '%s' has ':' or a newline",
				       l->pw[bad].name);
	}
	if (find_op(t, TMPL_GROUP)) {
		r = pwgen_group(l->gr, l->n_gr, l->pw, l->n_pw, group, &len,
				&bad);
		if (r < 0)
			return ns_err_set(err, NULL, -r, "cannot write /etc/group: "
				       "entry '%s' has ':' or a newline",
				       l->gr[bad].name);
	}
	return 0;
}

int
ident_pwfiles(const struct tmpl *t, const struct identity *id,
	      char **passwd, char **group, struct ns_err *err)
{
	struct lookups *l = calloc(1, sizeof(*l));
	int r;

	*passwd = *group = NULL;
	if (!l)
		return -ENOMEM;
	r = collect(t, id, l, err);
	if (r == 0)
		r = format(t, l, passwd, group, err);
	for (size_t i = 0; i < l->n_bufs; i++)
		free(l->bufs[i]);
	free(l);
	return r;
}
