// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unmount_ns: remove persisted sets (root only).  It never hangs: every
 * wait is bounded by -t, and a set still in use is detached (its record
 * removed, so new launches build a new one) while its processes keep
 * running; their pids are reported and the exit status is 2.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "launch.h"
#include "log.h"
#include "persist.h"

#define EXIT_BUSY 2
#define MAX_PIDS 64

struct um_opts {
	struct user_arg user;
	const char *vhost;	/* NULL, or a checked vhost.name */
	struct vhost_arg vh;
	bool all, verbose, list, kill;
	unsigned timeout_ms;
	int status;
	struct record *recs;	/* sets removed (or, for -l, listed) */
	size_t n_recs, cap_recs;
};

static void
remember(struct um_opts *o, const struct record *r)
{
	if (o->n_recs == o->cap_recs) {
		size_t cap = o->cap_recs ? 2 * o->cap_recs : 64;
		struct record *n = realloc(o->recs, cap * sizeof(*n));

		if (!n)
			die("out of memory");
		o->recs = n;
		o->cap_recs = cap;
	}
	o->recs[o->n_recs++] = *r;
}

static void
usage(int code)
{
	dprintf(code ? STDERR_FILENO : STDOUT_FILENO,
		"usage: unmount_ns [-u USER|UID [-s VHOST]] [-a] [-v] [-l] "
		"[-t SECONDS] [-k]\n"
		"  -u  one user (all its vhosts unless -s)   -s  one vhost\n"
		"  -a  every user   -l  list persisted sets   -v  verbose\n"
		"  -t  bound every wait (default 10 s)   -k  kill the "
		"processes still in a set\n");
	exit(code);
}

static void
parse(int argc, char **argv, struct um_opts *o)
{
	const char *user = NULL, *vhost = NULL, *why;
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 10000;
	while ((c = getopt(argc, argv, "u:s:avlt:kh")) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 's': vhost = optarg; break;
		case 'a': o->all = true; break;
		case 'v': o->verbose = true; break;
		case 'l': o->list = true; break;
		case 'k': o->kill = true; break;
		case 't': o->timeout_ms = (unsigned)strtoul(optarg, NULL, 10)
				* 1000; break;
		case 'h': usage(0); break;
		default: usage(1);
		}
	}
	if (optind != argc || (vhost && !user) ||
	    (!user && !o->all && !o->list))
		usage(1);
	if (user && (why = input_user(user, &o->user)))
		die("-u: the argument %s", why);
	if (vhost && (why = input_vhost(vhost, &o->vh)))
		die("-s: the argument %s", why);
	o->vhost = vhost ? o->vh.name : NULL;
}

/* Wait (bounded) until the process behind @pfd has exited. */
static bool
wait_gone(pid_t pid, unsigned timeout_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	bool gone;

	if (pfd < 0)
		return true;
	gone = poll(&p, 1, (int)timeout_ms) > 0;
	close(pfd);
	return gone;
}

static void
report_busy(const struct record *r, const pid_t *pids, int n)
{
	printf("uid %u vhost '%s': detached; still used by %d process%s:",
	       (unsigned)r->uid, r->vhost, n, n == 1 ? "" : "es");
	for (int i = 0; i < n && i < MAX_PIDS; i++)
		printf(" %d", (int)pids[i]);
	printf("\n");
}

static void
unmount_set(struct um_opts *o, const char *pdir, uid_t uid, const char *vh)
{
	struct ns_err err = { .code = 0 };
	struct record r;
	struct store s;

	if (store_open(pdir, uid, vh, false, &s, &err) < 0)
		return;
	if (o->verbose)
		printf("uid %u vhost '%s': locking\n", (unsigned)uid, vh);
	if (store_lock(&s, o->timeout_ms) < 0) {
		fprintf(stderr, "unmount_ns: uid %u vhost '%s': lock busy for "
			"%u ms\n", (unsigned)uid, vh, o->timeout_ms);
		o->status = 1;
	} else if (record_read(&s, &r) == 0 && record_remove(&s) == 0) {
		/* Detached: new launches build a new set from now on. */
		persist_retire(&r, o->kill);
		remember(o, &r);
		if (o->verbose)
			printf("uid %u vhost '%s': removed instance %lu "
			       "(holder %d)\n", (unsigned)uid, vh, r.instance,
			       (int)r.holder);
	}
	store_close(&s);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* After removing: with -k, wait (bounded by -t) for the killed sets to be
 * gone; then report every set that still has processes, from one pass over
 * /proc for all of them. */
static void
finish(struct um_opts *o)
{
	long long deadline = now_ms() + o->timeout_ms;
	int *counts = calloc(o->n_recs + 1, sizeof(int));
	pid_t *pids = calloc((o->n_recs + 1) * MAX_PIDS, sizeof(pid_t));
	int busy;

	if (!counts || !pids)
		die("out of memory");
	for (size_t i = 0; o->kill && i < o->n_recs; i++) {
		long long left = deadline - now_ms();

		wait_gone(o->recs[i].holder, left > 0 ? (unsigned)left : 0);
	}
	for (;;) {
		struct timespec tick = { 0, 10000000 };

		busy = 0;
		if (persist_members(o->recs, o->n_recs, counts, pids,
				    MAX_PIDS) < 0)
			die("cannot scan /proc");
		for (size_t i = 0; i < o->n_recs; i++)
			busy += counts[i] > 0;
		/* Killed processes take a moment to leave. */
		if (!busy || !o->kill || now_ms() >= deadline)
			break;
		nanosleep(&tick, NULL);
	}
	for (size_t i = 0; i < o->n_recs; i++) {
		if (counts[i] > 0)
			report_busy(&o->recs[i], pids + i * MAX_PIDS,
				    counts[i]);
	}
	if (busy && !o->status)
		o->status = EXIT_BUSY;
	free(counts);
	free(pids);
}

static void
list_set(struct um_opts *o, const char *pdir, uid_t uid, const char *vh)
{
	struct ns_err err = { .code = 0 };
	struct nsset ns;
	struct record r;
	struct store s;

	if (store_open(pdir, uid, vh, false, &s, &err) < 0)
		return;
	if (record_read(&s, &r) == 0) {
		/* A dead holder is shown as "gone": holder 0 marks it. */
		if (persist_open_record(&r, &ns) == 0)
			nsset_close(&ns);
		else
			r.holder = 0;
		remember(o, &r);
	}
	store_close(&s);
}

/* The tenant's cgroup as nscell.conf places it (any manager). */
static struct cg_request
tenant_of(const struct launch *L, uid_t uid)
{
	return (struct cg_request){
		.uid = uid, .manager = L->conf.cg_manager,
		.root = L->conf.cg_root, .persist_dir = L->conf.persist_dir,
	};
}

/* "12.5M", "3.0G": usage for a person; "-" when unknown. */
static const char *
human(int64_t v, char *buf, size_t len)
{
	static const char unit[] = "KMGT";
	double d = (double)v;
	int i = -1;

	if (v < 0)
		return "-";
	while (d >= 1024 && i < 3) {
		d /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%.1f%c", d, unit[i]);
	return buf;
}

/* The tenant's usage: memory, tasks and CPU time of its cgroup. */
static void
usage_cols(const struct launch *L, uid_t uid, char *buf, size_t len)
{
	struct cg_request rq = tenant_of(L, uid);
	struct cg_usage u;
	char mem[32], tasks[32], cpu[32];

	if (cg_usage(&rq, &u) < 0)
		u.memory = u.tasks = u.cpu_usec = -1;
	snprintf(tasks, sizeof(tasks), "%lld", (long long)u.tasks);
	snprintf(cpu, sizeof(cpu), "%.2fs", (double)u.cpu_usec / 1e6);
	snprintf(buf, len, "%8s %6s %s", human(u.memory, mem, sizeof(mem)),
		 u.tasks < 0 ? "-" : tasks, u.cpu_usec < 0 ? "-" : cpu);
}

static void
print_list(struct um_opts *o, const struct launch *L)
{
	int *counts = calloc(o->n_recs + 1, sizeof(int));
	char when[32], procs[16], use[96];

	if (!counts || persist_members(o->recs, o->n_recs, counts, NULL, 0) < 0)
		die("cannot scan /proc");
	printf("%-7s %-12s %-20s %-8s %-19s %-16s %-5s %8s %6s %s\n", "UID",
	       "USER", "VHOST", "INSTANCE", "BUILT", "HASH", "PROCS", "MEMORY",
	       "TASKS", "CPU");
	for (size_t i = 0; i < o->n_recs; i++) {
		const struct record *r = &o->recs[i];
		struct passwd *pw = getpwuid(r->uid);

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S",
			 localtime(&r->built));
		snprintf(procs, sizeof(procs), "%d", counts[i]);
		usage_cols(L, r->uid, use, sizeof(use));
		printf("%-7u %-12s %-20s %-8lu %-19s %016llx %-5s %s\n",
		       (unsigned)r->uid, pw ? pw->pw_name : "?",
		       r->vhost[0] ? r->vhost : "-", r->instance, when,
		       (unsigned long long)r->hash,
		       r->holder ? procs : "gone", use);
	}
	free(counts);
	o->n_recs = 0;
}

/* The empty cgroups of the tenants whose sets were removed (of every
 * tenant nscell set one up for, with -a): their holders first get a
 * moment, bounded by -t, to leave. */
static void
remove_cgroups(struct um_opts *o, const struct launch *L, uid_t one)
{
	long long deadline = now_ms() + (o->timeout_ms < 2000 ?
					 o->timeout_ms : 2000);
	uid_t *uids = NULL;
	size_t n = 0;

	for (size_t i = 0; i < o->n_recs; i++) {
		long long left = deadline - now_ms();

		wait_gone(o->recs[i].holder, left > 0 ? (unsigned)left : 0);
	}
	if (o->all && cg_tenants(L->conf.persist_dir, &uids, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n + o->n_recs + 1; i++) {
		uid_t uid = i < n ? uids[i] : i < n + o->n_recs ?
			o->recs[i - n].uid : one;
		struct cg_request rq = tenant_of(L, uid);
		struct ns_err err = { .code = 0 };
		int r;

		if (uid == (uid_t)-1)
			continue;
		r = cg_remove(&rq, &err);
		if (r < 0)
			fprintf(stderr, "unmount_ns: %s\n", err.msg[0] ?
				err.msg : strerror(-r));
		else if (r > 0 && o->verbose)
			printf("uid %u: removed its cgroup\n", (unsigned)uid);
	}
	free(uids);
}

typedef void (*set_fn)(struct um_opts *o, const char *pdir, uid_t uid,
		       const char *vh);

/* The server-level set of @uid and each of its vhosts (or just @only). */
static void
each_vhost(struct um_opts *o, const char *pdir, uid_t uid, const char *only,
	   set_fn fn)
{
	char path[4200];
	struct dirent *e;
	DIR *d;

	if (only) {
		fn(o, pdir, uid, only);
		return;
	}
	fn(o, pdir, uid, "");
	snprintf(path, sizeof(path), "%s/%u", pdir, (unsigned)uid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_type == DT_DIR && conf_vhost_name_ok(e->d_name))
			fn(o, pdir, uid, e->d_name);
	}
	if (d)
		closedir(d);
}

static void
each_uid(struct um_opts *o, const char *pdir, set_fn fn)
{
	struct dirent *e;
	DIR *d = opendir(pdir);

	while (d && (e = readdir(d))) {
		if (isdigit((unsigned char)e->d_name[0]))
			each_vhost(o, pdir, (uid_t)strtoul(e->d_name, NULL,
							  10), NULL, fn);
	}
	if (d)
		closedir(d);
}

int
main(int argc, char **argv)
{
	struct launch L = { 0 };
	struct um_opts o;
	uid_t uid = (uid_t)-1;

	if (argc < 1 || getuid() != 0 || geteuid() != 0)
		die("unmount_ns: only root may remove persisted sets");
	parse(argc, argv, &o);
	launch_load_config(&L);
	if (o.list) {
		each_uid(&o, L.conf.persist_dir, list_set);
		print_list(&o, &L);
	}
	if (o.all) {
		each_uid(&o, L.conf.persist_dir, unmount_set);
	} else if (o.user.given) {
		struct identity id;

		uid = o.user.uid;

		/* A uid needs no lookup: the user may be gone already. */
		if (!o.user.numeric) {
			if (ident_lookup(&o.user, &id) < 0)
				die("unknown user %s (give the uid after "
				    "userdel)", o.user.name);
			uid = id.uid;
		}
		each_vhost(&o, L.conf.persist_dir, uid, o.vhost,
			   unmount_set);
	}
	finish(&o);
	if (o.all || o.user.given)
		remove_cgroups(&o, &L, uid);
	free(o.recs);
	fflush(stdout);
	return o.status;
}
