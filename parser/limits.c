// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The resource limits of nscell.conf and of the per-user files: their
 * names, units and ranges, as LiteSpeed's and systemd's admins write
 * them.  Pure: no system calls, no globals.
 *
 *   size      bytes, with an optional K, M, G or T suffix (powers of 1024,
 *             as systemd's MemoryMax=): 512M, 2G, 1048576
 *   percent   of one CPU, as systemd's CPUQuota=: 50%, 200% (two CPUs)
 *   count     a plain decimal number
 *   seconds   a plain decimal number of seconds
 *
 * "infinity" (no limit) is accepted where a key can have none; in a
 * user's file it lifts the server level's default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum unit { U_SIZE, U_PERCENT, U_COUNT, U_SECONDS };

#define SIZE_MAX_BYTES	(1ull << 60)	/* far above any machine */
#define PID_MAX_LIMIT	4194304ull	/* the kernel's bound on tasks */
#define RLIM_MAX_SECS	(1ull << 40)

static const struct limit_def {
	const char *name;
	enum unit unit;
	uint64_t min, max;	/* finite values */
	int inf;		/* "infinity" accepted */
} defs[CONF_L_COUNT] = {
	[CONF_L_CPU] = { "cpu", U_PERCENT, 1, 100000, 1 },
	[CONF_L_CPU_WEIGHT] = { "cpuWeight", U_COUNT, 1, 10000, 0 },
	[CONF_L_MEMORY_MAX] = { "memoryMax", U_SIZE, 1, SIZE_MAX_BYTES, 1 },
	[CONF_L_MEMORY_HIGH] = { "memoryHigh", U_SIZE, 1, SIZE_MAX_BYTES, 1 },
	[CONF_L_SWAP_MAX] = { "swapMax", U_SIZE, 0, SIZE_MAX_BYTES, 1 },
	[CONF_L_TASKS_MAX] = { "tasksMax", U_COUNT, 1, PID_MAX_LIMIT, 1 },
	[CONF_L_IO_READ_BPS] = { "ioReadBandwidthMax", U_SIZE, 1,
				 SIZE_MAX_BYTES, 1 },
	[CONF_L_IO_WRITE_BPS] = { "ioWriteBandwidthMax", U_SIZE, 1,
				  SIZE_MAX_BYTES, 1 },
	[CONF_L_IO_READ_IOPS] = { "ioReadIOPSMax", U_COUNT, 1,
				  SIZE_MAX_BYTES, 1 },
	[CONF_L_IO_WRITE_IOPS] = { "ioWriteIOPSMax", U_COUNT, 1,
				   SIZE_MAX_BYTES, 1 },
	[CONF_L_ENTRY] = { "maxEntryProcesses", U_COUNT, 1, CONF_MAX_ENTRY,
			   1 },
	[CONF_L_ENTRY_WAIT] = { "maxEntryProcessesWait", U_SECONDS, 0, 3600,
				0 },
	[CONF_L_CPU_SOFT] = { "CPUSoftLimit", U_SECONDS, 1, RLIM_MAX_SECS, 1 },
	[CONF_L_CPU_HARD] = { "CPUHardLimit", U_SECONDS, 1, RLIM_MAX_SECS, 1 },
	[CONF_L_MEM_SOFT] = { "memSoftLimit", U_SIZE, 1, SIZE_MAX_BYTES, 1 },
	[CONF_L_MEM_HARD] = { "memHardLimit", U_SIZE, 1, SIZE_MAX_BYTES, 1 },
	[CONF_L_PROC_SOFT] = { "procSoftLimit", U_COUNT, 1, PID_MAX_LIMIT, 1 },
	[CONF_L_PROC_HARD] = { "procHardLimit", U_COUNT, 1, PID_MAX_LIMIT, 1 },
};

const char *
conf_limit_name(enum conf_limit k)
{
	return (unsigned)k < CONF_L_COUNT ? defs[k].name : "?";
}

int
conf_limit_key(const char *s, size_t len)
{
	for (int k = 0; k < CONF_L_COUNT; k++)
		if (strlen(defs[k].name) == len && !memcmp(defs[k].name, s, len))
			return k;
	return -1;
}

/* Decimal digits, no sign, no leading zero (but "0"), no overflow. */
static int
digits(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
parse_size(const char *s, size_t len, uint64_t *out)
{
	static const char suffix[] = "KMGT";
	const char *p = len ? memchr(suffix, s[len - 1], 4) : NULL;
	unsigned shift = p ? 10u * (unsigned)(p - suffix + 1) : 0;
	uint64_t v;

	if (p)
		len--;
	if (digits(s, len, &v) < 0 || v > (SIZE_MAX_BYTES >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static int
parse_value(enum unit u, const char *s, size_t len, uint64_t *out)
{
	switch (u) {
	case U_SIZE:
		return parse_size(s, len, out);
	case U_PERCENT:
		if (len < 2 || s[len - 1] != '%')
			return -EINVAL;
		return digits(s, len - 1, out);
	case U_COUNT:
	case U_SECONDS:
		return digits(s, len, out);
	default:
		return -EINVAL;
	}
}

static const char *const unit_noun[] = {
	[U_SIZE] = "size", [U_PERCENT] = "percentage", [U_COUNT] = "number",
	[U_SECONDS] = "number of seconds",
};

/* What the key takes, for its error message. */
static void
hint(const struct limit_def *d, char *buf, size_t len)
{
	char lo[32], hi[32];

	conf_limit_format((enum conf_limit)(d - defs), d->min, lo, sizeof(lo));
	conf_limit_format((enum conf_limit)(d - defs), d->max, hi, sizeof(hi));
	if (d->unit == U_SIZE)
		snprintf(buf, len, "bytes with an optional K, M, G or T "
			 "suffix, %s to %s%s", lo, hi,
			 d->inf ? ", or infinity" : "");
	else
		snprintf(buf, len, "%s to %s%s", lo, hi,
			 d->inf ? ", or infinity" : "");
}

int
conf_limit_parse(enum conf_limit k, const char *s, size_t len,
		 uint64_t *out, char *why, size_t whylen)
{
	const struct limit_def *d;
	char h[128];
	uint64_t v = 0;

	if ((unsigned)k >= CONF_L_COUNT) {
		snprintf(why, whylen, "no such limit");
		return -EINVAL;
	}
	d = &defs[k];
	if (d->inf && len == 8 && !memcmp(s, "infinity", 8)) {
		*out = CONF_LIMIT_INF;
		return 0;
	}
	if (parse_value(d->unit, s, len, &v) == 0 && v >= d->min &&
	    v <= d->max) {
		*out = v;
		return 0;
	}
	hint(d, h, sizeof(h));
	snprintf(why, whylen, "bad %s '%.*s' for %s (%s)", unit_noun[d->unit],
		 (int)(len > 64 ? 64 : len), s, d->name, h);
	return -EINVAL;
}

void
conf_limit_format(enum conf_limit k, uint64_t v, char *buf, size_t len)
{
	static const char suffix[] = "KMGT";
	enum unit u = (unsigned)k < CONF_L_COUNT ? defs[k].unit : U_COUNT;
	int i = -1;

	if (v == CONF_LIMIT_INF) {
		snprintf(buf, len, "infinity");
		return;
	}
	if (u == U_PERCENT) {
		snprintf(buf, len, "%llu%%", (unsigned long long)v);
		return;
	}
	/* The largest suffix that keeps the number whole. */
	while (u == U_SIZE && v && i < 3 && !(v & 1023)) {
		v >>= 10;
		i++;
	}
	if (i >= 0)
		snprintf(buf, len, "%llu%c", (unsigned long long)v, suffix[i]);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

bool
conf_limit_get(const struct conf_limits *l, enum conf_limit k, uint64_t *v)
{
	if ((unsigned)k >= CONF_L_COUNT || !(l->set & (1u << k)) ||
	    l->v[k] == CONF_LIMIT_INF)
		return false;
	if (v)
		*v = l->v[k];
	return true;
}

bool
conf_limits_need_cgroup(const struct conf_limits *l)
{
	for (int k = CONF_L_CPU; k <= CONF_L_IO_WRITE_IOPS; k++)
		if (conf_limit_get(l, (enum conf_limit)k, NULL))
			return true;
	return false;
}

int
conf_limits_copy(struct conf_limits *dst, const struct conf_limits *src)
{
	*dst = *src;
	for (int i = 0; i < CONF_L_IO_COUNT; i++) {
		dst->io_dev[i] = NULL;
		if (src->io_dev[i] && !(dst->io_dev[i] = strdup(src->io_dev[i]))) {
			conf_limits_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

void
conf_limits_free(struct conf_limits *l)
{
	for (int i = 0; i < CONF_L_IO_COUNT; i++) {
		free(l->io_dev[i]);
		l->io_dev[i] = NULL;
	}
}
