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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "sysutil.h"

static bool
dir_trusted(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 &&
		!(st.st_mode & S_IWOTH);
}

/* Walk @path's directories from "/" without following symlinks, checking
 * each when @trusted_only; return the O_PATH fd of the last directory and
 * point *last at the file name. */
static int
open_parent(const char *path, bool trusted_only, const char **last)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *slash = strrchr(path, '/');
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
		if (trusted_only && !dir_trusted(cur)) {
			close(cur);
			return -EPERM;
		}
		memcpy(comp, p, (size_t)(e - p));
		comp[e - p] = '\0';
		p = e;
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_CLOEXEC |
			      (trusted_only ? O_NOFOLLOW : 0));
		close(cur);
		cur = next < 0 ? -errno : next;
	}
	if (cur >= 0 && trusted_only && !dir_trusted(cur)) {
		close(cur);
		return -EPERM;
	}
	return cur;
}

static int
check_file(int fd, bool trusted_only)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (trusted_only && (st.st_uid != 0 ||
			     (st.st_mode & (S_IWGRP | S_IWOTH))))
		return -EPERM;
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

static const char *
reason(int r, bool trusted_only)
{
	if (r == -EPERM && trusted_only)
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
	cleanup_fd int dir = -1;
	cleanup_fd int fd = -1;
	int r;

	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return ns_err_set(err, NULL, EINVAL, "%s: not an absolute path", path);
	dir = open_parent(path, trusted_only, &last);
	r = dir < 0 ? dir : 0;
	if (r == 0) {
		fd = open_as(dir, last, trusted_only, as_uid, as_gid);
		r = fd < 0 ? fd : check_file(fd, trusted_only);
	}
	if (r == 0)
		r = read_fd_all(fd, max, buf, len);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		return ns_err_set(err, NULL, -r, "%s: %s", path, reason(r, trusted_only));
	return 0;
}
