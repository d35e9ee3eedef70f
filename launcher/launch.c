// SPDX-License-Identifier: GPL-2.0-or-later
/* The launch phases: config, identity and policy, templates. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "filter.h"
#include "gate.h"
#include "launch.h"
#include "log.h"
#include "priv.h"

void
launch_start(void)
{
	int r = priv_start();

	if (r < 0 && geteuid() != 0)
		die("not installed setuid root (euid %u)",
		    (unsigned)geteuid());
	if (r < 0)
		die("cannot set up nscell's privileges: %s", strerror(-r));
}

/* The config is root's: root-owned, not group/other-writable; read, or
 * NULL when there is none. */
static char *
read_config(size_t *len)
{
	struct ns_err err = { .code = 0 };
	char *buf = NULL;
	int r;

	r = file_load(NSCELL_CONF_PATH, true, (uid_t)-1, (gid_t)-1,
		      CONF_MAX_FILE, &buf, len, &err);
	if (r == -ENOENT) {
		debugf("no %s: defaults", NSCELL_CONF_PATH);
		return NULL;
	}
	if (r < 0)
		die_err(&err);
	return buf;
}

void
launch_load_config_lenient(struct launch *L)
{
	struct ns_err err = { .code = 0 };
	size_t len = 0;
	char *buf;
	int bad;

	if (conf_init(&L->conf) < 0)
		die("out of memory");
	buf = read_config(&len);
	if (!buf)
		return;
	bad = conf_parse_lenient(&L->conf, NSCELL_CONF_PATH, buf, len, &err);
	free(buf);
	if (bad > 0)
		dprintf(STDERR_FILENO, "nscell: warning: %s:%u:%u: %s (%d "
			"error%s; the other lines are used: persistDir %s)\n",
			err.pos.file ? err.pos.file : NSCELL_CONF_PATH,
			err.pos.line, err.pos.col, err.msg, bad,
			bad == 1 ? "" : "s", L->conf.persist_dir);
}

void
launch_load_config(struct launch *L)
{
	struct ns_err err = { .code = 0 };
	char *buf = NULL;
	size_t len;
	int r;

	if (conf_init(&L->conf) < 0)
		die("out of memory");
	/* The config is root's: root-owned, not group/other-writable. */
	r = file_load(NSCELL_CONF_PATH, true, (uid_t)-1, (gid_t)-1,
		      CONF_MAX_FILE, &buf, &len, &err);
	if (r == -ENOENT) {
		debugf("no %s: defaults", NSCELL_CONF_PATH);
		return;
	}
	if (r < 0)
		die_err(&err);
	r = conf_parse_buf(&L->conf, NSCELL_CONF_PATH, buf, len, &err);
	free(buf);
	if (r < 0)
		die_err(&err);
}

/* The target as the user named it, for messages: it passed the gate. */
static const char *
target_text(const struct user_arg *u, char *buf, size_t len)
{
	if (!u->given)
		snprintf(buf, len, "uid %u (the caller)", (unsigned)getuid());
	else if (u->numeric)
		snprintf(buf, len, "uid %u", (unsigned)u->uid);
	else
		snprintf(buf, len, "%s", u->name);
	return buf;
}

void
launch_identify(struct launch *L)
{
	char who[INPUT_NAME_MAX + 32];
	int r;

	if (caller_lookup(&L->caller) < 0)
		die("cannot read the caller's identity");
	/* Policy first: nothing the caller named is looked up before the
	 * gate has said the caller may name it. */
	gate_caller(&L->conf, &L->caller, &L->o);
	/* --check needs no privilege beyond reading the files: drop now,
	 * before any template is opened. */
	if (L->o.check && priv_to_caller() < 0)
		die("cannot drop privileges to uid %u", (unsigned)getuid());
	r = ident_lookup(&L->o.user, &L->id);
	if (r == -ENOENT)
		die("unknown user %s", target_text(&L->o.user, who,
						   sizeof(who)));
	if (r < 0)
		die("cannot look up %s: %s", target_text(&L->o.user, who,
							 sizeof(who)),
		    strerror(-r));
	gate_target(&L->conf, &L->caller, &L->id, &L->o);
	/* --check runs as the caller, who may not read users' files. */
	if (!L->o.check)
		launch_limits(L);
	debugf("caller uid %u, target %s (uid %u gid %u), vhost '%s'",
	       (unsigned)L->caller.uid, L->id.user, (unsigned)L->id.uid,
	       (unsigned)L->id.gid, L->o.vhost.name);
}

/* The server template: -f, else namespaceConf, else NULL (built in). */
static char *
server_template(struct launch *L)
{
	struct ns_err err = { .code = 0 };
	char *p;

	if (L->o.tmpl.path[0])
		return strdup(L->o.tmpl.path);
	if (!L->conf.namespace_conf)
		return NULL;
	p = conf_expand_path(L->conf.namespace_conf, L->conf.server_root,
			     NULL, NULL, &err);
	if (!p)
		die_err(&err);
	return p;
}

static char *
vhost_template(struct launch *L)
{
	const struct conf_vhost *vh;
	struct ns_err err = { .code = 0 };
	char *p;

	if (L->o.vtmpl.path[0])
		return strdup(L->o.vtmpl.path);
	vh = launch_vhost(&L->o) ? conf_vhost(&L->conf, L->o.vhost.name) :
		NULL;
	if (!vh || !vh->conf_vh_add)
		return NULL;
	p = conf_expand_path(vh->conf_vh_add, L->conf.server_root,
			     vh->vh_root, &vh->pos, &err);
	if (!p)
		die_err(&err);
	return p;
}

/* Parse one template (a file, or the built-in default when @path is
 * NULL), expand it for the target and merge it into the effective list. */
static void
add_template(struct launch *L, const char *path)
{
	const struct tmpl_ident ident = { L->id.uid, L->id.gid, L->id.user,
					  L->id.home };
	struct ns_err err = { .code = 0 };
	bool root = L->caller.uid == 0;
	struct tmpl raw;
	char *buf = NULL;
	size_t len;
	int r = 0;

	tmpl_init(&raw);
	if (path) {
		r = file_load(path, !root, root ? (uid_t)-1 : L->caller.uid,
			      L->caller.gid, TMPL_MAX_FILE, &buf, &len, &err);
		if (r == -ENOENT)
			die("%s: %s", path, strerror(ENOENT));
		if (r == 0)
			r = tmpl_parse_buf(&raw, path, buf, len, &err);
		free(buf);
	} else {
		r = tmpl_parse_buf(&raw, tmpl_default_name, tmpl_default_text,
				   strlen(tmpl_default_text), &err);
	}
	if (r == 0)
		r = tmpl_expand(&raw, &ident, &err);
	if (r == 0)
		r = tmpl_merge(&L->ops, &raw, &err);
	tmpl_free(&raw);
	if (r < 0)
		die_err(&err);
}

void
launch_templates(struct launch *L)
{
	/* The capabilities to build or join from here on (priv.c); the
	 * templates themselves are read with the caller's fsuid, which
	 * takes CAP_SETUID to switch to. */
	if (!L->o.check && priv_raise() < 0)
		die("cannot raise nscell's capabilities");
	tmpl_init(&L->ops);
	L->files[0] = server_template(L);
	L->files[1] = vhost_template(L);
	add_template(L, L->files[0]);
	if (L->files[1])
		add_template(L, L->files[1]);
}

static void
check_say(void *arg, const struct tmpl_pos *pos, enum check_level level,
	  const char *msg)
{
	const struct launch *L = arg;
	const char *tag = level == CHECK_FATAL ? "" : level == CHECK_WARN ?
		"warning: " : "note: ";

	if (level == CHECK_INFO && !L->o.verbose)
		return;
	if (pos && pos->file)
		dprintf(STDERR_FILENO, "nscell: %s:%u:%u: %s%s\n", pos->file,
			pos->line, pos->col, tag, msg);
	else
		dprintf(STDERR_FILENO, "nscell: %s%s\n", tag, msg);
}

static bool
has_gid(const gid_t *g, size_t n, gid_t gid)
{
	for (size_t i = 0; i < n; i++)
		if (g[i] == gid)
			return true;
	return false;
}

/* Are the process's groups the target's (initgroups), as the build's
 * permission checks see them (run.c sets them before building)? */
static bool
groups_match(struct launch *L)
{
	const struct caller *c = &L->caller;

	if (c->uid != L->id.uid || c->gid != L->id.gid ||
	    ident_groups(&L->id) < 0)
		return false;
	for (size_t i = 0; i < L->id.n_groups; i++)
		if (L->id.groups[i] != c->gid &&
		    !has_gid(c->groups, c->n_groups, L->id.groups[i]))
			return false;
	for (size_t i = 0; i < c->n_groups; i++)
		if (c->groups[i] != c->gid &&
		    !has_gid(L->id.groups, L->id.n_groups, c->groups[i]))
			return false;
	return true;
}

/* The problems a launch would meet, on stderr; how many are fatal. */
static int
check_problems(struct launch *L)
{
	const struct sandbox_ident id = { L->id.uid, L->id.gid, L->id.user,
					  L->id.home, NULL, 0 };
	int r = check_ops(&L->ops, &id, groups_match(L), check_say, L);

	if (r < 0)
		die("--check: %s", strerror(-r));
	return r;
}

int
launch_print_check(struct launch *L)
{
	bool enabled = conf_ns_enabled(&L->conf, launch_vhost(&L->o));
	char line[8300];
	int bad = 0;

	for (size_t i = 0; i < L->ops.n; i++) {
		const struct tmpl_op *op = &L->ops.ops[i];

		tmpl_op_format(op, line, sizeof(line));
		printf("%s:%u: %s\n", op->pos.file, op->pos.line, line);
	}
	printf("# %zu ops for %s (uid %u); namespaces %s\n", L->ops.n,
	       L->id.user, (unsigned)L->id.uid, enabled ? "enabled" :
	       "disabled by the configuration");
	if (fflush(stdout) != 0)
		return EXIT_NSCELL;
	/* Namespaces off: a launch uses no template, nothing to meet. */
	if (enabled)
		bad = check_problems(L);
	if (bad > 0)
		dprintf(STDERR_FILENO, "nscell: --check: %d problem%s a launch "
			"would fail on\n", bad, bad == 1 ? "" : "s");
	return bad > 0 ? EXIT_NSCELL : 0;
}

/* The FILE of "seccomp FILE": root's, as nscell.conf is (root-owned,
 * not group or other writable, in root-owned directories, no symlink),
 * parsed, every name known to libseccomp. */
static void
load_sc_file(struct launch *L, const char *file, const struct conf_vhost *vh,
	     const struct tmpl_pos *pos)
{
	struct ns_err err = { .code = 0 };
	char *buf = NULL;
	size_t len;
	int r;

	L->sc_path = conf_expand_path(file, L->conf.server_root,
				      vh ? vh->vh_root : NULL, pos, &err);
	if (!L->sc_path)
		die_err(&err);
	r = file_load(L->sc_path, true, (uid_t)-1, (gid_t)-1, SC_MAX_FILE,
		      &buf, &len, &err);
	if (r == -ENOENT)
		die("%s: %s", L->sc_path, strerror(ENOENT));
	if (r == 0)
		r = sc_parse_buf(&L->sc_file, L->sc_path, buf, len, &err);
	free(buf);
	if (r == 0)
		r = filter_check_names(&L->sc_file, &err);
	if (r < 0)
		die_err(&err);
}

void
launch_seccomp(struct launch *L)
{
	const char *vhost = launch_vhost(&L->o), *file;
	const struct conf_vhost *vh;
	const struct tmpl_pos *pos;
	struct ns_err err = { .code = 0 };
	enum conf_sc mode = conf_seccomp(&L->conf, vhost, &file, &vh, &pos);

	L->nested_userns = conf_userns_allowed(&L->conf, vhost);
	if (mode == CONF_SC_FILE)
		load_sc_file(L, file, vh, pos);
	if (sc_compose(&L->sc, mode != CONF_SC_OFF, !L->nested_userns,
		       mode == CONF_SC_FILE ? &L->sc_file : NULL, &err) < 0)
		die_err(&err);
	debugf("seccomp: %s, %zu rules%s; user namespaces %s",
	       mode == CONF_SC_OFF ? "off" : mode == CONF_SC_FILE ?
	       L->sc_path : "default", L->sc.n, L->sc.compat ? "" :
	       ", native ABI only", L->nested_userns ? "allowed" : "refused");
}
