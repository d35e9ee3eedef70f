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

/* The set's lock file, opened and read-locked (an OFD lock on byte 0)
 * while its path still resolves, before the set is joined: while it is
 * held, the set is in use and never retired as idle (lifecycle.c).  -1
 * when there is no such file; -2 when the set is being retired or was:
 * then build (a record read now may name a dying set).
 * persist_note_used(), when the launch's command has ended, sets the
 * file's mtime (the set was used now) and closes it. */
int persist_hold(const char *persist_dir, uid_t uid, const char *vhost);
void persist_note_used(int fd);

/* Retire the set @seen if it still is that set, no build or launch holds
 * it, nothing runs in it, and (if @used_before is not 0) it has not been
 * used after @used_before; its record, lock and directory are removed.
 * 0, or -EBUSY / -ENOENT when it was left alone. */
int persist_retire_idle(const char *persist_dir, const struct record *seen,
			time_t used_before);

/* What unmount_ns lists. */
enum set_state {
	SET_LIVE,	/* recorded, its holder alive */
	SET_GONE,	/* recorded, its holder dead */
	SET_DETACHED,	/* a holder no record names (retired, or a leftover) */
	SET_BUILDING,	/* the same, still building: not yet published */
};

struct set_info {
	struct record rec;	/* detached: uid, holder, pid ns, start only */
	enum set_state state;
	time_t used;		/* last use (lock mtime); 0: unknown */
	int procs;		/* persist_count() */
};

struct set_list {
	struct set_info *v;
	size_t n, cap;
};

/* Append the recorded sets of @uid ((uid_t)-1: every uid in
 * @persist_dir), all of its vhosts or only @vhost ("": the server level). */
int persist_read_sets(const char *persist_dir, uid_t uid, const char *vhost,
		      struct set_list *l);

/* Append every holder of @persist_dir that no set of @l names (of @only,
 * or of every uid when it is (uid_t)-1), found in /proc: named nsh:UID,
 * root in every id, pid 1 of its own pid namespace, with a store directory
 * of @persist_dir among its fds (which gives its vhost). */
int persist_find_holders(struct set_list *l, uid_t only,
			 const char *persist_dir);

/* Fill procs for every set of @l, and up to @max_each pids of each at
 * pids[i * max_each] (persist_members). */
int persist_count(struct set_list *l, pid_t *pids, size_t max_each);
void set_list_free(struct set_list *l);

/* Retire every set idle for @idle_s seconds at @now (none when @idle_s
 * is 0), and remove the records of sets whose holder died; each is
 * appended to @done (if not NULL). */
int persist_expire(const char *persist_dir, unsigned idle_s, time_t now,
		   struct set_list *done);

/* Whether a launch should run persist_expire() now: at most once every
 * minute (or @idle_s, if shorter), by one launch at a time; that launch
 * gets an fd to close once it is done, the others -1.  One stat() when it
 * is not due. */
int persist_expire_due(const char *persist_dir, unsigned idle_s, time_t now);

/* For each of @n records, the processes other than its holder in its pid
 * namespace: counts[i], and up to @max_each of their pids at
 * pids[i * max_each].  One pass over /proc for all of them. */
int persist_members(const struct record *recs, size_t n, int *counts,
		    pid_t *pids, size_t max_each);

#endif
