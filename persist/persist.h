/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Persisted sandboxes: build once per (uid, vhost), join afterwards.
 *
 * Nothing is bind-mounted in the host: a persisted set is its holder
 * process (pid 1 of the set, which keeps the namespaces alive) plus a
 * root-owned record under PERSISTDIR/UID[/VHOST] naming the holder's
 * pid and the inode of each namespace.  The host mount table does not grow
 * with the number of users.  A join opens /proc/HOLDER/ns/FILE (and the
 * holder's fd 0 for the user namespace), then verifies every fd before any
 * setns(): on nsfs, of the expected type, the recorded inode, and a user
 * namespace owned by root (the firejail CVE-2022-31214 class).
 */
#ifndef NSCELL_PERSIST_H
#define NSCELL_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox.h"
#include "store.h"

struct persist_key {
	const char *persist_dir;
	uint64_t hash;		/* ops + version + userns + passwd/group */
	uint64_t srchash;	/* persist_source_hash() */
	bool reload;		/* ~/.lsns_reload was there */
	uint64_t group_stamp;	/* persist_group_stamp() */
	const struct record *hint;	/* persist_peek()'s record, or NULL */
	struct sc_bpf *hint_filter;	/* and its filter; moved into the
					 * nsset on a join */
	unsigned timeout_ms;	/* bound on the build-lock wait */
	unsigned max_sets;	/* maxSetsPerUser; 0: no cap */
};

enum persist_how { PERSIST_JOINED, PERSIST_BUILT };

/* Join the published set for (spec->id.uid, spec->vhost) if it is current
 * and verifies, else build one (serialised by the set's lock), publish it
 * and retire the old one.  @ns gets verified namespace fds. */
int persist_acquire(const struct sandbox_spec *spec,
		    const struct persist_key *key, struct nsset *ns,
		    enum persist_how *how, struct ns_err *err);

/* Open and verify the namespaces a record names.  -ESTALE when the holder
 * is gone or anything does not match. */
int persist_open_record(const struct record *r, struct nsset *ns);

/* Identity of every bind and copy source, stat()ed as the user: existence,
 * device and inode, plus size and mtime for copies.  A socket or file
 * replaced on the host (mysqld restarted) changes it, and the next launch
 * rebuilds.  *@h is the value to start from and the result. */
int persist_source_hash(const struct tmpl *t,
			const struct sandbox_ident *id, uint64_t *h,
			struct ns_err *err);

/* Identity of /etc/group (inode, size, mtime); never 0. */
uint64_t persist_group_stamp(void);

/* The published record of (@uid, @vhost), read without creating or
 * locking anything: what a join starts from.  -ENOENT when there is none.
 * With @filter, the record's seccomp filter too (len 0 when there is
 * none for this record). */
int persist_peek(const char *persist_dir, uid_t uid, const char *vhost,
		 struct record *r, struct sc_bpf *filter);

/* The groups cached in @r, if it was made while /etc/group had @stamp.
 * *groups is malloc'd.  -ESTALE when there is nothing usable. */
int persist_cached_groups(const struct record *r, uint64_t stamp,
			  gid_t **groups, size_t *n);

/* After a join whose record's groups were stale (/etc/group changed since
 * the build) and were looked up again: store them with the new stamp, so
 * that the next joins need not.  Best effort, and only if the set's lock
 * is free and the record still names the set @seen. */
void persist_refresh_groups(const char *persist_dir, const struct record *seen,
			    const gid_t *groups, size_t n, uint64_t stamp);

/* ~/.lsns_reload: if present, remove it (as the user, never following a
 * symlink) and return true. */
bool persist_reload_requested(const struct sandbox_ident *id);

/* SIGTERM the holder a record names, if it is still that holder: it exits
 * as soon as its last process has.  With @kill, SIGKILL it instead: the
 * whole pid namespace dies. */
int persist_retire(const struct record *r, bool kill);

/* Is the holder @r names alive, and still that holder? */
bool persist_holder_alive(const struct record *r);

/* Before a new set of @uid is built (quota.c): past @max live sets, retire
 * the least recently used idle ones; -EUSERS if none is idle.  *uid_lock
 * is a lock on the uid's sets, to be closed once the new set is
 * published. */
int persist_make_room(const char *persist_dir, uid_t uid, const char *vhost,
		      unsigned max, int *uid_lock, struct ns_err *err);

/* The set's lock file, opened while its path still resolves (before the
 * sandbox is entered); persist_note_used(), when the launch's command has
 * ended, sets its mtime (the set was used now) and closes it. */
int persist_open_used(const char *persist_dir, uid_t uid, const char *vhost);
void persist_note_used(int fd);

/* For each of @n records, the processes other than its holder in its pid
 * namespace: counts[i], and up to @max_each of their pids at
 * pids[i * max_each].  One pass over /proc for all of them. */
int persist_members(const struct record *recs, size_t n, int *counts,
		    pid_t *pids, size_t max_each);

#endif
