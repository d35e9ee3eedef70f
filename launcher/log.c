// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "sysutil.h"

int log_debug_fd = -1;
void (*log_on_die)(const char *msg);

/* Every diagnostic is one line: a name from argv or a file (a vhost, a
 * path) must not be able to forge a second "nscell: ..." line. */
static void
one_line(char *msg)
{
	for (unsigned char *p = (unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
}

void
die_code(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	one_line(msg);
	dprintf(STDERR_FILENO, "nscell: %s\n", msg);
	debugf("fatal: %s", msg);
	if (log_on_die)
		log_on_die(msg);
	_exit(code);
}

void
die_err(const struct ns_err *err)
{
	if (err->pos.file)
		die("%s:%u:%u: %s", err->pos.file, err->pos.line,
		    err->pos.col, err->msg);
	die("%s", err->msg);
}

void
die_policy(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	one_line(msg);
	openlog("nscell", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_WARNING, "refused for uid %u: %s", (unsigned)getuid(),
	       msg);
	closelog();
	die("%s", msg);
}

void
debugf(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (log_debug_fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dprintf(log_debug_fd, "nscell[%d]: %s\n", (int)getpid(), msg);
}

/* The log named on /lsnsdebug's first line: appended to, created root-owned
 * 0600, refused if it is anything but a root-owned regular file that only
 * root can write (a debug log must never be a way to write files). */
static int
open_debug_log(const char *path)
{
	struct stat st;
	int fd;

	if (path[0] != '/')
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY |
		  O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -1;
	}
	return fd;
}

void
log_init(void)
{
	cleanup_fd int fd = open("/lsnsdebug", O_RDONLY | O_NOFOLLOW |
				 O_NOCTTY | O_CLOEXEC);
	char buf[4096];
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0)
		return;
	n = read_all(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	log_debug_fd = buf[0] ? open_debug_log(buf) : -1;
	if (log_debug_fd < 0)
		log_debug_fd = STDERR_FILENO;
}

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds only (tests, never installed).  LeakSanitizer stops the
 * process with ptrace at exit; nscell is never dumpable and drops
 * CAP_SYS_PTRACE, so the check would spin forever.  Leaks are checked with
 * valgrind on the unit tests and by the fuzzers instead. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif
