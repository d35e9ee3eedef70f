// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "log.h"
#include "priv.h"
#include "sysutil.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				 SIGUSR2 };

static void
monitor_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

void
exec_block_signals(sigset_t *old)
{
	sigset_t set;

	monitor_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		die("sigprocmask: %s", strerror(errno));
}

static void
enter_dir(const char *dir, const char *home)
{
	char cwd[PATH_MAX];

	if (dir) {
		if (chdir(dir) < 0)
			die("cannot change to directory %s: %s", dir,
			    strerror(errno));
	} else if (!home || chdir(home) < 0) {
		if (chdir("/") < 0)
			die("cannot change to /: %s", strerror(errno));
	}
	/* The cwd must be inside our root (runc CVE-2024-21626): getcwd
	 * fails or says "(unreachable)" otherwise. */
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
		die("working directory is outside the sandbox");
}

static const char *
env_path(char *const envp[])
{
	for (; *envp; envp++) {
		if (!strncmp(*envp, "PATH=", 5))
			return *envp + 5;
	}
	return DEFAULT_PATH;
}

/* execve() with a PATH search; returns the errno that best explains the
 * failure (EACCES wins over ENOENT, as in execvp). */
static int
search_exec(const char *file, char *const argv[], char *const envp[])
{
	const char *p = env_path(envp);
	bool denied = false;
	char path[PATH_MAX];

	while (*p) {
		const char *e = strchrnul(p, ':');
		int n = e == p ? snprintf(path, sizeof(path), "./%s", file) :
			snprintf(path, sizeof(path), "%.*s/%s", (int)(e - p),
				 p, file);

		if (n > 0 && (size_t)n < sizeof(path)) {
			execve(path, argv, envp);
			if (errno == EACCES)
				denied = true;
			else if (errno != ENOENT && errno != ENOTDIR)
				return errno;
		}
		p = *e ? e + 1 : e;
	}
	return denied ? EACCES : ENOENT;
}

/* Grow the stack mapping by @STACK_ROOM now: once the caller's limits
 * are back, a stack limit as small as 16 KiB would forbid the growth that
 * the PATH search or a last error message needs (SIGSEGV, 139). */
#define STACK_ROOM (64 * 1024)

static void __attribute__((noinline))
reserve_stack(void)
{
	char room[STACK_ROOM];

	room[0] = 0;	/* the lowest address: the mapping reaches it */
	__asm__ volatile("" : : "r"(room) : "memory");
}

void
exec_command(char *const argv[], char *const envp[], const char *dir,
	     const char *home, const sigset_t *mask, int parent,
	     const struct sc_bpf *filter, const struct priv_rlimits *lim)
{
	int e;

	enter_dir(dir, home);
	/* Set after the id change: a credential change clears it.  The
	 * parent is checked through its pidfd: in the sandbox's pid
	 * namespace getppid() is 0. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    pidfd_exited(parent))
		die("parent exited");
	close_fds_from(3);
	/* A new session without a controlling terminal: sandboxed code
	 * cannot push input into the caller's tty with TIOCSTI
	 * (CVE-2017-5226). */
	if (setsid() < 0)
		die("setsid: %s", strerror(errno));
	if (sigprocmask(SIG_SETMASK, mask, NULL) < 0)
		die("sigprocmask: %s", strerror(errno));
	reserve_stack();
	if (priv_restore_limits(lim) < 0)
		die("cannot restore the caller's resource limits");
	/* Last: nothing of nscell's own runs under the filter but the
	 * exec (and its PATH search), and the filter refuses neither. */
	e = filter->len ? filter_load(filter) : 0;
	if (e < 0)
		die("seccomp: cannot load the filter: %s", strerror(-e));
	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		e = errno;
	} else {
		e = search_exec(argv[0], argv, envp);
	}
	die_code(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, "%s: %s",
		 argv[0], e == ENOENT ? "command not found" : strerror(e));
}

static int
status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_NSCELL;
}

int
exec_monitor(pid_t child)
{
	sigset_t set;

	monitor_set(&set);
	for (;;) {
		siginfo_t si;
		int st;
		pid_t p;

		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			kill(child, si.si_signo);
			continue;
		}
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p == child)
				return status_code(st);
		}
	}
}
