/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running the command, and the parent that waits for it. */
#ifndef NSCELL_EXEC_H
#define NSCELL_EXEC_H

#include <signal.h>
#include <sys/types.h>

#include "filter.h"

/* Block the signals the monitor forwards (and SIGCHLD); *old receives the
 * caller's mask, which the command gets back before exec. */
void exec_block_signals(sigset_t *old);

/* In the command's process, after priv_drop: chdir to @dir (or, when NULL,
 * @home if it is reachable, else "/"), verify the cwd, close every fd above
 * 2, restore @mask, die with the parent (@parent: its pidfd), load the
 * seccomp @filter (len 0: none) last, and execve @argv with @envp,
 * searching PATH (from @envp, else a default) when argv[0] has no '/'.
 * Exits 125 (setup), 126 (not executable) or 127 (not found) on failure. */
struct priv_rlimits;

/* ... and sets the caller's resource limits back, each lowered to the
 * configured one (@lim, NULL: none) where that is lower. */
__attribute__((noreturn))
void exec_command(char *const argv[], char *const envp[], const char *dir,
		  const char *home, const sigset_t *mask, int parent,
		  const struct sc_bpf *filter, const struct priv_rlimits *lim);

/* Forward SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to @child
 * until it exits; return its status as an exit code (128+N for signal N). */
int exec_monitor(pid_t child);

#endif
