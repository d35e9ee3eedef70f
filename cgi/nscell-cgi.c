// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nscell-cgi: run a CGI program through nscell(1) as the owner of the
 * program file (LiteSpeed's "CGI File UID" mode, Apache's suexec), in the
 * owner's persisted sandbox for the virtual host.
 *
 * The web server executes this program as its own account (www-data) for
 * every CGI request.  It is not privileged and decides one thing only:
 * which uid to ask nscell for.  nscell then decides, from root-owned
 * configuration alone, whether that is allowed (the web server's account
 * in allowCaller, the uid at least minUid and not 0), so nothing read here
 * can give anybody more than allowCaller already gives the web server.
 *
 * The program's path comes, as the server's configuration says, from:
 *   - NSCELL_SCRIPT (nginx + fcgiwrap: $document_root$fastcgi_script_name);
 *   - PATH_TRANSLATED when NSCELL_ACTION=1 (Apache's Action directive);
 *   - else its first argument (lighttpd's cgi.assign).
 * The script is the first component below the document root that is not a
 * directory (RFC 3875): what follows is the PATH_INFO.  A missing
 * component is 404; refused (403, and one "nscell-cgi: PATH: why" line on
 * stderr, the server's error log): a path outside the document root, not
 * absolute or not normalised, anything but a regular file (a symbolic
 * link, for one), a setuid or setgid file, a file or directory writable
 * by group or others, a file whose owner does not own its directory (a
 * hard link planted in someone else's tree), an owner below minUid or
 * above maxUid or root, and, with NSCELL_OWNER, any other owner.
 *
 * Settings, from the web server's configuration (a request reaches a CGI
 * program only as HTTP_* variables, so it cannot set them), removed before
 * the program runs:
 *   NSCELL_VHOST    nscell -s: the persisted set, tmp directory and vhost
 *                   block of nscell.conf; unset: the server level
 *   NSCELL_OWNER    a login name or uid: the only owner accepted
 *   NSCELL_DOCROOT  the directory scripts must be in (default
 *                   DOCUMENT_ROOT, else anywhere)
 *   NSCELL_BIN      the nscell binary (default /usr/bin/nscell)
 *   NSCELL_CONF     read for minUid and maxUid (default nscell's own
 *                   configuration)
 *   NSCELL_VERBOSE  1: nscell -v, so the log says built or joined
 *   NSCELL_SCRIPT, NSCELL_ACTION  where the path comes from, above
 *
 * The program runs as "nscell -u UID [-s VHOST] [-v] -d DIR -- SCRIPT":
 * the script after "--"; DIR, its directory (CGI/1.1 servers run a
 * program in its directory), is checked like it and begins with '/'.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgi.h"
#include "config.h"

#define DEFAULT_BIN	"/usr/bin/nscell"

static const char *req_path = "";	/* for messages */

__attribute__((noreturn)) static void
respond(enum cgi_status st, const char *why)
{
	const char *text = st == CGI_NOT_FOUND ? "Not Found" :
		st == CGI_FORBIDDEN ? "Forbidden" : "Internal Server Error";

	fprintf(stderr, "nscell-cgi: %s: %s\n", req_path, why);
	printf("Status: %d %s\r\nContent-Type: text/plain\r\n\r\n%s\n",
	       (int)st, text, text);
	fflush(stdout);
	exit(0);
}

static enum cgi_kind
look(void *ctx, const char *path, size_t len, const char **type)
{
	char *buf = ctx;
	struct stat st;

	memcpy(buf, path, len);
	buf[len] = '\0';
	if (lstat(buf, &st) < 0) {
		*type = "inaccessible";
		return errno == ENOENT || errno == ENOTDIR ? CGI_K_MISSING :
			CGI_K_OTHER;
	}
	if (S_ISDIR(st.st_mode))
		return CGI_K_DIR;
	if (S_ISREG(st.st_mode))
		return CGI_K_FILE;
	*type = S_ISLNK(st.st_mode) ? "symbolic link" :
		S_ISFIFO(st.st_mode) ? "fifo" :
		S_ISSOCK(st.st_mode) ? "socket" :
		S_ISCHR(st.st_mode) ? "character special file" :
		S_ISBLK(st.st_mode) ? "block special file" : "unknown type";
	return CGI_K_OTHER;
}

/* Owner and mode of @path, never following a symbolic link. */
static int
stat_of(const char *path, int flags, struct cgi_stat *out)
{
	struct stat st;
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC | flags);
	int r;

	if (fd < 0)
		return -errno;
	r = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	if (r == 0) {
		out->uid = st.st_uid;
		out->mode = st.st_mode;
	}
	return r;
}

/* minUid and maxUid as nscell reads them: by nscell's own parser. */
static void
uid_range(const char *conf, uint32_t *min, uint32_t *max)
{
	struct nscell_conf c;
	struct ns_err err = { .code = 0 };
	char *buf = malloc(CONF_MAX_FILE + 1);
	ssize_t n = 0, r = 0;
	int fd;

	if (!buf || conf_init(&c) < 0)
		respond(CGI_ERROR, "out of memory");
	fd = open(conf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno != ENOENT)
		respond(CGI_ERROR, "cannot read nscell's configuration");
	while (fd >= 0 && (r = read(fd, buf + n, (size_t)(CONF_MAX_FILE - n)))
	       > 0)
		n += r;
	if (fd >= 0)
		close(fd);
	if (r < 0 || conf_parse_buf(&c, conf, buf, (size_t)n, &err) < 0)
		respond(CGI_ERROR, "cannot read nscell's configuration");
	*min = c.min_uid;
	*max = c.max_uid;
	conf_free(&c);
	free(buf);
}

/* NSCELL_OWNER as a uid: digits, or a name looked up. */
static uid_t
owner_uid(const char *want)
{
	struct passwd *pw;
	char *end;
	unsigned long v;

	if (want[0] >= '0' && want[0] <= '9') {
		errno = 0;
		v = strtoul(want, &end, 10);
		if (!errno && !*end && v < (uid_t)-1)
			return (uid_t)v;
	} else if ((pw = getpwnam(want))) {
		return pw->pw_uid;
	}
	respond(CGI_ERROR, "NSCELL_OWNER is not a user");
}

/* The document root, trailing slashes dropped; "/" when none is set. */
static char *
doc_root(char *const envp[])
{
	const char *r = cgi_getenv(envp, "NSCELL_DOCROOT");
	char *d;
	size_t n;

	if (!r || !*r)
		r = cgi_getenv(envp, "DOCUMENT_ROOT");
	if (!r || !*r)
		r = "/";
	d = strdup(r);
	if (!d)
		respond(CGI_ERROR, "out of memory");
	for (n = strlen(d); n > 1 && d[n - 1] == '/'; n--)
		d[n - 1] = '\0';
	if (!cgi_path_ok(d))
		respond(CGI_ERROR, "the document root is not a normalised "
			"absolute path");
	return d;
}

static const char *
request_path(int argc, char **argv, char *const envp[], enum cgi_source *src)
{
	const char *p = cgi_getenv(envp, "NSCELL_SCRIPT");
	const char *a = cgi_getenv(envp, "NSCELL_ACTION");

	if (p && *p) {
		*src = CGI_SRC_SCRIPT;
	} else if (a && !strcmp(a, "1")) {
		*src = CGI_SRC_ACTION;
		p = cgi_getenv(envp, "PATH_TRANSLATED");
	} else {
		*src = CGI_SRC_ARG;
		p = argc > 1 ? argv[1] : NULL;
	}
	return p ? p : "";
}

/* Find and check the script; returns it (malloc'd), its directory in
 * *dir and its uid in *uid; refuses (does not return) otherwise. */
static char *
find_script(const char *path, char *const envp[], const char **info,
	    char **dir, uid_t *uid)
{
	char why_buf[256], *look_buf, *root = doc_root(envp), *script;
	const char *want = cgi_getenv(envp, "NSCELL_OWNER"), *conf, *why;
	uint32_t min, max;
	struct cgi_stat f = { 0 }, d = { 0 };
	enum cgi_status st;
	size_t len = 0;
	uid_t w = 0;

	if (!cgi_path_ok(path))
		respond(CGI_FORBIDDEN, "not a normalised absolute path");
	if (!cgi_below(path, root))
		respond(CGI_FORBIDDEN, "outside the document root");
	look_buf = malloc(CGI_PATH_MAX);
	if (!look_buf)
		respond(CGI_ERROR, "out of memory");
	st = cgi_split(path, root, look, look_buf, &len, why_buf,
		       sizeof(why_buf), &why);
	if (st != CGI_RUN)
		respond(st, why);
	script = strndup(path, len);
	if (!script)
		respond(CGI_ERROR, "out of memory");
	/* Its directory; "/" for a script in "/". */
	*dir = strndup(path, (size_t)(strrchr(script, '/') - script));
	if (*dir && !**dir) {
		free(*dir);
		*dir = strdup("/");
	}
	if (!*dir)
		respond(CGI_ERROR, "out of memory");
	if (stat_of(script, 0, &f) < 0 || stat_of(*dir, O_DIRECTORY, &d) < 0)
		respond(CGI_FORBIDDEN, "cannot stat it or its directory");
	if (want && *want)
		w = owner_uid(want);
	conf = cgi_getenv(envp, "NSCELL_CONF");
	uid_range(conf && *conf ? conf : NSCELL_CONF_PATH, &min, &max);
	st = cgi_judge(&f, &d, min, max, want && *want ? &w : NULL, want,
		       why_buf, sizeof(why_buf), &why);
	if (st != CGI_RUN)
		respond(st, why);
	*info = path + len;
	*uid = f.uid;
	free(look_buf);
	free(root);
	return script;
}

int
main(int argc, char **argv, char **envp)
{
	const char *bin = cgi_getenv(envp, "NSCELL_BIN");
	const char *vhost = cgi_getenv(envp, "NSCELL_VHOST");
	const char *verbose = cgi_getenv(envp, "NSCELL_VERBOSE");
	const char *info, *args[12];
	char uidbuf[16], *script, *dir, **env;
	enum cgi_source src;
	size_t n = 0;
	uid_t uid;

	req_path = request_path(argc, argv, envp, &src);
	if (!bin || !*bin)
		bin = DEFAULT_BIN;
	if (bin[0] != '/')
		respond(CGI_ERROR, "NSCELL_BIN is not an absolute path");
	if (vhost && *vhost && !conf_vhost_name_ok(vhost))
		respond(CGI_ERROR, "NSCELL_VHOST is not a valid vhost name");
	script = find_script(req_path, envp, &info, &dir, &uid);
	env = cgi_env(envp, src, script, info);
	if (!env)
		respond(CGI_ERROR, "cannot build the environment");
	snprintf(uidbuf, sizeof(uidbuf), "%u", (unsigned)uid);
	args[n++] = bin;
	args[n++] = "-u";
	args[n++] = uidbuf;
	if (vhost && *vhost) {
		args[n++] = "-s";
		args[n++] = vhost;
	}
	if (verbose && !strcmp(verbose, "1"))
		args[n++] = "-v";
	args[n++] = "-d";
	args[n++] = dir;
	args[n++] = "--";
	args[n++] = script;
	args[n] = NULL;
	fflush(stdout);
	execve(bin, (char *const *)args, env);
	respond(CGI_ERROR, "cannot run nscell");
}
