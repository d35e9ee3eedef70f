/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --check: what a launch would meet in the effective op list, found
 * without building anything.  The sources are walked as a build walks
 * them (paths.c), and the destinations are followed through the tree the
 * ops before them would make, to find a symbolic link on the way.
 *
 * Runs in the launcher after priv_to_caller(): the caller's ids, no
 * capability.  When the caller is the target, the walks are the ones the
 * build makes as the target (fsuid); otherwise fs_as_user() is refused
 * (no CAP_SETUID) and what the caller cannot see is reported as not
 * checked, never guessed.
 */
#ifndef NSCELL_CHECK_H
#define NSCELL_CHECK_H

#include <stdbool.h>

#include "sandbox.h"

enum check_level {
	CHECK_FATAL,	/* a launch would fail on it (exit 125) */
	CHECK_WARN,	/* what could not be checked: always worth saying */
	CHECK_INFO,	/* what a launch does quietly: a -try op it skips or
			 * resolves (for -v) */
};

/* One finding at @pos (NULL: about the whole check); @msg has no
 * "nscell: FILE:LINE:COL: " prefix. */
typedef void (*check_say_fn)(void *arg, const struct tmpl_pos *pos,
			     enum check_level level, const char *msg);

/* Check @ops for @id.  @groups_match: the process's supplementary groups
 * are the target's (a permission check made now is the build's).
 * Returns the number of fatal findings, or a negative errno when the
 * check itself could not run. */
int check_ops(const struct tmpl *ops, const struct sandbox_ident *id,
	      bool groups_match, check_say_fn say, void *arg);

#endif
