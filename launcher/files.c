// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The config and template gate (doas's model): open, then check the fd.
 * MUST: no check-then-open race (every check is an fstat on an fd that is
 * then used); no symlink followed on a trusted path; a non-root caller
 * never reads a file through nscell that it could not read itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "sysutil.h"

/* Why the trusted-file gate refused a path: the component that failed
 * and what is wrong with it ("/tmp", "is writable by others"), so that
 * the message names it instead of listing every rule. */
struct refusal {
	char comp[PATH_MAX];
	const char *what;
};

static int
refuse(struct refusal *why, const char *path, size_t len, const char *what)
{
	snprintf(why->comp, sizeof(why->comp), "%.*s", (int)(len ? len : 1),
		 len ? path : "/");
	why->what = what;
	return -EPERM;
}

/* NULL when @fd is a directory fit to hold a trusted file. */
static const char *
dir_untrusted(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return "is not a directory";
	if (st.st_uid != 0)
		return "is not owned by root";
	if (st.st_mode & S_IWOTH)
		return "is writable by others";
	return NULL;
}

/* Why @comp in @dir could not be opened as a directory, trusted path. */
static int
comp_failed(int dir, const char *comp, int e, struct refusal *why,
	    const char *path, size_t len)
{
	struct stat st;

	if (e == ENOTDIR && fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISLNK(st.st_mode))
		return refuse(why, path, len, "is a symlink");
	return -e;
}

/* Walk @path's directories from "/" without following symlinks, checking
 * each when @trusted_only; return the O_PATH fd of the last directory and
 * point *last at the file name. */
static int
open_parent(const char *path, bool trusted_only, const char **last,
	    struct refusal *why)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *slash = strrchr(path, '/'), *bad;
	int cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (cur < 0)
		return -errno;
	*last = slash + 1;
	while (cur >= 0 && p < slash) {
		const char *e;
		int next;

		while (*p == '/')
			p++;
		e = strchrnul(p, '/');
		if (e > slash || e == p)
			break;
		if ((size_t)(e - p) > NAME_MAX) {
			close(cur);
			return -ENAMETOOLONG;
		}
		if (trusted_only && (bad = dir_untrusted(cur))) {
			close(cur);
			return refuse(why, path, (size_t)(p - 1 - path), bad);
		}
		memcpy(comp, p, (size_t)(e - p));
		comp[e - p] = '\0';
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_CLOEXEC |
			      (trusted_only ? O_NOFOLLOW : 0));
		if (next < 0)
			next = trusted_only ? comp_failed(cur, comp, errno,
							  why, path,
							  (size_t)(e - path)) :
				-errno;
		p = e;
		close(cur);
		cur = next;
	}
	if (cur >= 0 && trusted_only && (bad = dir_untrusted(cur))) {
		close(cur);
		return refuse(why, path, (size_t)(slash - path), bad);
	}
	return cur;
}

static int
check_file(int fd, bool trusted_only, struct refusal *why, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (trusted_only && st.st_uid != 0)
		return refuse(why, path, strlen(path), "is not owned by root");
	if (trusted_only && (st.st_mode & (S_IWGRP | S_IWOTH)))
		return refuse(why, path, strlen(path), "is writable by group "
			      "or others");
	return 0;
}

static int
open_as(int dir, const char *name, bool trusted_only, uid_t uid, gid_t gid)
{
	int fd, r = 0;

	if (uid != (uid_t)-1)
		r = fs_as_user(uid, gid);
	fd = r < 0 ? r : openat(dir, name, O_RDONLY | O_NOCTTY | O_CLOEXEC |
				(trusted_only ? O_NOFOLLOW : 0));
	if (fd == -1)
		fd = -errno;
	fs_as_root();
	return fd;
}

/* A component is named only if the caller could have looked at it
 * itself: the walk is made as root, through directories the caller may
 * not search. */
static bool
caller_sees(const char *comp, uid_t uid, gid_t gid)
{
	struct stat st;
	bool ok;

	if (uid == (uid_t)-1)
		return true;
	ok = fs_as_user(uid, gid) == 0 &&
		fstatat(AT_FDCWD, comp, &st, AT_SYMLINK_NOFOLLOW) == 0;
	fs_as_root();
	return ok;
}

static const char *
reason(int r)
{
	if (r == -EPERM)
		return "must be a regular file owned by root and not writable "
		       "by group or others, in root-owned directories not "
		       "writable by others, with no symlinks";
	if (r == -ELOOP)
		return "is a symlink";
	if (r == -EINVAL)
		return "not a regular file";
	if (r == -EFBIG)
		return "file too large";
	return strerror(-r);
}

int
file_load(const char *path, bool trusted_only, uid_t as_uid, gid_t as_gid,
	  size_t max, char **buf, size_t *len, struct ns_err *err)
{
	/* Initialised only for scan-build, which cannot tell that
	 * open_parent()'s "return -errno" is negative (false positive). */
	const char *last = "";
	struct refusal why = { .what = NULL };
	cleanup_fd int dir = -1;
	cleanup_fd int fd = -1;
	int r;

	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return ns_err_set(err, NULL, EINVAL, "%s: not an absolute path", path);
	dir = open_parent(path, trusted_only, &last, &why);
	r = dir < 0 ? dir : 0;
	if (r == 0) {
		fd = open_as(dir, last, trusted_only, as_uid, as_gid);
		r = fd < 0 ? fd : check_file(fd, trusted_only, &why, path);
	}
	if (r == 0)
		r = read_fd_all(fd, max, buf, len);
	if (r == -ENOENT)
		return r;
	/* A trusted file: root's, in root's directories, no symlink on the
	 * way (nscell.conf(5)); say which part is not. */
	if (r == -EPERM && why.what && caller_sees(why.comp, as_uid, as_gid))
		return ns_err_set(err, NULL, EPERM, "%s: %s %s", path,
				  strcmp(why.comp, path) ? why.comp :
				  "the file", why.what);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "%s: %s", path, reason(r));
	return 0;
}
