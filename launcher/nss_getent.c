// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static (musl) build's way to every NSS source: musl answers from
 * /etc/passwd and /etc/group (then nscd); for what nsswitch.conf says
 * comes from elsewhere, glibc's getent(1) is run and its line parsed.
 *
 * getent runs as root in all ids with an empty environment and no
 * supplementary groups, like the NSS modules a glibc nscell loads into
 * its own setuid process: the caller can neither trace it nor feed it
 * anything but its argument.  A lookup that cannot be answered fails, and
 * the launch with it (fail closed).  Only x86_64 Debian paths are assumed.
 */
#define _GNU_SOURCE
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nss.h"
#include "nssdb.h"
#include "sysutil.h"

#ifndef __GLIBC__

#define NSSWITCH	"/etc/nsswitch.conf"
#define GETENT		"/usr/bin/getent"
#define GETENT_MAX	(1024 * 1024)
#define GETENT_TIMEOUT_MS 30000
#define MAX_GROUPS	65536

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");

/* Where nss-systemd finds user records and memberships; without any of
 * them it has nothing to add to the groups of a user from files. */
static const char *const userdb_dirs[] = {
	"/run/systemd/userdb", "/etc/userdb", "/run/userdb",
	"/run/host/userdb", "/usr/local/lib/userdb", "/usr/lib/userdb",
};

static bool
userdb_present(void)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(userdb_dirs) / sizeof(*userdb_dirs); i++)
		if (stat(userdb_dirs[i], &st) == 0)
			return true;
	return false;
}

static enum nss_way
classify(const struct nssdb_sources *s, enum nss_db db)
{
	const char *kept[NSSDB_MAX_SOURCES];
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (db == NSS_DB_INITGROUPS && !strcmp(s->name[i], "systemd") &&
		    !userdb_present())
			continue;
		kept[n++] = s->name[i];
	}
	if (n == 0 || strcmp(kept[0], "files"))
		return NSS_OTHERS_FIRST;
	return n == 1 ? NSS_FILES_ONLY : NSS_FILES_FIRST;
}

/* nsswitch.conf is read once, for all three databases; each is
 * classified when first asked about (only initgroups may stat). */
enum nss_way
nss_way(enum nss_db db)
{
	static const char *const names[] = { "passwd", "group", "initgroups" };
	static struct nssdb_sources src[3];
	static int found[3], way[3] = { -1, -1, -1 };
	static bool read_done;

	if (!read_done) {
		char *text = NULL;
		size_t len = 0;
		int fd = open(NSSWITCH, O_RDONLY | O_CLOEXEC | O_NOCTTY), r = 0;

		if (fd >= 0) {
			r = read_fd_all(fd, 1024 * 1024, &text, &len);
			close(fd);
		} else if (errno != ENOENT) {
			r = -errno;
		}
		for (int d = 0; d < 3; d++) {
			/* Absent: glibc's default, files.  Unreadable or
			 * beyond us (r < 0): glibc decides, via getent. */
			found[d] = r < 0 ? r : !text ? 0 :
				nssdb_sources(text, len, names[d], &src[d]);
		}
		if (found[NSS_DB_INITGROUPS] == 0) {
			found[NSS_DB_INITGROUPS] = found[NSS_DB_GROUP];
			src[NSS_DB_INITGROUPS] = src[NSS_DB_GROUP];
		}
		free(text);
		read_done = true;
	}
	if (way[db] < 0)
		way[db] = found[db] < 0 ? NSS_OTHERS_FIRST :
			found[db] == 0 ? NSS_FILES_ONLY : classify(&src[db], db);
	return (enum nss_way)way[db];
}

/* The child: root in all ids, no groups, stdout to the pipe, getent. */
static void __attribute__((noreturn))
getent_child(int out, const char *db, const char *key)
{
	char *const argv[] = { "getent", (char *)db, (char *)key, NULL };
	char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	capng_get_caps_process();
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(null, 2) < 0 ||
	    capng_change_id(0, 0, CAPNG_DROP_SUPP_GRP) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(126);
	close_fds_from(3);
	execve(GETENT, argv, envp);
	_exit(127);
}

/* getent's output, up to GETENT_MAX bytes, within the time limit. */
static int
read_output(int fd, char **out)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec t0;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left = GETENT_TIMEOUT_MS - ms_since(&t0);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			free(buf);
			return -ETIMEDOUT;
		}
		if (len == cap) {
			char *nb = cap >= GETENT_MAX ? NULL :
				realloc(buf, 2 * cap + 1);

			if (!nb) {
				free(buf);
				return cap >= GETENT_MAX ? -EFBIG : -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* The first line getent prints for DB KEY, malloc'd, without its newline:
 * 0, -ENOENT (getent's "not found"), or -errno. */
static int
getent_line(const char *db, const char *key, char **line)
{
	int p[2], st, r;
	pid_t pid;

	*line = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0)
		getent_child(p[1], db, key);
	close(p[1]);
	r = read_output(p[0], line);
	close(p[0]);
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		r = WIFEXITED(st) && WEXITSTATUS(st) == 2 ? -ENOENT : -EIO;
	if (r < 0) {
		free(*line);
		*line = NULL;
		return r;
	}
	(*line)[strcspn(*line, "\n")] = '\0';
	return 0;
}

static const char *
key_of(const char *name, unsigned id, char *num, size_t len)
{
	if (name)
		return name;
	snprintf(num, len, "%u", id);
	return num;
}

int
getent_pw(const char *name, uid_t uid, struct passwd *pw, char **buf)
{
	char num[16];
	struct nssdb_pw e;
	int r = getent_line("passwd", key_of(name, uid, num, sizeof(num)),
			    buf);

	if (r < 0)
		return r;
	if (nssdb_parse_passwd(*buf, &e) < 0 ||
	    (name ? strcmp(e.name, name) != 0 : e.uid != uid)) {
		free(*buf);
		*buf = NULL;
		return -EIO;
	}
	*pw = (struct passwd){ .pw_name = (char *)e.name,
		.pw_passwd = (char *)e.passwd, .pw_uid = e.uid,
		.pw_gid = e.gid, .pw_gecos = (char *)e.gecos,
		.pw_dir = (char *)e.dir, .pw_shell = (char *)e.shell };
	return 0;
}

/* The members of @e, split at the commas into a NULL-terminated array
 * allocated after the line (@len bytes with its NUL, whose colons are NULs
 * by now) in a new buffer (*buf is replaced). */
static int
split_members(struct nssdb_gr *e, size_t len, char **buf, char ***mem)
{
	size_t n = 1, off;
	char *nb, **m;

	for (const char *p = e->members; *p; p++)
		n += *p == ',';
	off = (len + sizeof(char *) - 1) & ~(sizeof(char *) - 1);
	nb = realloc(*buf, off + (n + 1) * sizeof(char *));
	if (!nb)
		return -ENOMEM;
	/* The fields moved with the buffer. */
	e->name = nb + (e->name - *buf);
	e->passwd = nb + (e->passwd - *buf);
	e->members = nb + (e->members - *buf);
	*buf = nb;
	m = (char **)(void *)(nb + off);
	n = 0;
	for (char *p = e->members, *s; *p; p = s) {
		s = p + strcspn(p, ",");
		if (*s)
			*s++ = '\0';
		if (*p)
			m[n++] = p;
	}
	m[n] = NULL;
	*mem = m;
	return 0;
}

int
getent_gr(const char *name, gid_t gid, struct group *gr, char **buf)
{
	char num[16];
	struct nssdb_gr e;
	char **mem;
	size_t len;
	int r = getent_line("group", key_of(name, gid, num, sizeof(num)),
			    buf);

	if (r < 0)
		return r;
	len = strlen(*buf) + 1;
	if (nssdb_parse_group(*buf, &e) < 0 ||
	    (name ? strcmp(e.name, name) != 0 : e.gid != gid))
		r = -EIO;
	else
		r = split_members(&e, len, buf, &mem);
	if (r < 0) {
		free(*buf);
		*buf = NULL;
		return r;
	}
	*gr = (struct group){ .gr_name = (char *)e.name,
		.gr_passwd = (char *)e.passwd, .gr_gid = e.gid,
		.gr_mem = mem };
	return 0;
}

int
getent_grouplist(const char *user, gid_t gid, gid_t **out, size_t *n)
{
	size_t cnt, k = 1;
	uint32_t *g;
	char *line;
	int r = getent_line("initgroups", user, &line);

	if (r < 0)
		return r;
	r = nssdb_parse_initgroups(line, user, NULL, 0, &cnt);
	if (r == 0 && cnt >= MAX_GROUPS)
		r = -E2BIG;
	g = r == 0 ? malloc((cnt + 1) * sizeof(*g)) : NULL;
	if (r == 0 && !g)
		r = -ENOMEM;
	if (r == 0)
		r = nssdb_parse_initgroups(line, user, g + 1, cnt, &cnt);
	free(line);
	if (r < 0) {
		free(g);
		return r == -EINVAL ? -EIO : r;
	}
	/* getgrouplist() order: the given gid first, each gid once. */
	g[0] = gid;
	for (size_t i = 1; i <= cnt; i++) {
		bool seen = false;

		for (size_t j = 0; j < k && !seen; j++)
			seen = g[j] == g[i];
		if (!seen)
			g[k++] = g[i];
	}
	*out = (gid_t *)g;
	*n = k;
	return 0;
}

#endif /* !__GLIBC__ */
