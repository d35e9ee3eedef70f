/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's mount API and statx, for C libraries that do not wrap them.
 * glibc (2.36 and later) declares open_tree, move_mount, mount_setattr,
 * fsopen, fsconfig, fsmount and statx; musl 1.2.3 declares none of them,
 * so the static build (scripts/build-static) gets them here as raw system
 * calls, with the kernel's own constants and structures.
 */
#ifndef NSCELL_KAPI_H
#define NSCELL_KAPI_H

#include <sys/mount.h>

#ifndef __GLIBC__
#include <linux/mount.h>
#include <linux/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int
open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int
move_mount(int from, const char *from_path, int to, const char *to_path,
	   unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from, from_path, to, to_path,
			    flags);
}

static inline int
mount_setattr(int dfd, const char *path, unsigned int flags,
	      struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}

static inline int
fsopen(const char *fs, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}

static inline int
fsconfig(int fd, unsigned int cmd, const char *key, const void *value,
	 int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int
fsmount(int fd, unsigned int flags, unsigned int attrs)
{
	return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

static inline int
statx(int dfd, const char *path, int flags, unsigned int mask,
      struct statx *stx)
{
	return (int)syscall(SYS_statx, dfd, path, flags, mask, stx);
}
#endif /* !__GLIBC__ */

#endif
