// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What cmd_ns's command sees of a set's processes.
 *
 * A launch's /proc shows its own processes only, for two reasons: the
 * sandbox's procfs is mounted hidepid=invisible (op_proc), and every
 * launch's command runs in a Landlock domain of its own (launcher/
 * landlock.c).  Landlock lets a process pass ptrace checks only into its
 * own domain and those nested in it, so, for hidepid, every other launch
 * of the same user in the same set is invisible: a CGI sees nothing of the
 * other requests, which is what it should see.
 *
 * An admin debugging a tenant with cmd_ns wants the whole set.  Its
 * command gets a mount namespace of its own (a copy of the set's), where
 * each procfs of the sandbox is covered by a new procfs of the set's pid
 * namespace without hidepid.  Nothing the set's other processes see
 * changes, and cmd_ns's command keeps its Landlock domain (abstract unix
 * sockets stay scoped, and other launches still cannot ptrace it): it can
 * list every process and read their status and command lines, which need
 * no ptrace access, but not what does (environ, fds, memory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts_int.h"
#include "sandbox.h"
#include "sysutil.h"

#define PROC_ROOT_INO 1

/* @path in the sandbox, never through a symlink: a directory under a
 * user-writable bind is the user's to replace. */
static int
open_nofollow(int at, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, at, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* Is @fd the root of a procfs (what op_proc mounted there)? */
static bool
is_proc_root(int fd)
{
	struct statfs sf;
	struct stat st;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC &&
		fstat(fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

/* The same read-only entries as op_proc. */
static int
seal_proc(int d)
{
	static const char *const ro[] = { "sys", "sysrq-trigger", "irq",
					  "bus" };

	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		cleanup_fd int f = openat(d, ro[i], O_PATH | O_NOFOLLOW |
					  O_CLOEXEC);
		int r;

		if (f < 0)
			continue;
		r = mnt_bind_at(f, f, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, true);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
unhide_one(const char *dest)
{
	cleanup_fd int at = open_nofollow(AT_FDCWD, dest);
	cleanup_fd int m = -1;
	cleanup_fd int now = -1;
	int r;

	/* Only over the sandbox's own procfs: a later op may have put
	 * something else there, and then there is nothing to uncover. */
	if (at == -ENOENT || at == -ELOOP || at == -EXDEV)
		return 0;
	if (at < 0)
		return at;
	if (!is_proc_root(at))
		return 0;
	m = mnt_new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		       MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return m;
	r = mnt_attach(m, at);
	if (r < 0)
		return r;
	now = open_nofollow(AT_FDCWD, dest);
	if (now < 0)
		return now;
	return seal_proc(now);
}

int
sandbox_unhide_procs(const struct tmpl *ops, struct ns_err *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return ns_err_set(err, NULL, errno, "a mount namespace for "
				  "cmd_ns: %s", strerror(errno));
	for (size_t i = 0; i < ops->n; i++) {
		const struct tmpl_op *op = &ops->ops[i];
		int r;

		if (op->kind != TMPL_PROC)
			continue;
		r = unhide_one(op->dest);
		if (r < 0)
			return ns_err_set(err, &op->pos, -r, "cannot show the "
					  "sandbox's processes on %s: %s",
					  op->dest, strerror(-r));
	}
	return 0;
}
