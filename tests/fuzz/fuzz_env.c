// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for env_build(): the input's first byte chooses the
 * mode (its value modulo 3: own, server, login) and, with bit 2, a passEnv
 * list; the rest is split at NUL bytes into the caller's environment.
 * The result must be, in order:
 *   - own: exactly the entries holding '=', pointing into the input;
 *   - server: exactly the entries env_is_allowed() passes and
 *     env_is_dangerous() does not refuse, pointing into the input, then
 *     HOME, USER and LOGNAME of the target;
 *   - login: the first TERM entry, if any, then HOME, SHELL, USER,
 *     LOGNAME and PATH as set.
 * NULL only with E2BIG past ENV_MAX_ENTRIES entries or ENV_MAX_BYTES.
 * Independently of env.c's tables: the loader and interpreter variables
 * the header lists, HTTP_PROXY, and the caller's HOME, USER and LOGNAME
 * never pass but in the own mode, nor do names outside a spot list of
 * what the allow list holds unless passEnv names them.  A violation
 * abort()s.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

static void
fail(const char *what, const char *entry)
{
	fprintf(stderr, "fuzz_env: invariant violated: %s%s%s\n", what,
		entry ? ": " : "", entry ? entry : "");
	abort();
}

static bool
has_prefix(const char *e, const char *p)
{
	return strncmp(e, p, strlen(p)) == 0;
}

/* Independent spot check of names that must never pass from another
 * caller. */
static bool
must_refuse(const char *e)
{
	static const char *const pfx[] = { "LD_", "MALLOC_", "PERL5",
		"PYTHON", "BASH_FUNC_", "GLIBC_TUNABLES=", "BASH_ENV=",
		"ENV=", "IFS=", "NODE_OPTIONS=", "GCONV_PATH=", "=",
		"HTTP_PROXY=", "HOME=", "USER=", "LOGNAME=",
		"OPENSSL_CONF=", "PHPRC=", "JAVA_TOOL_OPTIONS=",
		"SSL_CERT_FILE=" };
	const char *eq = strchr(e, '=');

	if (!eq)
		return true;
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		size_t n = strlen(pfx[i]);

		/* a prefix family must match inside the name only */
		if (strncmp(e, pfx[i], n) == 0 &&
		    (pfx[i][n - 1] == '=' || (size_t)(eq - e) >= n))
			return true;
	}
	return false;
}

/* The fuzzer's passEnv: PHPRC (which must then pass), LD_* (which must
 * not), HOME (which must not either). */
static char *const pass_list[] = { (char *)"PHPRC", (char *)"LD_*",
				   (char *)"HOME", (char *)"LSAPI_*" };

static bool
pass_names(const char *e)
{
	return has_prefix(e, "PHPRC=") || has_prefix(e, "LSAPI_");
}

/* A spot check of what the built-in allow list holds: anything passed
 * that is none of these (nor in passEnv) is a leak. */
static bool
spot_allowed(const char *e)
{
	static const char *const ok[] = { "HTTP_", "SSL_", "REDIRECT_",
		"LC_", "PATH=", "TERM=", "TZ=", "LANG=", "LANGUAGE=",
		"REQUEST_", "REMOTE_", "SERVER_", "SCRIPT_", "DOCUMENT_",
		"QUERY_STRING", "CONTENT_", "CONTEXT_", "DATE_", "PATH_",
		"AUTH_TYPE=", "GATEWAY_INTERFACE=", "HTTPS=",
		"LAST_MODIFIED=", "UNIQUE_ID=", "USER_NAME=", "PHP_FCGI_",
		"FCGI_WEB_SERVER_ADDRS=" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (has_prefix(e, ok[i]))
			return true;
	return false;
}

static const struct env_rules base = {
	.user = "u", .home = "/h", .shell = "/bin/s",
};

static bool
expect_kept(const char *e, const struct env_rules *r, bool *term_seen)
{
	if (r->mode == ENV_OWN)
		return strchr(e, '=') != NULL;
	if (r->mode == ENV_SERVER)
		return env_is_allowed(e, r->pass, r->n_pass) &&
		       !env_is_dangerous(e);
	if (*term_seen || !has_prefix(e, "TERM="))
		return false;
	*term_seen = true;
	return true;
}

static void
check_server(const char *e, const struct env_rules *r)
{
	/* PHPRC is refused unless the fuzzer's passEnv names it */
	if (must_refuse(e) && !(r->n_pass && has_prefix(e, "PHPRC=")))
		fail("a refused entry passed from another caller", e);
	if (!spot_allowed(e) && !(r->n_pass && pass_names(e)))
		fail("an entry outside the allow list passed", e);
}

static void
check_set(char **out, size_t k, const struct env_rules *r)
{
	static const char *const server[] = { "HOME=/h", "USER=u",
					      "LOGNAME=u", NULL };
	static const char *const login[] = { "HOME=/h", "SHELL=/bin/s",
		"USER=u", "LOGNAME=u", "PATH=" ENV_LOGIN_PATH, NULL };
	const char *const *want = r->mode == ENV_SERVER ? server :
				  r->mode == ENV_LOGIN ? login : NULL;

	for (; want && *want; want++, k++)
		if (!out[k] || strcmp(out[k], *want) != 0)
			fail("set variable wrong or missing", out[k]);
	if (out[k] != NULL)
		fail("extra entries in the result", out[k]);
}

static void
check(char **envp, size_t n, char **out, const struct env_rules *r)
{
	bool term_seen = false;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!expect_kept(envp[i], r, &term_seen))
			continue;
		if (r->mode == ENV_SERVER)
			check_server(envp[i], r);
		if (out[k] != envp[i])
			fail("entry lost, reordered or copied", envp[i]);
		k++;
	}
	check_set(out, k, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct env_rules r = base;
	char *text, **envp, **out, *p;
	size_t n = 0;

	if (size < 1)
		return 0;
	r.mode = (enum env_mode)(data[0] % 3);
	if (data[0] & 4) {
		r.pass = pass_list;
		r.n_pass = sizeof(pass_list) / sizeof(pass_list[0]);
	}
	text = malloc(size);
	envp = calloc(size + 1, sizeof(*envp));
	if (!text || !envp)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (p = text; p < text + size - 1; p += strlen(p) + 1)
		envp[n++] = p;
	envp[n] = NULL;

	errno = 0;
	out = env_build(envp, &r);
	if (!out) {
		if (n <= ENV_MAX_ENTRIES || errno != E2BIG)
			fail("env_build failed without reason", NULL);
	} else {
		if (n > ENV_MAX_ENTRIES)
			fail("over ENV_MAX_ENTRIES accepted", NULL);
		check(envp, n, out, &r);
		free(out);
	}
	free(envp);
	free(text);
	return 0;
}
