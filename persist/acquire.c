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

static int
try_join(const struct store *s, const struct sandbox_spec *spec,
	 const struct persist_key *k, struct nsset *ns, struct record *r)
{
	if (record_read(s, r) < 0)
		return -ESTALE;
	if (r->uid != spec->id.uid || strcmp(r->vhost, spec->vhost) ||
	    r->hash != k->hash || r->srchash != k->srchash ||
	    r->userns != spec->userns)
		return -ESTALE;
	return persist_open_record(r, ns);
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
	rc = record_write(s, &r);
	kill_point("before-commit");
	return rc < 0 ? rc : sandbox_commit(ns);
}

static int
build_locked(const struct store *s, const struct sandbox_spec *spec,
	     const struct persist_key *k, struct nsset *ns,
	     struct tmpl_err *err)
{
	struct record old;
	bool have_old = record_read(s, &old) == 0;
	int r;

	r = sandbox_build(spec, ns, err);
	if (r < 0)
		return r;
	r = publish(s, spec, k, ns, have_old ? old.instance + 1 : 1);
	if (r < 0) {
		kill(ns->holder, SIGKILL);
		waitpid(ns->holder, NULL, 0);
		nsset_close(ns);
		return err_set(err, -r, "cannot publish the persisted set: "
			       "%s", strerror(-r));
	}
	/* The old set stays for the processes still in it; its holder exits
	 * when the last of them has. */
	if (have_old && old.holder != ns->holder)
		persist_retire(&old, false);
	return 0;
}

int
persist_acquire(const struct sandbox_spec *spec,
		const struct persist_key *k, struct nsset *ns,
		enum persist_how *how, struct tmpl_err *err)
{
	struct record cur;
	struct store s;
	int r;

	*how = PERSIST_JOINED;
	r = store_open(k->persist_dir, spec->id.uid, spec->vhost, true, &s,
		       err);
	if (r < 0)
		return r;
	if (!k->reload && try_join(&s, spec, k, ns, &cur) == 0)
		goto out;
	r = store_lock(&s, k->timeout_ms);
	if (r < 0) {
		err_set(err, -r, "waiting for the build lock of uid %u: %s",
			(unsigned)spec->id.uid, r == -ETIMEDOUT ?
			"timed out" : strerror(-r));
		goto out;
	}
	kill_point("locked");
	/* Somebody may have built it while we waited. */
	if (!k->reload && try_join(&s, spec, k, ns, &cur) == 0)
		goto out;
	*how = PERSIST_BUILT;
	r = build_locked(&s, spec, k, ns, err);
out:
	store_close(&s);
	return r;
}

int
persist_members(const struct record *r, pid_t *pids, size_t max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char path[64];
		struct stat st;
		long pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = strtol(e->d_name, NULL, 10);
		if (pid == r->holder)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) < 0 || st.st_ino != r->ino[NS_PID] ||
		    st.st_dev != r->nsdev)
			continue;
		if ((size_t)n < max)
			pids[n] = (pid_t)pid;
		n++;
	}
	closedir(d);
	return n;
}
