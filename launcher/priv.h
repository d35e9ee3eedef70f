/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Privilege phases.  The order is fixed (minijail's rule): after the first
 * id change, any failure aborts the process; nothing tries to recover.
 *
 *   priv_init      first thing in main: never dumpable, fds 0-2 sane,
 *                  every inherited fd above 2 closed, the resource limits
 *                  a caller could lower to break nscell raised (kept for
 *                  priv_restore_limits).
 *   priv_to_caller --check: give up everything, become the caller.
 *   priv_drop      the command's process: groups, [user ns], gid, uid
 *                  through libcap-ng; bounding and ambient sets cleared;
 *                  NO_NEW_PRIVS; then priv_verify or abort.
 *   priv_monitor   the waiting parent: keeps only CAP_KILL (to forward
 *                  signals to the command), empty bounding set.
 */
#ifndef NSCELL_PRIV_H
#define NSCELL_PRIV_H

#include <stddef.h>
#include <sys/types.h>

void priv_init(void);
void priv_to_caller(void);
void priv_drop(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
	       int userns_fd);
void priv_monitor(void);
/* The command's process, after the drop, just before exec: the caller's
 * resource limits back. */
void priv_restore_limits(void);

/* Real, effective and saved ids equal @uid/@gid; CapEff, CapPrm, CapInh,
 * CapBnd, CapAmb empty; NO_NEW_PRIVS set; setuid(0) fails.  Returns 0 or a
 * negative errno; checked with raw system calls, not with libcap-ng, so the
 * library that dropped is not the one that verifies. */
int priv_verify(uid_t uid, gid_t gid);

#endif
