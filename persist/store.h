/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The persist store: PERSISTDIR/<uid>/ (server level) and
 * PERSISTDIR/<uid>/<vhost>/, each root-owned 0700 and holding
 *   lock     flock()ed to serialise building (never handed to a sandbox)
 *   record   the published set: holder pid, namespace inodes, hashes
 * MUST: every directory is created and opened without following symlinks
 * and checked root-owned on its fd; the record is read only if it is a
 * root-owned regular file; it is published by rename, so a reader sees a
 * complete record or none.
 */
#ifndef NSCELL_STORE_H
#define NSCELL_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "sandbox.h"

struct store {
	int dir;	/* the set's directory (O_PATH) */
	int lock;	/* -1 until store_open_lock() */
};

#define RECORD_MAX_GROUPS 256

struct record {
	uid_t uid;
	char vhost[256];
	unsigned long instance;
	time_t built;
	uint64_t hash;		/* effective ops, version, passwd/group */
	uint64_t srchash;	/* bound sources' identities */
	pid_t holder;
	bool userns;
	dev_t nsdev;		/* st_dev of the nsfs */
	ino_t ino[NS_COUNT];	/* 0 when not used */
	/* The user's groups when the set was built, and the identity of
	 * /etc/group then: a join reuses them while /etc/group is unchanged
	 * instead of asking every NSS module again. */
	uint64_t group_stamp;	/* 0: not cached */
	size_t n_groups;
	gid_t groups[RECORD_MAX_GROUPS];
};

/* mkdir -p @path beneath @rootfd (mode @mode, as root), every component
 * opened with O_NOFOLLOW; returns an O_PATH fd of the last one. */
int store_mkdirs(int rootfd, const char *path, mode_t mode);

/* Open (creating when @create) the set's directory, checked root-owned and
 * not group/other-writable.  -ENOENT when absent and !@create. */
int store_open(const char *persist_dir, uid_t uid, const char *vhost,
	       bool create, struct store *s, struct ns_err *err);
void store_close(struct store *s);

/* Take the build lock, waiting at most @timeout_ms (-ETIMEDOUT); -ESTALE
 * when the set's directory was removed meanwhile: store_open() again. */
int store_lock(struct store *s, unsigned timeout_ms);

/* Wait, at most @timeout_ms, until no build holds the lock, without
 * keeping it: every launch waiting for one build wakes when it ends,
 * together, instead of taking the lock in turn. */
int store_wait_build(struct store *s, unsigned timeout_ms);

int record_read(const struct store *s, struct record *r);
int record_write(const struct store *s, const struct record *r);
int record_remove(const struct store *s);

/* With the set's lock held: remove its record, then its lock file and
 * its directory, and the uid's directory once it holds nothing else, so
 * that removed sets leave nothing behind.  Launches that were waiting for
 * that lock, or walking to it, notice (store_flock: -ESTALE) and walk
 * again.  The lock is released. */
int store_remove_set(struct store *s, const char *persist_dir, uid_t uid,
		     const char *vhost);

#endif
