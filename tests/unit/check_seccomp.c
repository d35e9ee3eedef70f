// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parser/scpolicy.c: the FILE syntax, the composition of
 * the default list, the FILE and the user namespace rules, the hash. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "scpolicy.h"
#include "template.h"

#define FILE_NAME "sc.conf"
#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int
parse_len(struct sc_file *f, const char *text, size_t len, struct ns_err *err)
{
	memset(f, 0, sizeof(*f));
	return sc_parse_buf(f, FILE_NAME, text, len, err);
}

static int
parse(struct sc_file *f, const char *text, struct ns_err *err)
{
	return parse_len(f, text, strlen(text), err);
}

/* The composed rules of @p for @name: how many, and the first's errno. */
static int
count_of(const struct sc_policy *p, const char *name, int *err)
{
	int n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->rules[i].name, name)) {
			if (!n && err)
				*err = p->rules[i].err;
			n++;
		}
	return n;
}

/* ---- errors, with their positions ---- */

struct err_case {
	const char *text;
	size_t len;	/* 0: strlen */
	unsigned line, col;
	const char *msg;
};

static const struct err_case err_cases[] = {
	{ "permit io_uring_setup\n", 0, 1, 1,
	  "unknown directive 'permit' (allow or deny)" },
	{ "# c\n\n  Allow x\n", 0, 3, 3,
	  "unknown directive 'Allow' (allow or deny)" },
	{ "allow\n", 0, 1, 1, "allow: no system call named" },
	{ "deny   # nothing\n", 0, 1, 1, "deny: no system call named" },
	{ "deny ok Bad\n", 0, 1, 9, "bad system call name 'Bad'" },
	{ "deny a-b\n", 0, 1, 6, "bad system call name 'a-b'" },
	{ "deny \"x\"\n", 0, 1, 6, "bad system call name '\"x\"'" },
	{ "deny 0123456789012345678901234567890123456789012345678901234567"
	  "89abcd\n", 0, 1, 6, "bad system call name '0123456789012345678"
	  "90123456789012345678901234567890123456789abcd'" },
	{ "allow @\n", 0, 1, 7, "bad system call name '@'" },
	{ "allow @@debug\n", 0, 1, 7, "bad system call name '@@debug'" },
	{ "allow @nope\n", 0, 1, 7, "unknown group '@nope'" },
	{ "deny @debug\n", 0, 1, 6,
	  "groups are for allow: deny names each system call" },
	{ "allow ptrace\ndeny kcmp ptrace\n", 0, 2, 11,
	  "'ptrace' is both allowed (line 1) and denied" },
	{ "deny ptrace\nallow ptrace\n", 0, 2, 7,
	  "'ptrace' is both allowed (line 2) and denied" },
	{ "deny x\x01\n", 0, 1, 7, "control character 0x01" },
	{ "deny x\r\n", 0, 1, 7, "control character 0x0d" },
	{ "deny x\0y\n", 9, 1, 7, "NUL byte" },
};

START_TEST(test_errors)
{
	const struct err_case *c = &err_cases[_i];
	struct sc_file f;
	struct ns_err err;
	int r = parse_len(&f, c->text, c->len ? c->len : strlen(c->text),
			  &err);

	ck_assert_int_eq(r, -EINVAL);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_str_eq(err.pos.file, FILE_NAME);
	ck_assert_uint_eq(err.pos.line, c->line);
	ck_assert_uint_eq(err.pos.col, c->col);
	sc_file_free(&f);
}
END_TEST

START_TEST(test_limits)
{
	char *big = malloc(SC_MAX_FILE + 2), *line;
	struct sc_file f;
	struct ns_err err;
	size_t n;

	ck_assert_ptr_nonnull(big);
	/* Over-long file. */
	memset(big, '#', SC_MAX_FILE + 1);
	ck_assert_int_eq(parse_len(&f, big, SC_MAX_FILE + 1, &err), -EFBIG);
	sc_file_free(&f);
	/* Over-long line. */
	memcpy(big, "deny ", 5);
	memset(big + 5, 'a', TMPL_MAX_LINE + 10);
	ck_assert_int_eq(parse_len(&f, big, TMPL_MAX_LINE + 15, &err), -EINVAL);
	ck_assert_uint_eq(err.pos.col, TMPL_MAX_LINE + 1);
	sc_file_free(&f);
	/* SC_MAX_ENTRIES names, then one more. */
	n = 0;
	for (int i = 0; i <= SC_MAX_ENTRIES; i++)
		n += (size_t)sprintf(big + n, "deny s%d\n", i);
	ck_assert_int_eq(parse_len(&f, big, n, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "more than 1024 names");
	ck_assert_uint_eq(err.pos.line, SC_MAX_ENTRIES + 1);
	ck_assert_uint_eq(f.n, SC_MAX_ENTRIES);
	sc_file_free(&f);
	/* Many names on one line, a repeated one counted once. */
	line = "deny a b c a b c\n";
	ck_assert_int_eq(parse(&f, line, &err), 0);
	ck_assert_uint_eq(f.n, 3);
	sc_file_free(&f);
	free(big);
}
END_TEST

START_TEST(test_parse_ok)
{
	static const char text[] =
		"# the io_uring users\n"
		"allow @io_uring   # a comment\n"
		"\tdeny\tname_to_handle_at open_by_handle_at\n"
		"allow ptrace kcmp\n"
		"allow @compat\n"
		"deny sysinfo";	/* no final newline */
	struct sc_file f;
	struct ns_err err;

	ck_assert_int_eq(parse(&f, text, &err), 0);
	ck_assert_uint_eq(f.n, 7);
	ck_assert_str_eq(f.v[0].name, "io_uring");
	ck_assert(f.v[0].group && f.v[0].allow);
	ck_assert_uint_eq(f.v[0].pos.line, 2);
	ck_assert_uint_eq(f.v[0].pos.col, 7);
	ck_assert_str_eq(f.v[1].name, "name_to_handle_at");
	ck_assert(!f.v[1].group && !f.v[1].allow);
	ck_assert_uint_eq(f.v[1].pos.col, 7);
	ck_assert_str_eq(f.v[2].name, "open_by_handle_at");
	ck_assert_uint_eq(f.v[2].pos.col, 25);
	ck_assert_str_eq(f.v[6].name, "sysinfo");
	ck_assert_uint_eq(f.v[6].pos.line, 6);
	sc_file_free(&f);
	ck_assert_int_eq(parse(&f, "", &err), 0);
	ck_assert_uint_eq(f.n, 0);
	sc_file_free(&f);
}
END_TEST

/* ---- composition ---- */

START_TEST(test_default_policy)
{
	struct sc_policy p;
	struct ns_err err;
	size_t nd, nu;
	int e = 0;

	sc_default_rules(&nd);
	sc_userns_rules(&nu);
	ck_assert_int_eq(sc_compose(&p, true, true, NULL, &err), 0);
	ck_assert_uint_eq(p.n, nd + nu);
	ck_assert(!p.compat);
	ck_assert(!sc_policy_empty(&p));
	ck_assert_int_eq(count_of(&p, "io_uring_setup", &e), 1);
	ck_assert_int_eq(e, EPERM);
	ck_assert_int_eq(count_of(&p, "clone3", &e), 1);
	ck_assert_int_eq(e, ENOSYS);
	ck_assert_int_eq(count_of(&p, "ioctl", NULL), 2);
	for (size_t i = 0; i < p.n; i++) {
		const struct sc_rule *r = &p.rules[i];

		ck_assert_ptr_null(r->pos);
		if (!strcmp(r->name, "ioctl")) {
			ck_assert_int_eq(r->cond, SC_CMD);
			ck_assert_uint_eq(r->arg, 1);
			ck_assert(r->value == TIOCSTI || r->value == TIOCLINUX);
		}
		if (!strcmp(r->name, "unshare") || !strcmp(r->name, "clone")) {
			ck_assert_int_eq(r->cond, SC_FLAGS);
			ck_assert_uint_eq(r->value, CLONE_NEWUSER);
		}
		if (!strcmp(r->name, "personality")) {
			ck_assert_int_eq(r->cond, SC_NOT);
			ck_assert_uint_eq(r->value, 0);
		}
	}
	sc_policy_free(&p);

	/* allowUserNamespaces 1: the list alone. */
	ck_assert_int_eq(sc_compose(&p, true, false, NULL, &err), 0);
	ck_assert_uint_eq(p.n, nd);
	ck_assert_int_eq(count_of(&p, "clone3", NULL), 0);
	sc_policy_free(&p);

	/* seccomp off: only the user namespace rules, on every ABI. */
	ck_assert_int_eq(sc_compose(&p, false, true, NULL, &err), 0);
	ck_assert_uint_eq(p.n, nu);
	ck_assert(p.compat);
	ck_assert(!sc_policy_empty(&p));
	sc_policy_free(&p);

	/* Both off: nothing to load. */
	ck_assert_int_eq(sc_compose(&p, false, false, NULL, &err), 0);
	ck_assert(sc_policy_empty(&p));
	sc_policy_free(&p);
}
END_TEST

START_TEST(test_file_policy)
{
	static const char text[] =
		"allow @io_uring ioctl\n"
		"allow ptrace\n"
		"deny personality name_to_handle_at keyctl clone3\n";
	struct sc_policy p;
	struct sc_file f;
	struct ns_err err;
	size_t nd;
	int e = 0;

	sc_default_rules(&nd);
	ck_assert_int_eq(parse(&f, text, &err), 0);
	ck_assert_int_eq(sc_compose(&p, true, true, &f, &err), 0);
	ck_assert(!p.compat);
	ck_assert_int_eq(count_of(&p, "io_uring_setup", NULL), 0);
	ck_assert_int_eq(count_of(&p, "io_uring_enter", NULL), 0);
	ck_assert_int_eq(count_of(&p, "io_uring_register", NULL), 0);
	ck_assert_int_eq(count_of(&p, "ioctl", NULL), 0);
	ck_assert_int_eq(count_of(&p, "ptrace", NULL), 0);
	ck_assert_int_eq(count_of(&p, "kcmp", NULL), 1);
	/* personality: the conditional rule became one for every call. */
	ck_assert_int_eq(count_of(&p, "personality", &e), 1);
	for (size_t i = 0; i < p.n; i++) {
		if (!strcmp(p.rules[i].name, "personality")) {
			ck_assert_int_eq(p.rules[i].cond, SC_ALWAYS);
			ck_assert_ptr_nonnull(p.rules[i].pos);
			ck_assert_uint_eq(p.rules[i].pos->line, 3);
			ck_assert_uint_eq(p.rules[i].pos->col, 6);
		}
	}
	ck_assert_int_eq(count_of(&p, "name_to_handle_at", &e), 1);
	ck_assert_int_eq(e, EPERM);
	/* keyctl is already refused: not twice. */
	ck_assert_int_eq(count_of(&p, "keyctl", NULL), 1);
	/* A denied clone3 stays ENOSYS (the C library's fallback). */
	ck_assert_int_eq(count_of(&p, "clone3", &e), 1);
	ck_assert_int_eq(e, ENOSYS);
	sc_policy_free(&p);

	/* Without the user namespace rules, clone3 is the FILE's: still
	 * ENOSYS. */
	ck_assert_int_eq(sc_compose(&p, true, false, &f, &err), 0);
	ck_assert_int_eq(count_of(&p, "clone3", &e), 1);
	ck_assert_int_eq(e, ENOSYS);
	ck_assert_int_eq(count_of(&p, "unshare", NULL), 0);
	sc_policy_free(&p);

	/* seccomp off ignores the FILE's list (there is none to change). */
	ck_assert_int_eq(sc_compose(&p, false, true, &f, &err), 0);
	ck_assert_int_eq(count_of(&p, "kcmp", NULL), 0);
	ck_assert_int_eq(count_of(&p, "clone3", NULL), 1);
	sc_policy_free(&p);
	sc_file_free(&f);

	/* deny clone: the user namespace rule of clone is then covered. */
	ck_assert_int_eq(parse(&f, "deny clone unshare\n", &err), 0);
	ck_assert_int_eq(sc_compose(&p, true, true, &f, &err), 0);
	ck_assert_int_eq(count_of(&p, "clone", NULL), 1);
	ck_assert_int_eq(count_of(&p, "unshare", NULL), 1);
	sc_policy_free(&p);
	sc_file_free(&f);

	/* allow @compat: every ABI. */
	ck_assert_int_eq(parse(&f, "allow @compat\n", &err), 0);
	ck_assert_int_eq(sc_compose(&p, true, true, &f, &err), 0);
	ck_assert(p.compat);
	sc_policy_free(&p);
	sc_file_free(&f);

	/* Every group of the list allowed: only the user namespace rules
	 * (and the refused ABIs) are left. */
	ck_assert_int_eq(parse(&f, "allow @io_uring @keyring @debug @memory "
			       "@system @tty\n", &err), 0);
	ck_assert_int_eq(sc_compose(&p, true, false, &f, &err), 0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert(!sc_policy_empty(&p));
	sc_policy_free(&p);
	sc_file_free(&f);
}
END_TEST

struct compose_err {
	const char *text;
	unsigned line, col;
	const char *msg;
};

static const struct compose_err compose_errs[] = {
	{ "allow read\n", 1, 7, "read: the default list does not deny it" },
	{ "deny x\nallow ptrace  clone3\n", 2, 15,
	  "clone3: allowUserNamespaces decides about it, not this file" },
	{ "allow unshare\n", 1, 7,
	  "unshare: allowUserNamespaces decides about it, not this file" },
	{ "allow clone\n", 1, 7,
	  "clone: allowUserNamespaces decides about it, not this file" },
};

START_TEST(test_compose_errors)
{
	const struct compose_err *c = &compose_errs[_i];
	struct sc_policy p;
	struct sc_file f;
	struct ns_err err;

	ck_assert_int_eq(parse(&f, c->text, &err), 0);
	ck_assert_int_eq(sc_compose(&p, true, true, &f, &err), -EINVAL);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_str_eq(err.pos.file, FILE_NAME);
	ck_assert_uint_eq(err.pos.line, c->line);
	ck_assert_uint_eq(err.pos.col, c->col);
	ck_assert_uint_eq(p.n, 0);
	sc_policy_free(&p);
	sc_file_free(&f);
}
END_TEST

/* ---- the hash: equal policies hash alike, any change differs ---- */

static uint64_t
hash_of(bool defaults, bool no_userns, const char *text)
{
	struct sc_policy p;
	struct sc_file f = { 0 };
	struct ns_err err;
	uint64_t h;

	if (text)
		ck_assert_int_eq(parse(&f, text, &err), 0);
	ck_assert_int_eq(sc_compose(&p, defaults, no_userns, text ? &f : NULL,
				    &err), 0);
	h = sc_policy_hash(&p, TMPL_HASH_INIT);
	sc_policy_free(&p);
	sc_file_free(&f);
	return h;
}

START_TEST(test_hash)
{
	uint64_t base = hash_of(true, true, NULL);

	ck_assert(hash_of(true, true, NULL) == base);
	/* Comments and layout do not matter; an empty FILE is the list. */
	ck_assert(hash_of(true, true, "# only a comment\n\n") == base);
	ck_assert(hash_of(true, true, "allow ptrace") ==
		  hash_of(true, true, "# x\n  allow   ptrace  # y\n"));
	ck_assert(hash_of(true, false, NULL) != base);
	ck_assert(hash_of(false, true, NULL) != base);
	ck_assert(hash_of(false, false, NULL) != hash_of(false, true, NULL));
	ck_assert(hash_of(true, true, "allow ptrace") != base);
	ck_assert(hash_of(true, true, "allow @io_uring") != base);
	ck_assert(hash_of(true, true, "allow @compat") != base);
	ck_assert(hash_of(true, true, "deny sysinfo") != base);
	ck_assert(hash_of(true, true, "deny sysinfo") !=
		  hash_of(true, true, "deny uname"));
}
END_TEST

START_TEST(test_tables)
{
	const struct sc_rule *t;
	size_t n;

	/* Every default rule is in a group, refuses with EPERM, and its
	 * name is one a FILE could write. */
	t = sc_default_rules(&n);
	ck_assert_uint_gt(n, 20);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(t[i].group);
		ck_assert_int_eq(t[i].group[0], '@');
		ck_assert_int_eq(t[i].err, EPERM);
		ck_assert_uint_le(strlen(t[i].name), SC_NAME_MAX);
	}
	t = sc_userns_rules(&n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(t[2].name, "clone3");
	ck_assert_int_eq(t[2].err, ENOSYS);
}
END_TEST

static Suite *
seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_errors, 0, ARRAY_LEN(err_cases));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_parse_ok);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("compose");
	tcase_add_test(tc, test_default_policy);
	tcase_add_test(tc, test_file_policy);
	tcase_add_loop_test(tc, test_compose_errors, 0,
			    ARRAY_LEN(compose_errs));
	tcase_add_test(tc, test_hash);
	tcase_add_test(tc, test_tables);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(seccomp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
