// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Building a sandbox, the builder's side: an optional user namespace that
 * maps only the target ids, the holder cloned into new mount, pid, ipc, uts
 * and cgroup namespaces (holder.c builds the tree), its report, the
 * namespace fds, and the commit handshake of persistent sets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "holder.h"
#include "priv.h"
#include "sandbox.h"
#include "sysutil.h"

static long
raw_clone(unsigned long flags)
{
	/* fork() semantics (no new stack) with namespace flags. */
	return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

static int
write_file_at(pid_t pid, const char *name, const char *text)
{
	char path[64];
	cleanup_fd int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write_all(fd, text, strlen(text));
}

static int
open_ns(pid_t pid, const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* In the new user namespace's first process, which has every capability
 * there: no user namespace can be created below it (bubblewrap's
 * --disable-userns).  The limit belongs to the namespace, so it holds for
 * every process that ever runs in the set. */
static bool
close_nested_userns(void)
{
	int fd = open("/proc/sys/user/max_user_namespaces",
		      O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write_all(fd, "0\n", 2) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A user namespace mapping only the target uid and gid, owned by root and
 * kept by an fd; the helper that created it exits once the maps are set,
 * with status 0 only if it closed nested user namespaces when asked. */
static int
make_userns(uid_t uid, gid_t gid, bool nested, int *out, struct ns_err *err)
{
	char map[64];
	int sync[2], r, st = 0;
	long pid;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return ns_err_set(err, NULL, errno, "pipe: %s", strerror(errno));
	/* Made with real uid 0, so that the caller's RLIMIT_NPROC does not
	 * become the set's process ceiling (priv.c). */
	pid = -1;
	r = priv_userns_owner();
	if (r == 0) {
		pid = raw_clone(CLONE_NEWUSER);
		if (pid < 0)
			r = -errno;
	}
	if (pid == 0) {
		char ch;
		bool ok = nested || close_nested_userns();

		close(sync[1]);
		_exit(read(sync[0], &ch, 1) < 0 || !ok);
	}
	close(sync[0]);
	if (priv_userns_done() < 0 && r == 0)
		r = -EPERM;	/* the caller's real uid must come back */
	if (r < 0) {
		close(sync[1]);
		if (pid > 0) {
			kill((pid_t)pid, SIGKILL);
			waitpid((pid_t)pid, NULL, 0);
		}
		return ns_err_set(err, NULL, -r, "user namespace: %s",
				  strerror(-r));
	}
	r = write_file_at((pid_t)pid, "setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (r == 0)
		r = write_file_at((pid_t)pid, "uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (r == 0)
		r = write_file_at((pid_t)pid, "gid_map", map);
	if (r == 0)
		r = *out = open_ns((pid_t)pid, "user");
	close(sync[1]);
	waitpid((pid_t)pid, &st, 0);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "user namespace map: %s",
			       strerror(-r));
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		close_fd(out);
		return ns_err_set(err, NULL, EPERM, "user namespace: cannot "
				  "set max_user_namespaces to 0 in it");
	}
	return 0;
}

static const char *const ns_names[NS_COUNT] = {
	[NS_MNT] = "mnt", [NS_PID] = "pid", [NS_IPC] = "ipc",
	[NS_UTS] = "uts", [NS_CGROUP] = "cgroup", [NS_USER] = "user",
};

/* The holder's namespaces exist from its clone on (it is our child: its
 * pid cannot be reused before we reap it), so they are opened while it
 * builds. */
static int
open_holder_ns(pid_t pid, struct nsset *out, struct ns_err *err)
{
	for (int i = 0; i < NS_USER; i++) {
		out->fd[i] = open_ns(pid, ns_names[i]);
		if (out->fd[i] < 0)
			return ns_err_set(err, NULL, -out->fd[i], "open %s namespace: "
				       "%s", ns_names[i],
				       strerror(-out->fd[i]));
	}
	return 0;
}

/* The holder's -v and /lsnsdebug lines, until it closes its end: each
 * is written where the launch asked, by us, never by the root holder. */
static void
forward_trace(int fd, const struct sandbox_spec *spec)
{
	char buf[16384], *line, *nl;
	size_t have = 0;
	ssize_t n;

	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		have += n > 0 ? (size_t)n : 0;
		buf[have] = '\0';
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			int to = *line == 'v' ? spec->verbose_fd :
				spec->debug_fd;

			if (to >= 0)
				write_all(to, line + 1, (size_t)(nl - line));
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;	/* a line longer than the holder makes */
	}
}

/* The holder's report: its own error if it failed, whatever happened on
 * our side meanwhile (an open of its namespaces racing its exit must not
 * hide why it exited). */
static int
collect_holder(int status_fd, int ours, struct ns_err *err)
{
	struct ns_err herr;
	ssize_t n = read_all(status_fd, &herr, sizeof(herr));

	if (n == (ssize_t)sizeof(herr) && herr.code < 0) {
		*err = herr;
		return herr.code;
	}
	if (ours < 0)
		return ours;
	if (n != (ssize_t)sizeof(herr))
		return ns_err_set(err, NULL, ECHILD, "the sandbox holder died "
				  "while building");
	return 0;
}

static int
start_holder(const struct sandbox_spec *spec, struct nsset *out, int st[2],
	     int tr[2], struct ns_err *err)
{
	const unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
		CLONE_NEWUTS | CLONE_NEWCGROUP;
	int commit[2] = { -1, -1 };
	struct holder_fds f = { .status = st[1], .commit = -1,
				.trace = tr[1] };
	long pid;

	f.parent = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (f.parent < 0 || (spec->persistent &&
			     socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
					commit) < 0)) {
		close_fd(&f.parent);
		return ns_err_set(err, NULL, errno, "pidfd/socketpair: %s",
			       strerror(errno));
	}
	f.commit = commit[1];
	/* Born in the tenant's cgroup (v2), so that its new cgroup namespace
	 * is rooted there; on v1 it writes itself in first (holder.c). */
	pid = cg_clone(spec->cg, flags);
	if (pid == 0) {
		close(st[0]);
		close_fd(&tr[0]);
		close_fd(&commit[0]);
		holder_main(spec, &f);
	}
	close(f.parent);
	close_fd(&commit[1]);
	out->commit = commit[0];
	if (pid < 0)
		return ns_err_set(err, NULL, errno, "cannot create namespaces: %s",
			       strerror(errno));
	out->holder = (pid_t)pid;
	return 0;
}

int
sandbox_build(const struct sandbox_spec *spec, struct nsset *out,
	      struct ns_err *err)
{
	int st[2], tr[2] = { -1, -1 }, r, sent = 0;
	bool traced = spec->verbose_fd >= 0 || spec->debug_fd >= 0;

	nsset_init(out);
	if (pipe2(st, O_CLOEXEC) < 0 || (traced && pipe2(tr, O_CLOEXEC) < 0))
		return ns_err_set(err, NULL, errno, "pipe: %s",
				  strerror(errno));
	r = start_holder(spec, out, st, tr, err);
	close(st[1]);
	close_fd(&tr[1]);
	if (r == 0)
		r = open_holder_ns(out->holder, out, err);
	/* The user namespace is made while the holder builds (on another
	 * CPU, where there is one): nothing in the build needs it.  A
	 * persisted set's holder keeps it, as its fd 0, from before the set
	 * is published (holder.c, committed()). */
	if (r == 0 && spec->userns) {
		r = make_userns(spec->id.uid, spec->id.gid,
				spec->nested_userns, &out->fd[NS_USER], err);
		if (r == 0 && out->commit >= 0)
			sent = send_fd(out->commit, 'u', out->fd[NS_USER]);
	}
	/* The command's filter, compiled while the holder builds; a
	 * persisted set keeps it (acquire.c), joins only load it. */
	if (r == 0 && spec->seccomp && !sc_policy_empty(spec->seccomp))
		r = filter_compile(spec->seccomp, &out->filter, err);
	if (tr[0] >= 0 && out->holder > 0)
		forward_trace(tr[0], spec);
	close_fd(&tr[0]);
	/* A holder that failed says why here, not as a failed open or
	 * send of ours. */
	if (out->holder > 0)
		r = collect_holder(st[0], r, err);
	if (r == 0 && sent < 0)
		r = ns_err_set(err, NULL, -sent, "passing the user namespace to the "
			    "holder: %s", strerror(-sent));
	close(st[0]);
	if (r < 0 && out->holder > 0) {
		kill(out->holder, SIGKILL);
		waitpid(out->holder, NULL, 0);
	}
	if (r < 0)
		nsset_close(out);
	return r;
}

int
sandbox_commit(struct nsset *s)
{
	int r = 0;

	char ack;

	if (s->commit < 0)
		return 0;
	if (send(s->commit, "c", 1, MSG_NOSIGNAL) != 1)
		r = -errno;
	/* The holder answers once it no longer dies with us. */
	else if (read_all(s->commit, &ack, 1) != 1)
		r = -ECHILD;
	close_fd(&s->commit);
	return r;
}
