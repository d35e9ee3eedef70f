/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command's environment.  Pure (no system calls), unit-tested. */
#ifndef NSCELL_ENV_H
#define NSCELL_ENV_H

#include <stdbool.h>
#include <stddef.h>

#define ENV_MAX_ENTRIES	4096	/* more than this in the caller's env: refuse */
#define ENV_MAX_BYTES	(1024 * 1024)
/* PATH of a login environment (cmd_ns), as suexec's AP_SAFE_PATH. */
#define ENV_LOGIN_PATH	"/usr/local/bin:/usr/bin:/bin"
/* SHELL of a login environment when the passwd entry names none, as su. */
#define ENV_LOGIN_SHELL	"/bin/sh"

enum env_mode {
	/* The caller runs a command as itself: its environment, unchanged
	 * (it could run the command without nscell anyway). */
	ENV_OWN,
	/* Another caller (a web server in allowCaller, or root) runs a
	 * command as the target: only what env_is_allowed() accepts and
	 * env_is_dangerous() does not refuse, then HOME, USER and LOGNAME
	 * of the target. */
	ENV_SERVER,
	/* cmd_ns: a login environment, as "su -" makes it: TERM kept, HOME,
	 * SHELL, USER and LOGNAME of the target, PATH ENV_LOGIN_PATH;
	 * nothing else of the caller's. */
	ENV_LOGIN,
};

struct env_rules {
	enum env_mode mode;
	const char *user;	/* the target's name; NULL: no USER, LOGNAME */
	const char *home;	/* the target's home; NULL: "/" */
	const char *shell;	/* ENV_LOGIN; NULL or "": ENV_LOGIN_SHELL */
	/* ENV_SERVER: more names to pass (nscell.conf's passEnv), each a
	 * NAME, or a PREFIX followed by '*' (any name beginning with
	 * PREFIX, which must not be empty). */
	char *const *pass;
	size_t n_pass;
};

/* True for loader and interpreter injection variables: LD_*, GLIBC_TUNABLES,
 * MALLOC_*, BASH_ENV, ENV, SHELLOPTS, BASHOPTS, PS4, IFS, CDPATH, PERL5*,
 * PERLLIB, PYTHON*, NODE_OPTIONS, NODE_PATH, RUBYOPT, RUBYLIB, GCONV_PATH,
 * LOCPATH, NLSPATH, HOSTALIASES, RESOLV_HOST_CONF, BASH_FUNC_*, for
 * HTTP_PROXY (a request's "Proxy:" header, httpoxy), and for entries with
 * no '=' or an empty name.  Never passed from another caller, whatever
 * passEnv says. */
bool env_is_dangerous(const char *entry);

/* True if ENV_SERVER passes @entry's name (before env_is_dangerous() has
 * its say): a CGI/1.1 meta-variable or one real servers add, HTTP_*, SSL_*
 * but SSL_CERT_FILE and SSL_CERT_DIR, REDIRECT_*, the FastCGI workers'
 * settings, LANG, LANGUAGE, LC_*, TZ, PATH, TERM; or a name @pass lists.
 * Never HOME, USER or LOGNAME, which are the target's. */
bool env_is_allowed(const char *entry, char *const *pass, size_t n_pass);

/* A new NULL-terminated array for the command, as @r->mode says; the
 * caller's entries are not copied (the array points into @envp), the ones
 * set here live in the same allocation: one free() releases everything.
 * Entries without '=' are always dropped.  Returns NULL with errno E2BIG
 * when @envp holds more than ENV_MAX_ENTRIES entries or ENV_MAX_BYTES
 * bytes (or a set value is as long), EINVAL for an unknown mode, ENOMEM
 * when out of memory. */
char **env_build(char *const envp[], const struct env_rules *r);

#endif
