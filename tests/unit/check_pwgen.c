// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parser/pwgen.c ($PASSWD and $GROUP contents). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pwgen.h"

#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NO_BAD ((size_t)-1)

static const struct pw_entry users[] = {
    {"alice", 1000, 1000, "Alice A,,,", "/home/alice", "/bin/bash"},
    {"root", 0, 0, "root", "/root", "/bin/sh"},
    {"nobody", 65534, 65534, "", "/nonexistent", "/usr/sbin/nologin"},
};

START_TEST(test_passwd_basic)
{
	char *out = NULL;
	size_t len = 0, bad = NO_BAD;
	const char *want =
	    "alice:x:1000:1000:Alice A,,,:/home/alice:/bin/bash\n"
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "nobody:x:65534:65534::/nonexistent:"
	    "/usr/sbin/nologin\n";

	ck_assert_int_eq(pwgen_passwd(users, 3, &out, &len, &bad), 0);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_uint_eq(bad, NO_BAD);
	free(out);
}
END_TEST

/* Ids are whatever the caller looked up: nothing about nobody is assumed. */
START_TEST(test_passwd_nobody_ids)
{
	struct pw_entry e[] = {
	    {"nobody", 99, 99, "Nobody", "/", "/sbin/nologin"},
	    {"max", 4294967295u, 4294967294u, NULL, NULL, NULL},
	};
	char *out;
	size_t len;

	ck_assert_int_eq(pwgen_passwd(e, 2, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "nobody:x:99:99:Nobody:/:/sbin/nologin\n"
			      "max:x:4294967295:4294967294:::\n");
	free(out);
	e[0].uid = e[0].gid = 65534;
	ck_assert_int_eq(pwgen_passwd(e, 1, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "nobody:x:65534:65534:Nobody:/:/sbin/nologin\n");
	free(out);
}
END_TEST

START_TEST(test_passwd_duplicates)
{
	const struct pw_entry e[] = {
	    {"www", 33, 33, "first", "/var/www", "/bin/sh"},
	    {"root", 0, 0, "", "/root", "/bin/sh"},
	    {"www", 34, 34, "second", "/x", "/bin/false"},
	    {"root", 0, 0, "", "/root", "/bin/sh"},
	};
	char *out;
	size_t len;

	ck_assert_int_eq(pwgen_passwd(e, 4, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "www:x:33:33:first:/var/www:/bin/sh\n"
			      "root:x:0:0::/root:/bin/sh\n");
	free(out);
}
END_TEST

START_TEST(test_passwd_empty)
{
	char *out = NULL;
	size_t len = 99;

	ck_assert_int_eq(pwgen_passwd(NULL, 0, &out, &len, NULL), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(len, 0);
	free(out);
	ck_assert_int_eq(pwgen_passwd(NULL, 1, &out, &len, NULL), -EINVAL);
	ck_assert_int_eq(pwgen_passwd(users, 1, NULL, &len, NULL), -EINVAL);
}
END_TEST

/* One hostile field per case, always in entry 2 of 3. */
static const struct pw_entry hostile[] = {
    {"ev:il", 1, 1, "", "/", "/bin/sh"},
    {"ev\nil", 1, 1, "", "/", "/bin/sh"},
    {"evil,root", 1, 1, "", "/", "/bin/sh"},
    {"", 1, 1, "", "/", "/bin/sh"},
    {NULL, 1, 1, "", "/", "/bin/sh"},
    {"evil", 1, 1, "x:0:0:", "/", "/bin/sh"},
    {"evil", 1, 1, "x\nroot::0:0::/:/bin/sh", "/", "/bin/sh"},
    {"evil", 1, 1, "", "/home/a:b", "/bin/sh"},
    {"evil", 1, 1, "", "/home/a\n", "/bin/sh"},
    {"evil", 1, 1, "", "/", "/bin/sh:"},
    {"evil", 1, 1, "", "/", "/bin/sh\nroot::0:0::/:/bin/sh"},
    {"evil", 1, 1, "", "/", "\n"},
};

START_TEST(test_passwd_hostile)
{
	struct pw_entry e[3] = {users[0], users[1], hostile[_i]};
	char *out = (char *)"untouched";
	size_t len, bad = NO_BAD;

	ck_assert_int_eq(pwgen_passwd(e, 3, &out, &len, &bad), -EINVAL);
	ck_assert_uint_eq(bad, 2);
	ck_assert_ptr_null(out);
	/* refused even as a duplicate of a clean earlier entry */
	e[0] = hostile[_i];
	e[2] = users[0];
	ck_assert_int_eq(pwgen_passwd(e, 3, &out, &len, &bad), -EINVAL);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(test_passwd_long_fields)
{
	char *gecos = malloc(4097), *dir = malloc(4097);
	struct pw_entry e = {"u", 1, 2, gecos, dir, "/bin/sh"};
	char *out;
	size_t len;

	ck_assert_ptr_nonnull(gecos);
	ck_assert_ptr_nonnull(dir);
	memset(gecos, 'g', 4096);
	gecos[4096] = '\0';
	memset(dir, 'd', 4096);
	dir[0] = '/';
	dir[4096] = '\0';
	ck_assert_int_eq(pwgen_passwd(&e, 1, &out, &len, NULL), 0);
	ck_assert_uint_eq(len, strlen("u:x:1:2:") + 4096 + 1 + 4096 +
				   strlen(":/bin/sh\n"));
	ck_assert_uint_eq(strlen(out), len);
	ck_assert(strncmp(out, "u:x:1:2:gggg", 12) == 0);
	ck_assert_str_eq(out + len - 9, ":/bin/sh\n");
	free(out);
	free(gecos);
	free(dir);
}
END_TEST

START_TEST(test_passwd_many)
{
	struct pw_entry *e = calloc(1000, sizeof(*e));
	char(*names)[16] = calloc(1000, 16);
	char *out, *p;
	size_t len, i, lines = 0;

	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(names);
	for (i = 0; i < 1000; i++) {
		snprintf(names[i], 16, "u%zu", i % 500);
		e[i] = (struct pw_entry){names[i], (uint32_t)i, 1,
					 "",	   "/",		"/bin/sh"};
	}
	ck_assert_int_eq(pwgen_passwd(e, 1000, &out, &len, NULL), 0);
	for (p = out; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 500);
	ck_assert(strstr(out, "u499:x:499:") != NULL);
	ck_assert(strstr(out, ":999:") == NULL);
	free(out);
	free(names);
	free(e);
}
END_TEST

/* ---- group ---- */

START_TEST(test_group_basic)
{
	const char *const adm[] = {"alice", "mallory", "root", NULL};
	const char *const none[] = {NULL};
	const char *const strangers[] = {"bob", "eve", NULL};
	const struct gr_entry g[] = {
	    {"alice", 1000, NULL},
	    {"adm", 4, adm},
	    {"nogroup", 65534, none},
	    {"staff", 50, strangers},
	};
	char *out;
	size_t len, bad = NO_BAD;
	const char *want = "alice:x:1000:\n"
			   "adm:x:4:alice,root\n"
			   "nogroup:x:65534:\n"
			   "staff:x:50:\n";

	ck_assert_int_eq(pwgen_group(g, 4, users, 3, &out, &len, &bad), 0);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_uint_eq(bad, NO_BAD);
	free(out);
}
END_TEST

START_TEST(test_group_filtering)
{
	const char *const m[] = {"",	  "root",   "root", "nobody",
				 "alice", "nobody", NULL};
	const struct gr_entry g[] = {
	    {"nogroup", 99, m},
	    {"nogroup", 65534, NULL}, /* duplicate: dropped */
	    {"users", 100, m},
	};
	char *out;
	size_t len;

	ck_assert_int_eq(pwgen_group(g, 3, users, 3, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "nogroup:x:99:root,nobody,alice\n"
			      "users:x:100:root,nobody,alice\n");
	free(out);
	/* no users at all: no members */
	ck_assert_int_eq(pwgen_group(g, 3, NULL, 0, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "nogroup:x:99:\nusers:x:100:\n");
	free(out);
	/* only alice */
	ck_assert_int_eq(pwgen_group(g, 1, users, 1, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "nogroup:x:99:alice\n");
	free(out);
}
END_TEST

START_TEST(test_group_empty)
{
	char *out;
	size_t len = 5;

	ck_assert_int_eq(pwgen_group(NULL, 0, NULL, 0, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(len, 0);
	free(out);
	ck_assert_int_eq(pwgen_group(NULL, 2, NULL, 0, &out, &len, NULL),
			 -EINVAL);
	ck_assert_int_eq(pwgen_group(NULL, 0, NULL, 2, &out, &len, NULL),
			 -EINVAL);
}
END_TEST

static const char *const bad_m1[] = {"alice", "ro:ot", NULL};
static const char *const bad_m2[] = {"alice\nroot", NULL};
static const char *const bad_m3[] = {"alice,root", NULL};

static const struct gr_entry hostile_groups[] = {
    {"a:b", 1, NULL}, {"a\nb", 1, NULL}, {"a,b", 1, NULL}, {"", 1, NULL},
    {NULL, 1, NULL},  {"g", 1, bad_m1},	 {"g", 1, bad_m2}, {"g", 1, bad_m3},
};

START_TEST(test_group_hostile)
{
	/* a user whose name would forge a member list is still refused */
	const struct pw_entry u[] = {
	    {"alice,root", 1, 1, "", "/", "/bin/sh"},
	    {"alice", 2, 2, "", "/", "/bin/sh"},
	};
	struct gr_entry g[2] = {{"ok", 1, NULL}, hostile_groups[_i]};
	char *out = (char *)"untouched";
	size_t len, bad = NO_BAD;

	ck_assert_int_eq(pwgen_group(g, 2, u, 2, &out, &len, &bad), -EINVAL);
	ck_assert_uint_eq(bad, 1);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_group_many_members)
{
	struct pw_entry *u = calloc(300, sizeof(*u));
	const char **m = calloc(301, sizeof(*m));
	char(*names)[16] = calloc(300, 16);
	struct gr_entry g = {"big", 7, NULL};
	char *out, *p;
	size_t len, i, commas = 0;

	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(names);
	for (i = 0; i < 300; i++) {
		snprintf(names[i], 16, "user%zu", i);
		u[i] = (struct pw_entry){names[i], (uint32_t)i, 7,
					 "",	   "/",		"/bin/sh"};
		m[i] = names[299 - i];
	}
	g.members = m;
	/* only the first 200 users are in the sandbox's passwd */
	ck_assert_int_eq(pwgen_group(&g, 1, u, 200, &out, &len, NULL), 0);
	for (p = out; *p; p++)
		commas += *p == ',';
	ck_assert_uint_eq(commas, 199);
	ck_assert(strncmp(out, "big:x:7:user199,user198,", 24) == 0);
	ck_assert_str_eq(out + len - 7, ",user0\n");
	free(out);
	free(names);
	free(m);
	free(u);
}
END_TEST

static Suite *
pwgen_suite(void)
{
	Suite *s = suite_create("pwgen");
	TCase *tc = tcase_create("passwd");

	tcase_add_test(tc, test_passwd_basic);
	tcase_add_test(tc, test_passwd_nobody_ids);
	tcase_add_test(tc, test_passwd_duplicates);
	tcase_add_test(tc, test_passwd_empty);
	tcase_add_loop_test(tc, test_passwd_hostile, 0, ARRAY_LEN(hostile));
	tcase_add_test(tc, test_passwd_long_fields);
	tcase_add_test(tc, test_passwd_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("group");
	tcase_add_test(tc, test_group_basic);
	tcase_add_test(tc, test_group_filtering);
	tcase_add_test(tc, test_group_empty);
	tcase_add_loop_test(tc, test_group_hostile, 0,
			    ARRAY_LEN(hostile_groups));
	tcase_add_test(tc, test_group_many_members);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pwgen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
