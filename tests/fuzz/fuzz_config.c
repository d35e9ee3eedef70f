// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for /etc/nscell/nscell.conf:
 *
 *   buffer -> conf_parse_buf -> conf_ns_enabled (each vhost, NULL and an
 *   unknown name) -> conf_expand_path (namespaceConf, and each vhost's
 *   namespaceConfVhAdd) -> the same buffer as a user's file of limits
 *   (conf_parse_user) -> conf_free
 *
 * A failed parse still leaves @c to be freed (the header says so), and
 * its partial contents are queried too.  On success the harness checks
 * what the launcher relies on and abort()s otherwise: vhost names valid
 * and unique, persistDir absolute, normalised and not "/", serverRoot and
 * vhRoot absolute, minUid not (uid_t)-1, the caller lists bounded;
 * expanded template paths absolute and bounded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_config: invariant violated: %s%s%s\n", what,
		detail ? ": " : "", detail ? detail : "");
	abort();
}

static void
check_err(const struct ns_err *err, int rc)
{
	if (rc >= 0 || err->code != rc)
		fail("error code not negative or not reported", NULL);
	if (!memchr(err->msg, '\0', sizeof(err->msg)) || !err->msg[0])
		fail("error message empty or not terminated", NULL);
}

static void
check_abs(const char *p, const char *what)
{
	if (p && p[0] != '/')
		fail(what, p);
}

/* The launcher's persistDir is used as a directory of root's: it must be
 * absolute, not "/", and hold no "." / ".." / empty component. */
static void
check_persist(const char *p)
{
	const char *c;

	if (!p || p[0] != '/' || strcmp(p, "/") == 0)
		fail("persistDir missing, relative or /", p);
	for (c = p; *c; c++) {
		size_t n;

		if (*c != '/')
			continue;
		n = strcspn(c + 1, "/");
		if (n == 0 || (n == 1 && c[1] == '.') ||
		    (n == 2 && c[1] == '.' && c[2] == '.'))
			fail("persistDir not normalised", p);
	}
}

static void
check_conf(const struct nscell_conf *c)
{
	if (c->min_uid == UINT32_MAX)
		fail("minUid is (uid_t)-1", NULL);
	if (c->n_allow_users + c->n_allow_groups > CONF_MAX_CALLERS)
		fail("too many callers", NULL);
	for (size_t i = 0; i < c->n_allow_users; i++)
		if (!c->allow_users[i][0] || c->allow_users[i][0] == '@')
			fail("bad allowCaller user", c->allow_users[i]);
	for (size_t i = 0; i < c->n_allow_groups; i++)
		if (!c->allow_groups[i][0])
			fail("empty allowCaller group", NULL);
	if (c->ns > CONF_NS_ON)
		fail("namespace out of range", NULL);
	check_persist(c->persist_dir);
	check_abs(c->server_root, "relative serverRoot");
	if (c->n_vhosts > CONF_MAX_VHOSTS)
		fail("too many vhosts", NULL);
	for (size_t i = 0; i < c->n_vhosts; i++) {
		const struct conf_vhost *v = &c->vhosts[i];

		if (!conf_vhost_name_ok(v->name))
			fail("bad vhost name accepted", v->name);
		if (conf_vhost(c, v->name) != v)
			fail("duplicate vhost name", v->name);
		if (v->ns > CONF_NS_ON)
			fail("vhost namespace out of range", v->name);
		check_abs(v->vh_root, "relative vhRoot");
	}
}

static void
expand(const char *path, const char *sroot, const char *vroot)
{
	struct tmpl_pos pos = { "<fuzz>", 1, 1 };
	struct ns_err err;
	char *p;

	memset(&err, 0, sizeof(err));
	p = conf_expand_path(path, sroot, vroot, &pos, &err);
	if (!p) {
		check_err(&err, err.code ? err.code : -1);
		return;
	}
	if (p[0] != '/' || strlen(p) > TMPL_MAX_PATH)
		fail("expanded template path relative or too long", p);
	free(p);
}

static void
query(const struct nscell_conf *c)
{
	bool server = conf_ns_enabled(c, NULL);

	if (conf_ns_enabled(c, "no-such-vhost-in-any-fuzz-input-xyzzy") !=
	    server && !conf_vhost(c, "no-such-vhost-in-any-fuzz-input-xyzzy"))
		fail("an unknown vhost does not inherit the server level",
		     NULL);
	if (c->namespace_conf)
		expand(c->namespace_conf, c->server_root, NULL);
	for (size_t i = 0; i < c->n_vhosts; i++) {
		const struct conf_vhost *v = &c->vhosts[i];
		bool on = conf_ns_enabled(c, v->name);

		/* "off" at either level is never overridden to "on". */
		if (on && (v->ns == CONF_NS_OFF || c->ns == CONF_NS_OFF))
			fail("namespace off but enabled", v->name);
		if (v->conf_vh_add)
			expand(v->conf_vh_add, c->server_root, v->vh_root);
	}
}

/* The same bytes as a user's file of limits, over the server level's:
 * what it accepts is limit keys only, each soft rlimit within its hard
 * one, every io device absolute. */
static void
user_file(const struct nscell_conf *c, const uint8_t *data, size_t size)
{
	static const enum conf_limit pairs[][2] = {
		{ CONF_L_CPU_SOFT, CONF_L_CPU_HARD },
		{ CONF_L_MEM_SOFT, CONF_L_MEM_HARD },
		{ CONF_L_PROC_SOFT, CONF_L_PROC_HARD },
	};
	struct conf_limits l;
	struct ns_err err;
	uint64_t s, h;
	int rc;

	if (conf_limits_copy(&l, &c->limits) < 0)
		abort();
	rc = conf_parse_user(&l, "<fuzz-user>", (const char *)data, size,
			     &err);
	if (rc) {
		check_err(&err, rc);
	} else {
		for (size_t i = 0; i < 3; i++)
			if ((l.set & (1u << pairs[i][0])) &&
			    conf_limit_get(&l, pairs[i][1], &h) &&
			    (!conf_limit_get(&l, pairs[i][0], &s) || s > h))
				fail("a soft rlimit above its hard one", NULL);
		for (int i = 0; i < CONF_L_IO_COUNT; i++)
			check_abs(l.io_dev[i], "relative io device");
	}
	conf_limits_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nscell_conf c;
	struct ns_err err;
	int rc;

	if (conf_init(&c))
		abort();
	rc = conf_parse_buf(&c, "<fuzz>", (const char *)data, size, &err);
	if (rc)
		check_err(&err, rc);
	else
		check_conf(&c);
	query(&c);
	if (!rc)	/* over a server level that parsed */
		user_file(&c, data, size);
	conf_free(&c);
	return 0;
}
