// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --check's findings: the problems a launch would meet, found with the
 * caller's credentials and no capability (check.h).  Nothing here mounts,
 * creates or writes: sources are walked as the build walks them, and a
 * destination is followed through what the ops before it would put there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "mounts.h"
#include "paths.h"
#include "sysutil.h"

struct checker {
	const struct tmpl *ops;
	const struct sandbox_ident *id;
	bool exact;		/* the walks are the target's own */
	bool *applied;		/* per op: the launch would apply it */
	int rootfd;
	int fatal;
	check_say_fn say;
	void *arg;
};

__attribute__((format(printf, 4, 5)))
static void
say(struct checker *k, const struct tmpl_pos *pos, enum check_level level,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level == CHECK_FATAL)
		k->fatal++;
	k->say(k->arg, pos, level, msg);
}

static const struct tmpl_pos *
src_pos(const struct tmpl_op *op)
{
	return op->src_pos.line ? &op->src_pos : &op->pos;
}

static const struct tmpl_pos *
dest_pos(const struct tmpl_op *op)
{
	return op->dest_pos.line ? &op->dest_pos : &op->pos;
}

/* A copy op's source, @fd its O_PATH: a regular file the process can open
 * for reading, as read_as_user() in the build opens it. */
static int
readable(int fd)
{
	char proc[64];
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;	/* never opened: it may be a FIFO */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	r = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (r < 0)
		return -errno;
	close(r);
	return 0;
}

static void
check_copy(struct checker *k, const struct tmpl_op *op, int fd)
{
	int r = readable(fd);

	if (r == -EINVAL)
		say(k, src_pos(op), CHECK_FATAL, "%s: the source is not a "
		    "regular file", op->src);
	else if (r == -EACCES && k->exact)
		say(k, src_pos(op), CHECK_FATAL, "%s: %s cannot read the "
		    "source", op->src, k->id->user);
	else if (r == -EACCES)
		say(k, src_pos(op), CHECK_WARN, "%s: not checked: the caller "
		    "cannot read the source (whether %s can is %s's to try)",
		    op->src, k->id->user, k->id->user);
	else if (r < 0)
		say(k, src_pos(op), CHECK_FATAL, "%s: %s", op->src,
		    strerror(-r));
}

/* The op's source, as open_src() in mounts.c meets it. */
static void
check_source(struct checker *k, size_t i)
{
	const struct tmpl_op *op = &k->ops->ops[i];
	bool try = op->flags & TMPL_F_TRY;
	struct ns_err e = { .code = 0 };
	int fd = path_walk_source(k->rootfd, op->src, &e);

	k->applied[i] = fd >= 0;
	if (fd >= 0) {
		if (op->kind == TMPL_COPY)
			check_copy(k, op, fd);
		close(fd);
		return;
	}
	switch (fd) {
	case -ENOENT:
		say(k, src_pos(op), try ? CHECK_INFO : CHECK_FATAL,
		    "%s: the source does not exist%s", op->src,
		    try ? ": the launch skips this op" : "");
		break;
	case -ELOOP:
		say(k, src_pos(op), try ? CHECK_INFO : CHECK_FATAL, "%s%s",
		    e.code ? e.msg : "too many symbolic links in the source",
		    try ? ": the launch skips this op" : "");
		break;
	case -EACCES:
		if (k->exact) {
			say(k, src_pos(op), CHECK_FATAL, "%s: %s cannot reach "
			    "the source: %s", op->src, k->id->user,
			    strerror(EACCES));
			break;
		}
		k->applied[i] = true;	/* for all we know */
		say(k, src_pos(op), CHECK_WARN, "%s: not checked: the caller "
		    "cannot reach the source (whether %s can is %s's to try)",
		    op->src, k->id->user, k->id->user);
		break;
	default:
		say(k, src_pos(op), CHECK_FATAL, "%s: %s", op->src,
		    strerror(-fd));
		break;
	}
}

/* The last op before @i, and after @floor (the mount that holds the path
 * above: an op before it is hidden under it), that mounts something or
 * makes a link at exactly the first @len bytes of @path.  dir and
 * remount-ro change nothing that is there. */
static long
provider(const struct checker *k, size_t i, const char *path, size_t len,
	 long floor)
{
	for (long j = (long)i - 1; j > floor; j--) {
		const struct tmpl_op *op = &k->ops->ops[j];

		if (!k->applied[j] || !op->dest || op->kind == TMPL_DIR ||
		    op->kind == TMPL_REMOUNT_RO)
			continue;
		if (strlen(op->dest) == len && !memcmp(op->dest, path, len))
			return j;
	}
	return -1;
}

static void
link_found(struct checker *k, const struct tmpl_op *op, size_t len,
	   const char *what)
{
	if (op->flags & TMPL_F_TRY)
		say(k, dest_pos(op), CHECK_INFO, "%s: %.*s is a symbolic link "
		    "in the sandbox (%s): the launch follows root's links "
		    "inside the sandbox, or skips this op", op->dest,
		    (int)len, op->dest, what);
	else
		say(k, dest_pos(op), CHECK_FATAL, "%s: %.*s is a symbolic "
		    "link in the sandbox (%s); destinations are never "
		    "resolved through symlinks", op->dest, (int)len,
		    op->dest, what);
}

/* What is at the host path @hp, which the sandbox shows at a component
 * of op @i's destination: 1 a link (reported), 0 go on (*gone: it does
 * not exist, the build creates it and everything below), -1 stop. */
static int
host_component(struct checker *k, const struct tmpl_op *op, size_t len,
	       const char *hp, bool *gone)
{
	struct stat st;

	if (lstat(hp, &st) == 0) {
		char what[2 * PATH_MAX + 32];

		if (!S_ISLNK(st.st_mode))
			return 0;
		snprintf(what, sizeof(what), "%s on the host", hp);
		link_found(k, op, len, what);
		return 1;
	}
	if (errno == ENOENT) {
		*gone = true;
		return 0;
	}
	if (errno == EACCES && !k->exact)
		say(k, dest_pos(op), CHECK_WARN, "%s: not checked: the caller "
		    "cannot reach %s", op->dest, hp);
	else if (op->flags & TMPL_F_TRY)
		say(k, dest_pos(op), CHECK_INFO, "%s: %s: %s", op->dest, hp,
		    strerror(errno));
	else
		say(k, dest_pos(op), CHECK_FATAL, "%s: %s: %s", op->dest, hp,
		    strerror(errno));
	return -1;
}

/* Op @i's destination, one component at a time, through what the ops
 * before it put there: a component is a link when a symlink op made it,
 * or when it lies in a bind of a host directory where it is a link (the
 * exim -> exim4 of Debian's /usr/sbin).  The build refuses such a
 * destination (paths.c); a -try op is resolved or skipped instead. */
static void
check_dest(struct checker *k, size_t i)
{
	const struct tmpl_op *op = &k->ops->ops[i];
	const char *d = op->dest, *host = NULL, *p = d + 1;
	char hp[2 * PATH_MAX], what[2 * PATH_MAX + 32];
	size_t base = 0;
	long floor = -1;

	if (!d[1])
		return;
	for (;;) {
		const char *e = strchrnul(p, '/');
		size_t len = (size_t)(e - d);
		long j;

		/* A symlink op's own name is the link it makes. */
		if (!*e && op->kind == TMPL_SYMLINK)
			return;
		j = provider(k, i, d, len, floor);
		if (j >= 0) {
			const struct tmpl_op *pj = &k->ops->ops[j];

			if (pj->kind == TMPL_SYMLINK) {
				snprintf(what, sizeof(what), "%s:%u: symlink "
					 "%s", pj->pos.file, pj->pos.line,
					 pj->src);
				link_found(k, op, len, what);
				return;
			}
			floor = j;
			host = pj->kind == TMPL_COPY ? NULL :
				mounts_source(pj);
			base = len;
		} else if (host) {
			bool gone = false;

			if ((size_t)snprintf(hp, sizeof(hp), "%s%.*s", host,
					     (int)(len - base), d + base) >=
			    sizeof(hp) ||
			    host_component(k, op, len, hp, &gone) != 0)
				return;
			if (gone)
				host = NULL;
		}
		if (!*e)
			return;
		p = e + 1;
	}
}

int
check_ops(const struct tmpl *ops, const struct sandbox_ident *id,
	  bool groups_match, check_say_fn say_fn, void *arg)
{
	struct checker k = { .ops = ops, .id = id, .say = say_fn,
			     .arg = arg };

	k.rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (k.rootfd < 0)
		return -errno;
	k.applied = calloc(ops->n ? ops->n : 1, sizeof(*k.applied));
	if (!k.applied) {
		close(k.rootfd);
		return -ENOMEM;
	}
	/* Without CAP_SETUID this succeeds only for the caller's own ids:
	 * the walks are then exactly the build's. */
	k.exact = groups_match && fs_as_user(id->uid, id->gid) == 0;
	if (!k.exact)
		say(&k, NULL, CHECK_WARN, "checked as the caller (uid %u%s), "
		    "not as %s: what only %s can reach is reported as not "
		    "checked", (unsigned)getuid(), getuid() == id->uid ?
		    ", other groups" : "", id->user, id->user);
	for (size_t i = 0; i < ops->n; i++) {
		k.applied[i] = true;
		if (mounts_source(&ops->ops[i]))
			check_source(&k, i);
		if (k.applied[i] && ops->ops[i].dest)
			check_dest(&k, i);
	}
	free(k.applied);
	close(k.rootfd);
	return k.fatal;
}
