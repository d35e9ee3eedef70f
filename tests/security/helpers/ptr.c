// SPDX-License-Identifier: GPL-2.0-or-later
/* ptr CMD...: run CMD (nscell) as a child and, until it exits, scan /proc
 * for every process whose real uid is ours and try PTRACE_ATTACH,
 * PTRACE_SEIZE and open(/proc/PID/mem) on it.  The processes are sorted
 * into phases by what /proc/PID/status (world-readable) says:
 *   priv     euid 0, not pid 1 of its pid namespace: the nscell monitor,
 *            the builder, the command's child before the privilege drop
 *   holder   pid 1 of a pid namespace named "nsh:OURUID", all ids 0: the
 *            holder of one of our sandboxes
 *   preexec  our euid, still named nscell: the command's child between
 *            the privilege drop and execve
 *   command  our euid, named sleep: the command after execve (control)
 * Prints one line per phase: NAME seen mem attach seize; then "exit N"
 * (or "sig N") for CMD. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PRIV, HOLDER, PREEXEC, COMMAND, NPH };
static const char *names[NPH] = { "priv", "holder", "preexec", "command" };
static long seen[NPH], mem[NPH], att[NPH], sz[NPH];

/* Still running nscell's image?  An attach asked for while the process
 * is inside execve waits for the exec to finish (cred_guard_mutex) and
 * then applies to the new image, already dumpable: that is the command,
 * not the pre-exec child. */
static int still_nscell(pid_t p)
{
	char path[64], c[32] = "";
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)p);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = (int)read(fd, c, sizeof(c) - 1);
	close(fd);
	return n > 0 && !strncmp(c, "nscell\n", 7);
}

static void probe(pid_t p, int k)
{
	char path[64];
	int fd, st;

	seen[k]++;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)p);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* As for an attach: if the pre-exec child has exec'd since
		 * we sorted it, the open reached the command's new image. */
		mem[k == PREEXEC && !still_nscell(p) ? COMMAND : k]++;
		close(fd);
	}
	static int told[NPH];
	if (ptrace(PTRACE_ATTACH, p, 0, 0) == 0) {
		waitpid(p, &st, __WALL);
		att[k == PREEXEC && !still_nscell(p) ? COMMAND : k]++;
		ptrace(PTRACE_DETACH, p, 0, 0);
		/* ATTACH's SIGSTOP may still be pending: never leave the
		 * process stopped after we let go. */
		kill(p, SIGCONT);
	} else if (!told[k]++ && getenv("PTR_DEBUG")) {
		fprintf(stderr, "ptr: attach %s pid %d: %m\n", names[k], (int)p);
	}
	if (k != COMMAND && ptrace(PTRACE_SEIZE, p, 0, 0) == 0) {
		ptrace(PTRACE_INTERRUPT, p, 0, 0);
		waitpid(p, &st, __WALL);
		if (k == PREEXEC && !still_nscell(p))
			att[COMMAND]++;
		else
			sz[k]++;
		ptrace(PTRACE_DETACH, p, 0, 0);
		kill(p, SIGCONT);
	}
}

int main(int argc, char **argv)
{
	uid_t me = getuid();
	char holder_name[32];
	pid_t self = getpid(), c;
	int st = 0;

	snprintf(holder_name, sizeof(holder_name), "nsh:%u", (unsigned)me);

	if (argc < 2)
		return 2;
	c = fork();
	if (c == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	for (;;) {
		DIR *d;
		struct dirent *e;

		if (waitpid(c, &st, WNOHANG) == c)
			break;
		d = opendir("/proc");
		while (d && (e = readdir(d))) {
			char path[64], buf[4096], name[64] = "", *l;
			unsigned ru = ~0u, eu = ~0u;
			int fd, n, k, nspid1 = 0;
			pid_t p;

			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			p = atoi(e->d_name);
			if (p == self)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/status", (int)p);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = (int)read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			for (l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
				if (!strncmp(l, "Name:", 5))
					sscanf(l + 5, "%63s", name);
				else if (!strncmp(l, "Uid:", 4))
					sscanf(l + 4, "%u %u", &ru, &eu);
				else if (!strncmp(l, "NSpid:", 6)) {
					char *end = strchr(l, '\n');
					char *q = end ? end : l + strlen(l);

					while (q > l && (q[-1] == ' ' || q[-1] == '\t'))
						q--;
					while (q > l && isdigit((unsigned char)q[-1]))
						q--;
					nspid1 = atoi(q) == 1;
				}
			}
			/* A holder is root in all its ids and names itself
			 * "nsh:UID" after the user it serves (ours). */
			if (eu == 0 && nspid1 && !strcmp(name, holder_name))
				k = HOLDER;
			else if (ru != me)
				continue;
			else if (eu == 0)
				k = nspid1 ? HOLDER : PRIV;
			else if (!strcmp(name, "nscell"))
				k = PREEXEC;
			else if (!strcmp(name, "sleep"))
				k = COMMAND;
			else
				continue;
			probe(p, k);
		}
		if (d)
			closedir(d);
	}
	for (int k = 0; k < NPH; k++)
		printf("%s %ld %ld %ld %ld\n", names[k], seen[k], mem[k], att[k],
		       sz[k]);
	if (WIFSIGNALED(st))
		printf("sig %d\n", WTERMSIG(st));
	else
		printf("exit %d\n", WEXITSTATUS(st));
	return 0;
}
