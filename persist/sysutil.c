// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sysutil.h"

ssize_t
read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
read_small_at(int dirfd, const char *path, char *buf, size_t len)
{
	cleanup_fd int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_all(fd, buf, len - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}

int
dl_bind(void **lib, const char *soname, const struct dl_sym *syms, size_t n,
	void *table, const char *what, struct ns_err *err)
{
	if (*lib)
		return 0;
	*lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!*lib)
		return ns_err_set(err, NULL, ENOSYS, "%s: needs %s: %s", what,
				  soname, dlerror());
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(*lib, syms[i].name);

		if (!f) {
			dlclose(*lib);
			*lib = NULL;
			return ns_err_set(err, NULL, ENOSYS, "%s: %s has no %s",
					  what, soname, syms[i].name);
		}
		memcpy((char *)table + syms[i].off, &f, sizeof(f));
	}
	return 0;
}

int
write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

int
read_fd_all(int fd, size_t max, char **out, size_t *outlen)
{
	struct stat st;
	size_t cap, len = 0;
	char *buf = NULL;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	/* Sized by fstat, not by the limit: a 1 MiB buffer for a 30-byte
	 * file was a fresh mapping on every launch.  Asking for one byte
	 * more than the size tells a file that grew meanwhile, which then
	 * takes more rounds, up to the limit. */
	cap = (size_t)st.st_size + 1;
	for (;;) {
		char *nb = realloc(buf, cap + 1);
		ssize_t n;

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		n = read_all(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		len += (size_t)n;
		if (len < cap)
			break;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
		cap = cap > max / 2 ? max + 1 : 2 * cap;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

void
close_fds_from(int lowfd)
{
	long max;

	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = lowfd; fd < max; fd++)
		close(fd);
}

int
send_fd(int sock, char tag, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { .buf = { 0 } };
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int
recv_fd(int sock, char tag)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char got = 0;
	struct iovec iov = { .iov_base = &got, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return n < 0 ? -errno : -EPROTO;
	c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (got != tag || (m.msg_flags & MSG_CTRUNC)) {
		close(fd);
		return -EPROTO;
	}
	return fd;
}

long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
		(t.tv_nsec - t0->tv_nsec) / 1000000;
}

bool
pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}
