// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

/* Why a command could not be executed: the errno that best explains it
 * and the path it came from ("" when no path was tried). */
struct exec_fail {
	int err;
	char path[PATH_MAX];
};

/* execve() with a PATH search; records the errno that best explains the
 * failure (EACCES wins over ENOENT, as in execvp) and its path. */
static void
search_exec(const char *file, char *const argv[], char *const envp[],
	    struct exec_fail *f)
{
	const char *p = env_path(envp);
	char path[PATH_MAX];

	f->err = ENOENT;
	f->path[0] = '\0';
	while (*p) {
		const char *e = strchrnul(p, ':');
		int n = e == p ? snprintf(path, sizeof(path), "./%s", file) :
			snprintf(path, sizeof(path), "%.*s/%s", (int)(e - p),
				 p, file);

		if (n > 0 && (size_t)n < sizeof(path)) {
			execve(path, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR &&
			    f->err == ENOENT) {
				f->err = errno;
				memcpy(f->path, path, (size_t)n + 1);
			}
			if (errno != ENOENT && errno != ENOTDIR &&
			    errno != EACCES)
				return;
		}
		p = *e ? e + 1 : e;
	}
}

/* Append to @out (a NUL-terminated string in @len bytes), truncating. */
static void
append(char *out, size_t len, const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(out + n, len - n, fmt, ap);
	va_end(ap);
}

#define MAX_HOPS 8

/* The symlink chain from @path, appended to @out when it leads nowhere in
 * the sandbox: "/usr/bin/php -> /etc/alternatives/php, which does not
 * exist in the sandbox".  Returns true when it did.  Runs in the command's
 * process, after the drop: lstat() and readlink() as the user, inside the
 * sandbox, so it tells nothing the command could not find out itself. */
static bool
explain_chain(const char *path, char *out, size_t len)
{
	char cur[PATH_MAX], next[PATH_MAX], chain[768];
	struct stat st;
	int hops;

	snprintf(cur, sizeof(cur), "%s", path);
	snprintf(chain, sizeof(chain), "%s", path);
	for (hops = 0; hops <= MAX_HOPS; hops++) {
		char target[PATH_MAX];
		const char *slash;
		ssize_t n;

		if (lstat(cur, &st) < 0) {
			if (hops == 0)
				return false;
			append(out, len, "%s, which %s", chain,
			       errno == ENOENT ? "does not exist in the "
			       "sandbox" : strerror(errno));
			return true;
		}
		if (!S_ISLNK(st.st_mode))
			return false;	/* the chain ends somewhere real */
		n = readlink(cur, target, sizeof(target) - 1);
		if (n <= 0)
			return false;
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			memcpy(next, target, (size_t)n + 1);
		else if (snprintf(next, sizeof(next), "%.*s/%s",
				  (int)(slash - cur), cur, target) >=
			 (int)sizeof(next))
			return false;
		append(chain, sizeof(chain), " -> %s", next);
		memcpy(cur, next, sizeof(cur));
	}
	append(out, len, "%s: too many symbolic links", chain);
	return true;
}

/* The "#!" line of the script at @path, when it has one: its interpreter
 * is what execve() could not find. */
static bool
explain_interp(const char *path, char *out, size_t len)
{
	char head[128];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return false;
	head[n] = '\0';
	head[strcspn(head, "\n")] = '\0';
	append(out, len, "its interpreter (%s) is not in the sandbox", head);
	return true;
}

/* For a file that is there, which execve() still reports missing (ENOENT):
 * what it did not find is its interpreter. */
static void
explain_present(const char *path, char *out, size_t len)
{
	if (!explain_interp(path, out, len))
		append(out, len, "the ELF interpreter it names is not in the "
		       "sandbox");
}

/* "; " and what a PATH entry named @path is, when it is a link to nowhere
 * or a file whose interpreter is missing; nothing when it does not exist. */
static void
explain_entry(const char *path, char *msg, size_t len)
{
	size_t had = strlen(msg);

	append(msg, len, "; ");
	if (explain_chain(path, msg, len))
		return;
	if (access(path, F_OK) < 0) {
		msg[had] = '\0';
		return;
	}
	append(msg, len, "%s is there, but ", path);
	explain_present(path, msg, len);
}

/* The message for a command that was not executed (exit 126 or 127): what
 * was searched, and where a path led. */
__attribute__((noreturn))
static void
exec_failed(const char *cmd, const char *search, const struct exec_fail *f)
{
	char msg[900] = "";
	struct stat st;

	if (f->err != ENOENT) {
		die_code(EXIT_NOEXEC, "%s: %s%s%s", cmd,
			 f->path[0] && strcmp(f->path, cmd) ? f->path : "",
			 f->path[0] && strcmp(f->path, cmd) ? ": " : "",
			 strerror(f->err));
	}
	if (search) {
		append(msg, sizeof(msg), "not found in PATH (%s)", search);
		/* A name in a PATH directory that is a link to nowhere. */
		for (const char *p = search; *p; ) {
			const char *e = strchrnul(p, ':');
			char path[PATH_MAX];

			if (e > p && snprintf(path, sizeof(path), "%.*s/%s",
					      (int)(e - p), p, cmd) <
			    (int)sizeof(path))
				explain_entry(path, msg, sizeof(msg));
			p = *e ? e + 1 : e;
		}
		die_code(EXIT_NOTFOUND, "%s: %s", cmd, msg);
	}
	if (lstat(cmd, &st) < 0)
		die_code(EXIT_NOTFOUND, "%s: not found in the sandbox", cmd);
	if (explain_chain(cmd, msg, sizeof(msg)))
		die_code(EXIT_NOTFOUND, "%s: not found in the sandbox: %s",
			 cmd, msg);
	explain_present(cmd, msg, sizeof(msg));
	die_code(EXIT_NOTFOUND, "%s: not executed: %s", cmd, msg);
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
	struct exec_fail fail;
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
		fail.err = errno;
		fail.path[0] = '\0';
		exec_failed(argv[0], NULL, &fail);
	}
	search_exec(argv[0], argv, envp, &fail);
	exec_failed(argv[0], env_path(envp), &fail);
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
