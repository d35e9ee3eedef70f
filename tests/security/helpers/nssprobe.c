// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An NSS module that only records what it is asked: one line per call,
 * "PROGRAM FUNCTION KEY", appended to PROBE_LOG (given at compile time), then
 * NSS_STATUS_NOTFOUND so the next source answers.  Class 10 binds it over
 * libnss_hesiod.so.2 inside the suite's private mount namespace and puts
 * "hesiod" first in the overlay's nsswitch.conf: the log then shows every
 * lookup nscell makes, and a refused input must leave no line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef PROBE_LOG
#error "compile with -DPROBE_LOG=\"path\""
#endif

static void
note(const char *fn, const char *key, unsigned long id)
{
	char line[512];
	int fd = open(PROBE_LOG, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		      0644);
	int n;

	if (fd < 0)
		return;
	n = key ? snprintf(line, sizeof(line), "%s %s %s\n",
			   program_invocation_short_name, fn, key) :
		snprintf(line, sizeof(line), "%s %s %lu\n",
			 program_invocation_short_name, fn, id);
	if (n > 0)
		(void)!write(fd, line, (size_t)n);
	close(fd);
}

enum nss_status _nss_hesiod_getpwnam_r(const char *, struct passwd *,
				       char *, size_t, int *);
enum nss_status _nss_hesiod_getpwuid_r(uid_t, struct passwd *, char *,
				       size_t, int *);
enum nss_status _nss_hesiod_getgrnam_r(const char *, struct group *, char *,
				       size_t, int *);
enum nss_status _nss_hesiod_getgrgid_r(gid_t, struct group *, char *,
				       size_t, int *);
enum nss_status _nss_hesiod_initgroups_dyn(const char *, gid_t, long *,
					   long *, gid_t **, long, int *);

enum nss_status
_nss_hesiod_getpwnam_r(const char *name, struct passwd *pw, char *buf,
		       size_t len, int *err)
{
	(void)pw, (void)buf, (void)len, (void)err;
	note("getpwnam", name, 0);
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_hesiod_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
		       int *err)
{
	(void)pw, (void)buf, (void)len, (void)err;
	note("getpwuid", NULL, uid);
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_hesiod_getgrnam_r(const char *name, struct group *gr, char *buf,
		       size_t len, int *err)
{
	(void)gr, (void)buf, (void)len, (void)err;
	note("getgrnam", name, 0);
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_hesiod_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
		       int *err)
{
	(void)gr, (void)buf, (void)len, (void)err;
	note("getgrgid", NULL, gid);
	return NSS_STATUS_NOTFOUND;
}

enum nss_status
_nss_hesiod_initgroups_dyn(const char *user, gid_t group, long *start,
			   long *size, gid_t **groups, long limit, int *err)
{
	(void)group, (void)start, (void)size, (void)groups, (void)limit;
	(void)err;
	note("initgroups", user, 0);
	return NSS_STATUS_NOTFOUND;
}
