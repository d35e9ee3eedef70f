// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for parser/input.c, the shapes of caller input (the gate).
 * Every hostile value of issue 10 is here, for every option that takes a
 * string: a leading '-', a '/', '..', a newline, 4 KiB, non-UTF-8.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

static char big[4097];

static void
make_big(void)
{
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';	/* a path shape too, so only the length is wrong */
	big[sizeof(big) - 1] = '\0';
}

/* Refused by all: the hostile values of issue 10 that no option takes. */
static const char *const hostile_all[] = {
	"-sq/x", "--service=q/x", "-", "--", "a\nb", "a\rb", "a\tb",
	"\xff", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"a\x7f", "",
};

START_TEST(test_hostile_refused_everywhere)
{
	const char *s = hostile_all[_i];
	struct user_arg u;
	struct vhost_arg v;
	struct path_arg p;

	ck_assert_ptr_nonnull(input_user(s, &u));
	ck_assert(!u.given);
	ck_assert_ptr_nonnull(input_vhost(s, &v));
	ck_assert_str_eq(v.name, "");
	ck_assert_ptr_nonnull(input_path(s, &p));
	ck_assert_str_eq(p.path, "");
}
END_TEST

START_TEST(test_4k_refused_everywhere)
{
	struct user_arg u;
	struct vhost_arg v;
	struct path_arg p;

	make_big();
	ck_assert_ptr_nonnull(input_user(big + 1, &u));
	ck_assert_ptr_nonnull(input_vhost(big + 1, &v));
	ck_assert_ptr_nonnull(input_path(big, &p));
	/* One byte shorter is a path of the longest allowed length. */
	big[INPUT_PATH_MAX] = '\0';
	ck_assert_ptr_null(input_path(big, &p));
	ck_assert_uint_eq(strlen(p.path), INPUT_PATH_MAX);
}
END_TEST

/* Names: '/' and '..' are refused too (they are no user or vhost). */
static const char *const bad_names[] = {
	"/etc/passwd", "a/b", "..", ".", "../x", ".hidden", "@x", "a b",
	"a,b", "a:b", "a$b", "$", "a;b", "a'b", "\xc3\xa9t\xc3\xa9",
};

START_TEST(test_bad_user_names)
{
	struct user_arg u;

	ck_assert_ptr_nonnull(input_user(bad_names[_i], &u));
	ck_assert(!u.given);
}
END_TEST

static const char *const bad_vhosts[] = {
	"/x", "a/b", "..", ".", "-x", "lock", "record", "record.new", "used",
	"filter", "filter.new",
	"a@b", "a b", "\xc3\xa9",
};

START_TEST(test_bad_vhosts)
{
	struct vhost_arg v;

	ck_assert_ptr_nonnull(input_vhost(bad_vhosts[_i], &v));
}
END_TEST

static const char *const bad_paths[] = {
	"relative", "./x", "/a/../b", "/a/./b", "/..", "/.", "/a/..",
	"/a/.", "/a\nb", "-/x",
};

START_TEST(test_bad_paths)
{
	struct path_arg p;

	ck_assert_ptr_nonnull(input_path(bad_paths[_i], &p));
}
END_TEST

START_TEST(test_good_users)
{
	struct user_arg u;

	ck_assert_ptr_null(input_user("alice", &u));
	ck_assert(u.given && !u.numeric);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_ptr_null(input_user("www-data", &u));
	ck_assert_ptr_null(input_user("_apt", &u));
	ck_assert_ptr_null(input_user("j.doe@example.com", &u));
	ck_assert_ptr_null(input_user("host$", &u));
	ck_assert_ptr_null(input_user("1001", &u));
	ck_assert(u.given && u.numeric);
	ck_assert_uint_eq(u.uid, 1001);
	ck_assert_str_eq(u.name, "");
	ck_assert_ptr_null(input_user("0", &u));
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_ptr_null(input_user("4294967294", &u));
	ck_assert_uint_eq(u.uid, 4294967294u);
	ck_assert_ptr_null(input_user("1a", &u));	/* a name */
	ck_assert(!u.numeric);
}
END_TEST

START_TEST(test_bad_uids)
{
	struct user_arg u;

	ck_assert_ptr_nonnull(input_user("4294967295", &u));
	ck_assert_ptr_nonnull(input_user("99999999999999999999", &u));
	ck_assert_ptr_nonnull(input_user("007", &u));
	ck_assert_ptr_nonnull(input_user("+1", &u));
	ck_assert_ptr_nonnull(input_user("-1", &u));
}
END_TEST

START_TEST(test_name_length)
{
	char name[INPUT_NAME_MAX + 2];
	struct user_arg u;

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_ptr_nonnull(input_user(name, &u));
	name[INPUT_NAME_MAX] = '\0';
	ck_assert_ptr_null(input_user(name, &u));
}
END_TEST

START_TEST(test_good_vhosts_and_paths)
{
	struct vhost_arg v;
	struct path_arg p;

	ck_assert_ptr_null(input_vhost("example.com", &v));
	ck_assert_str_eq(v.name, "example.com");
	ck_assert_ptr_null(input_vhost("a_b-c.d", &v));
	ck_assert_ptr_null(input_vhost(".x", &v));
	ck_assert_ptr_null(input_path("/", &p));
	ck_assert_ptr_null(input_path("/etc/nscell/site.tmpl", &p));
	ck_assert_str_eq(p.path, "/etc/nscell/site.tmpl");
	ck_assert_ptr_null(input_path("/home/alice/caf\xc3\xa9", &p));
	ck_assert_ptr_null(input_path("/a/.hidden/..x/...", &p));
	ck_assert_ptr_null(input_path("/a//b/", &p));
}
END_TEST

START_TEST(test_text_ok)
{
	ck_assert(input_text_ok("", 0));
	ck_assert(input_text_ok("\xe2\x82\xac", 3));	/* euro sign */
	ck_assert(input_text_ok("\xf0\x9f\x98\x80", 4));
	ck_assert(!input_text_ok("\xe2\x82", 2));	/* truncated */
	ck_assert(!input_text_ok("\xe0\x80\xaf", 3));	/* overlong */
	ck_assert(!input_text_ok("\x1b[31m", 5));	/* escape */
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("input");

	tcase_add_loop_test(tc, test_hostile_refused_everywhere, 0,
			    N(hostile_all));
	tcase_add_test(tc, test_4k_refused_everywhere);
	tcase_add_loop_test(tc, test_bad_user_names, 0, N(bad_names));
	tcase_add_loop_test(tc, test_bad_vhosts, 0, N(bad_vhosts));
	tcase_add_loop_test(tc, test_bad_paths, 0, N(bad_paths));
	tcase_add_test(tc, test_good_users);
	tcase_add_test(tc, test_bad_uids);
	tcase_add_test(tc, test_name_length);
	tcase_add_test(tc, test_good_vhosts_and_paths);
	tcase_add_test(tc, test_text_ok);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(input_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
