// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the cgroups and limit keys of nscell.conf and of the
 * per-user files (parser/config.c, parser/limits.c). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define K 1024ull
#define M (1024ull * K)
#define G (1024ull * M)
#define T (1024ull * G)

static int
parse(struct nscell_conf *c, const char *text, struct ns_err *err)
{
	ck_assert_int_eq(conf_init(c), 0);
	return conf_parse_buf(c, "t.conf", text, strlen(text), err);
}

/* ---- every key, every unit: the value stored ---- */

static const struct val_case {
	const char *line;
	enum conf_limit key;
	uint64_t v;
} val_cases[] = {
	{ "cpu 50%", CONF_L_CPU, 50 },
	{ "cpu 1%", CONF_L_CPU, 1 },
	{ "cpu 250%", CONF_L_CPU, 250 },
	{ "cpu 100000%", CONF_L_CPU, 100000 },
	{ "cpu infinity", CONF_L_CPU, CONF_LIMIT_INF },
	{ "cpuWeight 1", CONF_L_CPU_WEIGHT, 1 },
	{ "cpuWeight 10000", CONF_L_CPU_WEIGHT, 10000 },
	{ "memoryMax 512M", CONF_L_MEMORY_MAX, 512 * M },
	{ "memoryMax 2G", CONF_L_MEMORY_MAX, 2 * G },
	{ "memoryMax 1T", CONF_L_MEMORY_MAX, T },
	{ "memoryMax 64K", CONF_L_MEMORY_MAX, 64 * K },
	{ "memoryMax 4096", CONF_L_MEMORY_MAX, 4096 },
	{ "memoryMax 1048576T", CONF_L_MEMORY_MAX, 1ull << 60 },
	{ "memoryMax infinity", CONF_L_MEMORY_MAX, CONF_LIMIT_INF },
	{ "memoryHigh 400M", CONF_L_MEMORY_HIGH, 400 * M },
	{ "swapMax 0", CONF_L_SWAP_MAX, 0 },
	{ "swapMax 1G", CONF_L_SWAP_MAX, G },
	{ "tasksMax 50", CONF_L_TASKS_MAX, 50 },
	{ "tasksMax 4194304", CONF_L_TASKS_MAX, 4194304 },
	{ "tasksMax infinity", CONF_L_TASKS_MAX, CONF_LIMIT_INF },
	{ "ioReadBandwidthMax 10M", CONF_L_IO_READ_BPS, 10 * M },
	{ "ioWriteBandwidthMax 5M", CONF_L_IO_WRITE_BPS, 5 * M },
	{ "ioReadIOPSMax 1000", CONF_L_IO_READ_IOPS, 1000 },
	{ "ioWriteIOPSMax 200", CONF_L_IO_WRITE_IOPS, 200 },
	{ "maxEntryProcesses 4", CONF_L_ENTRY, 4 },
	{ "maxEntryProcesses 4096", CONF_L_ENTRY, 4096 },
	{ "maxEntryProcesses infinity", CONF_L_ENTRY, CONF_LIMIT_INF },
	{ "maxEntryProcessesWait 0", CONF_L_ENTRY_WAIT, 0 },
	{ "maxEntryProcessesWait 3600", CONF_L_ENTRY_WAIT, 3600 },
	{ "CPUSoftLimit 10", CONF_L_CPU_SOFT, 10 },
	{ "CPUHardLimit 20", CONF_L_CPU_HARD, 20 },
	{ "memSoftLimit 450M", CONF_L_MEM_SOFT, 450 * M },
	{ "memHardLimit 500M", CONF_L_MEM_HARD, 500 * M },
	{ "procSoftLimit 400", CONF_L_PROC_SOFT, 400 },
	{ "procHardLimit 450", CONF_L_PROC_HARD, 450 },
	{ "procHardLimit \"450\"", CONF_L_PROC_HARD, 450 },
};

START_TEST(test_values)
{
	const struct val_case *t = &val_cases[_i];
	struct nscell_conf c;
	struct ns_err err;
	char buf[256];
	uint64_t v = 7;

	snprintf(buf, sizeof(buf), "# limits\n  %s   # comment\n", t->line);
	ck_assert_msg(parse(&c, buf, &err) == 0, "%s: %s", t->line, err.msg);
	ck_assert(c.limits.set == 1u << t->key);
	ck_assert_msg(c.limits.v[t->key] == t->v, "%s: %llu", t->line,
		      (unsigned long long)c.limits.v[t->key]);
	ck_assert_uint_eq(c.limits.pos[t->key].line, 2);
	ck_assert_uint_eq(c.limits.pos[t->key].col, 3);
	ck_assert_str_eq(c.limits.pos[t->key].file, "t.conf");
	ck_assert(conf_limit_get(&c.limits, t->key, &v) ==
		  (t->v != CONF_LIMIT_INF));
	if (t->v != CONF_LIMIT_INF)
		ck_assert(v == t->v);
	ck_assert(conf_limits_need_cgroup(&c.limits) ==
		  (t->key <= CONF_L_IO_WRITE_IOPS && t->v != CONF_LIMIT_INF));
	conf_free(&c);
}
END_TEST

/* ---- errors: every unit's and every key's, with line and column ---- */

static const struct err_case {
	const char *text;
	unsigned line, col;
	const char *msg;
} err_cases[] = {
	{ "cpu 50\n", 1, 5, "bad percentage '50' for cpu (1% to 100000%, "
	  "or infinity)" },
	{ "cpu 0%\n", 1, 5, "bad percentage '0%' for cpu" },
	{ "cpu 100001%\n", 1, 5, "bad percentage '100001%' for cpu" },
	{ "cpu %\n", 1, 5, "bad percentage '%' for cpu" },
	{ "cpu 5.5%\n", 1, 5, "bad percentage '5.5%' for cpu" },
	{ "cpu 05%\n", 1, 5, "bad percentage '05%' for cpu" },
	{ "cpuWeight 0\n", 1, 11, "bad number '0' for cpuWeight (1 to 10000)" },
	{ "cpuWeight 10001\n", 1, 11, "bad number '10001' for cpuWeight" },
	{ "cpuWeight infinity\n", 1, 11, "bad number 'infinity' for cpuWeight" },
	{ "memoryMax 12X\n", 1, 11, "bad size '12X' for memoryMax (bytes with "
	  "an optional K, M, G or T suffix, 1 to 1048576T, or infinity)" },
	{ "memoryMax 0\n", 1, 11, "bad size '0' for memoryMax" },
	{ "memoryMax M\n", 1, 11, "bad size 'M' for memoryMax" },
	{ "memoryMax 1m\n", 1, 11, "bad size '1m' for memoryMax" },
	{ "memoryMax -1\n", 1, 11, "bad size '-1' for memoryMax" },
	{ "memoryMax 1048577T\n", 1, 11, "bad size '1048577T' for memoryMax" },
	{ "memoryMax 99999999999999999999\n", 1, 11,
	  "bad size '99999999999999999999' for memoryMax" },
	{ "memoryMax 1.5G\n", 1, 11, "bad size '1.5G' for memoryMax" },
	{ "memoryMax Infinity\n", 1, 11, "bad size 'Infinity' for memoryMax" },
	{ "memoryMax ''\n", 1, 11, "bad size '' for memoryMax" },
	{ "memoryHigh 0\n", 1, 12, "bad size '0' for memoryHigh" },
	{ "swapMax x\n", 1, 9, "bad size 'x' for swapMax (bytes with an "
	  "optional K, M, G or T suffix, 0 to 1048576T, or infinity)" },
	{ "tasksMax 0\n", 1, 10, "bad number '0' for tasksMax (1 to 4194304, "
	  "or infinity)" },
	{ "tasksMax 50K\n", 1, 10, "bad number '50K' for tasksMax" },
	{ "ioReadBandwidthMax 0\n", 1, 20, "bad size '0' for "
	  "ioReadBandwidthMax" },
	{ "ioWriteBandwidthMax /dev/sda x\n", 1, 30, "bad size 'x' for "
	  "ioWriteBandwidthMax" },
	{ "ioReadIOPSMax 1K\n", 1, 15, "bad number '1K' for ioReadIOPSMax" },
	{ "ioWriteIOPSMax dev 5\n", 1, 16, "relative path 'dev'" },
	{ "ioWriteIOPSMax /dev/../etc 5\n", 1, 16,
	  "'..' in path '/dev/../etc'" },
	{ "ioWriteIOPSMax /dev/sda 5 6\n", 1, 27,
	  "too many values for ioWriteIOPSMax" },
	{ "ioReadIOPSMax\n", 1, 1, "missing value for ioReadIOPSMax" },
	{ "maxEntryProcesses 0\n", 1, 19, "bad number '0' for "
	  "maxEntryProcesses (1 to 4096, or infinity)" },
	{ "maxEntryProcesses 4097\n", 1, 19,
	  "bad number '4097' for maxEntryProcesses" },
	{ "maxEntryProcessesWait 3601\n", 1, 23, "bad number of seconds "
	  "'3601' for maxEntryProcessesWait (0 to 3600)" },
	{ "maxEntryProcessesWait infinity\n", 1, 23,
	  "bad number of seconds 'infinity'" },
	{ "CPUSoftLimit 10s\n", 1, 14, "bad number of seconds '10s' for "
	  "CPUSoftLimit (1 to 1099511627776, or infinity)" },
	{ "CPUHardLimit 0\n", 1, 14, "bad number of seconds '0' for "
	  "CPUHardLimit" },
	{ "memSoftLimit 1X\n", 1, 14, "bad size '1X' for memSoftLimit" },
	{ "memHardLimit 0\n", 1, 14, "bad size '0' for memHardLimit" },
	{ "procSoftLimit a\n", 1, 15, "bad number 'a' for procSoftLimit" },
	{ "procHardLimit 4194305\n", 1, 15,
	  "bad number '4194305' for procHardLimit" },
	{ "memoryMax\n", 1, 1, "missing value for memoryMax" },
	{ "memoryMax 1G 2G\n", 1, 14, "too many values for memoryMax" },
	{ "tasksMax 5\ntasksMax 6\n", 2, 1, "duplicate key 'tasksMax'" },
	{ "vhost a {\n memoryMax 1G\n}\n", 2, 2,
	  "'memoryMax' is not valid inside a vhost block" },
	{ "vhost a {\n cgroupManager systemd\n}\n", 2, 2,
	  "'cgroupManager' is not valid inside a vhost block" },
	{ "cgroups 3\n", 1, 9, "cgroups must be 0, 1 or 2" },
	{ "vhost a {\n cgroups on\n}\n", 2, 10, "cgroups must be 0, 1 or 2" },
	{ "cgroups 1\ncgroups 2\n", 2, 1, "duplicate key 'cgroups'" },
	{ "cgroupManager lxc\n", 1, 15,
	  "cgroupManager must be auto, systemd or cgroupfs" },
	{ "cgroupRoot nscell\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot /\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot /a/\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot /a//b\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot /a/../b\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot /a/./b\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot '/a b'\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "cgroupRoot /a:b\n", 1, 12, "cgroupRoot must be a cgroup path" },
	{ "userConfDir users.d\n", 1, 13, "relative path 'users.d'" },
	{ "userConfDir /etc/../x\n", 1, 13, "userConfDir must be a directory" },
	{ "userConfDir /\n", 1, 13, "userConfDir must be a directory" },
	/* a soft rlimit above its hard one: at the later line of the two */
	{ "CPUSoftLimit 20\nCPUHardLimit 10\n", 2, 1,
	  "CPUSoftLimit 20 is above CPUHardLimit 10" },
	{ "memHardLimit 1G\n\n  memSoftLimit 2G\n", 3, 3,
	  "memSoftLimit 2G is above memHardLimit 1G" },
	{ "procHardLimit 5\nprocSoftLimit infinity\n", 2, 1,
	  "procSoftLimit infinity is above procHardLimit 5" },
};

START_TEST(test_errors)
{
	const struct err_case *t = &err_cases[_i];
	struct nscell_conf c;
	struct ns_err err;
	int r = parse(&c, t->text, &err);

	ck_assert_msg(r == -EINVAL, "'%s': %d", t->text, r);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_ptr_nonnull(err.pos.file);
	ck_assert_str_eq(err.pos.file, "t.conf");
	ck_assert_msg(err.pos.line == t->line && err.pos.col == t->col,
		      "'%s': %u:%u, want %u:%u (%s)", t->text, err.pos.line,
		      err.pos.col, t->line, t->col, err.msg);
	ck_assert_msg(strncmp(err.msg, t->msg, strlen(t->msg)) == 0,
		      "'%s': got '%s', want '%s'", t->text, err.msg, t->msg);
	conf_free(&c);
}
END_TEST

/* ---- the cgroups keys ---- */

START_TEST(test_cgroup_keys)
{
	struct nscell_conf c;
	struct ns_err err;

	ck_assert_int_eq(parse(&c, "", &err), 0);
	ck_assert_int_eq(c.cg, CONF_NS_UNSET);
	ck_assert_int_eq(c.cg_manager, CONF_CGM_AUTO);
	ck_assert_str_eq(c.cg_root, CONF_DEFAULT_CG_ROOT);
	ck_assert_ptr_null(c.user_dir);
	ck_assert_uint_eq(c.limits.set, 0);
	ck_assert(c.limits.v[CONF_L_ENTRY_WAIT] == CONF_DEFAULT_ENTRY_WAIT);
	ck_assert(!conf_cg_enabled(&c, NULL));
	ck_assert(!conf_limits_need_cgroup(&c.limits));
	conf_free(&c);

	ck_assert_int_eq(parse(&c, "cgroups 2\ncgroupManager systemd\n"
			       "cgroupRoot /a/b-c.d_e\n"
			       "userConfDir /etc/nscell/./u//\n"
			       "vhost v {\n cgroups 1\n}\n", &err), 0);
	ck_assert_int_eq(c.cg, CONF_NS_ON);
	ck_assert_int_eq(c.cg_manager, CONF_CGM_SYSTEMD);
	ck_assert_str_eq(c.cg_root, "/a/b-c.d_e");
	ck_assert_str_eq(c.user_dir, "/etc/nscell/u");
	ck_assert_int_eq(conf_vhost(&c, "v")->cg, CONF_NS_OFF);
	ck_assert(conf_cg_enabled(&c, NULL));
	ck_assert(!conf_cg_enabled(&c, "v"));
	conf_free(&c);

	ck_assert_int_eq(parse(&c, "cgroupManager cgroupfs\n"
			       "cgroupManager auto\n", &err), -EINVAL);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, "cgroupManager auto\n", &err), 0);
	ck_assert_int_eq(c.cg_manager, CONF_CGM_AUTO);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, "cgroupManager cgroupfs\n", &err), 0);
	ck_assert_int_eq(c.cg_manager, CONF_CGM_CGROUPFS);
	conf_free(&c);
}
END_TEST

/* cgroups: the namespace key's semantics, not written meaning off. */
static const struct {
	const char *server, *vhost;
	bool on;
} cg_cases[] = {
	{ NULL, NULL, false }, { NULL, "0", false }, { NULL, "1", false },
	{ NULL, "2", true },   { "0", NULL, false }, { "0", "0", false },
	{ "0", "1", false },   { "0", "2", true },   { "1", NULL, false },
	{ "1", "0", false },   { "1", "1", false },  { "1", "2", false },
	{ "2", NULL, true },   { "2", "0", true },   { "2", "1", false },
	{ "2", "2", true },
};

START_TEST(test_cg_enabled)
{
	struct nscell_conf c;
	struct ns_err err;
	char buf[128] = "";

	if (cg_cases[_i].server)
		snprintf(buf, sizeof(buf), "cgroups %s\n", cg_cases[_i].server);
	if (cg_cases[_i].vhost)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "vhost v {\n cgroups %s\n}\n", cg_cases[_i].vhost);
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_msg(conf_cg_enabled(&c, "v") == cg_cases[_i].on,
		      "server %s vhost %s", cg_cases[_i].server,
		      cg_cases[_i].vhost);
	ck_assert(conf_cg_enabled(&c, "other") == conf_cg_enabled(&c, NULL));
	/* independent of namespace */
	ck_assert(conf_ns_enabled(&c, "v"));
	conf_free(&c);
	ck_assert(!conf_cg_enabled(NULL, NULL));
}
END_TEST

/* ---- io keys: the device is optional ---- */

START_TEST(test_io_devices)
{
	struct nscell_conf c;
	struct conf_limits copy;
	struct ns_err err;

	ck_assert_int_eq(parse(&c, "ioReadBandwidthMax /dev//sdb 10M\n"
			       "ioWriteBandwidthMax 1G\n"
			       "ioReadIOPSMax '/dev/disk/by-id/x y' 100\n"
			       "ioWriteIOPSMax /dev/nvme0n1 infinity\n", &err), 0);
	ck_assert_str_eq(c.limits.io_dev[0], "/dev/sdb");
	ck_assert_ptr_null(c.limits.io_dev[1]);
	ck_assert_str_eq(c.limits.io_dev[2], "/dev/disk/by-id/x y");
	ck_assert_str_eq(c.limits.io_dev[3], "/dev/nvme0n1");
	ck_assert(c.limits.v[CONF_L_IO_READ_BPS] == 10 * M);
	ck_assert(c.limits.v[CONF_L_IO_WRITE_BPS] == G);
	ck_assert(c.limits.v[CONF_L_IO_READ_IOPS] == 100);
	ck_assert(!conf_limit_get(&c.limits, CONF_L_IO_WRITE_IOPS, NULL));
	ck_assert_int_eq(conf_limits_copy(&copy, &c.limits), 0);
	ck_assert_ptr_ne(copy.io_dev[0], c.limits.io_dev[0]);
	ck_assert_str_eq(copy.io_dev[0], "/dev/sdb");
	ck_assert_ptr_null(copy.io_dev[1]);
	conf_free(&c);
	ck_assert_str_eq(copy.io_dev[2], "/dev/disk/by-id/x y");
	conf_limits_free(&copy);
	conf_limits_free(&copy);	/* idempotent */
	ck_assert_ptr_null(copy.io_dev[0]);
}
END_TEST

/* ---- a user's file over the server level's ---- */

static int
parse_user(struct nscell_conf *c, const char *server, const char *user,
	   struct conf_limits *l, struct ns_err *err)
{
	ck_assert_int_eq(parse(c, server, err), 0);
	ck_assert_int_eq(conf_limits_copy(l, &c->limits), 0);
	return conf_parse_user(l, "alice.conf", user, strlen(user), err);
}

START_TEST(test_user_file)
{
	struct nscell_conf c;
	struct conf_limits l;
	struct ns_err err;

	ck_assert_int_eq(parse_user(&c, "memoryMax 1G\ntasksMax 100\n"
				    "ioReadBandwidthMax /dev/sda 5M\n"
				    "CPUSoftLimit 10\nCPUHardLimit 20\n",
				    "# alice\nmemoryMax 2G\ntasksMax infinity\n"
				    "ioReadBandwidthMax 1M\nCPUHardLimit 30\n"
				    "maxEntryProcessesWait 3\n", &l, &err), 0);
	ck_assert(l.v[CONF_L_MEMORY_MAX] == 2 * G);
	ck_assert_str_eq(l.pos[CONF_L_MEMORY_MAX].file, "alice.conf");
	ck_assert_uint_eq(l.pos[CONF_L_MEMORY_MAX].line, 2);
	ck_assert(!conf_limit_get(&l, CONF_L_TASKS_MAX, NULL));
	ck_assert(l.v[CONF_L_IO_READ_BPS] == M);
	ck_assert_ptr_null(l.io_dev[0]);	/* replaced, device too */
	ck_assert(l.v[CONF_L_CPU_SOFT] == 10);	/* the server's */
	ck_assert_str_eq(l.pos[CONF_L_CPU_SOFT].file, "t.conf");
	ck_assert(l.v[CONF_L_CPU_HARD] == 30);
	ck_assert(l.v[CONF_L_ENTRY_WAIT] == 3);
	/* the server level's own limits are untouched */
	ck_assert(c.limits.v[CONF_L_MEMORY_MAX] == G);
	ck_assert_str_eq(c.limits.io_dev[0], "/dev/sda");
	conf_limits_free(&l);
	conf_free(&c);

	/* an empty user's file changes nothing */
	ck_assert_int_eq(parse_user(&c, "cpu 20%\n", "", &l, &err), 0);
	ck_assert(l.v[CONF_L_CPU] == 20);
	ck_assert_uint_eq(l.set, 1u << CONF_L_CPU);
	conf_limits_free(&l);
	conf_free(&c);
}
END_TEST

static const struct {
	const char *server, *user;
	unsigned line, col;
	const char *msg;
} user_err_cases[] = {
	{ "", "minUid 5\n", 1, 1,
	  "'minUid' is not valid in a user's file: only limits are" },
	{ "", "\ncgroups 2\n", 2, 1, "'cgroups' is not valid in a user's file" },
	{ "", "vhost a {\n}\n", 1, 1, "'vhost' is not valid in a user's file" },
	{ "", "}\n", 1, 1, "'}' without a vhost block" },
	{ "", "persistDir /x\n", 1, 1,
	  "'persistDir' is not valid in a user's file" },
	{ "", "memoryMax 1G\nmemoryMax 2G\n", 2, 1, "duplicate key 'memoryMax'" },
	{ "", "memoryMax 0\n", 1, 11, "bad size '0' for memoryMax" },
	{ "", "bogus 1\n", 1, 1, "unknown key 'bogus'" },
	{ "", "cpu 5%\x01\n", 1, 7, "control character 0x01" },
	/* the merged soft/hard pair: at the user's line */
	{ "CPUHardLimit 10\n", "# x\nCPUSoftLimit 20\n", 2, 1,
	  "CPUSoftLimit 20 is above CPUHardLimit 10" },
	{ "procSoftLimit 100\n", "procHardLimit 50\n", 1, 1,
	  "procSoftLimit 100 is above procHardLimit 50" },
};

START_TEST(test_user_errors)
{
	struct nscell_conf c;
	struct conf_limits l;
	struct ns_err err;
	int r = parse_user(&c, user_err_cases[_i].server,
			   user_err_cases[_i].user, &l, &err);

	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(err.pos.file, "alice.conf");
	ck_assert_msg(err.pos.line == user_err_cases[_i].line &&
		      err.pos.col == user_err_cases[_i].col,
		      "%u:%u (%s)", err.pos.line, err.pos.col, err.msg);
	ck_assert_msg(!strncmp(err.msg, user_err_cases[_i].msg,
			       strlen(user_err_cases[_i].msg)), "%s", err.msg);
	conf_limits_free(&l);
	conf_free(&c);
}
END_TEST

START_TEST(test_user_misc)
{
	struct conf_limits l;
	struct ns_err err;
	char big[64];

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(conf_parse_user(NULL, "f", "", 0, &err), -EINVAL);
	ck_assert_int_eq(conf_parse_user(&l, "f", NULL, 3, &err), -EINVAL);
	ck_assert_int_eq(conf_parse_user(&l, "f", big, CONF_MAX_FILE + 1,
					 &err), -EFBIG);
	ck_assert_int_eq(conf_parse_user(&l, "f", "tasksMax 9", 10, &err), 0);
	ck_assert(l.v[CONF_L_TASKS_MAX] == 9);
}
END_TEST

/* ---- names, parse and format directly ---- */

START_TEST(test_names_and_format)
{
	char buf[32], why[256];
	uint64_t v;

	for (int k = 0; k < CONF_L_COUNT; k++) {
		const char *n = conf_limit_name((enum conf_limit)k);

		ck_assert_int_eq(conf_limit_key(n, strlen(n)), k);
	}
	ck_assert_str_eq(conf_limit_name(CONF_L_COUNT), "?");
	ck_assert_int_eq(conf_limit_key("memorymax", 9), -1);
	ck_assert_int_eq(conf_limit_key("memoryMax", 8), -1);
	ck_assert_int_eq(conf_limit_parse(CONF_L_COUNT, "1", 1, &v, why,
					  sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "no such limit");

	conf_limit_format(CONF_L_MEMORY_MAX, 512 * M, buf, sizeof(buf));
	ck_assert_str_eq(buf, "512M");
	conf_limit_format(CONF_L_MEMORY_MAX, 3 * T, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3T");
	conf_limit_format(CONF_L_MEMORY_MAX, 4096 * T, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4096T");
	conf_limit_format(CONF_L_MEMORY_MAX, 1536 * K, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1536K");
	conf_limit_format(CONF_L_MEMORY_MAX, 1000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1000");
	conf_limit_format(CONF_L_SWAP_MAX, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
	conf_limit_format(CONF_L_CPU, 20, buf, sizeof(buf));
	ck_assert_str_eq(buf, "20%");
	conf_limit_format(CONF_L_TASKS_MAX, 2048, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2048");
	conf_limit_format(CONF_L_TASKS_MAX, CONF_LIMIT_INF, buf, sizeof(buf));
	ck_assert_str_eq(buf, "infinity");
	conf_limit_format(CONF_L_COUNT, 5, buf, sizeof(buf));
	ck_assert_str_eq(buf, "5");
	/* what format writes, parse reads back */
	ck_assert_int_eq(conf_limit_parse(CONF_L_MEMORY_MAX, "1536K", 5, &v,
					  why, sizeof(why)), 0);
	ck_assert(v == 1536 * K);
	ck_assert(!conf_limit_get(&(struct conf_limits){ 0 }, CONF_L_COUNT,
				  NULL));
}
END_TEST

static Suite *
limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("values");

	tcase_add_loop_test(tc, test_values, 0, ARRAY_LEN(val_cases));
	tcase_add_loop_test(tc, test_errors, 0, ARRAY_LEN(err_cases));
	tcase_add_test(tc, test_io_devices);
	tcase_add_test(tc, test_names_and_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("cgroups");
	tcase_add_test(tc, test_cgroup_keys);
	tcase_add_loop_test(tc, test_cg_enabled, 0, ARRAY_LEN(cg_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("user_file");
	tcase_add_test(tc, test_user_file);
	tcase_add_loop_test(tc, test_user_errors, 0,
			    ARRAY_LEN(user_err_cases));
	tcase_add_test(tc, test_user_misc);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(limits_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
