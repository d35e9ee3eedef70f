/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kill points for crash tests.  They exist only in a build configured with
 * -DNSCELL_TESTING=ON (a test binary, never installed): there, the point
 * named by NSCELL_KILL_POINT in the environment kills the process with
 * SIGKILL.  In every other build kill_point() is an empty inline function
 * and no environment variable is ever read.
 */
#ifndef NSCELL_TESTING_H
#define NSCELL_TESTING_H

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
#else
static inline void
kill_point(const char *name)
{
	(void)name;
}
#endif

#endif
