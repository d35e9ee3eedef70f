// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Join-or-build under the set's lock, and counting a set's processes.
 *
 * Crash safety: a set is published (record renamed into place) only once
 * its holder has built everything and its namespaces verified; the holder
 * stops dying with the builder only after that (sandbox_commit).  A builder
 * killed at any point therefore leaves either the previous record or the
 * new one, and never a holder that no record names.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "persist.h"
#include "sysutil.h"
#include "testing.h"

static bool
wants_filter(const struct sandbox_spec *spec)
{
	return spec->seccomp && !sc_policy_empty(spec->seccomp);
}

/* Join @r if it is the set this launch wants and it verifies.  @filter
 * is the set's filter read with @r (filter_read() checked that it is
 * @r's); it moves into @ns.  A set that should have one and has none is
 * stale: it is rebuilt, never joined unfiltered. */
static int
join_record(const struct record *r, const struct sandbox_spec *spec,
	    const struct persist_key *k, struct nsset *ns,
	    struct sc_bpf *filter)
{
	int rc;

	if (r->uid != spec->id.uid || strcmp(r->vhost, spec->vhost) ||
	    r->hash != k->hash || r->srchash != k->srchash ||
	    r->userns != spec->userns)
		return -ESTALE;
	if (wants_filter(spec) && (!filter || !filter->len))
		return -ESTALE;
	rc = persist_open_record(r, ns);
	if (rc == 0 && wants_filter(spec)) {
		ns->filter = *filter;
		filter->len = 0;
		filter->insns = NULL;
	}
	return rc;
}

static int
try_join(const struct store *s, const struct sandbox_spec *spec,
	 const struct persist_key *k, struct nsset *ns, struct record *r)
{
	struct sc_bpf f = { 0 };
	int rc;

	if (record_read(s, r) < 0)
		return -ESTALE;
	if (wants_filter(spec))
		filter_read(s->dir, r->hash, r->instance, &f);
	rc = join_record(r, spec, k, ns, &f);
	filter_free(&f);
	return rc;
}

static int
publish(const struct store *s, const struct sandbox_spec *spec,
	const struct persist_key *k, struct nsset *ns, unsigned long inst)
{
	struct record r = { .uid = spec->id.uid, .instance = inst,
			    .built = time(NULL), .hash = k->hash,
			    .srchash = k->srchash, .holder = ns->holder,
			    .userns = spec->userns };
	struct stat st;
	int rc;

	snprintf(r.vhost, sizeof(r.vhost), "%s", spec->vhost);
	if (spec->id.n_groups <= RECORD_MAX_GROUPS) {
		r.group_stamp = k->group_stamp;
		r.n_groups = spec->id.n_groups;
		memcpy(r.groups, spec->id.groups,
		       r.n_groups * sizeof(gid_t));
	}
	for (int i = 0; i < NS_COUNT; i++) {
		if (ns->fd[i] < 0)
			continue;
		if (fstat(ns->fd[i], &st) < 0)
			return -errno;
		r.ino[i] = st.st_ino;
		r.nsdev = st.st_dev;
	}
	kill_point("before-publish");
	/* The filter first: a join that reads the new record must find
	 * it (and an old one is removed if this set has none). */
	rc = filter_write(s->dir, r.hash, r.instance, &ns->filter);
	if (rc == 0)
		rc = record_write(s, &r);
	kill_point("before-commit");
	return rc < 0 ? rc : sandbox_commit(ns);
}

static int
build_locked(const struct store *s, const struct sandbox_spec *spec,
	     const struct persist_key *k, struct nsset *ns,
	     struct ns_err *err)
{
	struct sandbox_spec sp = *spec;
	struct record old;
	bool have_old = record_read(s, &old) == 0;
	int r;

	sp.store_dir = s->dir;
	r = sandbox_build(&sp, ns, err);
	if (r < 0)
		return r;
	/* Retire the old set before the new one is published: a builder
	 * killed between the two then leaves at worst an old set that exits
	 * with its last process, never a holder no record names.  Running
	 * processes keep the old set until they exit. */
	if (have_old)
		persist_retire(&old, false);
	r = publish(s, spec, k, ns, have_old ? old.instance + 1 : 1);
	if (r < 0) {
		kill(ns->holder, SIGKILL);
		waitpid(ns->holder, NULL, 0);
		nsset_close(ns);
		return ns_err_set(err, NULL, -r, "cannot publish the persisted set: "
			       "%s", strerror(-r));
	}
	return 0;
}

/* The set's directory, opened (created) and locked; walked again while
 * a concurrent removal (store_remove_set) takes it away under us. */
static int
open_locked(const struct sandbox_spec *spec, const struct persist_key *k,
	    struct store *s, struct ns_err *err)
{
	int r = -ESTALE;

	for (int tries = 0; r == -ESTALE && tries < 8; tries++) {
		if (tries)
			store_close(s);
		r = store_open(k->persist_dir, spec->id.uid, spec->vhost, true,
			       s, err);
		if (r < 0)
			return r;
		r = store_lock(s, k->timeout_ms);
	}
	return r;
}

int
persist_acquire(const struct sandbox_spec *spec,
		const struct persist_key *k, struct nsset *ns,
		enum persist_how *how, struct ns_err *err)
{
	struct record cur;
	struct store s;
	int r, uid_lock = -1;

	*how = PERSIST_JOINED;
	/* The common case: the record the launcher already read names a
	 * current set that verifies; nothing is opened or locked here. */
	if (!k->reload && k->hint &&
	    join_record(k->hint, spec, k, ns, k->hint_filter) == 0)
		return 0;
	r = store_open(k->persist_dir, spec->id.uid, spec->vhost, true, &s,
		       err);
	if (r < 0)
		return r;
	if (!k->reload && !k->hint && try_join(&s, spec, k, ns, &cur) == 0)
		goto out;
	/* A build in progress is waited for first: what it publishes is
	 * usually what we want, and joining needs no lock. */
	if (!k->reload && store_wait_build(&s, k->timeout_ms) == 0 &&
	    try_join(&s, spec, k, ns, &cur) == 0)
		goto out;
	r = store_lock(&s, k->timeout_ms);
	if (r == -ESTALE) {
		store_close(&s);
		r = open_locked(spec, k, &s, err);
		if (r < 0 && s.dir < 0)
			return r;
	}
	if (r < 0) {
		ns_err_set(err, NULL, -r, "waiting for the build lock of uid %u: %s",
			(unsigned)spec->id.uid, r == -ETIMEDOUT ?
			"timed out" : strerror(-r));
		goto out;
	}
	kill_point("locked");
	/* Somebody may have built it while we waited. */
	if (!k->reload && try_join(&s, spec, k, ns, &cur) == 0)
		goto out;
	*how = PERSIST_BUILT;
	r = persist_make_room(k->persist_dir, spec->id.uid, spec->vhost,
			      k->max_sets, &uid_lock, err);
	if (r == 0)
		r = build_locked(&s, spec, k, ns, err);
out:
	close_fd(&uid_lock);
	store_close(&s);
	return r;
}

struct ns_key {
	ino_t ino;
	size_t idx;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct ns_key *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Count one /proc entry against the records whose pid namespace it is in. */
static void
count_pid(const struct record *recs, const struct ns_key *keys, size_t n,
	  long pid, int *counts, pid_t *pids, size_t max_each)
{
	char path[64];
	struct stat st;
	struct ns_key k = { 0 }, *hit;

	snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
	if (stat(path, &st) < 0)
		return;
	k.ino = st.st_ino;
	hit = bsearch(&k, keys, n, sizeof(*keys), key_cmp);
	if (!hit || st.st_dev != recs[hit->idx].nsdev ||
	    pid == recs[hit->idx].holder)
		return;
	if ((size_t)counts[hit->idx] < max_each)
		pids[hit->idx * max_each + (size_t)counts[hit->idx]] = (pid_t)pid;
	counts[hit->idx]++;
}

bool
persist_holder_alive(const struct record *r)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)r->holder);
	if (r->holder <= 0 || stat(path, &st) < 0 ||
	    st.st_ino != r->ino[NS_PID] || st.st_dev != r->nsdev)
		return false;
	/* An exited holder nobody has reaped yet (its parent is pid 1,
	 * which need not reap) still shows its pid namespace, but no longer
	 * its mount namespace. */
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)r->holder);
	return stat(path, &st) == 0;
}

int
persist_members(const struct record *recs, size_t n, int *counts,
		pid_t *pids, size_t max_each)
{
	struct ns_key *keys = calloc(n ? n : 1, sizeof(*keys));
	struct dirent *e;
	DIR *d;

	if (!keys)
		return -ENOMEM;
	size_t m = 0;

	/* A set whose holder is gone has no process left (its pid namespace
	 * died with it), and its inode may already be another set's. */
	for (size_t i = 0; i < n; i++) {
		counts[i] = 0;
		if (persist_holder_alive(&recs[i]))
			keys[m++] = (struct ns_key){ recs[i].ino[NS_PID], i };
	}
	n = m;
	qsort(keys, n, sizeof(*keys), key_cmp);
	d = opendir("/proc");
	if (!d) {
		free(keys);
		return -errno;
	}
	while ((e = readdir(d))) {
		if (isdigit((unsigned char)e->d_name[0]))
			count_pid(recs, keys, n, strtol(e->d_name, NULL, 10),
				  counts, pids, max_each);
	}
	closedir(d);
	free(keys);
	return 0;
}
