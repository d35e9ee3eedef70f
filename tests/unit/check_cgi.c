// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nscell-cgi's pure decisions (cgi/cgi.c): path rules, the RFC 3875 split
 * of a request path into script and PATH_INFO over a fake file tree,
 * suexec's checks, and the environment the program gets.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgi.h"

START_TEST(test_path_ok)
{
	static const char *const good[] = {
		"/", "/a", "/a/b.cgi", "/home/alice/public_html/cgi-bin/x",
		"/a/.hidden", "/a/..b", "/a/b..",
	};
	static const char *const bad[] = {
		"", "a", "a/b", "//a", "/a//b", "/a/", "/a/.", "/a/..",
		"/./a", "/../a", "/a/./b", "/a/../b", "/a\nb", "/a\tb",
		"/a\x7f",
	};
	char *longp = malloc(CGI_PATH_MAX + 2);

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(cgi_path_ok(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!cgi_path_ok(bad[i]), "%s", bad[i]);
	ck_assert(!cgi_path_ok(NULL));
	memset(longp, 'a', CGI_PATH_MAX + 1);
	longp[0] = '/';
	longp[CGI_PATH_MAX + 1] = '\0';
	ck_assert(!cgi_path_ok(longp));
	free(longp);
}
END_TEST

START_TEST(test_below)
{
	ck_assert(cgi_below("/srv/www/a", "/srv/www"));
	ck_assert(cgi_below("/srv/www", "/srv/www"));
	ck_assert(!cgi_below("/srv/wwwx/a", "/srv/www"));
	ck_assert(!cgi_below("/srv", "/srv/www"));
	ck_assert(cgi_below("/anything", "/"));
}
END_TEST

/* A fake tree: each entry a path and what it is. */
struct node {
	const char *path;
	enum cgi_kind kind;
	const char *type;
};

static const struct node tree[] = {
	{ "/www", CGI_K_DIR, NULL },
	{ "/www/cgi-bin", CGI_K_DIR, NULL },
	{ "/www/cgi-bin/x.cgi", CGI_K_FILE, NULL },
	{ "/www/cgi-bin/sub", CGI_K_DIR, NULL },
	{ "/www/cgi-bin/sub/y", CGI_K_FILE, NULL },
	{ "/www/cgi-bin/link", CGI_K_OTHER, "symbolic link" },
	{ "/www/cgi-bin/fifo", CGI_K_OTHER, "fifo" },
	{ "/www/page.html", CGI_K_FILE, NULL },
	{ NULL, CGI_K_MISSING, NULL },
};

static unsigned looks;

static enum cgi_kind
fake_look(void *ctx, const char *path, size_t len, const char **type)
{
	const struct node *t = ctx;

	looks++;
	for (; t->path; t++) {
		if (strlen(t->path) == len && !strncmp(t->path, path, len)) {
			*type = t->type;
			return t->kind;
		}
	}
	return CGI_K_MISSING;
}

struct split_case {
	const char *path, *root;
	enum cgi_status st;
	const char *script, *info, *why;
};

static const struct split_case splits[] = {
	{ "/www/cgi-bin/x.cgi", "/www", CGI_RUN, "/www/cgi-bin/x.cgi", "",
	  NULL },
	{ "/www/cgi-bin/x.cgi/extra/path", "/www", CGI_RUN,
	  "/www/cgi-bin/x.cgi", "/extra/path", NULL },
	{ "/www/cgi-bin/x.cgi/", "/www", CGI_RUN, "/www/cgi-bin/x.cgi", "/",
	  NULL },
	{ "/www/cgi-bin/sub/y/z", "/www", CGI_RUN, "/www/cgi-bin/sub/y",
	  "/z", NULL },
	{ "/www/cgi-bin/sub/y", "/", CGI_RUN, "/www/cgi-bin/sub/y", "",
	  NULL },
	/* a missing script is 404, not 403 */
	{ "/www/cgi-bin/nope", "/www", CGI_NOT_FOUND, NULL, NULL,
	  "no such file" },
	{ "/www/cgi-bin/nope/x.cgi", "/www", CGI_NOT_FOUND, NULL, NULL,
	  "no such file" },
	{ "/www/cgi-bin/link/more", "/www", CGI_FORBIDDEN, NULL, NULL,
	  "not a regular file (symbolic link)" },
	{ "/www/cgi-bin/fifo", "/www", CGI_FORBIDDEN, NULL, NULL,
	  "not a regular file (fifo)" },
	{ "/www/cgi-bin", "/www", CGI_FORBIDDEN, NULL, NULL,
	  "not a regular file (directory)" },
	{ "/www", "/www", CGI_FORBIDDEN, NULL, NULL,
	  "not a regular file (directory)" },
};

START_TEST(test_split)
{
	const struct split_case *c = &splits[_i];
	char buf[128];
	const char *why = NULL;
	size_t len = 0;
	enum cgi_status st;

	st = cgi_split(c->path, c->root, fake_look, (void *)tree, &len, buf,
		       sizeof(buf), &why);
	ck_assert_int_eq(st, c->st);
	if (st == CGI_RUN) {
		ck_assert_uint_eq(len, strlen(c->script));
		ck_assert(!strncmp(c->path, c->script, len));
		ck_assert_str_eq(c->path + len, c->info);
	} else {
		ck_assert_str_eq(why, c->why);
	}
}
END_TEST

/* Components above the document root are never looked at: the root is
 * the server's, and a script is something below it. */
START_TEST(test_split_starts_below_root)
{
	char buf[64];
	const char *why;
	size_t len;

	looks = 0;
	ck_assert_int_eq(cgi_split("/www/cgi-bin/x.cgi", "/www/cgi-bin",
				   fake_look, (void *)tree, &len, buf,
				   sizeof(buf), &why), CGI_RUN);
	ck_assert_uint_eq(looks, 1);
}
END_TEST

struct judge_case {
	uid_t fu;
	mode_t fm;
	uid_t du;
	mode_t dm;
	int want;	/* -1: none */
	enum cgi_status st;
	const char *why;
};

#define F(m) (S_IFREG | (m))
#define D(m) (S_IFDIR | (m))

static const struct judge_case judges[] = {
	{ 1001, F(0755), 1001, D(0755), -1, CGI_RUN, NULL },
	{ 1001, F(0700), 1001, D(0711), 1001, CGI_RUN, NULL },
	{ 1001, F(0775), 1001, D(0755), -1, CGI_FORBIDDEN,
	  "writable by group or others (mode 775)" },
	{ 1001, F(0702), 1001, D(0755), -1, CGI_FORBIDDEN,
	  "writable by group or others (mode 702)" },
	{ 1001, F(04755), 1001, D(0755), -1, CGI_FORBIDDEN,
	  "setuid or setgid (mode 4755)" },
	{ 1001, F(02755), 1001, D(0755), -1, CGI_FORBIDDEN,
	  "setuid or setgid (mode 2755)" },
	{ 0, F(0755), 0, D(0755), -1, CGI_FORBIDDEN,
	  "owned by uid 0, below minUid 1000" },
	{ 999, F(0755), 999, D(0755), -1, CGI_FORBIDDEN,
	  "owned by uid 999, below minUid 1000" },
	{ 60001, F(0755), 60001, D(0755), -1, CGI_FORBIDDEN,
	  "owned by uid 60001, above maxUid 60000" },
	{ 60000, F(0755), 60000, D(0755), -1, CGI_RUN, NULL },
	{ 1001, F(0755), 1001, D(0777), -1, CGI_FORBIDDEN,
	  "directory writable by group or others (mode 777)" },
	{ 1001, F(0755), 1001, D(01777), -1, CGI_FORBIDDEN,
	  "directory writable by group or others (mode 1777)" },
	{ 1002, F(0755), 1001, D(0755), -1, CGI_FORBIDDEN,
	  "owned by uid 1002 but its directory by uid 1001" },
	{ 1001, F(0755), 1001, D(0755), 1002, CGI_FORBIDDEN,
	  "owned by uid 1001, but this vhost belongs to bob (1002)" },
	{ 1001, S_IFLNK | 0777, 1001, D(0755), -1, CGI_FORBIDDEN,
	  "not a regular file" },
	{ 1001, F(0755), 1001, F(0755), -1, CGI_FORBIDDEN,
	  "its directory is not a directory" },
};

START_TEST(test_judge)
{
	const struct judge_case *c = &judges[_i];
	struct cgi_stat f = { c->fu, c->fm }, d = { c->du, c->dm };
	uid_t want = (uid_t)c->want;
	const char *why = "unset";
	char buf[128];

	ck_assert_int_eq(cgi_judge(&f, &d, 1000, 60000,
				   c->want < 0 ? NULL : &want,
				   "bob", buf, sizeof(buf), &why), c->st);
	if (c->why)
		ck_assert_str_eq(why, c->why);
	else
		ck_assert_ptr_null(why);
}
END_TEST

static char **
env_of(char *const envp[], enum cgi_source src, const char *script,
       const char *info)
{
	char **e = cgi_env(envp, src, script, info);

	ck_assert_ptr_nonnull(e);
	return e;
}

static size_t
count(char **e)
{
	size_t n = 0;

	while (e[n])
		n++;
	return n;
}

/* Apache's Action: PATH_INFO is the script's URL, PATH_TRANSLATED its
 * file with the extra path; the program must see RFC 3875's variables. */
START_TEST(test_env_action)
{
	char *const in[] = {
		"PATH_INFO=/cgi-bin/x.cgi/extra/p",
		"PATH_TRANSLATED=/www/cgi-bin/x.cgi/extra/p",
		"SCRIPT_NAME=/nscell-cgi-bin/nscell-cgi",
		"SCRIPT_FILENAME=/usr/lib/nscell/nscell-cgi",
		"DOCUMENT_ROOT=/www", "QUERY_STRING=a=1",
		"NSCELL_VHOST=a.example", "NSCELL_ACTION=1",
		"REDIRECT_NSCELL_OWNER=alice", "HTTP_X=NSCELL_Y", "NOEQUALS",
		NULL,
	};
	char **e = env_of(in, CGI_SRC_ACTION, "/www/cgi-bin/x.cgi",
			  "/extra/p");

	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_FILENAME"),
			 "/www/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_NAME"), "/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_getenv(e, "PATH_INFO"), "/extra/p");
	ck_assert_str_eq(cgi_getenv(e, "PATH_TRANSLATED"), "/www/extra/p");
	ck_assert_str_eq(cgi_getenv(e, "QUERY_STRING"), "a=1");
	ck_assert_str_eq(cgi_getenv(e, "HTTP_X"), "NSCELL_Y");
	ck_assert_ptr_null(cgi_getenv(e, "NSCELL_VHOST"));
	ck_assert_ptr_null(cgi_getenv(e, "NSCELL_ACTION"));
	ck_assert_ptr_null(cgi_getenv(e, "REDIRECT_NSCELL_OWNER"));
	ck_assert_uint_eq(count(e), 7);
	cgi_env_free(e);
}
END_TEST

START_TEST(test_env_action_no_info)
{
	char *const in[] = {
		"PATH_INFO=/cgi-bin/x.cgi",
		"PATH_TRANSLATED=/www/cgi-bin/x.cgi", "DOCUMENT_ROOT=/www",
		NULL,
	};
	char **e = env_of(in, CGI_SRC_ACTION, "/www/cgi-bin/x.cgi", "");

	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_NAME"), "/cgi-bin/x.cgi");
	ck_assert_ptr_null(cgi_getenv(e, "PATH_INFO"));
	ck_assert_ptr_null(cgi_getenv(e, "PATH_TRANSLATED"));
	ck_assert_uint_eq(count(e), 3);
	cgi_env_free(e);
}
END_TEST

/* nginx + fcgiwrap, with fastcgi_split_path_info: nginx's PATH_INFO and
 * SCRIPT_NAME stand. */
START_TEST(test_env_script_split_by_nginx)
{
	char *const in[] = {
		"SCRIPT_FILENAME=/usr/lib/nscell/nscell-cgi",
		"NSCELL_SCRIPT=/www/cgi-bin/x.cgi",
		"SCRIPT_NAME=/cgi-bin/x.cgi", "PATH_INFO=/extra",
		"PATH_TRANSLATED=/www/extra", NULL,
	};
	char **e = env_of(in, CGI_SRC_SCRIPT, "/www/cgi-bin/x.cgi", "");

	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_FILENAME"),
			 "/www/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_NAME"), "/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_getenv(e, "PATH_INFO"), "/extra");
	ck_assert_str_eq(cgi_getenv(e, "PATH_TRANSLATED"), "/www/extra");
	ck_assert_uint_eq(count(e), 4);
	cgi_env_free(e);
}
END_TEST

/* ...and without it: the wrapper splits. */
START_TEST(test_env_script_split_here)
{
	char *const in[] = {
		"NSCELL_SCRIPT=/www/cgi-bin/x.cgi/extra",
		"SCRIPT_NAME=/cgi-bin/x.cgi/extra", "DOCUMENT_ROOT=/www",
		NULL,
	};
	char **e = env_of(in, CGI_SRC_SCRIPT, "/www/cgi-bin/x.cgi", "/extra");

	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_NAME"), "/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_getenv(e, "PATH_INFO"), "/extra");
	ck_assert_str_eq(cgi_getenv(e, "PATH_TRANSLATED"), "/www/extra");
	cgi_env_free(e);
}
END_TEST

/* lighttpd split the path itself: only the settings go. */
START_TEST(test_env_arg)
{
	char *const in[] = {
		"SCRIPT_FILENAME=/www/cgi-bin/x.cgi", "PATH_INFO=/p",
		"NSCELL_OWNER=alice", "NSCELL_BIN=/usr/bin/nscell", NULL,
	};
	char **e = env_of(in, CGI_SRC_ARG, "/www/cgi-bin/x.cgi", "");

	ck_assert_str_eq(cgi_getenv(e, "SCRIPT_FILENAME"),
			 "/www/cgi-bin/x.cgi");
	ck_assert_str_eq(cgi_getenv(e, "PATH_INFO"), "/p");
	ck_assert_uint_eq(count(e), 2);
	cgi_env_free(e);
}
END_TEST

START_TEST(test_env_too_many)
{
	size_t n = 5000;
	char **in = calloc(n + 1, sizeof(*in));

	for (size_t i = 0; i < n; i++)
		in[i] = "X=1";
	ck_assert_ptr_null(cgi_env(in, CGI_SRC_ARG, "/x", ""));
	free(in);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cgi");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_path_ok);
	tcase_add_test(tc, test_below);
	tcase_add_loop_test(tc, test_split, 0,
			    (int)(sizeof(splits) / sizeof(splits[0])));
	tcase_add_test(tc, test_split_starts_below_root);
	tcase_add_loop_test(tc, test_judge, 0,
			    (int)(sizeof(judges) / sizeof(judges[0])));
	tcase_add_test(tc, test_env_action);
	tcase_add_test(tc, test_env_action_no_info);
	tcase_add_test(tc, test_env_script_split_by_nginx);
	tcase_add_test(tc, test_env_script_split_here);
	tcase_add_test(tc, test_env_arg);
	tcase_add_test(tc, test_env_too_many);
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
