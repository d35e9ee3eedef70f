/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kill points for crash tests.  They exist only in a build configured with
 * -DNSCELL_TESTING=ON (a test binary, never installed): there, the point
 * named by NSCELL_KILL_POINT in the environment kills the process with
 * SIGKILL, and testing_old_kernel() can be made true.  In every other
 * build both are empty inline functions and no environment variable is
 * ever read.
 */
#ifndef NSCELL_TESTING_H
#define NSCELL_TESTING_H

#include <stdbool.h>

#ifdef NSCELL_TESTING
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void
kill_point(const char *name)
{
	const char *want = getenv("NSCELL_KILL_POINT");

	/* pid 1 of a pid namespace ignores the SIGKILL it sends itself:
	 * _exit() then ends the holder just the same. */
	if (want && !strcmp(want, name)) {
		raise(SIGKILL);
		_exit(137);
	}
}

/* NSCELL_TEST_OLD_KERNEL=1: behave as on a kernel without the pidfd
 * namespace ioctls (joins go through /proc/PID). */
static inline bool
testing_old_kernel(void)
{
	const char *v = getenv("NSCELL_TEST_OLD_KERNEL");

	return v && !strcmp(v, "1");
}
#else
static inline void
kill_point(const char *name)
{
	(void)name;
}

static inline bool
testing_old_kernel(void)
{
	return false;
}
#endif

#endif
