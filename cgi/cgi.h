/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nscell-cgi: the pure decisions of the CGI wrapper (no system calls, so
 * that tests/unit/check_cgi.c can drive every one).  nscell-cgi.c does the
 * looking and the exec.
 */
#ifndef NSCELL_CGI_H
#define NSCELL_CGI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGI_PATH_MAX	4096

/* HTTP status of a refusal; 0 means "run it". */
enum cgi_status {
	CGI_RUN = 0,
	CGI_FORBIDDEN = 403,
	CGI_NOT_FOUND = 404,
	CGI_ERROR = 500,
};

/* Absolute, normalised: no empty, "." or ".." component, no trailing
 * slash, shorter than CGI_PATH_MAX, no control characters. */
bool cgi_path_ok(const char *path);

/* @path is @root or below it (@root normalised; "/" holds everything). */
bool cgi_below(const char *path, const char *root);

/* What is at a prefix of the requested path, as lstat(2) says. */
enum cgi_kind {
	CGI_K_MISSING, CGI_K_DIR, CGI_K_FILE, CGI_K_OTHER,
};

/* Look up @len bytes of @path (a prefix ending at a component boundary);
 * on CGI_K_OTHER, *type names what it is ("symbolic link", ...). */
typedef enum cgi_kind (*cgi_look_fn)(void *ctx, const char *path,
				     size_t len, const char **type);

/* RFC 3875 4.1.5/4.1.13: find the script in @path, a path below @root
 * (both checked with cgi_path_ok and cgi_below): the first component after
 * @root that is not a directory must be a regular file; what follows it is
 * the PATH_INFO.  Sets *script_len (the script is path[0..*script_len)).
 * Returns CGI_RUN, CGI_NOT_FOUND for a missing component, CGI_FORBIDDEN
 * for anything but a regular file (*why names it, e.g. "not a regular file
 * (symbolic link)", in @buf). */
enum cgi_status cgi_split(const char *path, const char *root,
			  cgi_look_fn look, void *ctx, size_t *script_len,
			  char *buf, size_t buflen, const char **why);

/* What the checks need of a file. */
struct cgi_stat {
	uid_t uid;
	mode_t mode;	/* st_mode */
};

/* suexec's checks on the script @f and its directory @d: a regular file,
 * not setuid or setgid, neither of them writable by group or others, the
 * same owner for both, an owner from @min_uid to @max_uid and not root, and,
 * when @want is not NULL, the owner *@want (whose name is @want_name). */
enum cgi_status cgi_judge(const struct cgi_stat *f, const struct cgi_stat *d,
			  uint32_t min_uid, uint32_t max_uid, const uid_t *want,
			  const char *want_name, char *buf, size_t buflen,
			  const char **why);

/* Where the script's path came from, which says how to rewrite the CGI
 * variables around it. */
enum cgi_source {
	CGI_SRC_ARG,	/* argv[1] (lighttpd): the server split it */
	CGI_SRC_SCRIPT,	/* NSCELL_SCRIPT (nginx + fcgiwrap) */
	CGI_SRC_ACTION,	/* PATH_TRANSLATED (Apache's Action) */
};

/* The program's environment, from the server's @envp: nscell-cgi's
 * settings (NSCELL_*, and Apache's REDIRECT_NSCELL_* copies) removed, and
 * for CGI_SRC_SCRIPT and CGI_SRC_ACTION the CGI variables set for the
 * script found: SCRIPT_FILENAME = @script, PATH_INFO = @path_info (unset
 * when empty), SCRIPT_NAME without the path info (Apache: the request's
 * PATH_INFO), PATH_TRANSLATED = DOCUMENT_ROOT + path info (unset when
 * either is empty).  Returns a NULL-terminated array of malloc'd strings,
 * or NULL (out of memory, or more than 4096 entries). */
char **cgi_env(char *const envp[], enum cgi_source src, const char *script,
	       const char *path_info);

void cgi_env_free(char **env);

/* The value of @name in @envp, or NULL. */
const char *cgi_getenv(char *const envp[], const char *name);

#endif
