// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parser/nssdb.c (nsswitch.conf sources, getent lines). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nssdb.h"

static int
srcs(const char *text, const char *db, struct nssdb_sources *s)
{
	return nssdb_sources(text, strlen(text), db, s);
}

START_TEST(test_sources_debian_default)
{
	const char *conf =
	    "# /etc/nsswitch.conf\n"
	    "\n"
	    "passwd:         files systemd\n"
	    "group:          files systemd\n"
	    "shadow:         files\n"
	    "hosts:          files dns\n";
	struct nssdb_sources s;

	ck_assert_int_eq(srcs(conf, "passwd", &s), 1);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.name[0], "files");
	ck_assert_str_eq(s.name[1], "systemd");
	ck_assert_int_eq(srcs(conf, "group", &s), 1);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(srcs(conf, "initgroups", &s), 0);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_sources_actions_comments)
{
	const char *conf =
	    "  passwd : sss [NOTFOUND=return] files # ldap\n"
	    "group: files [!UNAVAIL=return]systemd\n"
	    "passwd: ldap\n";	/* a second line is ignored, as glibc does */
	struct nssdb_sources s;

	ck_assert_int_eq(srcs(conf, "passwd", &s), 1);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.name[0], "sss");
	ck_assert_str_eq(s.name[1], "files");
	ck_assert_int_eq(srcs(conf, "group", &s), 1);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.name[1], "systemd");
}
END_TEST

START_TEST(test_sources_prefix_and_empty)
{
	struct nssdb_sources s;

	/* "passwdx:" and "gshadow:" are other databases. */
	ck_assert_int_eq(srcs("passwdx: ldap\ngshadow: files\n", "passwd", &s),
			 0);
	ck_assert_int_eq(srcs("passwd:\n", "passwd", &s), 1);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(srcs("passwd: files", "passwd", &s), 1);	/* no \n */
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(srcs("", "passwd", &s), 0);
}
END_TEST

START_TEST(test_sources_too_many)
{
	struct nssdb_sources s;
	char longname[64];

	ck_assert_int_eq(srcs("passwd: a b c d e f g h i\n", "passwd", &s),
			 -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	{
		char conf[128] = "group: ";

		strcat(conf, longname);
		ck_assert_int_eq(srcs(conf, "group", &s), -EINVAL);
	}
	ck_assert_int_eq(srcs("passwd: a b c d e f g h\n", "passwd", &s), 1);
	ck_assert_uint_eq(s.n, 8);
}
END_TEST

START_TEST(test_parse_passwd)
{
	char line[] = "alice:x:1000:1001:Alice A,,,:/home/alice:/bin/bash";
	struct nssdb_pw pw;

	ck_assert_int_eq(nssdb_parse_passwd(line, &pw), 0);
	ck_assert_str_eq(pw.name, "alice");
	ck_assert_uint_eq(pw.uid, 1000);
	ck_assert_uint_eq(pw.gid, 1001);
	ck_assert_str_eq(pw.gecos, "Alice A,,,");
	ck_assert_str_eq(pw.dir, "/home/alice");
	ck_assert_str_eq(pw.shell, "/bin/bash");
}
END_TEST

START_TEST(test_parse_passwd_bad)
{
	const char *bad[] = {
	    "alice:x:1000:1001:gecos:/home/alice",		/* 6 fields */
	    "alice:x:1000:1001:g:/h:/bin/sh:extra",		/* 8 fields */
	    ":x:1000:1001:g:/h:/bin/sh",			/* no name */
	    "alice:x:-1:1001:g:/h:/bin/sh",			/* sign */
	    "alice:x:4294967295:1:g:/h:/bin/sh",		/* (uid_t)-1 */
	    "alice:x:99999999999:1:g:/h:/bin/sh",		/* overflow */
	    "alice:x::1:g:/h:/bin/sh",				/* empty uid */
	};
	struct nssdb_pw pw;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *l = strdup(bad[i]);

		ck_assert_msg(nssdb_parse_passwd(l, &pw) == -EINVAL, "%s",
			      bad[i]);
		free(l);
	}
}
END_TEST

START_TEST(test_parse_group)
{
	char line[] = "www:x:33:alice,bob";
	char empty[] = "staff:*:50:";
	struct nssdb_gr gr;

	ck_assert_int_eq(nssdb_parse_group(line, &gr), 0);
	ck_assert_str_eq(gr.name, "www");
	ck_assert_uint_eq(gr.gid, 33);
	ck_assert_str_eq(gr.members, "alice,bob");
	ck_assert_int_eq(nssdb_parse_group(empty, &gr), 0);
	ck_assert_str_eq(gr.members, "");
	{
		char bad[] = "www:x:33";

		ck_assert_int_eq(nssdb_parse_group(bad, &gr), -EINVAL);
	}
}
END_TEST

START_TEST(test_parse_initgroups)
{
	uint32_t g[4];
	size_t n;

	ck_assert_int_eq(nssdb_parse_initgroups("alice                 1000 27 100",
						"alice", g, 4, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(g[0], 1000);
	ck_assert_uint_eq(g[2], 100);
	/* More gids than room: counted, not stored. */
	ck_assert_int_eq(nssdb_parse_initgroups("al 1 2 3 4 5 6", "al", g, 4,
						&n), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(g[3], 4);
	ck_assert_int_eq(nssdb_parse_initgroups("al", "al", g, 4, &n),
			 -EINVAL);	/* the name must be followed by a space */
	ck_assert_int_eq(nssdb_parse_initgroups("al ", "al", g, 4, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(nssdb_parse_initgroups("alice 1", "al", g, 4, &n),
			 -EINVAL);	/* another user's line */
	ck_assert_int_eq(nssdb_parse_initgroups("al 1x", "al", g, 4, &n),
			 -EINVAL);
	ck_assert_int_eq(nssdb_parse_initgroups("al 12345678901234567", "al",
						g, 4, &n), -EINVAL);
}
END_TEST

static Suite *
nssdb_suite(void)
{
	Suite *s = suite_create("nssdb");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sources_debian_default);
	tcase_add_test(tc, test_sources_actions_comments);
	tcase_add_test(tc, test_sources_prefix_and_empty);
	tcase_add_test(tc, test_sources_too_many);
	tcase_add_test(tc, test_parse_passwd);
	tcase_add_test(tc, test_parse_passwd_bad);
	tcase_add_test(tc, test_parse_group);
	tcase_add_test(tc, test_parse_initgroups);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(nssdb_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
