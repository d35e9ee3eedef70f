// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parser/hash.c (the staleness hash of a persisted set). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

/* Parse and expand @text for a fixed user into @t. */
static void
load(struct tmpl *t, const char *file, const char *text)
{
	const struct tmpl_ident id = { 1000, 1000, "alice", "/home/alice" };
	struct ns_err err;

	tmpl_init(t);
	ck_assert_int_eq(tmpl_parse_buf(t, file, text, strlen(text), &err), 0);
	ck_assert_int_eq(tmpl_expand(t, &id, &err), 0);
}

static uint64_t
hash_of(const char *text)
{
	struct tmpl t;
	uint64_t h;

	load(&t, "a", text);
	h = tmpl_hash(&t, TMPL_HASH_INIT);
	tmpl_free(&t);
	return h;
}

/* FNV-1a 64 reference values. */
START_TEST(test_hash_bytes_fnv1a)
{
	ck_assert_uint_eq(tmpl_hash_bytes(TMPL_HASH_INIT, "", 0),
			  0xcbf29ce484222325ull);
	ck_assert_uint_eq(tmpl_hash_bytes(TMPL_HASH_INIT, "a", 1),
			  0xaf63dc4c8601ec8cull);
	ck_assert_uint_eq(tmpl_hash_bytes(TMPL_HASH_INIT, "foobar", 6),
			  0x85944171f73967e8ull);
	/* Continuing from a previous value is the same as one call. */
	ck_assert_uint_eq(tmpl_hash_bytes(tmpl_hash_bytes(TMPL_HASH_INIT,
							  "foo", 3), "bar", 3),
			  0x85944171f73967e8ull);
}
END_TEST

/* The hash is that of each canonical line with its NUL, in order. */
START_TEST(test_hash_is_canonical_lines)
{
	uint64_t want = TMPL_HASH_INIT;

	want = tmpl_hash_bytes(want, "ro-bind /usr /usr", 18);
	want = tmpl_hash_bytes(want, "tmpfs /tmp", 11);
	ck_assert_uint_eq(hash_of("/usr,ro-bind\n/tmp tmpfs\n"), want);
	ck_assert_uint_eq(hash_of(""), TMPL_HASH_INIT);
}
END_TEST

/* Spelling, comments and positions do not count; the sandbox does. */
START_TEST(test_hash_sandbox_only)
{
	uint64_t h = hash_of("/usr,ro-bind\n$PASSWD root\n");
	struct tmpl t;

	ck_assert_uint_eq(hash_of("# c\n\n  '/usr/' \"/usr\" ro-bind\n"
				  "$PASSWD,root\n"), h);
	load(&t, "another-file", "\n\n/usr ro-bind\n$PASSWD root\n");
	ck_assert_uint_eq(tmpl_hash(&t, TMPL_HASH_INIT), h);
	tmpl_free(&t);

	ck_assert_uint_ne(hash_of("/usr,bind\n$PASSWD root\n"), h);
	ck_assert_uint_ne(hash_of("/usr,ro-bind\n$PASSWD nobody\n"), h);
	ck_assert_uint_ne(hash_of("/usr,ro-bind\n$PASSWD\n"), h);
	ck_assert_uint_ne(hash_of("$PASSWD root\n/usr,ro-bind\n"), h);
	ck_assert_uint_ne(hash_of("/usr,ro-bind-try\n$PASSWD root\n"), h);
	/* The expanded value counts, not the symbol. */
	ck_assert_uint_eq(hash_of("/run/user/$UID,dir\n"),
			  hash_of("/run/user/1000,dir\n"));
}
END_TEST

/* Concatenations must not collide: the NUL ends each line. */
START_TEST(test_hash_line_boundaries)
{
	ck_assert_uint_ne(hash_of("/a,dir\n/b,dir\n"), hash_of("/a,dir\n"));
	ck_assert_uint_ne(hash_of("/ab,dir\n"), hash_of("/a,dir\n/b,dir\n"));
}
END_TEST

/* The longest canonical line (two quoted paths near TMPL_MAX_PATH bytes,
 * reached through $HOMEDIR) is hashed whole: its last byte counts. */
START_TEST(test_hash_long_paths)
{
	const char *text = "\"$HOMEDIR/s x\" \"$HOMEDIR/d y\" bind\n";
	struct tmpl_ident id = { 1000, 1000, "alice", NULL };
	size_t n = TMPL_MAX_PATH - 4;	/* "/s x" follows */
	char *home = malloc(n + 1);
	struct ns_err err;
	struct tmpl t;
	uint64_t h1;

	ck_assert_ptr_nonnull(home);
	memset(home, 'h', n);
	home[0] = '/';
	home[n] = '\0';
	id.home = home;
	tmpl_init(&t);
	ck_assert_int_eq(tmpl_parse_buf(&t, "a", text, strlen(text), &err), 0);
	ck_assert_int_eq(tmpl_expand(&t, &id, &err), 0);
	ck_assert_uint_eq(strlen(t.ops[0].dest), TMPL_MAX_PATH);
	h1 = tmpl_hash(&t, TMPL_HASH_INIT);
	t.ops[0].dest[TMPL_MAX_PATH - 1] = 'z';
	ck_assert_uint_ne(tmpl_hash(&t, TMPL_HASH_INIT), h1);
	tmpl_free(&t);
	free(home);
}
END_TEST

static Suite *
hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("hash");

	tcase_add_test(tc, test_hash_bytes_fnv1a);
	tcase_add_test(tc, test_hash_is_canonical_lines);
	tcase_add_test(tc, test_hash_sandbox_only);
	tcase_add_test(tc, test_hash_line_boundaries);
	tcase_add_test(tc, test_hash_long_paths);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hash_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
