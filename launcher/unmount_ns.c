// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unmount_ns: list, expire and remove persisted sets (root only).  It
 * never hangs: every wait is bounded by -t, and a set still in use is
 * detached (its record removed, so new launches build a new one) while
 * its processes keep running; their pids are reported and the exit status
 * is 2.  Holders that no record names (detached sets, leftovers) are
 * found in /proc and listed, retired and killed like the others.  A
 * syntax error in nscell.conf is only a warning here: a tool for cleaning
 * up must work when the configuration does not.
 */
#define _GNU_SOURCE
#include <errno.h>
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
	bool all, verbose, list, json, kill, expire;
	unsigned timeout_ms;
	int status;
	struct set_list done;	/* sets removed or told to retire */
};

static const char usage_text[] =
	"usage: unmount_ns [-u USER|UID [-s VHOST]] [-a] [-l [-J]] [--expire]"
	" [-v] [-t SECONDS] [-k]\n"
	"  -u  one user (all its vhosts unless -s)   -s  one vhost\n"
	"  -a  every user   -l  list the sets   -J  the list as JSON\n"
	"  --expire  retire the sets unused for idleTimeout\n"
	"  -v  verbose   -t  bound every wait (default 10 s)\n"
	"  -k  kill the processes still in each removed set\n"
	"  -h, --help, --version\n";

static void
usage(int code)
{
	dprintf(code ? STDERR_FILENO : STDOUT_FILENO, "%s", usage_text);
	exit(code);
}

static void
parse(int argc, char **argv, struct um_opts *o)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "expire", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *vhost = NULL, *why;
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 10000;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "u:s:avlJt:kh", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 's': vhost = optarg; break;
		case 'a': o->all = true; break;
		case 'v': o->verbose = true; break;
		case 'l': o->list = true; break;
		case 'J': o->json = true; break;
		case 'k': o->kill = true; break;
		case 'E': o->expire = true; break;
		case 't': o->timeout_ms = (unsigned)strtoul(optarg, NULL, 10)
				* 1000; break;
		case 'h': usage(0); break;
		case 'V': printf("unmount_ns (nscell) %s\n", NSCELL_VERSION);
			  exit(0);
		default:
			dprintf(STDERR_FILENO, "nscell: unmount_ns: unknown "
				"option or missing argument: %s\n",
				argv[optind - 1]);
			usage(1);
		}
	}
	if (optind != argc || (vhost && !user) || (o->json && !o->list) ||
	    (!user && !o->all && !o->list && !o->expire))
		usage(1);
	if (user && (why = input_user(user, &o->user)))
		die("-u: the argument %s", why);
	if (vhost && (why = input_vhost(vhost, &o->vh)))
		die("-s: the argument %s", why);
	o->vhost = vhost ? o->vh.name : NULL;
}

/* ------------------------------------------------------------ helpers --- */

static const char *
vhost_text(const struct set_info *s)
{
	return s->rec.vhost[0] ? s->rec.vhost : "-";
}

static const char *const state_names[] = {
	[SET_LIVE] = "live", [SET_GONE] = "gone",
	[SET_DETACHED] = "detached", [SET_BUILDING] = "building",
};

/* "42s", "12m05s", "3h04m", "2d05h": two units at most. */
static const char *
duration(char *buf, size_t len, long long s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	return buf;
}

static void
add(struct set_list *l, const struct set_info *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct set_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			die("out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
}

/* The uid of -u (a number needs no lookup: the user may be gone), or
 * (uid_t)-1 for every user. */
static uid_t
target_uid(const struct um_opts *o)
{
	struct identity id;

	if (!o->user.given)
		return (uid_t)-1;
	if (o->user.numeric)
		return o->user.uid;
	if (ident_lookup(&o->user, &id) < 0)
		die("unknown user %s (give the uid after userdel)",
		    o->user.name);
	return id.uid;
}

/* ------------------------------------------------------------ listing --- */

/* The tenant's cgroup as nscell.conf places it (any manager). */
static struct cg_request
tenant_of(const struct nscell_conf *conf, uid_t uid)
{
	return (struct cg_request){
		.uid = uid, .manager = conf->cg_manager,
		.root = conf->cg_root, .persist_dir = conf->persist_dir,
	};
}

/* The tenant's usage (memory, tasks, CPU time of its cgroup); -1 each
 * when it has none or it cannot be read. */
static struct cg_usage
usage_of(const struct nscell_conf *conf, uid_t uid)
{
	struct cg_request rq = tenant_of(conf, uid);
	struct cg_usage u;

	if (cg_usage(&rq, &u) < 0)
		u.memory = u.tasks = u.cpu_usec = -1;
	return u;
}

/* "12.5M", "3.0G": a size for a person; "-" when unknown. */
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

static void
print_table(const struct set_list *l, time_t now,
	    const struct nscell_conf *conf)
{
	char age[48], idle[48], procs[16], holder[16], inst[24], hash[20];
	char mem[32], tasks[24], cpu[32];

	printf("%-7s %-12s %-20s %-8s %-7s %-5s %-6s %-6s %-8s %-16s %8s %6s "
	       "%s\n", "UID", "USER", "VHOST", "STATE", "HOLDER", "PROCS",
	       "AGE", "IDLE", "INSTANCE", "HASH", "MEMORY", "TASKS", "CPU");
	for (size_t i = 0; i < l->n; i++) {
		const struct set_info *s = &l->v[i];
		const struct record *r = &s->rec;
		struct passwd *pw = getpwuid(r->uid);
		bool gone = s->state == SET_GONE;
		bool rec = s->state == SET_LIVE || gone;
		struct cg_usage u = usage_of(conf, r->uid);

		snprintf(holder, sizeof(holder), "%d", (int)r->holder);
		snprintf(procs, sizeof(procs), "%d", s->procs);
		snprintf(inst, sizeof(inst), "%lu", r->instance);
		snprintf(hash, sizeof(hash), "%016llx",
			 (unsigned long long)r->hash);
		snprintf(tasks, sizeof(tasks), "%lld", (long long)u.tasks);
		snprintf(cpu, sizeof(cpu), "%.2fs", (double)u.cpu_usec / 1e6);
		printf("%-7u %-12s %-20s %-8s %-7s %-5s %-6s %-6s %-8s %-16s "
		       "%8s %6s %s\n",
		       (unsigned)r->uid, pw ? pw->pw_name : "?",
		       vhost_text(s), state_names[s->state],
		       gone ? "-" : holder, gone ? "-" : procs,
		       r->built ? duration(age, sizeof(age), now - r->built) :
		       "-",
		       !gone && !s->procs && s->used ?
		       duration(idle, sizeof(idle), now - s->used) : "-",
		       rec ? inst : "-", rec ? hash : "-",
		       human(u.memory, mem, sizeof(mem)),
		       u.tasks < 0 ? "-" : tasks, u.cpu_usec < 0 ? "-" : cpu);
	}
}

/* A JSON string: user names come from passwd, anything but a quote, a
 * backslash or a control character is kept as it is. */
static void
json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
json_num_or_null(const char *key, bool have, long long v)
{
	if (have)
		printf(", \"%s\": %lld", key, v);
	else
		printf(", \"%s\": null", key);
}

static void
print_json(const struct set_list *l, time_t now,
	   const struct nscell_conf *conf)
{
	printf("{\"now\": %lld, \"idleTimeout\": %u, \"sets\": [",
	       (long long)now, conf->idle_timeout);
	for (size_t i = 0; i < l->n; i++) {
		const struct set_info *s = &l->v[i];
		const struct record *r = &s->rec;
		struct passwd *pw = getpwuid(r->uid);
		bool gone = s->state == SET_GONE;
		bool rec = s->state == SET_LIVE || gone;
		struct cg_usage u = usage_of(conf, r->uid);
		char hash[20];

		printf("%s\n  {\"uid\": %u, \"user\": ", i ? "," : "",
		       (unsigned)r->uid);
		if (pw)
			json_str(pw->pw_name);
		else
			printf("null");
		printf(", \"vhost\": ");
		json_str(r->vhost);
		printf(", \"state\": \"%s\"", state_names[s->state]);
		json_num_or_null("holder", !gone, r->holder);
		json_num_or_null("procs", !gone, s->procs);
		json_num_or_null("instance", rec, (long long)r->instance);
		json_num_or_null("built", r->built != 0, (long long)r->built);
		json_num_or_null("age", r->built != 0,
				 (long long)(now - r->built));
		json_num_or_null("lastUsed", s->used != 0, (long long)s->used);
		json_num_or_null("idle", !gone && !s->procs && s->used,
				 (long long)(now - s->used));
		snprintf(hash, sizeof(hash), "%016llx",
			 (unsigned long long)r->hash);
		printf(", \"hash\": ");
		if (rec)
			json_str(hash);
		else
			printf("null");
		/* The tenant's cgroup (every set of the uid shares it). */
		json_num_or_null("memory", u.memory >= 0, u.memory);
		json_num_or_null("tasks", u.tasks >= 0, u.tasks);
		json_num_or_null("cpuUsec", u.cpu_usec >= 0, u.cpu_usec);
		printf("}");
	}
	printf("%s]}\n", l->n ? "\n" : "");
}

/* Every recorded set and every holder no record names, with what runs in
 * each.  Takes no lock and changes nothing. */
static void
list_sets(struct um_opts *o, const struct nscell_conf *conf)
{
	struct set_list l = { 0 };
	time_t now = time(NULL);

	if (persist_read_sets(conf->persist_dir, (uid_t)-1, NULL, &l) < 0 ||
	    persist_find_holders(&l, (uid_t)-1, conf->persist_dir) < 0 ||
	    persist_count(&l, NULL, 0) < 0)
		die("cannot read the sets: %s", strerror(errno));
	if (o->json)
		print_json(&l, now, conf);
	else
		print_table(&l, now, conf);
	set_list_free(&l);
}

/* ------------------------------------------------------------- expiry --- */

static void
expire(struct um_opts *o, const struct nscell_conf *conf)
{
	struct set_list done = { 0 };
	time_t now = time(NULL);
	char idle[48];

	if (persist_expire(conf->persist_dir, conf->idle_timeout, now,
			   &done) < 0)
		die("cannot expire the sets: %s", strerror(errno));
	for (size_t i = 0; o->verbose && i < done.n; i++) {
		const struct set_info *s = &done.v[i];

		if (s->state == SET_GONE)
			printf("uid %u vhost '%s': removed the record of a "
			       "dead holder\n", (unsigned)s->rec.uid,
			       s->rec.vhost);
		else
			printf("uid %u vhost '%s': expired after %s unused "
			       "(holder %d)\n", (unsigned)s->rec.uid,
			       s->rec.vhost, duration(idle, sizeof(idle),
						      now - s->used),
			       (int)s->rec.holder);
	}
	if (o->verbose && !conf->idle_timeout)
		printf("idleTimeout is not set: no set expires\n");
	set_list_free(&done);
}

/* ------------------------------------------------------------ removal --- */

/* A recorded set: under its lock, remove it and its directory, and tell
 * its holder to retire (or kill it, -k). */
static void
remove_recorded(struct um_opts *o, const char *pdir, const struct set_info *s)
{
	uid_t uid = s->rec.uid;
	const char *vh = s->rec.vhost;
	struct set_info d = { .state = SET_LIVE };
	struct store st;
	int r;

	if (store_open(pdir, uid, vh, false, &st, NULL) < 0)
		return;
	if (o->verbose)
		printf("uid %u vhost '%s': locking\n", (unsigned)uid, vh);
	r = store_lock(&st, o->timeout_ms);
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "unmount_ns: uid %u vhost '%s': lock busy for "
			"%u ms\n", (unsigned)uid, vh, o->timeout_ms);
		o->status = 1;
	} else if (r == 0 && record_read(&st, &d.rec) == 0 &&
		   store_remove_set(&st, pdir, uid, vh) == 0) {
		/* Detached: new launches build a new set from now on. */
		persist_retire(&d.rec, o->kill);
		add(&o->done, &d);
		if (o->verbose)
			printf("uid %u vhost '%s': removed instance %lu "
			       "(holder %d)\n", (unsigned)uid, vh,
			       d.rec.instance, (int)d.rec.holder);
	}
	store_close(&st);
}

/* A holder no record names: retired like a removed set's. */
static void
remove_unrecorded(struct um_opts *o, const struct set_info *s)
{
	if (s->state == SET_BUILDING) {
		if (o->verbose)
			printf("uid %u vhost '%s': holder %d is still "
			       "building; left alone\n", (unsigned)s->rec.uid,
			       s->rec.vhost, (int)s->rec.holder);
		return;
	}
	persist_retire(&s->rec, o->kill);
	add(&o->done, s);
	if (o->verbose)
		printf("uid %u vhost '%s': holder %d, which no record names: "
		       "%s\n", (unsigned)s->rec.uid, s->rec.vhost,
		       (int)s->rec.holder, o->kill ? "killed" :
		       "told to retire");
}

static void
remove_sets(struct um_opts *o, const char *pdir)
{
	uid_t uid = o->all ? (uid_t)-1 : target_uid(o);
	struct set_list l = { 0 };

	if (persist_read_sets(pdir, uid, o->vhost, &l) < 0)
		die("cannot read the sets: %s", strerror(errno));
	if (persist_find_holders(&l, uid, pdir) < 0)
		die("cannot read /proc: %s", strerror(errno));
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].state == SET_LIVE || l.v[i].state == SET_GONE)
			remove_recorded(o, pdir, &l.v[i]);
		else if (!o->vhost || !strcmp(o->vhost, l.v[i].rec.vhost))
			remove_unrecorded(o, &l.v[i]);
	}
	set_list_free(&l);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait (bounded) until @pid has exited. */
static void
wait_gone(pid_t pid, long long left_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pfd, .events = POLLIN };

	if (pfd < 0)
		return;
	poll(&p, 1, left_ms > 0 ? (int)left_ms : 0);
	close(pfd);
}

static void
report_busy(const struct set_info *s, const pid_t *pids, int n)
{
	printf("uid %u vhost '%s': detached; still used by %d process%s:",
	       (unsigned)s->rec.uid, s->rec.vhost, n, n == 1 ? "" : "es");
	for (int i = 0; i < n && i < MAX_PIDS; i++)
		printf(" %d", (int)pids[i]);
	printf("\n");
}

/* After removing: with -k, wait (bounded by -t) for the killed sets to be
 * gone; then report every set that still has processes, from one pass over
 * /proc for all of them. */
static void
finish(struct um_opts *o)
{
	long long deadline = now_ms() + o->timeout_ms;
	pid_t *pids = calloc((o->done.n + 1) * MAX_PIDS, sizeof(pid_t));
	int busy;

	if (!pids)
		die("out of memory");
	for (size_t i = 0; o->kill && i < o->done.n; i++)
		wait_gone(o->done.v[i].rec.holder, deadline - now_ms());
	for (;;) {
		struct timespec tick = { 0, 10000000 };

		busy = 0;
		if (persist_count(&o->done, pids, MAX_PIDS) < 0)
			die("cannot scan /proc");
		for (size_t i = 0; i < o->done.n; i++)
			busy += o->done.v[i].procs > 0;
		/* Killed processes take a moment to leave. */
		if (!busy || !o->kill || now_ms() >= deadline)
			break;
		nanosleep(&tick, NULL);
	}
	for (size_t i = 0; i < o->done.n; i++) {
		if (o->done.v[i].procs > 0)
			report_busy(&o->done.v[i], pids + i * MAX_PIDS,
				    o->done.v[i].procs);
	}
	if (busy && !o->status)
		o->status = EXIT_BUSY;
	free(pids);
}

/* The empty cgroups of the tenants whose sets were removed (of @one, and
 * with -a of every tenant nscell set one up for): their holders first get
 * a moment, bounded by -t and at most 2 s, to leave. */
static void
remove_cgroups(struct um_opts *o, const struct nscell_conf *conf, uid_t one)
{
	long long deadline = now_ms() + (o->timeout_ms < 2000 ?
					 o->timeout_ms : 2000);
	uid_t *uids = NULL;
	size_t n = 0;

	for (size_t i = 0; i < o->done.n; i++)
		wait_gone(o->done.v[i].rec.holder, deadline - now_ms());
	if (o->all && cg_tenants(conf->persist_dir, &uids, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n + o->done.n + 1; i++) {
		uid_t uid = i < n ? uids[i] : i < n + o->done.n ?
			o->done.v[i - n].rec.uid : one;
		struct cg_request rq = tenant_of(conf, uid);
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

int
main(int argc, char **argv)
{
	struct launch L = { 0 };
	struct um_opts o;

	if (argc < 1 || !argv[0])
		return EXIT_NSCELL;
	parse(argc, argv, &o);
	if (getuid() != 0 || geteuid() != 0)
		die("unmount_ns: only root may remove persisted sets");
	launch_load_config_lenient(&L);
	if (o.expire)
		expire(&o, &L.conf);
	if (o.list)
		list_sets(&o, &L.conf);
	if (o.all || o.user.given)
		remove_sets(&o, L.conf.persist_dir);
	finish(&o);
	if (o.all || o.user.given)
		remove_cgroups(&o, &L.conf, o.all ? (uid_t)-1 : target_uid(&o));
	set_list_free(&o.done);
	fflush(stdout);
	return o.status;
}
