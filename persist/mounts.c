// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The privileged mount operations, one closed switch (mounts_apply): what
 * is not listed here cannot happen as root.  Every mount is made by file
 * descriptor with the new mount API (open_tree, fsopen, move_mount,
 * mount_setattr), so a path is resolved once, by paths.c, and never again.
 * Binds are recursive; nosuid always; nodev unless dev-bind; ro-* binds are
 * read-only recursively (mount_setattr with AT_RECURSIVE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <sys/mount.h>
#include "mounts.h"
#include "mounts_int.h"
#include "paths.h"
#include "sysutil.h"

#define COPY_MAX	(16u * 1024 * 1024)

int
mnt_attach(int tree, int destfd)
{
	if (move_mount(tree, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH |
		       MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int
mnt_set_attr(int fd, unsigned long long set, bool recursive)
{
	struct mount_attr a = { .attr_set = set };

	if (mount_setattr(fd, "", AT_EMPTY_PATH |
			  (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return -errno;
	return 0;
}

/* Clone the tree at @srcfd, set @attrs on the copy before anyone can see
 * it, and attach it at @destfd. */
int
mnt_bind_at(int srcfd, int destfd, unsigned long long attrs, bool recursive)
{
	cleanup_fd int tree = open_tree(srcfd, "", OPEN_TREE_CLONE |
					OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
					(recursive ? AT_RECURSIVE : 0));
	int r;

	if (tree < 0)
		return -errno;
	r = mnt_set_attr(tree, attrs, recursive);
	return r < 0 ? r : mnt_attach(tree, destfd);
}

void
mounts_drop_parent(struct build_ctx *c)
{
	close_fd(&c->parent_fd);
	c->parent_len = 0;
}

/* The parent directory of @dest: the cached one if it is the same path,
 * else walked (and cached when its path fits). */
static int
dest_parent(struct build_ctx *c, const char *dest, struct ns_err *err)
{
	size_t len = (size_t)(strrchr(dest, '/') - dest);
	const char *last;
	int fd;

	if (c->parent_fd >= 0 && len == c->parent_len &&
	    !memcmp(dest, c->parent_path, len))
		return c->parent_fd;
	mounts_drop_parent(c);
	fd = path_open_parent(c->newroot, c->root_dev, dest, &last,
			      &c->spec->id, err);
	if (fd < 0 || len >= sizeof(c->parent_path))
		return fd;
	memcpy(c->parent_path, dest, len);
	c->parent_len = len;
	c->parent_fd = fd;
	return fd;
}

int
mnt_bind_to_dest(struct build_ctx *c, int srcfd, const char *dest,
	     unsigned long long attrs, bool recursive, struct ns_err *err)
{
	struct stat st;
	cleanup_fd int d = -1;
	int p;

	if (fstat(srcfd, &st) < 0)
		return -errno;
	p = dest_parent(c, dest, err);
	if (p < 0)
		return p;
	d = path_open_dest_at(p, c->root_dev, dest,
			      S_ISDIR(st.st_mode) ? DEST_DIR : DEST_FILE,
			      &c->spec->id, err);
	if (p != c->parent_fd)
		close(p);
	if (d < 0)
		return d;
	return mnt_bind_at(srcfd, d, attrs, recursive);
}

/* A new filesystem instance, configured by "key=value" pairs (value NULL:
 * a flag), as a detached mount. */
int
mnt_new_fs(const char *type, const char *const *kv, unsigned attrs)
{
	cleanup_fd int fs = fsopen(type, FSOPEN_CLOEXEC);
	int m;

	if (fs < 0)
		return -errno;
	for (; kv && kv[0]; kv += 2) {
		if (fsconfig(fs, kv[1] ? FSCONFIG_SET_STRING :
			     FSCONFIG_SET_FLAG, kv[0], kv[1], 0) < 0)
			return -errno;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	return m < 0 ? -errno : m;
}

int
mnt_fs_at(struct build_ctx *c, const char *dest, const char *type,
	    const char *const *kv, unsigned attrs, struct ns_err *err)
{
	cleanup_fd int m = -1;
	cleanup_fd int d = -1;

	m = mnt_new_fs(type, kv, attrs);
	if (m < 0)
		return m;
	d = path_open_dest(c->newroot, c->root_dev, dest, DEST_DIR,
			   &c->spec->id, err);
	return d < 0 ? d : mnt_attach(m, d);
}

/* For -v and /lsnsdebug: the path the kernel reached for a source, as
 * seen from the host's root ("/oldroot/usr/lib" -> "/usr/lib"). */
static void
note_resolved(struct build_ctx *c, int fd)
{
	char link[64];
	ssize_t n;

	c->resolved[0] = '\0';
	if (c->trace < 0)
		return;
	snprintf(link, sizeof(link), "/oldroot/proc/self/fd/%d", fd);
	n = readlink(link, c->resolved, sizeof(c->resolved) - 1);
	c->resolved[n > 0 ? n : 0] = '\0';
	if (!strncmp(c->resolved, "/oldroot/", 9))
		memmove(c->resolved, c->resolved + 8,
			strlen(c->resolved + 8) + 1);
}

#define SKIPPED (-ECANCELED)

/* The op's source, walked as the user (paths.c); SKIPPED, with the reason
 * in *why, when a -try op's source is missing or only reachable through an
 * untrusted symlink. */
const char *
mounts_source(const struct tmpl_op *op)
{
	bool has = op->kind == TMPL_BIND || op->kind == TMPL_RO_BIND ||
		op->kind == TMPL_DEV_BIND || op->kind == TMPL_COPY;

	return has ? op->src : NULL;
}

bool
mounts_changes_host(const struct tmpl_op *op)
{
	return op->kind == TMPL_TMP;
}

/* The fd opened ahead for the op being applied, if any (-EBADF: none). */
static int
take_pre(struct build_ctx *c)
{
	size_t i = c->cur - c->pre_first;
	int fd;

	if (c->cur < c->pre_first || i >= c->pre_n)
		return -EBADF;
	fd = c->pre[i];
	c->pre[i] = -EBADF;
	return fd;
}

static int
open_src(struct build_ctx *c, const struct tmpl_op *op, const char **why,
	 struct ns_err *err)
{
	int s = take_pre(c);

	if (s == -EBADF)
		s = path_open_source(c->oldroot, op->src, &c->spec->id, err);

	if (s >= 0) {
		note_resolved(c, s);
		return s;
	}
	if (!(op->flags & TMPL_F_TRY) || (s != -ENOENT && s != -ELOOP))
		return s;
	*why = s == -ENOENT ? "source does not exist" :
		"source path has an untrusted symlink";
	return SKIPPED;
}

/* A -try op whose destination runs into a symbolic link inside the
 * sandbox (the spec's own "/usr/local/bin/msmtp /usr/sbin/exim" on Debian,
 * where /usr/sbin/exim -> exim4): mount on what the link leads to when
 * paths.c can resolve it inside the sandbox through trusted links only,
 * else skip the op, saying why.  A -try op never aborts a launch over a
 * local quirk of the tree; the non-try ops still refuse. */
static int
bind_resolved(struct build_ctx *c, int srcfd, const struct tmpl_op *op,
	      unsigned long long attrs, bool recursive, const char **why)
{
	struct stat st;
	cleanup_fd int d = -1;

	if (fstat(srcfd, &st) < 0)
		return -errno;
	/* The mount may land on or above the cached parent. */
	mounts_drop_parent(c);
	d = path_resolve_dest(c->newroot, c->root_dev, op->dest,
			      S_ISDIR(st.st_mode) ? DEST_DIR : DEST_FILE,
			      &c->spec->id);
	switch (d) {
	case -ELOOP:
		*why = "destination path has an untrusted symlink";
		return SKIPPED;
	case -ENOENT:
		*why = "destination symlink leads nowhere";
		return SKIPPED;
	case -ENOTDIR:
	case -EISDIR:
		*why = "destination symlink leads to another type of file";
		return SKIPPED;
	case -EROFS:
	case -EACCES:
	case -EPERM:
		/* Where the link leads, nothing can be made (a read-only
		 * bind): skipped as the other quirks, not reported with the
		 * symlink message the first attempt left in the error. */
		*why = "destination symlink leads into a read-only or "
		       "foreign directory";
		return SKIPPED;
	default:
		break;
	}
	return d < 0 ? d : mnt_bind_at(srcfd, d, attrs, recursive);
}

static int
op_bind(struct build_ctx *c, const struct tmpl_op *op, const char **why,
	struct ns_err *err)
{
	unsigned long long attrs = MOUNT_ATTR_NOSUID;
	cleanup_fd int s = -1;
	int r;

	s = open_src(c, op, why, err);
	if (s < 0)
		return s == SKIPPED ? 0 : s;
	if (op->kind != TMPL_DEV_BIND)
		attrs |= MOUNT_ATTR_NODEV;
	if (op->kind == TMPL_RO_BIND)
		attrs |= MOUNT_ATTR_RDONLY;
	r = mnt_bind_to_dest(c, s, op->dest, attrs, true, err);
	if (r == -ELOOP && (op->flags & TMPL_F_TRY))
		r = bind_resolved(c, s, op, attrs, true, why);
	return r == SKIPPED ? 0 : r < 0 ? r : 1;
}

/* Write @len bytes into a new file on the scratch tmpfs, owned by
 * @uid:@gid with @mode, and return an O_PATH fd of it. */
static int
scratch_file(struct build_ctx *c, const char *data, size_t len, mode_t mode,
	     uid_t uid, gid_t gid)
{
	char name[32];
	cleanup_fd int fd = -1;
	int r;

	snprintf(name, sizeof(name), "d%u", c->n_data++);
	fd = openat(c->scratch, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0))
		r = -errno;
	if (r < 0)
		return r;
	r = openat(c->scratch, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

#define DATA_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* @op: a copy op, whose -try flag lets a symlinked destination be
 * resolved (bind_resolved); NULL for generated files. */
static int
bind_data(struct build_ctx *c, const char *data, size_t len, mode_t mode,
	  uid_t uid, gid_t gid, const char *dest, const struct tmpl_op *op,
	  const char **why, struct ns_err *err)
{
	cleanup_fd int f = scratch_file(c, data, len, mode, uid, gid);
	int r;

	if (f < 0)
		return f;
	r = mnt_bind_to_dest(c, f, dest, DATA_ATTRS, false, err);
	if (r == -ELOOP && op && (op->flags & TMPL_F_TRY))
		r = bind_resolved(c, f, op, DATA_ATTRS, false, why);
	return r;
}

/* Reopen an O_PATH fd for reading, with the permission check made as the
 * target user (so a template never copies what the user cannot read). */
static int
read_as_user(struct build_ctx *c, int pathfd, char **buf, size_t *len,
	     mode_t *mode)
{
	char proc[64];
	struct stat st;
	cleanup_fd int fd = -1;
	int r;

	/* A regular file before anything opens it: opening a user's FIFO
	 * would block the root holder for as long as the user likes
	 * (issue 18).  O_NONBLOCK too, in case. */
	if (fstat(pathfd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	snprintf(proc, sizeof(proc), "proc/self/fd/%d", pathfd);
	r = fs_as_user(c->spec->id.uid, c->spec->id.gid);
	if (r == 0) {
		fd = openat(c->oldroot, proc, O_RDONLY | O_CLOEXEC | O_NOCTTY |
			    O_NONBLOCK);
		r = fd < 0 ? -errno : 0;
	}
	fs_as_root();
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*mode = st.st_mode & 0777;
	return read_fd_all(fd, COPY_MAX, buf, len);
}

static int
op_copy(struct build_ctx *c, const struct tmpl_op *op, const char **why,
	struct ns_err *err)
{
	const struct sandbox_ident *id = &c->spec->id;
	cleanup_fd int s = -1;
	char *buf = NULL;
	size_t len = 0;	/* 0: for scan-build, which cannot tell that
			 * read_as_user()'s -errno is negative */
	mode_t mode = 0;
	int r;

	s = open_src(c, op, why, err);
	if (s < 0)
		return s == SKIPPED ? 0 : s;
	r = read_as_user(c, s, &buf, &len, &mode);
	if (r == -EINVAL)
		return ns_err_set(err, NULL, EINVAL, "the source is not a "
				  "regular file");
	if (r == 0)
		r = bind_data(c, buf, len, mode, id->uid, id->gid, op->dest,
			      op, why, err);
	free(buf);
	return r == SKIPPED ? 0 : r < 0 ? r : 1;
}

static int
op_symlink(struct build_ctx *c, const struct tmpl_op *op,
	   struct ns_err *err)
{
	char have[4096];
	const char *last;
	cleanup_fd int dir = -1;
	struct stat st;
	ssize_t n;
	int r = 0;

	dir = path_open_parent(c->newroot, c->root_dev, op->dest, &last,
			       &c->spec->id, err);
	if (dir < 0)
		return dir;
	if (fstat(dir, &st) < 0)
		return -errno;
	if (st.st_dev != c->root_dev)
		r = fs_as_user(c->spec->id.uid, c->spec->id.gid);
	if (r == 0 && symlinkat(op->src, dir, last) < 0)
		r = -errno;
	fs_as_root();
	if (r != -EEXIST)
		return r < 0 ? r : 1;
	n = readlinkat(dir, last, have, sizeof(have) - 1);
	if (n >= 0) {
		have[n] = '\0';
		if (!strcmp(have, op->src))
			return 1;
	}
	return ns_err_set(err, NULL, EEXIST, "symlink %s: a different file exists "
		       "there", op->dest);
}

static int
op_dir(struct build_ctx *c, const struct tmpl_op *op, struct ns_err *err)
{
	cleanup_fd int d = path_open_dest(c->newroot, c->root_dev, op->dest,
					  DEST_DIR, &c->spec->id, err);

	return d < 0 ? d : 1;
}

static int
op_pwfile(struct build_ctx *c, const struct tmpl_op *op,
	  struct ns_err *err)
{
	const char *text = op->kind == TMPL_PASSWD ? c->spec->passwd :
		c->spec->group;
	int r;

	if (!text)
		return -EINVAL;
	r = bind_data(c, text, strlen(text), 0644, 0, 0, op->dest, NULL, NULL,
		      err);
	return r < 0 ? r : 1;
}

int
mounts_apply(struct build_ctx *c, const struct tmpl_op *op, const char **why,
	     struct ns_err *err)
{
	*why = NULL;
	c->resolved[0] = '\0';
	/* Only binds keep the cached parent: anything else may mount on it
	 * or change what its path leads to. */
	if (op->kind != TMPL_BIND && op->kind != TMPL_RO_BIND &&
	    op->kind != TMPL_DEV_BIND && op->kind != TMPL_COPY &&
	    op->kind != TMPL_PASSWD && op->kind != TMPL_GROUP)
		mounts_drop_parent(c);
	switch (op->kind) {
	case TMPL_BIND:
	case TMPL_RO_BIND:
	case TMPL_DEV_BIND:
		return op_bind(c, op, why, err);
	case TMPL_COPY:
		return op_copy(c, op, why, err);
	case TMPL_SYMLINK:
		return op_symlink(c, op, err);
	case TMPL_DIR:
		return op_dir(c, op, err);
	case TMPL_TMPFS:
		return op_tmpfs(c, op, err);
	case TMPL_PROC:
		return op_proc(c, op, err);
	case TMPL_MQUEUE:
		return op_mqueue(c, op, err);
	case TMPL_REMOUNT_RO:
		return op_remount_ro(c, op, err);
	case TMPL_HIDE:
		return op_hide(c, op, why, err);
	case TMPL_PASSWD:
	case TMPL_GROUP:
		return op_pwfile(c, op, err);
	case TMPL_DEV:
		return op_dev(c, op, err);
	case TMPL_TMP:
		return op_tmp(c, op, err);
	case TMPL_NO_UNSHARE_USER:
		*why = "namespace option";
		return 0;
	case TMPL_KIND_COUNT:
	default:
		return -EINVAL;
	}
}
