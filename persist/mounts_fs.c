// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ops that mount a new filesystem instance (tmpfs, proc, mqueue, dev) or
 * change mounts in place (remount-ro, excludes), and the disk-backed tmp.
 * Runs as root inside the holder; see mounts.c for the general rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <sys/mount.h>
#include "mounts_int.h"
#include "paths.h"
#include "store.h"
#include "sysutil.h"

#define TMPFS_SIZE	"64m"
#define TMPFS_INODES	"65536"

int
op_tmpfs(struct build_ctx *c, const struct tmpl_op *op, struct ns_err *err)
{
	char uid[16], gid[16];
	const char *kv[] = { "mode", "0755", "uid", uid, "gid", gid,
			     "size", TMPFS_SIZE, "nr_inodes", TMPFS_INODES,
			     NULL };
	int r;

	/* Owned by the user: a root-owned 0755 tmpfs is no scratch space. */
	snprintf(uid, sizeof(uid), "%u", (unsigned)c->spec->id.uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)c->spec->id.gid);
	r = mnt_fs_at(c, op->dest, "tmpfs", kv, MOUNT_ATTR_NOSUID |
			MOUNT_ATTR_NODEV, err);
	return r < 0 ? r : 1;
}

int
op_proc(struct build_ctx *c, const struct tmpl_op *op, struct ns_err *err)
{
	static const char *const ro[] = { "sys", "sysrq-trigger", "irq",
					  "bus" };
	const char *kv[] = { "hidepid", "invisible", NULL };
	cleanup_fd int d = -1;
	int r;

	/* The holder is pid 1 of the new pid namespace: this procfs shows
	 * that namespace only, and hidepid hides the holder itself. */
	r = mnt_fs_at(c, op->dest, "proc", kv, MOUNT_ATTR_NOSUID |
			MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
	if (r < 0)
		return r;
	d = path_open_dest(c->newroot, c->root_dev, op->dest, DEST_DIR,
			   &c->spec->id, err);
	if (d < 0)
		return d;
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		cleanup_fd int f = openat(d, ro[i], O_PATH | O_NOFOLLOW |
					  O_CLOEXEC);

		if (f < 0)
			continue;
		r = mnt_bind_at(f, f, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, true);
		if (r < 0)
			return r;
	}
	return 1;
}

int
op_mqueue(struct build_ctx *c, const struct tmpl_op *op,
	  struct ns_err *err)
{
	int r = mnt_fs_at(c, op->dest, "mqueue", NULL, MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);

	return r < 0 ? r : 1;
}

int
op_remount_ro(struct build_ctx *c, const struct tmpl_op *op,
	      struct ns_err *err)
{
	struct statx stx;
	cleanup_fd int d = -1;
	int r;

	d = path_open_dest(c->newroot, c->root_dev, op->dest, DEST_NONE,
			   &c->spec->id, err);
	if (d < 0)
		return d;
	if (statx(d, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
		return -errno;
	/* Not a mount of its own: bind it onto itself first, so only this
	 * subtree turns read-only, not the whole mount it sits in. */
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		r = mnt_bind_at(d, d, 0, true);
		close_fd(&d);
		if (r < 0)
			return r;
		d = path_open_dest(c->newroot, c->root_dev, op->dest,
				   DEST_NONE, &c->spec->id, err);
		if (d < 0)
			return d;
	}
	r = mnt_set_attr(d, MOUNT_ATTR_RDONLY, true);
	return r < 0 ? r : 1;
}

int
op_hide(struct build_ctx *c, const struct tmpl_op *op, const char **why,
	struct ns_err *err)
{
	cleanup_fd int d = -1;
	cleanup_fd int e = -1;
	struct stat st;
	int r;

	d = path_open_dest(c->newroot, c->root_dev, op->dest, DEST_NONE,
			   &c->spec->id, err);
	if (d == -ENOENT) {
		*why = "not in the sandbox";
		return 0;
	}
	if (d < 0)
		return d;
	if (fstat(d, &st) < 0)
		return -errno;
	e = openat(c->scratch, S_ISDIR(st.st_mode) ? "empty" : "emptyfile",
		   O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (e < 0)
		return -errno;
	r = mnt_bind_at(e, d, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
		    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false);
	return r < 0 ? r : 1;
}

struct devnode {
	const char *name;
	unsigned major, minor;
};

static const struct devnode devnodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const char *const devlinks[] = {
	"fd", "/proc/self/fd", "stdin", "/proc/self/fd/0",
	"stdout", "/proc/self/fd/1", "stderr", "/proc/self/fd/2",
	"ptmx", "pts/ptmx", NULL,
};

/* One device node: made with mknod (one system call; the holder is root
 * in the initial user namespace), or where that is not allowed (no
 * CAP_MKNOD in a systemd unit with PrivateDevices=, say), the host's node
 * bound, checked to be the device it claims to be (a planted file in the
 * host's /dev must never be handed out as /dev/null). */
static int
dev_node(struct build_ctx *c, int devfd, const struct devnode *n,
	 struct ns_err *err)
{
	char path[32];
	struct stat st;
	cleanup_fd int s = -1;
	cleanup_fd int d = -1;

	if (mknodat(devfd, n->name, S_IFCHR | 0666,
		    makedev(n->major, n->minor)) == 0)
		return 0;
	if (errno != EPERM && errno != EACCES)
		return ns_err_set(err, NULL, errno, "mknod /dev/%s: %s", n->name,
			       strerror(errno));
	snprintf(path, sizeof(path), "dev/%s", n->name);
	s = openat(c->oldroot, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || fstat(s, &st) < 0)
		return ns_err_set(err, NULL, errno, "host /%s: %s", path,
			       strerror(errno));
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(n->major, n->minor))
		return ns_err_set(err, NULL, EINVAL, "host /%s is not the %u:%u "
			       "device", path, n->major, n->minor);
	/* A fresh tmpfs of ours: nobody else can have touched it. */
	d = openat(devfd, n->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		   O_CLOEXEC, 0444);
	if (d < 0)
		return -errno;
	close_fd(&d);
	d = openat(devfd, n->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return -errno;
	return mnt_bind_at(s, d, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false);
}

static int
dev_sub_fs(int devfd, const char *name, const char *type,
	   const char *const *kv, unsigned attrs)
{
	cleanup_fd int m = -1;
	cleanup_fd int d = -1;

	if (mkdirat(devfd, name, 0755) < 0)
		return -errno;
	d = openat(devfd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -errno;
	m = mnt_new_fs(type, kv, attrs);
	return m < 0 ? m : mnt_attach(m, d);
}

int
op_dev(struct build_ctx *c, const struct tmpl_op *op, struct ns_err *err)
{
	const char *base[] = { "mode", "0755", "size", "64k", NULL };
	const char *pts[] = { "newinstance", NULL, "ptmxmode", "0666",
			      "mode", "0620", NULL };
	const char *shm[] = { "mode", "1777", "size", TMPFS_SIZE,
			      "nr_inodes", TMPFS_INODES, NULL };
	cleanup_fd int d = -1;
	int r;

	/* Not nodev: it holds the nodes dev_node() makes.  Only root can
	 * make one, and the tmpfs is read-only once they are made. */
	r = mnt_fs_at(c, op->dest, "tmpfs", base, MOUNT_ATTR_NOSUID |
		      MOUNT_ATTR_NOEXEC, err);
	if (r < 0)
		return r;
	d = path_open_dest(c->newroot, c->root_dev, op->dest, DEST_DIR,
			   &c->spec->id, err);
	if (d < 0)
		return d;
	for (size_t i = 0; i < sizeof(devnodes) / sizeof(devnodes[0]); i++) {
		r = dev_node(c, d, &devnodes[i], err);
		if (r < 0)
			return r;
	}
	for (const char *const *l = devlinks; *l; l += 2) {
		if (symlinkat(l[1], d, l[0]) < 0)
			return -errno;
	}
	r = dev_sub_fs(d, "pts", "devpts", pts, MOUNT_ATTR_NOSUID |
		       MOUNT_ATTR_NOEXEC);
	if (r == 0)
		r = dev_sub_fs(d, "shm", "tmpfs", shm, MOUNT_ATTR_NOSUID |
			       MOUNT_ATTR_NODEV);
	if (r == 0)
		r = mnt_set_attr(d, MOUNT_ATTR_RDONLY, false);
	return r < 0 ? r : 1;
}

static int
owned_subdir(int parent, const char *name, uid_t uid, gid_t gid, bool chown_it)
{
	struct stat st;
	int fd;

	if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_DIRECTORY |
		    O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (chown_it && fchown(fd, uid, gid) < 0) {
		close(fd);
		return -errno;
	}
	if (fstat(fd, &st) < 0 || st.st_uid != uid) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static void
tmp_name(const struct build_ctx *c, char *buf, size_t len)
{
	if (c->spec->vhost && c->spec->vhost[0])
		snprintf(buf, len, "tmp.%s", c->spec->vhost);
	else
		snprintf(buf, len, "tmp");
}

/* $HOMEDIR/.lsns/tmp[.VHOST], made and opened as the user, never through a
 * symlink. */
static int
tmp_in_home(struct build_ctx *c, const char *name)
{
	const struct sandbox_ident *id = &c->spec->id;
	cleanup_fd int h = -1;
	cleanup_fd int l = -1;
	int r;

	h = path_open_source(c->oldroot, id->home, id, NULL);
	if (h < 0)
		return h;
	r = fs_as_user(id->uid, id->gid);
	if (r == 0) {
		l = owned_subdir(h, ".lsns", id->uid, id->gid, false);
		r = l < 0 ? l : owned_subdir(l, name, id->uid, id->gid, false);
	}
	fs_as_root();
	return r;
}

/* PERSISTDIR/tmp/UID/{@|VHOST}: root-owned parents, so no user can race;
 * "tmp" is never a uid and "@" never a vhost, so nothing here can meet
 * the store's PERSISTDIR/UID/VHOST directories. */
static int
tmp_in_persist(struct build_ctx *c)
{
	const struct sandbox_ident *id = &c->spec->id;
	const char *vh = c->spec->vhost;
	char uid[16];
	cleanup_fd int p = -1;
	cleanup_fd int t = -1;
	cleanup_fd int u = -1;

	p = store_mkdirs(c->oldroot, c->spec->persist_dir, 0700);
	if (p < 0)
		return p;
	t = owned_subdir(p, "tmp", 0, 0, false);
	if (t < 0)
		return t;
	snprintf(uid, sizeof(uid), "%u", (unsigned)id->uid);
	u = owned_subdir(t, uid, 0, 0, false);
	if (u < 0)
		return u;
	return owned_subdir(u, vh && vh[0] ? vh : "@", id->uid, id->gid,
			    true);
}

int
op_tmp(struct build_ctx *c, const struct tmpl_op *op, struct ns_err *err)
{
	char name[300];
	cleanup_fd int t = -1;
	int r;

	tmp_name(c, name, sizeof(name));
	if (c->spec->id.home)
		t = tmp_in_home(c, name);
	if (t < 0)
		t = tmp_in_persist(c);
	if (t < 0)
		return ns_err_set(err, NULL, -t, "tmp %s: cannot make the backing "
			       "directory: %s", op->dest, strerror(-t));
	r = mnt_bind_to_dest(c, t, op->dest, MOUNT_ATTR_NOSUID |
			     MOUNT_ATTR_NODEV, true, err);
	return r < 0 ? r : 1;
}
