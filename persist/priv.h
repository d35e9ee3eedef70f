/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every credential and capability change of nscell, in one file, each
 * followed by its verification (bubblewrap's acquire_privs model).  The
 * phases, in the order they happen:
 *
 *   (before main)  the caller's resource limits saved and raised
 *                  (.preinit_array: before any library constructor).
 *   priv_start     first thing in main: never dumpable, fds 0-2 sane,
 *                  every inherited fd above 2 closed, NO_NEW_PRIVS, the
 *                  bounding set emptied, the permitted set cut to
 *                  NSCELL_CAPS and the effective set emptied: parsing,
 *                  the configuration and the lookups run with none.
 *   priv_raise     effective = permitted, for building or joining a set.
 *   fs_as_user     file-system checks as a user (setfsuid), and back with
 *                  fs_as_root; for everything done on a user's behalf.
 *   priv_userns_owner / priv_userns_done
 *                  real uid 0 around the creation of a set's user
 *                  namespace, so that its process ceiling is not the
 *                  caller's RLIMIT_NPROC for good.
 *   priv_holder    a set's holder: root in all ids, keeping its
 *                  capabilities to build; priv_holder_reap: none left.
 *   priv_monitor   the waiting parent: CAP_KILL only.
 *   priv_drop      the command's process: groups, [user namespace], gid,
 *                  uid; no capability in any set; verified.
 *   priv_to_caller --check: nothing left, the caller's ids.
 *
 * After the first change that drops privilege, a failure is never
 * recovered from (minijail's rule): each returns 0 or a negative errno,
 * and the launcher exits 125.
 */
#ifndef NSCELL_PRIV_H
#define NSCELL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

int priv_start(void);
int priv_raise(void);

int fs_as_user(uid_t uid, gid_t gid);
void fs_as_root(void);

int priv_userns_owner(void);
int priv_userns_done(void);

int priv_holder(void);
int priv_holder_reap(void);

int priv_monitor(void);
int priv_drop(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
	      int userns_fd);
int priv_to_caller(void);

/* The command's rlimits from the configuration (LiteSpeed's
 * CPUSoftLimit/CPUHardLimit, memSoftLimit/memHardLimit on RLIMIT_AS as
 * LiteSpeed sets them, procSoftLimit/procHardLimit); RLIM_INFINITY where
 * none is configured. */
struct priv_rlimits {
	struct rlimit cpu, as, nproc;
};

/* The command's process, after the drop, just before exec: the caller's
 * resource limits back, each lowered to @conf's (NULL: none) where that
 * is lower, soft and hard apart: a caller can lower a configured limit,
 * never raise it. */
int priv_restore_limits(const struct priv_rlimits *conf);

/* Real, effective and saved ids equal @uid/@gid; CapEff, CapPrm, CapInh,
 * CapBnd, CapAmb empty; NO_NEW_PRIVS set; setuid(0) fails.  Checked with
 * raw system calls, not with libcap-ng, so the library that dropped is not
 * the one that verifies. */
int priv_verify(uid_t uid, gid_t gid);

#endif
