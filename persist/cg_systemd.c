// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The systemd manager: the tenant's cgroup is a transient scope,
 * nscell-UID.scope in user-UID.slice, made through systemd's D-Bus API
 * (StartTransientUnit, then SetUnitProperties when the limits change),
 * with Delegate=yes so that nscell may place later processes in it itself
 * (clone3), and the limits as unit properties: daemon-reload keeps them,
 * and systemctl status, systemd-cgtop and "systemctl set-property" work as
 * an admin expects.  systemd is never run as a program, and nothing is
 * written into its tree behind its back.
 *
 * libsystemd's sd-bus, loaded with dlopen() the first time a scope is
 * made or changed, never on a launch that only joins: linked, its seven
 * libraries (libsystemd, libgcrypt, liblzma, libzstd, liblz4, libcap,
 * libgpg-error) would be mapped and relocated by every launch of a
 * setuid binary that runs once per request.  A setuid process's dlopen
 * searches only the system's directories (no LD_LIBRARY_PATH); sd-bus
 * reads no environment here (the address is given, and secure_getenv()
 * is empty in a setuid process).  The bus is systemd's private socket,
 * /run/systemd/private (root only, no dbus-daemon needed), as systemctl
 * uses it as root.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "cg_int.h"
#include "sysutil.h"

#define SD_LIB		"libsystemd.so.0"
#define SD_BUS		"unix:path=/run/systemd/private"
#define SD_DEST		"org.freedesktop.systemd1"
#define SD_PATH		"/org/freedesktop/systemd1"
#define SD_MGR		"org.freedesktop.systemd1.Manager"
#define SD_TIMEOUT_US	10000000ull	/* every call, and the job's wait */

/* The functions used, typed by sd-bus.h. */
static struct {
	void *lib;
	__typeof__(sd_bus_new) *bus_new;
	__typeof__(sd_bus_set_address) *set_address;
	__typeof__(sd_bus_start) *start;
	__typeof__(sd_bus_flush_close_unref) *close_unref;
	__typeof__(sd_bus_message_new_method_call) *new_call;
	__typeof__(sd_bus_message_append) *append;
	__typeof__(sd_bus_message_open_container) *open;
	__typeof__(sd_bus_message_close_container) *close;
	__typeof__(sd_bus_message_unref) *msg_unref;
	__typeof__(sd_bus_message_read) *read;
	__typeof__(sd_bus_call) *call;
	__typeof__(sd_bus_call_method) *call_method;
	__typeof__(sd_bus_match_signal) *match_signal;
	__typeof__(sd_bus_slot_unref) *slot_unref;
	__typeof__(sd_bus_process) *process;
	__typeof__(sd_bus_wait) *wait;
	__typeof__(sd_bus_error_free) *error_free;
} sd;

static int
load(struct ns_err *err)
{
	static const struct dl_sym syms[] = {
#define SYM(f, s) { #s, offsetof(__typeof__(sd), f) }
		SYM(bus_new, sd_bus_new),
		SYM(set_address, sd_bus_set_address),
		SYM(start, sd_bus_start),
		SYM(close_unref, sd_bus_flush_close_unref),
		SYM(new_call, sd_bus_message_new_method_call),
		SYM(append, sd_bus_message_append),
		SYM(open, sd_bus_message_open_container),
		SYM(close, sd_bus_message_close_container),
		SYM(msg_unref, sd_bus_message_unref),
		SYM(read, sd_bus_message_read),
		SYM(call, sd_bus_call),
		SYM(call_method, sd_bus_call_method),
		SYM(match_signal, sd_bus_match_signal),
		SYM(slot_unref, sd_bus_slot_unref),
		SYM(process, sd_bus_process),
		SYM(wait, sd_bus_wait),
		SYM(error_free, sd_bus_error_free),
#undef SYM
	};

	return dl_bind(&sd.lib, SD_LIB, syms, sizeof(syms) / sizeof(*syms),
		       &sd, "cgroups: the systemd manager", err);
}

void
cgsd_names(uid_t uid, char *scope, size_t slen, char *slice, size_t sllen)
{
	snprintf(scope, slen, "nscell-%u.scope", (unsigned)uid);
	snprintf(slice, sllen, "user-%u.slice", (unsigned)uid);
}

static int
connect_bus(sd_bus **bus, struct ns_err *err)
{
	int r = load(err);

	if (r < 0)
		return r;
	r = sd.bus_new(bus);
	if (r >= 0)
		r = sd.set_address(*bus, SD_BUS);
	if (r >= 0)
		r = sd.start(*bus);
	if (r < 0) {
		*bus = sd.close_unref(*bus);
		return ns_err_set(err, NULL, -r, "cgroups: cannot connect to "
				  "systemd (%s): %s", SD_BUS + 10,
				  strerror(-r));
	}
	return 0;
}

/* One "(sv)" property of type t. */
static int
prop_u64(sd_bus_message *m, const char *name, uint64_t v)
{
	return sd.append(m, "(sv)", name, "t", v);
}

/* An io property: one (device, value) pair, or none (which resets it). */
static int
prop_io(sd_bus_message *m, const struct cg_plan *p, int i)
{
	static const char *const names[] = {
		"IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax",
		"IOWriteIOPSMax",
	};
	char dev[64];
	uint64_t v;

	if (!p->io[i] ||
	    !cg_lim(p, (enum conf_limit)(CONF_L_IO_FIRST + i), &v))
		return sd.append(m, "(sv)", names[i], "a(st)", 0);
	snprintf(dev, sizeof(dev), "/dev/block/%u:%u", major(p->io[i]),
		 minor(p->io[i]));
	return sd.append(m, "(sv)", names[i], "a(st)", 1, dev, v);
}

/* The limits, each of them: those not configured set to "none"
 * (UINT64_MAX), so that a key removed from the configuration is lifted. */
static int
limit_props(sd_bus_message *m, const struct cg_plan *p)
{
	uint64_t v;
	int r;

#define GET(k) (cg_lim(p, (k), &v) ? v : UINT64_MAX)
	r = prop_u64(m, "MemoryMax", GET(CONF_L_MEMORY_MAX));
	if (r >= 0)
		r = prop_u64(m, "MemoryHigh", GET(CONF_L_MEMORY_HIGH));
	if (r >= 0)
		r = prop_u64(m, "MemorySwapMax", GET(CONF_L_SWAP_MAX));
	if (r >= 0)
		r = prop_u64(m, "TasksMax", GET(CONF_L_TASKS_MAX));
	if (r >= 0)
		r = prop_u64(m, "CPUQuotaPerSecUSec",
			     cg_lim(p, CONF_L_CPU, &v) ? v * 10000 :
			     UINT64_MAX);
	if (r >= 0)
		r = prop_u64(m, "CPUWeight", GET(CONF_L_CPU_WEIGHT));
#undef GET
	for (int i = 0; r >= 0 && i < CONF_L_IO_COUNT; i++)
		r = prop_io(m, p, i);
	return r;
}

/* StartTransientUnit's properties: the scope's own, then the limits. */
static int
start_props(sd_bus_message *m, const struct cg_plan *p, pid_t seed)
{
	char scope[64], slice[64], desc[96];
	int r;

	cgsd_names(p->rq->uid, scope, sizeof(scope), slice, sizeof(slice));
	snprintf(desc, sizeof(desc), "nscell: the processes of uid %u",
		 (unsigned)p->rq->uid);
	r = sd.append(m, "ss", scope, "fail");
	if (r >= 0)
		r = sd.open(m, 'a', "(sv)");
	if (r >= 0)
		r = sd.append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s",
			      desc, "Slice", "s", slice, "Delegate", "b", 1,
			      "CollectMode", "s", "inactive-or-failed", "PIDs",
			      "au", 1, (uint32_t)seed);
	if (r >= 0)
		r = sd.append(m, "(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1,
			      "TasksAccounting", "b", 1, "CPUAccounting", "b",
			      1, "IOAccounting", "b", 1);
	if (r >= 0)
		r = limit_props(m, p);
	if (r >= 0)
		r = sd.close(m);
	if (r >= 0)
		r = sd.append(m, "a(sa(sv))", 0);
	return r;
}

/* The JobRemoved signals seen: the one for our job ends the wait. */
struct job_wait {
	char job[256];
	bool done;
	char result[32];
};

static int
on_job_removed(sd_bus_message *m, void *data, sd_bus_error *e)
{
	struct job_wait *w = data;
	const char *path = NULL, *unit = NULL, *result = NULL;
	uint32_t id;

	(void)e;
	if (sd.read(m, "uoss", &id, &path, &unit, &result) < 0 || !w->job[0])
		return 0;
	if (!strcmp(path, w->job)) {
		w->done = true;
		snprintf(w->result, sizeof(w->result), "%s", result);
	}
	return 0;
}

static int
bus_error(struct ns_err *err, const char *what, const sd_bus_error *e, int r)
{
	return ns_err_set(err, NULL, r < 0 ? -r : EIO, "cgroups: systemd "
			  "refused to %s: %s", what,
			  e && e->message ? e->message : strerror(-r));
}

/* Until JobRemoved names @w->job, at most SD_TIMEOUT_US. */
static int
wait_job(sd_bus *bus, struct job_wait *w)
{
	struct timespec t0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!w->done) {
		long left = (long)(SD_TIMEOUT_US / 1000) - ms_since(&t0);

		if (left <= 0)
			return -ETIMEDOUT;
		r = sd.process(bus, NULL);
		if (r < 0)
			return r;
		if (r == 0 && (r = sd.wait(bus, (uint64_t)left * 1000)) < 0)
			return r;
	}
	return strcmp(w->result, "done") ? -EIO : 0;
}

int
cgsd_start(const struct cg_plan *p, pid_t seed, struct ns_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_slot *slot = NULL;
	struct job_wait w = { .done = false };
	const char *job = NULL;
	sd_bus *bus = NULL;
	char what[96];
	int r = connect_bus(&bus, err);

	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "start nscell-%u.scope",
		 (unsigned)p->rq->uid);
	/* Signals before the call: the job may end before its reply is
	 * read.  (A direct connection gets every signal; Subscribe is for
	 * an older systemd.) */
	r = sd.match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MGR, "JobRemoved",
			    on_job_removed, &w);
	if (r >= 0)
		sd.call_method(bus, SD_DEST, SD_PATH, SD_MGR, "Subscribe", NULL,
			       NULL, NULL);
	if (r >= 0)
		r = sd.new_call(bus, &m, SD_DEST, SD_PATH, SD_MGR,
				"StartTransientUnit");
	if (r >= 0)
		r = start_props(m, p, seed);
	if (r >= 0)
		r = sd.call(bus, m, SD_TIMEOUT_US, &e, &reply);
	if (r >= 0)
		r = sd.read(reply, "o", &job);
	if (r >= 0) {
		snprintf(w.job, sizeof(w.job), "%s", job);
		r = wait_job(bus, &w);
		if (r == -EIO)
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 " (job %s)", w.result);
	}
	if (r < 0)
		r = bus_error(err, what, &e, r);
	sd.error_free(&e);
	sd.msg_unref(m);
	sd.msg_unref(reply);
	sd.slot_unref(slot);
	sd.close_unref(bus);
	return r;
}

int
cgsd_set_limits(const struct cg_plan *p, struct ns_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	char scope[64], slice[64];
	sd_bus *bus = NULL;
	int r = connect_bus(&bus, err);

	if (r < 0)
		return r;
	cgsd_names(p->rq->uid, scope, sizeof(scope), slice, sizeof(slice));
	r = sd.new_call(bus, &m, SD_DEST, SD_PATH, SD_MGR, "SetUnitProperties");
	if (r >= 0)
		r = sd.append(m, "sb", scope, 1);	/* runtime only */
	if (r >= 0)
		r = sd.open(m, 'a', "(sv)");
	if (r >= 0)
		r = limit_props(m, p);
	if (r >= 0)
		r = sd.close(m);
	if (r >= 0)
		r = sd.call(bus, m, SD_TIMEOUT_US, &e, &reply);
	if (r < 0)
		r = bus_error(err, "set the limits of the tenant's scope", &e,
			      r);
	sd.error_free(&e);
	sd.msg_unref(m);
	sd.msg_unref(reply);
	sd.close_unref(bus);
	return r;
}
