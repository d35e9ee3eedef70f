// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command's environment.  Pure (no system calls).
 *
 * Rules match the variable NAME (the bytes before the first '='), whole:
 * an exact name such as "ENV" never matches "ENVX=..." nor an entry that
 * merely starts with the same bytes (the old suexec "TZ" bug); a prefix
 * family such as "LD_" matches any name beginning with it.
 *
 * Another caller's environment (a web server's, root's) is a list of
 * names allowed in, not of names kept out: a deny list misses whatever
 * the next library reads (OPENSSL_CONF, PHPRC, JAVA_TOOL_OPTIONS, ...
 * passed from the web server to its tenants before).  The deny list is
 * still applied on top, so that neither a prefix family nor passEnv can
 * let a loader variable through.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

struct rule {
	const char *name;
	bool prefix;	/* any name beginning with .name */
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Code injection into a loader or an interpreter, and httpoxy. */
static const struct rule deny[] = {
	{ "LD_", true },
	{ "MALLOC_", true },
	{ "PERL5", true },
	{ "PYTHON", true },
	{ "BASH_FUNC_", true },
	{ "GLIBC_TUNABLES", false },
	{ "BASH_ENV", false },
	{ "ENV", false },
	{ "SHELLOPTS", false },
	{ "BASHOPTS", false },
	{ "PS4", false },
	{ "IFS", false },
	{ "CDPATH", false },
	{ "PERLLIB", false },
	{ "NODE_OPTIONS", false },
	{ "NODE_PATH", false },
	{ "RUBYOPT", false },
	{ "RUBYLIB", false },
	{ "GCONV_PATH", false },
	{ "LOCPATH", false },
	{ "NLSPATH", false },
	{ "HOSTALIASES", false },
	{ "RESOLV_HOST_CONF", false },
	/* A request's "Proxy:" header, which Go, Python and others take
	 * for their outgoing proxy (httpoxy, CVE-2016-5385 and friends). */
	{ "HTTP_PROXY", false },
};

/* What a program run by a web server may need from it.  nscell(1) says
 * why each entry is here; keep the two in step. */
static const struct rule allow[] = {
	/* CGI/1.1 (RFC 3875, section 4.1) */
	{ "AUTH_TYPE", false },
	{ "CONTENT_LENGTH", false },
	{ "CONTENT_TYPE", false },
	{ "GATEWAY_INTERFACE", false },
	{ "PATH_INFO", false },
	{ "PATH_TRANSLATED", false },
	{ "QUERY_STRING", false },
	{ "REMOTE_ADDR", false },
	{ "REMOTE_HOST", false },
	{ "REMOTE_IDENT", false },
	{ "REMOTE_USER", false },
	{ "REQUEST_METHOD", false },
	{ "SCRIPT_NAME", false },
	{ "SERVER_NAME", false },
	{ "SERVER_PORT", false },
	{ "SERVER_PROTOCOL", false },
	{ "SERVER_SOFTWARE", false },
	{ "HTTP_", true },	/* request headers (RFC 3875, 4.1.18) */
	/* what Apache, nginx and lighttpd add (Apache suexec's list) */
	{ "CONTEXT_DOCUMENT_ROOT", false },
	{ "CONTEXT_PREFIX", false },
	{ "DATE_GMT", false },
	{ "DATE_LOCAL", false },
	{ "DOCUMENT_ARGS", false },
	{ "DOCUMENT_NAME", false },
	{ "DOCUMENT_PATH_INFO", false },
	{ "DOCUMENT_ROOT", false },
	{ "DOCUMENT_URI", false },
	{ "HTTPS", false },
	{ "LAST_MODIFIED", false },
	{ "QUERY_STRING_UNESCAPED", false },
	{ "REMOTE_PORT", false },
	{ "REQUEST_SCHEME", false },
	{ "REQUEST_URI", false },
	{ "SCRIPT_FILENAME", false },
	{ "SCRIPT_URI", false },
	{ "SCRIPT_URL", false },
	{ "SERVER_ADDR", false },
	{ "SERVER_ADMIN", false },
	{ "SERVER_SIGNATURE", false },
	{ "UNIQUE_ID", false },
	{ "USER_NAME", false },
	{ "REDIRECT_", true },	/* REDIRECT_STATUS: php-cgi's force_redirect */
	{ "SSL_", true },	/* mod_ssl's and lighttpd's TLS details */
	/* FastCGI workers (php-cgi, libfcgi) */
	{ "PHP_FCGI_CHILDREN", false },
	{ "PHP_FCGI_MAX_REQUESTS", false },
	{ "FCGI_WEB_SERVER_ADDRS", false },
	/* locale, time, search path, terminal */
	{ "LANG", false },
	{ "LANGUAGE", false },
	{ "LC_", true },
	{ "TZ", false },
	{ "PATH", false },
	{ "TERM", false },
};

/* Inside SSL_*, but OpenSSL's trust store, which no server sets for a
 * request: the web server's own setting is not the tenant's. */
static const struct rule allow_except[] = {
	{ "SSL_CERT_FILE", false },
	{ "SSL_CERT_DIR", false },
};

/* Length of @entry's name, or 0 when it has no '=' or no name. */
static size_t
name_len(const char *entry)
{
	const char *eq = entry ? strchr(entry, '=') : NULL;

	return eq ? (size_t)(eq - entry) : 0;
}

static bool
rule_matches(const struct rule *r, const char *name, size_t n)
{
	size_t rl = strlen(r->name);

	if (r->prefix)
		return n >= rl && memcmp(name, r->name, rl) == 0;
	return n == rl && memcmp(name, r->name, n) == 0;
}

static bool
rules_match(const struct rule *rules, size_t count, const char *name,
	    size_t n)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (rule_matches(&rules[i], name, n))
			return true;
	return false;
}

/* A passEnv pattern: NAME, or PREFIX* with a PREFIX that is not empty.
 * Anything else (which the parser refuses) matches nothing. */
static bool
pattern_matches(const char *pat, const char *name, size_t n)
{
	size_t pl = strlen(pat);
	bool prefix = pl > 1 && pat[pl - 1] == '*';

	if (prefix)
		pl--;
	if (pl == 0 || memchr(pat, '*', pl))
		return false;
	return prefix ? n >= pl && memcmp(name, pat, pl) == 0 :
			n == pl && memcmp(name, pat, n) == 0;
}

bool
env_is_dangerous(const char *entry)
{
	size_t n = name_len(entry);

	return n == 0 || rules_match(deny, ARRAY_LEN(deny), entry, n);
}

/* The target's own: set by env_build(), never taken from the caller. */
static bool
is_identity(const char *name, size_t n)
{
	static const struct rule own[] = {
		{ "HOME", false }, { "USER", false }, { "LOGNAME", false },
	};

	return rules_match(own, ARRAY_LEN(own), name, n);
}

bool
env_is_allowed(const char *entry, char *const *pass, size_t n_pass)
{
	size_t n = name_len(entry), i;

	if (n == 0 || is_identity(entry, n))
		return false;
	if (rules_match(allow, ARRAY_LEN(allow), entry, n) &&
	    !rules_match(allow_except, ARRAY_LEN(allow_except), entry, n))
		return true;
	for (i = 0; pass && i < n_pass; i++)
		if (pass[i] && pattern_matches(pass[i], entry, n))
			return true;
	return false;
}

/* Number of entries, or SIZE_MAX when over either limit. */
static size_t
env_count(char *const envp[])
{
	size_t n = 0, bytes = 0, len;

	if (!envp)
		return 0;
	for (; envp[n]; n++) {
		if (n == ENV_MAX_ENTRIES)
			return SIZE_MAX;
		len = strnlen(envp[n], ENV_MAX_BYTES - bytes + 1);
		bytes += len + 1;
		if (bytes > ENV_MAX_BYTES)
			return SIZE_MAX;
	}
	return n;
}

/* ENV_OWN and ENV_SERVER: whether the caller's @entry goes on. */
static bool
keep(const char *entry, const struct env_rules *r)
{
	if (r->mode == ENV_OWN)
		return strchr(entry, '=') != NULL;
	return env_is_allowed(entry, r->pass, r->n_pass) &&
	       !env_is_dangerous(entry);
}

/* The variables env_build() sets, as NAME and value pairs; at most 5. */
struct setvars {
	const char *name[5];
	const char *value[5];
	size_t n;
};

static void
add_var(struct setvars *s, const char *name, const char *value)
{
	s->name[s->n] = name;
	s->value[s->n] = value;
	s->n++;
}

static void
set_vars(const struct env_rules *r, struct setvars *s)
{
	s->n = 0;
	if (r->mode == ENV_OWN)
		return;
	add_var(s, "HOME", r->home ? r->home : "/");
	if (r->mode == ENV_LOGIN)
		add_var(s, "SHELL", r->shell && r->shell[0] ? r->shell :
			ENV_LOGIN_SHELL);
	if (r->user) {
		add_var(s, "USER", r->user);
		add_var(s, "LOGNAME", r->user);
	}
	if (r->mode == ENV_LOGIN)
		add_var(s, "PATH", ENV_LOGIN_PATH);
}

/* Bytes of the "NAME=value" strings of @s, or SIZE_MAX past ENV_MAX_BYTES. */
static size_t
set_bytes(const struct setvars *s)
{
	size_t bytes = 0, i;

	for (i = 0; i < s->n; i++) {
		bytes += strlen(s->name[i]) + 1 +
			 strnlen(s->value[i], ENV_MAX_BYTES) + 1;
		if (bytes > ENV_MAX_BYTES)
			return SIZE_MAX;
	}
	return bytes;
}

/* The caller's entries that go on, from @out; returns @out's end. */
static char **
put_callers(char **out, char *const envp[], size_t n,
	    const struct env_rules *r)
{
	size_t i;

	if (r->mode == ENV_LOGIN) {
		/* TERM says what the admin's terminal is, nothing more */
		for (i = 0; i < n; i++)
			if (strncmp(envp[i], "TERM=", 5) == 0) {
				*out++ = envp[i];
				break;
			}
		return out;
	}
	for (i = 0; i < n; i++)
		if (keep(envp[i], r))
			*out++ = envp[i];
	return out;
}

/* Write "NAME=value" at @p for each of @s into @out; returns @out's end. */
static char **
put_vars(char **out, char *p, const struct setvars *s)
{
	size_t i, nl, vl;

	for (i = 0; i < s->n; i++) {
		nl = strlen(s->name[i]);
		vl = strlen(s->value[i]);
		memcpy(p, s->name[i], nl);
		p[nl] = '=';
		memcpy(p + nl + 1, s->value[i], vl + 1);
		*out++ = p;
		p += nl + vl + 2;
	}
	return out;
}

char **
env_build(char *const envp[], const struct env_rules *r)
{
	size_t n = env_count(envp), bytes, slots;
	struct setvars s;
	char **out, **o;

	if (!r || (r->mode != ENV_OWN && r->mode != ENV_SERVER &&
		   r->mode != ENV_LOGIN)) {
		errno = EINVAL;
		return NULL;
	}
	set_vars(r, &s);
	bytes = set_bytes(&s);
	if (n == SIZE_MAX || bytes == SIZE_MAX) {
		errno = E2BIG;
		return NULL;
	}
	/* the caller's entries (ENV_LOGIN: TERM alone), ours, the NULL */
	slots = (r->mode == ENV_LOGIN ? 1 : n) + s.n + 1;
	out = malloc(slots * sizeof(*out) + bytes);
	if (!out) {
		errno = ENOMEM;
		return NULL;
	}
	o = put_callers(out, envp, n, r);
	o = put_vars(o, (char *)(out + slots), &s);
	*o = NULL;
	return out;
}
