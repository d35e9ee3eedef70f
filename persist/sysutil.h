/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by persist/ and launcher/: errors, I/O, fsuid. */
#ifndef NSCELL_SYSUTIL_H
#define NSCELL_SYSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "template.h"

ssize_t read_all(int fd, void *buf, size_t len);
int write_all(int fd, const void *buf, size_t len);

/* Read a whole regular file from an open fd, at most @max bytes (-EFBIG
 * beyond).  *out is malloc'd and NUL-terminated. */
int read_fd_all(int fd, size_t max, char **out, size_t *outlen);

/* Read a small file (@path relative to @dirfd, or AT_FDCWD) into @buf,
 * NUL-terminated, at most @len - 1 bytes: 0 or -errno. */
int read_small_at(int dirfd, const char *path, char *buf, size_t len);

/* A library loaded with dlopen() only by the launches that need it (the
 * why: persist/filter.c, cg_systemd.c): @n symbols, each stored at its
 * offset in @table, and the handle in *@lib (already set: nothing to do).
 * @what names the user in the error ("seccomp", "cgroups"). */
struct dl_sym {
	const char *name;
	size_t off;
};
int dl_bind(void **lib, const char *soname, const struct dl_sym *syms,
	    size_t n, void *table, const char *what, struct ns_err *err);

/* Close every fd >= @lowfd (close_range, falling back to a loop). */
void close_fds_from(int lowfd);

#include "priv.h"	/* fs_as_user(), fs_as_root() */

static inline void
close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}
#define cleanup_fd __attribute__((cleanup(close_fd)))

/* One byte @tag and one fd over a unix stream socket (SCM_RIGHTS).
 * recv_fd returns the fd (close-on-exec), or -EPROTO for anything else. */
int send_fd(int sock, char tag, int fd);
int recv_fd(int sock, char tag);

/* Milliseconds of CLOCK_MONOTONIC since @t0. */
long ms_since(const struct timespec *t0);

/* Has the process behind @pidfd exited (or the poll failed)?  getppid()
 * cannot tell across a pid namespace; a pidfd can. */
bool pidfd_exited(int pidfd);

#endif
