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
 *   vhost example.com {
 *       namespace 2
 *       seccomp off                    (both also per vhost)
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

struct conf_vhost {
	char *name;
	enum conf_ns ns;	/* CONF_NS_UNSET when not written */
	enum conf_sc seccomp;	/* CONF_SC_UNSET when not written */
	char *seccomp_file;	/* CONF_SC_FILE: as written */
	struct tmpl_pos seccomp_pos;	/* the seccomp line */
	enum conf_flag allow_userns;	/* allowUserNamespaces */
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
