// SPDX-License-Identifier: GPL-2.0-or-later
/* Entering a built (or persisted) namespace set, and kernel checks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sandbox.h"
#include "sysutil.h"

void
nsset_init(struct nsset *s)
{
	for (int i = 0; i < NS_COUNT; i++)
		s->fd[i] = -1;
	s->holder = 0;
	s->commit = -1;
	s->filter.len = 0;
	s->filter.insns = NULL;
}

void
nsset_close(struct nsset *s)
{
	for (int i = 0; i < NS_COUNT; i++)
		close_fd(&s->fd[i]);
	close_fd(&s->commit);
	filter_free(&s->filter);
}

int
sandbox_enter(const struct nsset *s, struct ns_err *err)
{
	/* The mount namespace last: it resets root and cwd, and every fd we
	 * need was opened before.  The cgroup namespace is the command's
	 * process's to join (sandbox_enter_cgroup).  The user namespace is
	 * not joined here: joining it gives up root over the others, so the
	 * command's process joins it last of all (priv_drop). */
	static const struct {
		enum ns_index idx;
		int type;
		const char *name;
	} order[] = {
		{ NS_IPC, CLONE_NEWIPC, "ipc" },
		{ NS_UTS, CLONE_NEWUTS, "uts" },
		{ NS_PID, CLONE_NEWPID, "pid" },
		{ NS_MNT, CLONE_NEWNS, "mnt" },
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int fd = s->fd[order[i].idx];

		if (fd < 0)
			return ns_err_set(err, NULL, EBADF, "%s namespace missing",
				       order[i].name);
		if (setns(fd, order[i].type) < 0)
			return ns_err_set(err, NULL, errno, "setns(%s): %s",
				       order[i].name, strerror(errno));
	}
	return 0;
}

int
sandbox_enter_cgroup(const struct nsset *s, struct ns_err *err)
{
	if (s->fd[NS_CGROUP] < 0)
		return ns_err_set(err, NULL, EBADF, "cgroup namespace missing");
	if (setns(s->fd[NS_CGROUP], CLONE_NEWCGROUP) < 0)
		return ns_err_set(err, NULL, errno, "setns(cgroup): %s",
				  strerror(errno));
	return 0;
}

int
sandbox_kernel_ok(struct ns_err *err)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return ns_err_set(err, NULL, ENOSYS, "cannot tell the kernel version");
	if (major < 5 || (major == 5 && minor < 12))
		return ns_err_set(err, NULL, ENOSYS, "Linux 5.12 or later is required "
			       "(open_tree, move_mount, mount_setattr); this "
			       "is %s", u.release);
	return 0;
}


bool
sandbox_userns_available(void)
{
	char buf[32] = "";	/* "": for scan-build, which cannot tell that
				 * read_small_at(AT_FDCWD, )'s -errno is negative */
	int r;

	r = read_small_at(AT_FDCWD, "/sys/module/user_namespace/parameters/enable", buf,
		       sizeof(buf));
	if (r == 0 && buf[0] != 'Y')
		return false;
	if (read_small_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", buf,
		       sizeof(buf)) < 0)
		return false;
	return strtoul(buf, NULL, 10) > 0;
}
