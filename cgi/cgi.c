// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pure parts of nscell-cgi: path rules, the split of a request path
 * into script and PATH_INFO, suexec's checks, the environment.  No system
 * calls: the caller looks the files up (cgi_look_fn, struct cgi_stat).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgi.h"

#define ENV_MAX 4096

bool
cgi_path_ok(const char *path)
{
	const char *p = path;

	if (!path || path[0] != '/' || strlen(path) >= CGI_PATH_MAX)
		return false;
	for (; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	}
	p = path;
	while (*p) {
		const char *e = strchrnul(p + 1, '/');
		size_t n = (size_t)(e - p - 1);

		/* p is at a '/'; the component is p+1 .. e */
		if (n == 0)
			return p == path && !p[1];	/* "/" alone */
		if ((n == 1 && p[1] == '.') ||
		    (n == 2 && p[1] == '.' && p[2] == '.'))
			return false;
		p = e;
	}
	return true;
}

bool
cgi_below(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return path[0] == '/';
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

enum cgi_status
cgi_split(const char *path, const char *root, cgi_look_fn look, void *ctx,
	  size_t *script_len, char *buf, size_t buflen, const char **why)
{
	size_t end = strlen(path), p = strlen(root);
	const char *type = NULL;

	if (p == 1)	/* root "/" */
		p = 0;
	*why = NULL;
	while (p < end) {
		const char *e = strchrnul(path + p + 1, '/');
		size_t len = (size_t)(e - path);

		switch (look(ctx, path, len, &type)) {
		case CGI_K_FILE:
			*script_len = len;
			return CGI_RUN;
		case CGI_K_DIR:
			p = len;
			continue;
		case CGI_K_MISSING:
			*why = "no such file";
			return CGI_NOT_FOUND;
		case CGI_K_OTHER:
		default:
			snprintf(buf, buflen, "not a regular file (%s)",
				 type ? type : "unknown type");
			*why = buf;
			return CGI_FORBIDDEN;
		}
	}
	*why = "not a regular file (directory)";
	return CGI_FORBIDDEN;
}

enum cgi_status
cgi_judge(const struct cgi_stat *f, const struct cgi_stat *d,
	  uint32_t min_uid, uint32_t max_uid, const uid_t *want,
	  const char *want_name,
	  char *buf, size_t buflen, const char **why)
{
	*why = buf;
	if (!S_ISREG(f->mode))
		snprintf(buf, buflen, "not a regular file");
	else if (f->mode & (S_ISUID | S_ISGID))
		snprintf(buf, buflen, "setuid or setgid (mode %o)",
			 (unsigned)(f->mode & 07777));
	else if (f->mode & (S_IWGRP | S_IWOTH))
		snprintf(buf, buflen, "writable by group or others (mode %o)",
			 (unsigned)(f->mode & 07777));
	else if (f->uid == 0 || f->uid < min_uid)
		snprintf(buf, buflen, "owned by uid %u, below minUid %u",
			 (unsigned)f->uid, (unsigned)min_uid);
	else if (f->uid > max_uid)
		snprintf(buf, buflen, "owned by uid %u, above maxUid %u",
			 (unsigned)f->uid, (unsigned)max_uid);
	else if (!S_ISDIR(d->mode))
		snprintf(buf, buflen, "its directory is not a directory");
	else if (d->mode & (S_IWGRP | S_IWOTH))
		snprintf(buf, buflen,
			 "directory writable by group or others (mode %o)",
			 (unsigned)(d->mode & 07777));
	else if (d->uid != f->uid)
		snprintf(buf, buflen, "owned by uid %u but its directory by "
			 "uid %u", (unsigned)f->uid, (unsigned)d->uid);
	else if (want && *want != f->uid)
		snprintf(buf, buflen, "owned by uid %u, but this vhost belongs "
			 "to %s (%u)", (unsigned)f->uid, want_name,
			 (unsigned)*want);
	else {
		*why = NULL;
		return CGI_RUN;
	}
	return CGI_FORBIDDEN;
}

const char *
cgi_getenv(char *const envp[], const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++) {
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	}
	return NULL;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Entries the wrapper owns: its settings, and for a path it resolved
 * itself, the CGI variables it sets anew. */
static bool
dropped(const char *e, enum cgi_source src, bool own_info)
{
	if (has_prefix(e, "NSCELL_") || has_prefix(e, "REDIRECT_NSCELL_") ||
	    !strchr(e, '='))
		return true;
	if (src == CGI_SRC_ARG)
		return false;
	if (has_prefix(e, "SCRIPT_FILENAME=") || has_prefix(e, "SCRIPT_NAME="))
		return true;
	return own_info && (has_prefix(e, "PATH_INFO=") ||
			    has_prefix(e, "PATH_TRANSLATED="));
}

static bool
push(char **env, size_t *n, char *s)
{
	if (!s)
		return false;
	if (*n >= ENV_MAX) {
		free(s);
		return false;
	}
	env[(*n)++] = s;
	return true;
}

static char *
entry(const char *name, const char *v1, const char *v2)
{
	char *s;

	return asprintf(&s, "%s=%s%s", name, v1, v2 ? v2 : "") < 0 ? NULL : s;
}

/* SCRIPT_NAME for the script found: the server's URL path of the request
 * (Apache's Action: PATH_INFO; fcgiwrap: SCRIPT_NAME), less @path_info. */
static char *
script_name(char *const envp[], enum cgi_source src, const char *path_info)
{
	const char *u = cgi_getenv(envp, src == CGI_SRC_ACTION ? "PATH_INFO" :
				   "SCRIPT_NAME");
	size_t n, k = strlen(path_info);

	if (!u)
		return NULL;
	n = strlen(u);
	if (k && n >= k && !strcmp(u + n - k, path_info))
		n -= k;
	return strndup(u, n);
}

static bool
add_cgi_vars(char **env, size_t *n, char *const envp[], enum cgi_source src,
	     const char *script, const char *path_info, bool own_info)
{
	const char *root = cgi_getenv(envp, "DOCUMENT_ROOT");
	char *sn = script_name(envp, src, path_info);
	bool ok = push(env, n, entry("SCRIPT_FILENAME", script, NULL));

	if (sn) {
		ok = ok && push(env, n, entry("SCRIPT_NAME", sn, NULL));
		free(sn);
	}
	if (own_info && *path_info) {
		ok = ok && push(env, n, entry("PATH_INFO", path_info, NULL));
		if (root && *root)
			ok = ok && push(env, n, entry("PATH_TRANSLATED", root,
						      path_info));
	}
	return ok;
}

char **
cgi_env(char *const envp[], enum cgi_source src, const char *script,
	const char *path_info)
{
	/* Apache's PATH_INFO is the script's URL, never the path info;
	 * fcgiwrap's is nginx's, kept unless the path had more. */
	bool own_info = src == CGI_SRC_ACTION ||
		(src == CGI_SRC_SCRIPT && *path_info);
	char **env = calloc(ENV_MAX + 1, sizeof(*env));
	size_t n = 0;

	if (!env)
		return NULL;
	for (char *const *e = envp; e && *e; e++) {
		if (dropped(*e, src, own_info))
			continue;
		if (!push(env, &n, strdup(*e)))
			goto fail;
	}
	if (src != CGI_SRC_ARG &&
	    !add_cgi_vars(env, &n, envp, src, script, path_info, own_info))
		goto fail;
	return env;
fail:
	cgi_env_free(env);
	return NULL;
}

void
cgi_env_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}
