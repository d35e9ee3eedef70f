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
    {"HTTP_PROXY=http://evil:3128", true}, /* httpoxy */
    {"HTTP_PROXY=", true},
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
    {"HTTP_PROXYX=1", false},
    {"HTTP_PROXY_USER=1", false},
    {"HTTPS_PROXY=http://p", false},
    {"http_proxy=http://p", false},
    {"XHTTP_PROXY=1", false},
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

static const struct env_rules own = { .mode = ENV_OWN };
static const struct env_rules server = {
	.mode = ENV_SERVER, .user = "bob", .home = "/home/bob",
};

/* ENV_SERVER on the sample: what was test_build_strip (env_build(sample,
 * true)) before the allow list.  Kept: PATH, TZ and LANG, in order, not
 * copied; every loader variable dropped.  Changed: HOME is the target's,
 * set after the caller's entries, no longer the caller's; TZX, not in the
 * allow list, no longer passes. */
START_TEST(test_build_strip)
{
	char **out = env_build(sample, &server);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[0], sample[0]); /* not copied */
	ck_assert_ptr_eq(out[1], sample[5]);
	ck_assert_ptr_eq(out[2], sample[13]);
	ck_assert_str_eq(out[3], "HOME=/home/bob");
	ck_assert_str_eq(out[4], "USER=bob");
	ck_assert_str_eq(out[5], "LOGNAME=bob");
	ck_assert_ptr_null(out[6]);
	free(out);
}
END_TEST

/* The deny list still applies on top of the allow list: passEnv cannot
 * let a loader variable through; the names it lists that are not denied
 * (TZX here, the old test's survivor) pass. */
START_TEST(test_build_deny_over_pass)
{
	char *const pass[] = {
		(char *)"LD_*", (char *)"GLIBC_TUNABLES", (char *)"BASH_ENV",
		(char *)"ENV", (char *)"BASH_FUNC_*", (char *)"PYTHON*",
		(char *)"TZX", (char *)"HOME", (char *)"HTTP_PROXY",
	};
	struct env_rules r = server;
	char **out;

	r.pass = pass;
	r.n_pass = ARRAY_LEN(pass);
	out = env_build(sample, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[0], sample[0]);
	ck_assert_ptr_eq(out[1], sample[5]);
	ck_assert_ptr_eq(out[2], sample[11]);
	ck_assert_ptr_eq(out[3], sample[13]);
	ck_assert_str_eq(out[4], "HOME=/home/bob");
	ck_assert_str_eq(out[5], "USER=bob");
	ck_assert_str_eq(out[6], "LOGNAME=bob");
	ck_assert_ptr_null(out[7]);
	free(out);
}
END_TEST

/* What was test_build_keep (env_build(sample, false)): unchanged. */
START_TEST(test_build_keep)
{
	char **out = env_build(sample, &own);
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

/* Changed with the modes: an empty or junk environment gives the server
 * mode the target's three variables, the own mode nothing. */
START_TEST(test_build_empty)
{
	char *const empty[] = {NULL};
	char *const junk[] = {(char *)"A", (char *)"B", NULL};
	char **out;

	out = env_build(empty, &own);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	free(out);
	out = env_build(empty, &server);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out[0], "HOME=/home/bob");
	ck_assert_ptr_null(out[3]);
	free(out);
	out = env_build(NULL, &own);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	free(out);
	out = env_build(junk, &own);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	free(out);
	out = env_build(junk, &server);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out[0], "HOME=/home/bob");
	ck_assert_ptr_null(out[3]);
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
	/* Changed: "TZ=1" for "A=1", which the server mode (odd _i, the
	 * old strip) no longer passes; it adds the target's 3 variables. */
	char entry[] = "TZ=1";
	char **e = make_env(t[_i].n, entry);
	size_t set = _i & 1 ? 3 : 0;
	char **out;

	errno = 0;
	out = env_build(e, _i & 1 ? &server : &own);
	if (t[_i].ok) {
		ck_assert_ptr_nonnull(out);
		ck_assert_ptr_eq(out[t[_i].n - 1], entry);
		ck_assert_ptr_null(out[t[_i].n + set]);
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
	memcpy(big, "TZ=", 3);	/* changed from "X=": the server mode */
	big[65535] = '\0';
	e = make_env(16, big);
	out = env_build(e, &server);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[15], big);
	free(out);
	free(e);
	/* one more byte anywhere is too much */
	e = make_env(17, big);
	e[16] = (char *)"";
	errno = 0;
	ck_assert_ptr_null(env_build(e, &server));
	ck_assert_int_eq(errno, E2BIG);
	free(e);
	/* so is a single entry longer than the limit */
	big[65535] = 'v';
	big[ENV_MAX_BYTES + 1] = '\0';
	e = make_env(1, big);
	errno = 0;
	ck_assert_ptr_null(env_build(e, &own));
	ck_assert_int_eq(errno, E2BIG);
	free(e);
	free(big);
}
END_TEST

/* ---- the allow list (ENV_SERVER) ---- */

/* Every name the allow list holds, exactly; each also checked with a
 * byte more and a byte less, which must not pass (no accidental prefix). */
static const char *const allowed_names[] = {
    "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
    "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
    "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
    "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
    "SERVER_SOFTWARE", "CONTEXT_DOCUMENT_ROOT", "CONTEXT_PREFIX",
    "DATE_GMT", "DATE_LOCAL", "DOCUMENT_ARGS", "DOCUMENT_NAME",
    "DOCUMENT_PATH_INFO", "DOCUMENT_ROOT", "DOCUMENT_URI", "HTTPS",
    "LAST_MODIFIED", "QUERY_STRING_UNESCAPED", "REMOTE_PORT",
    "REQUEST_SCHEME", "REQUEST_URI", "SCRIPT_FILENAME", "SCRIPT_URI",
    "SCRIPT_URL", "SERVER_ADDR", "SERVER_ADMIN", "SERVER_SIGNATURE",
    "UNIQUE_ID", "USER_NAME", "PHP_FCGI_CHILDREN", "PHP_FCGI_MAX_REQUESTS",
    "FCGI_WEB_SERVER_ADDRS", "LANG", "LANGUAGE", "TZ", "PATH", "TERM",
};

START_TEST(test_allowed_exact)
{
	const char *name = allowed_names[_i];
	size_t n = strlen(name);
	char e[128];

	snprintf(e, sizeof(e), "%s=v", name);
	ck_assert_msg(env_is_allowed(e, NULL, 0), "%s", e);
	ck_assert_msg(!env_is_dangerous(e), "%s", e);
	snprintf(e, sizeof(e), "%sX=v", name);
	ck_assert_msg(!env_is_allowed(e, NULL, 0), "%s", e);
	snprintf(e, sizeof(e), "%.*s=v", (int)n - 1, name);
	ck_assert_msg(!env_is_allowed(e, NULL, 0), "%s", e);
	snprintf(e, sizeof(e), "X%s=v", name);
	ck_assert_msg(!env_is_allowed(e, NULL, 0), "%s", e);
}
END_TEST

static const struct {
	const char *entry;
	bool allowed;
} allow_cases[] = {
    /* the prefix families */
    {"HTTP_HOST=example.com", true},
    {"HTTP_X_FORWARDED_FOR=1.2.3.4", true},
    {"HTTP_=x", true},
    {"SSL_CLIENT_S_DN=CN=x", true},
    {"SSL_PROTOCOL=TLSv1.3", true},
    {"REDIRECT_STATUS=200", true},
    {"REDIRECT_URL=/x", true},
    {"REDIRECT_HTTPS=on", true},
    {"LC_ALL=C.UTF-8", true},
    {"LC_CTYPE=C", true},
    /* what issue 18 found passing to the tenant */
    {"OPENSSL_CONF=/tmp/x.cnf", false},
    {"OPENSSL_MODULES=/tmp", false},
    {"PHPRC=/tmp", false},
    {"PHP_INI_SCAN_DIR=/tmp", false},
    {"JAVA_TOOL_OPTIONS=-javaagent:/tmp/x.jar", false},
    {"LUA_INIT=@/tmp/x.lua", false},
    {"TCLLIBPATH=/tmp", false},
    {"GEM_PATH=/tmp", false},
    {"PKCS11_MODULE=/tmp/x.so", false},
    /* the target's own, set by env_build(), never the caller's */
    {"HOME=/var/www", false},
    {"USER=www-data", false},
    {"LOGNAME=www-data", false},
    /* OpenSSL's trust store, inside SSL_* */
    {"SSL_CERT_FILE=/tmp/ca.pem", false},
    {"SSL_CERT_DIR=/tmp", false},
    {"SSL_CERT_FILEX=1", true},
    /* near misses of the families and exact names */
    {"HTTP=1", false},
    {"HTTPS_PROXY=http://p", false},
    {"http_proxy=http://p", false},
    {"http_host=x", false},
    {"SSL=1", false},
    {"REDIRECT=1", false},
    {"LC=1", false},
    {"TERMINFO=/tmp/ti", false},
    {"TZDIR=/tmp", false},
    {"PATHEXT=1", false},
    {"SHELL=/bin/sh", false},
    {"TMPDIR=/tmp", false},
    {"ADMIN_API_TOKEN=secret", false},
    {"MAIL=/var/mail/x", false},
    {"SSH_AUTH_SOCK=/tmp/s", false},
    {"DISPLAY=:0", false},
    /* malformed */
    {"PATH", false},
    {"=PATH", false},
    {"", false},
};

START_TEST(test_is_allowed)
{
	ck_assert_msg(env_is_allowed(allow_cases[_i].entry, NULL, 0) ==
		      allow_cases[_i].allowed, "'%s'", allow_cases[_i].entry);
}
END_TEST

START_TEST(test_is_allowed_null)
{
	ck_assert(!env_is_allowed(NULL, NULL, 0));
}
END_TEST

/* passEnv: NAME exact, PREFIX* a family; never HOME, USER, LOGNAME;
 * an empty prefix ("*", which the parser refuses) matches nothing. */
START_TEST(test_pass_patterns)
{
	char *const pass[] = {
		(char *)"PHPRC", (char *)"LSAPI_*", (char *)"HOME",
		(char *)"*", (char *)"", NULL, (char *)"SSL_CERT_FILE",
		(char *)"US*", (char *)"X*Y",
	};
	size_t n = ARRAY_LEN(pass);

	ck_assert(env_is_allowed("PHPRC=/etc/php", pass, n));
	ck_assert(!env_is_allowed("PHPRCX=1", pass, n));
	ck_assert(!env_is_allowed("PHPR=1", pass, n));
	ck_assert(env_is_allowed("LSAPI_CHILDREN=4", pass, n));
	ck_assert(env_is_allowed("LSAPI_=4", pass, n));
	ck_assert(!env_is_allowed("LSAPI=4", pass, n));
	ck_assert(!env_is_allowed("XLSAPI_A=4", pass, n));
	ck_assert(env_is_allowed("SSL_CERT_FILE=/ca", pass, n));
	ck_assert(!env_is_allowed("SSL_CERT_DIR=/ca", pass, n));
	ck_assert(env_is_allowed("USB=1", pass, n));
	ck_assert(!env_is_allowed("HOME=/x", pass, n));
	ck_assert(!env_is_allowed("USER=x", pass, n));
	ck_assert(!env_is_allowed("ANYTHING=1", pass, n));
	ck_assert(!env_is_allowed("X*Y=1", pass, n));
	ck_assert(!env_is_allowed("XzY=1", pass, n));
	ck_assert(!env_is_allowed("PHPRC=1", NULL, 5));
	ck_assert(!env_is_allowed("PHPRC=1", pass, 0));
}
END_TEST

/* issue 18's list, a CGI request, httpoxy, and the web server's own
 * variables, through ENV_SERVER: only the CGI variables and the target's
 * identity come out. */
START_TEST(test_build_server_cgi)
{
	char *const env[] = {
		(char *)"OPENSSL_CONF=/tmp/x.cnf",
		(char *)"REQUEST_METHOD=GET",
		(char *)"PHPRC=/tmp",
		(char *)"HTTP_PROXY=http://evil:3128",
		(char *)"HOME=/var/www",
		(char *)"QUERY_STRING=a=b",
		(char *)"HTTP_HOST=example.com",
		(char *)"USER=www-data",
		(char *)"JAVA_TOOL_OPTIONS=-javaagent:/tmp/a.jar",
		(char *)"REDIRECT_STATUS=200",
		(char *)"LOGNAME=www-data",
		(char *)"PHP_FCGI_CHILDREN=4",
		(char *)"LD_PRELOAD=/tmp/x.so",
		(char *)"SSL_CERT_FILE=/tmp/ca.pem",
		NULL,
	};
	char **out = env_build(env, &server);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[0], env[1]);
	ck_assert_ptr_eq(out[1], env[5]);
	ck_assert_ptr_eq(out[2], env[6]);
	ck_assert_ptr_eq(out[3], env[9]);
	ck_assert_ptr_eq(out[4], env[11]);
	ck_assert_str_eq(out[5], "HOME=/home/bob");
	ck_assert_str_eq(out[6], "USER=bob");
	ck_assert_str_eq(out[7], "LOGNAME=bob");
	ck_assert_ptr_null(out[8]);
	free(out);
}
END_TEST

/* No home (NULL: none, empty or "/" in passwd): HOME=/; no name: no USER
 * nor LOGNAME.  Values are copied whole, '=' and all. */
START_TEST(test_build_server_identity)
{
	char *const env[] = { (char *)"TZ=UTC", NULL };
	struct env_rules r = { .mode = ENV_SERVER };
	char **out;

	out = env_build(env, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[0], env[0]);
	ck_assert_str_eq(out[1], "HOME=/");
	ck_assert_ptr_null(out[2]);
	free(out);
	r.user = "a=b";
	r.home = "/srv/x y=z";
	r.shell = "/bin/zsh";	/* not for ENV_SERVER */
	out = env_build(env, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out[1], "HOME=/srv/x y=z");
	ck_assert_str_eq(out[2], "USER=a=b");
	ck_assert_str_eq(out[3], "LOGNAME=a=b");
	ck_assert_ptr_null(out[4]);
	free(out);
}
END_TEST

/* ---- the login environment (cmd_ns) ---- */

static char *const root_env[] = {
	(char *)"PATH=/usr/local/sbin:/usr/sbin:/root/bin",
	(char *)"HOME=/root",
	(char *)"ADMIN_API_TOKEN=s3cr3t",
	(char *)"TERM=xterm-256color",
	(char *)"USER=root",
	(char *)"LANG=C.UTF-8",
	(char *)"SHELL=/bin/bash",
	(char *)"TERM=vt100",
	(char *)"SSH_AUTH_SOCK=/tmp/ssh-x/agent.1",
	(char *)"LD_PRELOAD=/tmp/x.so",
	(char *)"PHPRC=/etc/php",
	NULL,
};

START_TEST(test_build_login)
{
	char *const pass[] = { (char *)"PHPRC", (char *)"LANG" };
	struct env_rules r = {
		.mode = ENV_LOGIN, .user = "alice", .home = "/home/alice",
		.shell = "/bin/zsh", .pass = pass, .n_pass = 2,
	};
	char **out = env_build(root_env, &r);

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_eq(out[0], root_env[3]);	/* the first TERM */
	ck_assert_str_eq(out[1], "HOME=/home/alice");
	ck_assert_str_eq(out[2], "SHELL=/bin/zsh");
	ck_assert_str_eq(out[3], "USER=alice");
	ck_assert_str_eq(out[4], "LOGNAME=alice");
	ck_assert_str_eq(out[5], "PATH=" ENV_LOGIN_PATH);
	ck_assert_ptr_null(out[6]);
	free(out);
}
END_TEST

/* No TERM: none; an empty shell: ENV_LOGIN_SHELL, as su; no home: "/". */
START_TEST(test_build_login_defaults)
{
	char *const env[] = { (char *)"ADMIN_API_TOKEN=x", (char *)"TERM",
			      NULL };
	struct env_rules r = { .mode = ENV_LOGIN, .user = "alice",
			       .shell = "" };
	char **out = env_build(env, &r);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out[0], "HOME=/");
	ck_assert_str_eq(out[1], "SHELL=" ENV_LOGIN_SHELL);
	ck_assert_str_eq(out[2], "USER=alice");
	ck_assert_str_eq(out[3], "LOGNAME=alice");
	ck_assert_str_eq(out[4], "PATH=" ENV_LOGIN_PATH);
	ck_assert_ptr_null(out[5]);
	free(out);
	r.shell = NULL;
	out = env_build(NULL, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out[1], "SHELL=" ENV_LOGIN_SHELL);
	ck_assert_ptr_null(out[5]);
	free(out);
}
END_TEST

/* The own mode sets nothing and keeps what the other two drop. */
START_TEST(test_build_own_untouched)
{
	struct env_rules r = { .mode = ENV_OWN, .user = "alice",
			       .home = "/home/alice" };
	char **out = env_build(root_env, &r);
	int i;

	ck_assert_ptr_nonnull(out);
	for (i = 0; root_env[i]; i++)
		ck_assert_ptr_eq(out[i], root_env[i]);
	ck_assert_ptr_null(out[i]);
	free(out);
}
END_TEST

START_TEST(test_build_bad_rules)
{
	struct env_rules r = { .mode = (enum env_mode)42 };

	errno = 0;
	ck_assert_ptr_null(env_build(root_env, NULL));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(env_build(root_env, &r));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* A set value as long as the whole environment may be is refused. */
START_TEST(test_build_long_value)
{
	char *home = malloc(ENV_MAX_BYTES + 1);
	struct env_rules r = { .mode = ENV_SERVER, .user = "bob" };
	char **out;

	ck_assert_ptr_nonnull(home);
	memset(home, 'h', ENV_MAX_BYTES);
	home[0] = '/';
	home[ENV_MAX_BYTES] = '\0';
	r.home = home;
	errno = 0;
	ck_assert_ptr_null(env_build(NULL, &r));
	ck_assert_int_eq(errno, E2BIG);
	/* 4 KiB is fine */
	home[4096] = '\0';
	out = env_build(NULL, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out[0]), 5 + 4096);
	free(out);
	free(home);
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

	tc = tcase_create("is_allowed");
	tcase_add_loop_test(tc, test_allowed_exact, 0,
			    ARRAY_LEN(allowed_names));
	tcase_add_loop_test(tc, test_is_allowed, 0, ARRAY_LEN(allow_cases));
	tcase_add_test(tc, test_is_allowed_null);
	tcase_add_test(tc, test_pass_patterns);
	suite_add_tcase(s, tc);

	tc = tcase_create("build");
	tcase_add_test(tc, test_build_strip);
	tcase_add_test(tc, test_build_deny_over_pass);
	tcase_add_test(tc, test_build_server_cgi);
	tcase_add_test(tc, test_build_server_identity);
	tcase_add_test(tc, test_build_login);
	tcase_add_test(tc, test_build_login_defaults);
	tcase_add_test(tc, test_build_own_untouched);
	tcase_add_test(tc, test_build_bad_rules);
	tcase_add_test(tc, test_build_long_value);
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
