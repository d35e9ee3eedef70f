// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for launcher/env.c (the command's environment). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *entry;
	bool dangerous;
} cases[] = {
    {"LD_PRELOAD=/tmp/evil.so", true},
    {"LD_LIBRARY_PATH=/tmp", true},
    {"LD_AUDIT=x", true},
    {"LD_=x", true},
    {"GLIBC_TUNABLES=glibc.malloc.mxfast=0", true},
    {"GLIBC_TUNABLES=", true},
    {"MALLOC_CHECK_=3", true},
    {"MALLOC_ARENA_MAX=2", true},
    {"BASH_ENV=/tmp/x", true},
    {"ENV=/tmp/x", true},
    {"SHELLOPTS=xtrace", true},
    {"BASHOPTS=extglob", true},
    {"PS4=$(id)", true},
    {"IFS= ", true},
    {"CDPATH=/tmp", true},
    {"PERL5LIB=/tmp", true},
    {"PERL5OPT=-d", true},
    {"PERLLIB=/tmp", true},
    {"PYTHONPATH=/tmp", true},
    {"PYTHONSTARTUP=/tmp/x", true},
    {"PYTHONHOME=/tmp", true},
    {"NODE_OPTIONS=--require=/tmp/x", true},
    {"NODE_PATH=/tmp", true},
    {"RUBYOPT=-r/tmp/x", true},
    {"RUBYLIB=/tmp", true},
    {"GCONV_PATH=/tmp", true},
    {"LOCPATH=/tmp", true},
    {"NLSPATH=/tmp/%N", true},
    {"HOSTALIASES=/tmp/h", true},
    {"RESOLV_HOST_CONF=/tmp/r", true},
    {"BASH_FUNC_x%%=() { id; }", true},
    {"BASH_FUNC_ls()=() { id; }", true},
    {"LD_PRELOAD", true}, /* no '=' */
    {"PATH", true},
    {"", true},
    {"=value", true},
    /* names that merely start like (or contain) a rule */
    {"TZ=UTC", false},
    {"TZX=UTC", false},
    {"ENVX=1", false},
    {"XENV=1", false},
    {"MY_ENV=1", false},
    {"ENVIRONMENT=prod", false},
    {"IFSX=1", false},
    {"PS41=1", false},
    {"PERLLIBX=1", false},
    {"PERL=1", false},
    {"PERL6LIB=/tmp", false},
    {"PYTHO=1", false},
    {"NODE_ENV=production", false},
    {"BASH_FUNC=1", false},
    {"BASH=/bin/bash", false},
    {"LD=ld", false},
    {"OLD_PWD=/", false},
    {"XLD_PRELOAD=1", false},
    {"MALLOC=1", false},
    {"GLIBC_TUNABLESX=1", false},
    {"ld_preload=/tmp/x", false}, /* names are case-sensitive */
    /* the value never matters */
    {"HOME=LD_PRELOAD=/tmp/evil.so", false},
    {"X=BASH_FUNC_x%%", false},
    {"PATH=/usr/bin:/bin", false},
    {"LANG=C.UTF-8", false},
    {"EMPTY=", false},
};

START_TEST(test_is_dangerous)
{
	ck_assert_msg(env_is_dangerous(cases[_i].entry) == cases[_i].dangerous,
		      "'%s'", cases[_i].entry);
}
END_TEST

START_TEST(test_is_dangerous_null)
{
	ck_assert(env_is_dangerous(NULL));
}
END_TEST

static char *const sample[] = {
    (char *)"PATH=/usr/bin:/bin",
    (char *)"LD_PRELOAD=/tmp/evil.so",
    (char *)"HOME=/home/alice",
    (char *)"LD_LIBRARY_PATH=/tmp",
    (char *)"GLIBC_TUNABLES=glibc.malloc.mxfast=0",
    (char *)"TZ=UTC",
    (char *)"BASH_ENV=/tmp/x",
    (char *)"ENV=/tmp/x",
    (char *)"NOEQUALS",
    (char *)"BASH_FUNC_x%%=() { id; }",
    (char *)"PYTHONPATH=/tmp",
    (char *)"TZX=1",
    (char *)"=orphan",
    (char *)"LANG=C",
    NULL,
};

START_TEST(test_build_strip)
{
	char **out = env_build(sample, true);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[0], sample[0]); /* not copied */
	ck_assert_ptr_eq(out[1], sample[2]);
	ck_assert_ptr_eq(out[2], sample[5]);
	ck_assert_ptr_eq(out[3], sample[11]);
	ck_assert_ptr_eq(out[4], sample[13]);
	ck_assert_ptr_null(out[5]);
	free(out);
}
END_TEST

START_TEST(test_build_keep)
{
	char **out = env_build(sample, false);
	int i, k = 0;

	ck_assert_ptr_nonnull(out);
	for (i = 0; sample[i]; i++) {
		if (!strchr(sample[i], '='))
			continue;
		ck_assert_ptr_eq(out[k], sample[i]);
		k++;
	}
	ck_assert_int_eq(k, 13);
	ck_assert_ptr_null(out[k]);
	free(out);
}
END_TEST

START_TEST(test_build_empty)
{
	char *const empty[] = {NULL};
	char *const junk[] = {(char *)"A", (char *)"B", NULL};
	char **out;

	out = env_build(empty, true);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	free(out);
	out = env_build(NULL, false);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	free(out);
	out = env_build(junk, false);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	free(out);
}
END_TEST

/* An envp of @n copies of @entry. */
static char **
make_env(size_t n, char *entry)
{
	char **e = malloc((n + 1) * sizeof(*e));
	size_t i;

	ck_assert_ptr_nonnull(e);
	for (i = 0; i < n; i++)
		e[i] = entry;
	e[n] = NULL;
	return e;
}

START_TEST(test_build_too_many)
{
	static const struct {
		size_t n;
		bool ok;
	} t[] = {
	    {ENV_MAX_ENTRIES - 1, true},
	    {ENV_MAX_ENTRIES, true},
	    {ENV_MAX_ENTRIES + 1, false},
	    {100000, false},
	};
	char entry[] = "A=1";
	char **e = make_env(t[_i].n, entry);
	char **out;

	errno = 0;
	out = env_build(e, _i & 1);
	if (t[_i].ok) {
		ck_assert_ptr_nonnull(out);
		ck_assert_ptr_eq(out[t[_i].n - 1], entry);
		ck_assert_ptr_null(out[t[_i].n]);
		ck_assert_int_eq(errno, 0);
	} else {
		ck_assert_ptr_null(out);
		ck_assert_int_eq(errno, E2BIG);
	}
	free(out);
	free(e);
}
END_TEST

START_TEST(test_build_too_big)
{
	/* Bytes count each string and its NUL: 16 entries of 65536 bytes
	 * (65535 + NUL) make exactly ENV_MAX_BYTES. */
	char *big = malloc(ENV_MAX_BYTES + 2);
	char **e;
	char **out;

	ck_assert_ptr_nonnull(big);
	memset(big, 'v', ENV_MAX_BYTES + 1);
	memcpy(big, "X=", 2);
	big[65535] = '\0';
	e = make_env(16, big);
	out = env_build(e, true);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[15], big);
	free(out);
	free(e);
	/* one more byte anywhere is too much */
	e = make_env(17, big);
	e[16] = (char *)"";
	errno = 0;
	ck_assert_ptr_null(env_build(e, true));
	ck_assert_int_eq(errno, E2BIG);
	free(e);
	/* so is a single entry longer than the limit */
	big[65535] = 'v';
	big[ENV_MAX_BYTES + 1] = '\0';
	e = make_env(1, big);
	errno = 0;
	ck_assert_ptr_null(env_build(e, false));
	ck_assert_int_eq(errno, E2BIG);
	free(e);
	free(big);
}
END_TEST

static Suite *
env_suite(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("is_dangerous");

	tcase_add_loop_test(tc, test_is_dangerous, 0, ARRAY_LEN(cases));
	tcase_add_test(tc, test_is_dangerous_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("build");
	tcase_add_test(tc, test_build_strip);
	tcase_add_test(tc, test_build_keep);
	tcase_add_test(tc, test_build_empty);
	tcase_add_loop_test(tc, test_build_too_many, 0, 4);
	tcase_add_test(tc, test_build_too_big);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(env_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
