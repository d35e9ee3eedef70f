// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * minjoin HOLDER_PID COMMAND [ARG...]: the floor of a join, a measuring
 * aid for bench/run (issue 17), never installed, not part of nscell.
 *
 * Installed setuid root beside nscell and built the same way (the same
 * compiler, flags and libc, dynamically linked), it joins the namespaces
 * of a persisted set's holder exactly as nscell does (mnt, pid, ipc, uts,
 * cgroup, then the holder's user namespace in the child), forks, drops
 * to the caller's uid and gid and executes COMMAND, waiting for it.  It
 * checks nothing: no record, no hash, no verification of what it joins,
 * no capability bookkeeping.  Whatever nscell's join costs above this is
 * nscell's own work.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	int type;
} joined[] = {
	{ "ns/mnt", CLONE_NEWNS }, { "ns/pid", CLONE_NEWPID },
	{ "ns/ipc", CLONE_NEWIPC }, { "ns/uts", CLONE_NEWUTS },
	{ "ns/cgroup", CLONE_NEWCGROUP },
};

static int
open_at(const char *pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int
main(int argc, char **argv)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int fds[5], user, st;
	pid_t child;

	if (argc < 3)
		return 125;
	for (int i = 0; i < 5; i++) {
		fds[i] = open_at(argv[1], joined[i].name);
		if (fds[i] < 0)
			return 125;
	}
	user = open_at(argv[1], "fd/0");	/* nscell's holder keeps it */
	for (int i = 0; i < 5; i++)
		if (setns(fds[i], joined[i].type) < 0)
			return 125;
	child = fork();
	if (child == 0) {
		if (setgroups(1, &gid) < 0 ||
		    (user >= 0 && setns(user, CLONE_NEWUSER) < 0) ||
		    setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0 ||
		    chdir("/") < 0)
			_exit(125);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	if (child < 0 || waitpid(child, &st, 0) < 0)
		return 125;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
