// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Path walks for the builder.  See paths.h for the rules; the MUST rules:
 * - never follow a symlink a user could have made (sources), or any
 *   symlink at all (destinations);
 * - never create anything as root outside the sandbox's own root tmpfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "paths.h"
#include "sysutil.h"

#define MAX_LINKS 40

/* One openat2() beneath @rootfd that refuses every symlink: the common
 * case (no symlink on the path) in one system call.  -ELOOP sends the
 * caller to the component walk, which knows which symlinks to trust. */
static int
open_beneath(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_PATH | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	while (*path == '/')
		path++;
	fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how,
			  sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* Copy the next component of *p into @name; advance *p past it.
 * Returns 0 at the end of the path, 1 for a component, -ENAMETOOLONG. */
static int
next_component(const char **p, char name[NAME_MAX + 1])
{
	const char *s = *p, *e;

	while (*s == '/')
		s++;
	if (!*s)
		return 0;
	e = strchrnul(s, '/');
	if ((size_t)(e - s) > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, s, (size_t)(e - s));
	name[e - s] = '\0';
	*p = e;
	return 1;
}

static bool
at_end(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

/* A symlink is trusted when root owns it and its directory, and nobody
 * else can write that directory (so nobody else could have placed it). */
static bool
link_trusted(int dirfd, const struct stat *lst)
{
	struct stat dst;

	if (lst->st_uid != 0 || fstat(dirfd, &dst) < 0)
		return false;
	return dst.st_uid == 0 && !(dst.st_mode & (S_IWGRP | S_IWOTH));
}

/* Replace *rest by "target/remaining", in @buf (2 * PATH_MAX bytes). */
static int
splice_link(int lfd, const char *remaining, char *buf)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(lfd, "", target, sizeof(target) - 1);
	size_t rl = strlen(remaining);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENOENT;
	target[n] = '\0';
	if ((size_t)n + 1 + rl >= 2 * PATH_MAX)
		return -ENAMETOOLONG;
	memmove(buf + n + 1, remaining, rl + 1);
	memcpy(buf, target, (size_t)n);
	buf[n] = '/';
	return 0;
}

static int
same_inode(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0)
		return -errno;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* One step of the source walk from *cur through @name. */
static int
source_step(int rootfd, int *cur, const char *name, const char **p,
	    char *buf, int *links, struct ns_err *err, const char *path)
{
	struct stat st;
	int next;

	if (!strcmp(name, "."))
		return 0;
	if (!strcmp(name, "..")) {
		if (same_inode(*cur, rootfd) > 0)
			return 0;
		next = openat(*cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		next = openat(*cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (next < 0)
		return -errno;
	if (fstat(next, &st) < 0) {
		close(next);
		return -errno;
	}
	if (S_ISLNK(st.st_mode)) {
		int r;

		if (!link_trusted(*cur, &st)) {
			close(next);
			return ns_err_set(err, NULL, ELOOP,
				       "%s: refusing to follow symlink '%s' "
				       "owned by uid %u", path, name,
				       (unsigned)st.st_uid);
		}
		if (++*links > MAX_LINKS) {
			close(next);
			return -ELOOP;
		}
		r = splice_link(next, *p, buf);
		close(next);
		if (r < 0)
			return r;
		*p = buf;
		if (buf[0] == '/') {
			close(*cur);
			*cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
			if (*cur < 0)
				return -errno;
		}
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && !at_end(*p)) {
		close(next);
		return -ENOTDIR;
	}
	close(*cur);
	*cur = next;
	return 0;
}

/* The walk itself, with the fsuid already the user's. */
static int
source_walk(int rootfd, const char *path, struct ns_err *err)
{
	char name[NAME_MAX + 1];
	char *buf;
	const char *p;
	int cur, r, links = 0;

	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	cur = open_beneath(rootfd, path, 0);
	if (cur != -ELOOP)
		return cur;
	buf = malloc(2 * PATH_MAX);
	if (!buf)
		return -ENOMEM;
	strcpy(buf, path);
	p = buf;
	cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	r = cur < 0 ? -errno : 0;
	while (r == 0 && (r = next_component(&p, name)) == 1)
		r = source_step(rootfd, &cur, name, &p, buf, &links, err,
				path);
	free(buf);
	if (r < 0) {
		if (cur >= 0)
			close(cur);
		return r;
	}
	return cur;
}

int
path_walk_source(int rootfd, const char *path, struct ns_err *err)
{
	return source_walk(rootfd, path, err);
}

int
path_open_source(int rootfd, const char *path,
		 const struct sandbox_ident *id, struct ns_err *err)
{
	int r = fs_as_user(id->uid, id->gid);

	if (r == 0)
		r = source_walk(rootfd, path, err);
	fs_as_root();
	return r;
}

size_t
path_open_sources(int rootfd, const char *const *paths, size_t n,
		  const struct sandbox_ident *id, int *fds)
{
	size_t i = 0;

	if (fs_as_user(id->uid, id->gid) == 0) {
		for (; i < n; i++) {
			struct ns_err e = { .code = 0 };

			fds[i] = paths[i] ? source_walk(rootfd, paths[i], &e) :
				-EBADF;
			if (e.code) {	/* the op says it again, in order */
				if (fds[i] >= 0)
					close(fds[i]);
				break;
			}
		}
	}
	fs_as_root();
	return i;
}

/* Create @name in @dirfd (a directory, or an empty file) and return an fd
 * of the new entry, or -EEXIST if something is there already. */
static int
create_open(int dirfd, dev_t root_dev, const char *name, bool dir,
	    const struct sandbox_ident *id)
{
	struct stat st;
	bool as_user;
	int fd;

	if (fstat(dirfd, &st) < 0)
		return -errno;
	/* Root writes only on the sandbox's own root tmpfs. */
	as_user = st.st_dev != root_dev;
	if (as_user && fs_as_user(id->uid, id->gid) < 0) {
		fs_as_root();
		return -EPERM;
	}
	if (!dir)	/* the new file's fd is the mount point's */
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0444);
	else if (mkdirat(dirfd, name, 0755) < 0)
		fd = -1;
	else
		fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
	fd = fd < 0 ? -errno : fd;
	if (as_user)
		fs_as_root();
	return fd;
}

static int
create_entry(int dirfd, dev_t root_dev, const char *name, bool dir,
	     const struct sandbox_ident *id)
{
	int fd = create_open(dirfd, root_dev, name, dir, id);

	if (fd >= 0)
		close(fd);
	return fd == -EEXIST ? 0 : fd < 0 ? fd : 0;
}

static int
check_type(const struct stat *st, bool last, enum dest_type want)
{
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (!last || want == DEST_DIR)
		return S_ISDIR(st->st_mode) ? 0 : -ENOTDIR;
	if (want == DEST_FILE && S_ISDIR(st->st_mode))
		return -EISDIR;
	return 0;
}

/* O_PATH of @name in @dir.  nscell holds no CAP_DAC_OVERRIDE: below a
 * user's directory bound into the sandbox (a 0700 home) the lookup is the
 * user's to make, so a refusal is retried with the user's fsuid. */
static int
dest_lookup(int dir, const char *name, const struct sandbox_ident *id)
{
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 || errno != EACCES)
		return fd < 0 ? -errno : fd;
	if (fs_as_user(id->uid, id->gid) == 0) {
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else {
		fd = -EACCES;
	}
	fs_as_root();
	return fd;
}

static int
dest_step(int *cur, dev_t root_dev, const char *name, bool last,
	  enum dest_type want, const struct sandbox_ident *id)
{
	struct stat st;
	int next, r;

	next = dest_lookup(*cur, name, id);
	if (next == -ENOENT && !(last && want == DEST_NONE)) {
		r = create_entry(*cur, root_dev, name,
				 !last || want == DEST_DIR, id);
		if (r < 0)
			return r;
		next = dest_lookup(*cur, name, id);
	}
	if (next < 0)
		return next;
	r = fstat(next, &st) < 0 ? -errno : check_type(&st, last, want);
	if (r < 0) {
		close(next);
		return r;
	}
	close(*cur);
	*cur = next;
	return 0;
}

static int
dest_walk(int rootfd, dev_t root_dev, const char *dest, enum dest_type want,
	  const struct sandbox_ident *id, const char *stop)
{
	char name[NAME_MAX + 1];
	const char *p = dest;
	int cur, r = 0;

	cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	while ((!stop || p < stop) && (r = next_component(&p, name)) == 1) {
		bool last = stop ? p >= stop : at_end(p);

		r = dest_step(&cur, root_dev, name, last,
			      stop ? DEST_DIR : want, id);
		if (r < 0)
			break;
	}
	if (r < 0) {
		close(cur);
		return r;
	}
	return cur;
}

/* The last component @name of a destination in its parent @dir: created
 * (the usual case: three or four system calls where looking first took
 * eight), or, if something is there, opened and checked. */
static int
dest_last(int dir, dev_t root_dev, const char *name, enum dest_type want,
	  const struct sandbox_ident *id)
{
	struct stat st;
	int fd, r;

	fd = create_open(dir, root_dev, name, want == DEST_DIR, id);
	if (fd != -EEXIST)
		return fd;
	fd = dest_lookup(dir, name, id);
	if (fd < 0)
		return fd;
	r = fstat(fd, &st) < 0 ? -errno : check_type(&st, true, want);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* The directory holding @path's last component (@slash is its last '/'),
 * in one openat2() refusing every symlink; -errno when it cannot be had
 * so (the caller then walks). */
static int
parent_beneath(int rootfd, const char *path, const char *slash)
{
	char parent[PATH_MAX];

	if ((size_t)(slash - path) >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	return open_beneath(rootfd, parent, O_DIRECTORY);
}

/* Fast path: the parent of the destination exists and no symlink is on
 * the way (0 when the caller must walk). */
static int
dest_fast(int rootfd, dev_t root_dev, const char *dest, enum dest_type want,
	  const struct sandbox_ident *id)
{
	const char *slash = strrchr(dest, '/');
	struct stat st;
	int fd, dir, r;

	if (want == DEST_NONE || !slash || !slash[1]) {
		fd = open_beneath(rootfd, dest, O_NOFOLLOW);
		if (fd < 0)
			return fd == -ENOENT && want == DEST_NONE ? fd : 0;
		r = fstat(fd, &st) < 0 ? -errno : check_type(&st, true, want);
		if (r < 0) {
			close(fd);
			return r;
		}
		return fd;
	}
	dir = parent_beneath(rootfd, dest, slash);
	if (dir < 0)
		return 0;
	fd = dest_last(dir, root_dev, slash + 1, want, id);
	close(dir);
	return fd == -ENOENT ? 0 : fd;
}

static int
loop_err(const char *path, struct ns_err *err)
{
	return ns_err_set(err, NULL, ELOOP, "%s: a component is a symlink; destinations "
		       "are never resolved through symlinks", path);
}

int
path_open_dest(int rootfd, dev_t root_dev, const char *dest,
	       enum dest_type want, const struct sandbox_ident *id,
	       struct ns_err *err)
{
	int r = dest_fast(rootfd, root_dev, dest, want, id);

	if (r == 0 || r == -ELOOP)
		r = dest_walk(rootfd, root_dev, dest, want, id, NULL);
	return r == -ELOOP ? loop_err(dest, err) : r;
}

int
path_open_dest_at(int dir, dev_t root_dev, const char *dest,
		  enum dest_type want, const struct sandbox_ident *id,
		  struct ns_err *err)
{
	int r = dest_last(dir, root_dev, strrchr(dest, '/') + 1, want, id);

	return r == -ELOOP ? loop_err(dest, err) : r;
}

int
path_open_parent(int rootfd, dev_t root_dev, const char *path,
		 const char **last, const struct sandbox_ident *id,
		 struct ns_err *err)
{
	const char *slash = strrchr(path, '/');
	int r;

	if (!slash || !slash[1])
		return -EINVAL;
	*last = slash + 1;
	if (slash == path)
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	r = parent_beneath(rootfd, path, slash);
	if (r >= 0)
		return r;
	r = dest_walk(rootfd, root_dev, path, DEST_DIR, id, slash);
	return r == -ELOOP ? loop_err(path, err) : r;
}

/* The destination's last component is a trusted link, or a component
 * above it is: see paths.h.  Links inside the sandbox's tree were made by
 * the template's symlink ops or come with the distribution's trees bound
 * in (Debian's /usr/sbin/exim -> exim4); both are root's, in root-owned
 * directories, and source_walk() trusts nothing else.  Its error details
 * are not wanted: the caller skips the op and says why. */
int
path_resolve_dest(int rootfd, dev_t root_dev, const char *dest,
		  enum dest_type want, const struct sandbox_ident *id)
{
	struct ns_err e = { .code = 0 };
	const char *slash = strrchr(dest, '/');
	char parent[PATH_MAX];
	struct stat st;
	int fd, dir, r;

	/* Walked as the user, as sources are: nscell holds no
	 * CAP_DAC_OVERRIDE, and a destination inside a user's 0700 home is
	 * for the user to reach. */
	fd = fs_as_user(id->uid, id->gid);
	if (fd == 0)
		fd = source_walk(rootfd, dest, &e);
	fs_as_root();
	if (fd >= 0) {
		r = fstat(fd, &st) < 0 ? -errno : check_type(&st, true, want);
		if (r < 0) {
			close(fd);
			return r;
		}
		return fd;
	}
	if (fd != -ENOENT || !slash || !slash[1])
		return fd;
	if ((size_t)(slash - dest) >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, dest, (size_t)(slash - dest));
	parent[slash - dest] = '\0';
	dir = fs_as_user(id->uid, id->gid);
	if (dir == 0)
		dir = source_walk(rootfd, *parent ? parent : "/", &e);
	fs_as_root();
	if (dir < 0)
		return dir;
	r = fstat(dir, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	fd = r < 0 ? r : dest_last(dir, root_dev, slash + 1, want, id);
	close(dir);
	/* The last component is itself the link that led nowhere. */
	return fd == -ELOOP ? -ENOENT : fd;
}
