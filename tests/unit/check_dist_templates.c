// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The templates nscell ships (examples/default.tmpl and
 * the templates in examples/templates/): they parse and expand, every line has a
 * comment saying why, and none of them exposes what leaks between tenants
 * or holds secrets.  What they do in a real sandbox is tested end to end
 * (tests/e2e/wordpress.sh, servers.sh, lighttpd.sh); this is what can be
 * said from the text alone, which
 * is all that can be said here of el.tmpl (no EL host to run it on).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

#define EXAMPLES NSCELL_TEST_DATA "/../../examples"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	buf = malloc(TMPL_MAX_FILE + 1);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, TMPL_MAX_FILE, f);
	ck_assert(!ferror(f));
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const struct tmpl_ident alice = {
	.uid = 1001, .gid = 1001, .user = "alice", .home = "/home/alice",
};

/* Parse and expand @path for alice, merged into @eff as the launcher
 * does; the number of ops parsed in *n_parsed. */
static void
load_file(const char *path, struct tmpl *eff, size_t *n_parsed)
{
	struct tmpl raw;
	struct ns_err err = { .code = 0 };
	size_t len;
	char *buf = slurp(path, &len);

	tmpl_init(&raw);
	tmpl_init(eff);
	ck_assert_msg(tmpl_parse_buf(&raw, path, buf, len, &err) == 0,
		      "%s:%u:%u: %s", path, err.pos.line, err.pos.col,
		      err.msg);
	ck_assert_msg(tmpl_expand(&raw, &alice, &err) == 0, "%s: %s", path,
		      err.msg);
	*n_parsed = raw.n;
	ck_assert_int_eq(tmpl_merge(eff, &raw, &err), 0);
	tmpl_free(&raw);
	free(buf);
}

static bool
is_bind(const struct tmpl_op *op)
{
	return op->kind == TMPL_BIND || op->kind == TMPL_RO_BIND ||
		op->kind == TMPL_DEV_BIND || op->kind == TMPL_COPY;
}

/* @a is @b or a directory above it. */
static bool
covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/' ||
				     (n == 1 && a[0] == '/'));
}

/* Whether @path is hidden by an exclude after op @i. */
static bool
hidden_after(const struct tmpl *t, size_t i, const char *path)
{
	for (size_t j = i + 1; j < t->n; j++) {
		if (t->ops[j].kind == TMPL_HIDE &&
		    covers(t->ops[j].dest, path))
			return true;
	}
	return false;
}

/* The server templates first; the vhost example last (not a server
 * template: only the comment and parse checks apply to it). */
static const char *const dists[] = {
	EXAMPLES "/templates/debian.tmpl",
	EXAMPLES "/templates/el.tmpl",
	EXAMPLES "/templates/vhost.tmpl",
};
#define N_SERVER 2

/* Host paths no distribution template may show a tenant. */
static const char *const secret[] = {
	"/etc/shadow", "/etc/gshadow", "/etc/nscell", "/var/lsns",
	"/etc/sudoers", "/etc/ssh", "/etc/ssl/private", "/etc/pki/tls/private",
	"/etc/mysql", "/etc/my.cnf.d", "/etc/apache2", "/etc/httpd",
	"/etc/nginx", "/etc/lighttpd", "/etc/letsencrypt", "/etc/wordpress",
	"/etc/php-fpm.d", "/etc/php/8.2/fpm/pool.d", "/etc/php/8.3/fpm/pool.d",
	"/etc/php/7.4/fpm/pool.d", "/etc/systemd", "/root", "/var/www",
	"/var/lib/mysql/mysql", "/var/lib/php/sessions/sess_x",
	"/var/log", "/srv", "/home/bob", "/run/php", "/run/nscell-php",
	"/var/run/php", "/run/lighttpd", "/run/systemd",
};

START_TEST(test_dist_no_secrets)
{
	struct tmpl t;
	size_t n;

	load_file(dists[_i], &t, &n);
	for (size_t s = 0; s < sizeof(secret) / sizeof(secret[0]); s++) {
		for (size_t i = 0; i < t.n; i++) {
			const struct tmpl_op *op = &t.ops[i];

			if (!is_bind(op) || !covers(op->src, secret[s]))
				continue;
			ck_assert_msg(hidden_after(&t, i, secret[s]),
				      "%s:%u: %s exposes %s", dists[_i],
				      op->pos.line, op->src, secret[s]);
		}
	}
	tmpl_free(&t);
}
END_TEST

/* Whole trees the spec's default binds and these templates narrow. */
START_TEST(test_dist_narrowed)
{
	static const char *const whole[] = {
		"/var/lib", "/var/run", "/run", "/var", "/etc", "/var/www",
		"/home", "/etc/php-fpm.d", "/var/lib/mysql",
	};
	struct tmpl t;
	size_t n;

	load_file(dists[_i], &t, &n);
	for (size_t i = 0; i < t.n; i++) {
		for (size_t w = 0; w < sizeof(whole) / sizeof(whole[0]); w++)
			ck_assert_msg(!is_bind(&t.ops[i]) ||
				      strcmp(t.ops[i].src, whole[w]),
				      "%s:%u binds all of %s", dists[_i],
				      t.ops[i].pos.line, whole[w]);
	}
	tmpl_free(&t);
}
END_TEST

/* Every op line is explained: a comment line comes before it in its
 * paragraph (lines up to the previous blank line). */
START_TEST(test_dist_commented)
{
	size_t len;
	char *buf = slurp(dists[_i], &len), *p = buf, *line;
	unsigned no = 0;
	bool said = false;

	while ((line = strsep(&p, "\n"))) {
		no++;
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			said = false;
		else if (*line == '#')
			said = true;
		else
			ck_assert_msg(said, "%s:%u: no comment says why",
				      dists[_i], no);
	}
	free(buf);
}
END_TEST

/* No line is silently replaced by a later one with the same destination. */
START_TEST(test_dist_no_duplicates)
{
	struct tmpl t;
	size_t n;

	load_file(dists[_i], &t, &n);
	ck_assert_uint_eq(t.n, n);
	tmpl_free(&t);
}
END_TEST

static const struct tmpl_op *
find_dest(const struct tmpl *t, const char *dest)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->ops[i].dest && !strcmp(t->ops[i].dest, dest))
			return &t->ops[i];
	}
	return NULL;
}

/* What issue 12 asked of both: sessions writable per tenant, sockets bound
 * by directory, /var/run the sandbox's /run, the links of the
 * alternatives, the name service files, the home. */
START_TEST(test_dist_gives)
{
	static const char *const want[] = {
		"/etc/alternatives", "/etc/hosts", "/etc/nsswitch.conf",
		"/etc/host.conf", "/etc/gai.conf", "/etc/services",
		"/etc/protocols", "/etc/mime.types", "/etc/fonts",
		"/etc/ImageMagick-6", "/home/alice", "/run/mysqld",
		"/etc/localtime", "/etc/resolv.conf", "/usr",
	};
	const char *session = _i == 0 ? "/var/lib/php/sessions" :
		"/var/lib/php/session";
	const char *php = _i == 0 ? "/etc/php" : "/etc/php.d";
	const struct tmpl_op *op;
	struct tmpl t;
	size_t n;

	load_file(dists[_i], &t, &n);
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		op = find_dest(&t, want[w]);
		ck_assert_msg(op && is_bind(op), "%s: no bind of %s",
			      dists[_i], want[w]);
		ck_assert_str_eq(op->src, want[w]);
	}
	op = find_dest(&t, php);
	ck_assert_msg(op && op->kind == TMPL_RO_BIND, "%s: %s", dists[_i], php);
	op = find_dest(&t, session);
	ck_assert_msg(op && op->kind == TMPL_TMP, "%s: %s", dists[_i],
		      session);
	op = find_dest(&t, "/var/run");
	ck_assert(op && op->kind == TMPL_SYMLINK);
	ck_assert_str_eq(op->src, "../run");
	op = find_dest(&t, "/run/mysqld");
	ck_assert(op->kind == TMPL_RO_BIND && (op->flags & TMPL_F_TRY));
	tmpl_free(&t);
}
END_TEST

/* examples/default.tmpl is the built-in default, op for op. */
START_TEST(test_default_file_is_builtin)
{
	struct tmpl a, b;
	struct ns_err err = { .code = 0 };
	char la[8300], lb[8300];
	size_t n;

	load_file(EXAMPLES "/default.tmpl", &a, &n);
	tmpl_init(&b);
	ck_assert_int_eq(tmpl_parse_buf(&b, tmpl_default_name,
					tmpl_default_text,
					strlen(tmpl_default_text), &err), 0);
	ck_assert_int_eq(tmpl_expand(&b, &alice, &err), 0);
	ck_assert_uint_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		tmpl_op_format(&a.ops[i], la, sizeof(la));
		tmpl_op_format(&b.ops[i], lb, sizeof(lb));
		ck_assert_str_eq(la, lb);
	}
	tmpl_free(&a);
	tmpl_free(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("dist_templates");
	TCase *tc = tcase_create("core");
	int nd = (int)(sizeof(dists) / sizeof(dists[0]));

	tcase_add_loop_test(tc, test_dist_no_secrets, 0, N_SERVER);
	tcase_add_loop_test(tc, test_dist_narrowed, 0, N_SERVER);
	tcase_add_loop_test(tc, test_dist_commented, 0, nd);
	tcase_add_loop_test(tc, test_dist_no_duplicates, 0, nd);
	tcase_add_loop_test(tc, test_dist_gives, 0, N_SERVER);
	tcase_add_test(tc, test_default_file_is_builtin);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
