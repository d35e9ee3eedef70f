/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/nscell/nscell.conf: pure parser (no system calls, no globals).
 *
 *   # comment
 *   allowCaller www-data @www-data     (users, and groups written @group)
 *   passEnv PHPRC LSAPI_*              (more of another caller's environment)
 *   minUid 1000
 *   maxUid 60000
 *   maxSetsPerUser 16
 *   idleTimeout 2h                     (retire sets unused that long)
 *   logFacility authpriv               (the launch log's syslog facility)
 *   launchLogRate 600                  (lines a minute and user; 0: none)
 *   namespace 2                        (0 not set, 1 off, 2 enabled)
 *   namespaceConf $SERVER_ROOT/conf/ns.conf
 *   serverRoot /usr/local/lsws
 *   persistDir /var/lsns
 *   seccomp default                    (default, off, or a FILE of changes)
 *   allowUserNamespaces 0              (1: tenants may create user ns)
 *   cgroups 2                          (0 not set, 1 off, 2 enabled)
 *   cgroupManager auto                 (auto, systemd or cgroupfs)
 *   cgroupRoot /nscell                 (cgroupfs: the tenants' parent)
 *   userConfDir /etc/nscell/users.d    (NAME.conf: one user's limits)
 *   memoryMax 512M                     (and the other limits: limits.c)
 *   vhost example.com {
 *       namespace 2
 *       seccomp off                    (both also per vhost)
 *       cgroups 2
 *       vhRoot /srv/example.com
 *       namespaceConfVhAdd $VH_ROOT/ns.conf
 *       owner alice                    (only alice's sandboxes use it)
 *   }
 */
#ifndef NSCELL_CONFIG_H
#define NSCELL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "template.h"	/* struct ns_err */

#define CONF_DEFAULT_MIN_UID	1000u
#define CONF_DEFAULT_MAX_UID	60000u	/* Debian's UID_MAX */
#define CONF_DEFAULT_MAX_SETS	16u
#define CONF_MAX_SETS_LIMIT	4096u
#define CONF_MAX_IDLE		(365u * 86400u)
#define CONF_DEFAULT_LOG_RATE	600u
#define CONF_MAX_LOG_RATE	1000000u
#define CONF_DEFAULT_PERSIST	"/var/lsns"
#define CONF_MAX_VHOSTS		4096
#define CONF_MAX_CALLERS	256
#define CONF_MAX_PASS_ENV	256
#define CONF_MAX_ENV_NAME	255
#define CONF_MAX_FILE		(1024 * 1024)
#define CONF_DEFAULT_CG_ROOT	"/nscell"
#define CONF_MAX_ENTRY		4096u	/* maxEntryProcesses */
#define CONF_DEFAULT_ENTRY_WAIT	10u	/* maxEntryProcessesWait, seconds */

enum conf_ns {
	CONF_NS_UNSET = 0,	/* server: disabled ("not set"); vhost: inherit */
	CONF_NS_OFF = 1,
	CONF_NS_ON = 2,
};

/* seccomp: the filter of the sandboxed command (parser/scpolicy.h). */
enum conf_sc {
	CONF_SC_UNSET = 0,	/* vhost: inherit; server: default */
	CONF_SC_DEFAULT,
	CONF_SC_OFF,
	CONF_SC_FILE,		/* the default list changed by a FILE */
};

/* A 0|1 setting that a vhost may leave to the server level. */
enum conf_flag {
	CONF_FLAG_UNSET = 0,
	CONF_FLAG_NO,
	CONF_FLAG_YES,
};

/* cgroupManager: who makes the tenants' cgroups (launcher/cgroups). */
enum conf_cgm {
	CONF_CGM_AUTO = 0,	/* systemd when it is PID 1, else cgroupfs */
	CONF_CGM_SYSTEMD,
	CONF_CGM_CGROUPFS,
};

/* The limit keys, valid at the server level (the defaults) and in a
 * user's file (overrides, key by key).  Units: limits.c. */
enum conf_limit {
	CONF_L_CPU,		/* cpu: percent of one CPU */
	CONF_L_CPU_WEIGHT,	/* cpuWeight: 1..10000 */
	CONF_L_MEMORY_MAX,	/* memoryMax: bytes */
	CONF_L_MEMORY_HIGH,	/* memoryHigh: bytes */
	CONF_L_SWAP_MAX,	/* swapMax: bytes */
	CONF_L_TASKS_MAX,	/* tasksMax */
	CONF_L_IO_READ_BPS,	/* ioReadBandwidthMax [DEVICE] bytes/s */
	CONF_L_IO_WRITE_BPS,	/* ioWriteBandwidthMax [DEVICE] bytes/s */
	CONF_L_IO_READ_IOPS,	/* ioReadIOPSMax [DEVICE] N */
	CONF_L_IO_WRITE_IOPS,	/* ioWriteIOPSMax [DEVICE] N */
	CONF_L_ENTRY,		/* maxEntryProcesses: concurrent launches */
	CONF_L_ENTRY_WAIT,	/* maxEntryProcessesWait: seconds */
	CONF_L_CPU_SOFT,	/* CPUSoftLimit: RLIMIT_CPU soft, seconds */
	CONF_L_CPU_HARD,	/* CPUHardLimit */
	CONF_L_MEM_SOFT,	/* memSoftLimit: RLIMIT_AS soft, bytes */
	CONF_L_MEM_HARD,	/* memHardLimit */
	CONF_L_PROC_SOFT,	/* procSoftLimit: RLIMIT_NPROC soft */
	CONF_L_PROC_HARD,	/* procHardLimit */
	CONF_L_COUNT,
};
#define CONF_L_IO_FIRST		CONF_L_IO_READ_BPS
#define CONF_L_IO_COUNT		4
#define CONF_LIMIT_INF		UINT64_MAX	/* "infinity" */

struct conf_limits {
	uint32_t set;			/* 1u << key: written somewhere */
	uint64_t v[CONF_L_COUNT];	/* the value, or CONF_LIMIT_INF */
	char *io_dev[CONF_L_IO_COUNT];	/* the device an io key names; NULL:
					 * the one holding the user's home */
	struct tmpl_pos pos[CONF_L_COUNT];	/* where it was written */
};

struct conf_vhost {
	char *name;
	enum conf_ns ns;	/* CONF_NS_UNSET when not written */
	enum conf_sc seccomp;	/* CONF_SC_UNSET when not written */
	char *seccomp_file;	/* CONF_SC_FILE: as written */
	struct tmpl_pos seccomp_pos;	/* the seccomp line */
	enum conf_flag allow_userns;	/* allowUserNamespaces */
	enum conf_ns cg;	/* cgroups; CONF_NS_UNSET when not written */
	char *vh_root;		/* NULL when not written */
	char *conf_vh_add;	/* NULL when not written */
	char *owner;		/* a user name or uid; NULL: anybody */
	struct tmpl_pos pos;	/* the "vhost" line */
};

struct nscell_conf {
	char **allow_users;	/* allowCaller names without '@' */
	size_t n_allow_users;
	char **allow_groups;	/* allowCaller names given as @group */
	size_t n_allow_groups;
	char **pass_env;	/* passEnv: NAME or PREFIX* (launcher/env.h) */
	size_t n_pass_env;
	uint32_t min_uid;	/* default CONF_DEFAULT_MIN_UID; 0 is never a
				 * target whatever this says */
	uint32_t max_uid;	/* default CONF_DEFAULT_MAX_UID; root is exempt
				 * (see launcher/gate.c) */
	uint32_t max_sets;	/* persisted sets per uid, at most */
	uint32_t idle_timeout;	/* seconds a set may stay unused; 0 never */
	int log_facility;	/* syslog facility (LOG_AUTHPRIV...) */
	uint32_t launch_log_rate;	/* lines a minute and user; 0: off */
	enum conf_ns ns;	/* server level; CONF_NS_ON when not written */
	char *namespace_conf;	/* NULL: built-in default template */
	char *server_root;	/* NULL when not written */
	char *persist_dir;	/* CONF_DEFAULT_PERSIST when not written */
	enum conf_sc seccomp;	/* CONF_SC_UNSET: the default list */
	char *seccomp_file;	/* CONF_SC_FILE: as written */
	enum conf_flag allow_userns;	/* UNSET: no */
	struct tmpl_pos seccomp_pos;	/* the seccomp line */
	enum conf_ns cg;	/* cgroups at the server level; CONF_NS_UNSET
				 * (off) when not written */
	enum conf_cgm cg_manager;
	char *cg_root;		/* cgroupRoot: CONF_DEFAULT_CG_ROOT */
	char *user_dir;		/* userConfDir; NULL: the launcher's default */
	struct conf_limits limits;	/* the server level's */
	struct conf_vhost *vhosts;
	size_t n_vhosts;
};

/* Set the defaults (what a missing file means). */
int conf_init(struct nscell_conf *c);
void conf_free(struct nscell_conf *c);

/* Parse a whole file held in memory over the defaults already in @c.
 * Errors: unknown key, missing or extra value, bad number, namespace not
 * 0/1/2, vhost name refused by conf_vhost_name_ok(), passEnv name refused
 * by conf_env_name_ok(),
 * duplicate vhost, unbalanced braces, vhost-only key outside a block or
 * server-only key inside one, NUL byte, over-long line, relative paths
 * (other than a leading $SERVER_ROOT / $VH_ROOT where allowed). */
int conf_parse_buf(struct nscell_conf *c, const char *file, const char *buf,
		   size_t len, struct ns_err *err);

/* The same, going on past the lines in error: for unmount_ns, which must
 * still find persistDir in a configuration with a typo elsewhere.  What
 * a line in error sets, if anything, is unspecified.  Returns how many
 * errors there were; the first is in @first. */
int conf_parse_lenient(struct nscell_conf *c, const char *file,
		       const char *buf, size_t len, struct ns_err *first);

/* A user's file (userConfDir/NAME.conf): limit keys only, each replacing
 * the value in @l, which holds the server level's (conf_limits_copy).
 * The same lexical rules and errors as conf_parse_buf; a soft rlimit
 * above its hard one, after the merge, is an error at the line that made
 * it so. */
int conf_parse_user(struct conf_limits *l, const char *file, const char *buf,
		    size_t len, struct ns_err *err);

/* The vhost block named @name, or NULL. */
const struct conf_vhost *conf_vhost(const struct nscell_conf *c,
				    const char *name);

/* Effective setting for (@c, @vhost NULL or a name), as the spec's "Vhosts"
 * section says: vhost 1 is off; vhost 2 is on unless the server level is
 * 1; vhost 0 (or no block) inherits the server level, where 0 (not set)
 * means disabled.  Returns true when namespaces are enabled. */
bool conf_ns_enabled(const struct nscell_conf *c, const char *vhost);

/* The seccomp setting for @vhost (NULL: the server level): the vhost
 * block's if it has one, else the server's, else CONF_SC_DEFAULT.  For
 * CONF_SC_FILE, *@file is the path as written (conf_expand_path() it with
 * *@vh's vh_root when *@vh is not NULL) and *@pos where it was set. */
enum conf_sc conf_seccomp(const struct nscell_conf *c, const char *vhost,
			  const char **file, const struct conf_vhost **vh,
			  const struct tmpl_pos **pos);

/* allowUserNamespaces for @vhost (NULL: the server level): the vhost's if
 * written, else the server's, else false. */
bool conf_userns_allowed(const struct nscell_conf *c, const char *vhost);

/* Whether cgroups are enabled for (@c, @vhost): the same rules as
 * conf_ns_enabled, over the cgroups keys (not written: off). */
bool conf_cg_enabled(const struct nscell_conf *c, const char *vhost);

/* ---- limits (limits.c) ---- */

/* The key's name in the configuration ("memoryMax"). */
const char *conf_limit_name(enum conf_limit k);

/* The key named @s (@len bytes), or -1. */
int conf_limit_key(const char *s, size_t len);

/* Parse the value of key @k: 0 and *@out, or -EINVAL with the reason in
 * @why ("bad size '12X' for memoryMax (...)").  Units: sizes are bytes
 * with an optional K, M, G or T suffix (powers of 1024); cpu is a
 * percentage ("50%"); the rest are plain numbers; "infinity" where the
 * key has no limit to fall back to. */
int conf_limit_parse(enum conf_limit k, const char *s, size_t len,
		     uint64_t *out, char *why, size_t whylen);

/* Is @k written with a finite value?  (*@v gets it.) */
bool conf_limit_get(const struct conf_limits *l, enum conf_limit k,
		    uint64_t *v);

/* Does @l set any limit that only a cgroup can enforce? */
bool conf_limits_need_cgroup(const struct conf_limits *l);

/* A deep copy (the io devices); 0 or -ENOMEM. */
int conf_limits_copy(struct conf_limits *dst, const struct conf_limits *src);
void conf_limits_free(struct conf_limits *l);

/* Format @v of key @k as it would be written ("512M", "50%", "10"). */
void conf_limit_format(enum conf_limit k, uint64_t v, char *buf, size_t len);

/* Expand a leading $SERVER_ROOT or (when @vh_root is not NULL) $VH_ROOT in
 * a template path named by the config, into a new string (malloc); NULL
 * with @err filled when the symbol is unset or the result is not absolute.
 * Symbols elsewhere than at the start are errors. */
char *conf_expand_path(const char *path, const char *server_root,
		       const char *vh_root, const struct tmpl_pos *pos,
		       struct ns_err *err);

/* True if @name is a valid vhost name: one path component of
 * [A-Za-z0-9._-], 1..255 bytes, not "." or "..", not starting with '-',
 * and none of the names the persist store uses for its own files
 * ("lock", "record", "record.new", "used", "filter", "filter.new"). */
bool conf_vhost_name_ok(const char *name);

/* True if @pat is a valid passEnv entry: a variable name of the portable
 * set ([A-Za-z_][A-Za-z0-9_]*, 1..CONF_MAX_ENV_NAME bytes: no '=', nothing
 * a shell or env(1) would not take), optionally followed by one '*' that
 * makes it a prefix. */
bool conf_env_name_ok(const char *pat);

#endif
