// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /etc/nscell/nscell.conf parser.  Pure: it works on a buffer the caller
 * read, keeps no state outside its arguments and makes no system call.
 *
 * Grammar (one setting per line):
 *   - tokens are separated by spaces or tabs; a token may be quoted with
 *     '"' or '\'' (no escapes) to hold blanks, and a closing quote must be
 *     followed by a separator or the end of the line;
 *   - an unquoted token starting with '#' starts a comment that runs to
 *     the end of the line; blank lines are skipped;
 *   - control characters other than tab (NUL, CR included) and lines over
 *     TMPL_MAX_LINE bytes are errors;
 *   - "vhost NAME {" opens a block on one line; "}" alone closes it.
 *
 * On error @c holds what was parsed so far and must still be released
 * with conf_free(); @err says where and why.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>	/* the LOG_ facility values only */

#include "config.h"
#include "input.h"

#define SHOW 200 /* at most this many bytes of a token in a message */
#define MAX_UID 4294967294u /* (uid_t)-1 is never a uid */

struct tok {
	const char *s; /* not NUL-terminated */
	size_t len;
	unsigned col; /* 1-based column of the token (its quote if any) */
	bool quoted;
};

struct cursor {
	const char *l;
	size_t len;
	size_t i;
};

struct pstate {
	struct nscell_conf *c;	/* NULL in a user's file */
	struct conf_limits *lim;	/* where limit keys go */
	struct ns_err *err;
	const char *file;
	unsigned line;
	bool in_vh;	  /* inside the block c->vhosts[n_vhosts - 1] */
	bool user_file;	  /* conf_parse_user: limit keys only */
	uint64_t seen;	  /* single-valued server keys already set */
	uint64_t vh_seen; /* same for the current vhost block */
	uint32_t lim_here; /* limit keys written in this file */
};

/* Why a template path (namespaceConf, namespaceConfVhAdd) is refused. */
enum tp_err {
	TP_OK,
	TP_UNKNOWN_SYM,
	TP_VH_HERE,
	TP_DOLLAR,
	TP_RELATIVE,
};

/* What set_path() accepts. */
enum path_kind {
	PATH_ABS,	  /* an absolute path */
	PATH_TMPL_SERVER, /* absolute or $SERVER_ROOT/... */
	PATH_TMPL_VH,	  /* absolute, $SERVER_ROOT/... or $VH_ROOT/... */
};

enum sym {
	SYM_NONE,
	SYM_SERVER,
	SYM_VH,
	SYM_BAD,
};

/* set_err(): ns_err_set() with a negative @code, returning it. */
#define set_err(err, pos, code, ...) \
	ns_err_set((err), (pos), -(code), __VA_ARGS__)

/* A syntax error (-EINVAL) at @line:@col of the file being parsed. */
static int __attribute__((format(printf, 4, 5)))
perr_at(struct pstate *ps, unsigned line, unsigned col, const char *fmt, ...)
{
	struct tmpl_pos pos = {ps->file, line, col};
	char msg[sizeof(ps->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ns_err_set(ps->err, &pos, EINVAL, "%s", msg);
}

#ifndef __clang_analyzer__
#define perr(ps, col, ...) perr_at((ps), (ps)->line, (col), __VA_ARGS__)
#else
/* scan-build false positives: the analyzer does not inline variadic
 * functions, so it follows perr_at()'s -EINVAL as if it could be >= 0 and
 * reports the unset token or path of a "successful" syntax error.  Spell
 * the constant out for it (analyzer builds only). */
#define perr(ps, col, ...) \
	(perr_at((ps), (ps)->line, (col), __VA_ARGS__), -EINVAL)
/* Likewise set_err(), which returns its @code, always negative. */
#undef set_err
#define set_err(err, pos, code, ...) \
	(ns_err_set((err), (pos), -(code), __VA_ARGS__), (code))
#endif
#define TOKF(t) (int)((t)->len > SHOW ? SHOW : (t)->len), (t)->s

static int
nomem(struct pstate *ps)
{
	return set_err(ps->err, NULL, -ENOMEM, "out of memory");
}

static bool
tok_is(const struct tok *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static char *
tok_dup(const struct tok *t)
{
	char *p = malloc(t->len + 1);

	if (p) {
		memcpy(p, t->s, t->len);
		p[t->len] = '\0';
	}
	return p;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int
quoted_tok(struct pstate *ps, struct cursor *cu, struct tok *t)
{
	char q = cu->l[cu->i++];

	t->s = cu->l + cu->i;
	while (cu->i < cu->len && cu->l[cu->i] != q)
		cu->i++;
	if (cu->i == cu->len)
		return perr(ps, t->col, "unterminated quote");
	t->len = (size_t)(cu->l + cu->i - t->s);
	t->quoted = true;
	cu->i++;
	if (cu->i < cu->len && !is_blank(cu->l[cu->i]))
		return perr(ps, (unsigned)cu->i + 1,
			    "text after closing quote");
	return 1;
}

/* 1: a token in @t; 0: end of line or comment; <0: error. */
static int
next_tok(struct pstate *ps, struct cursor *cu, struct tok *t)
{
	char ch;

	while (cu->i < cu->len && is_blank(cu->l[cu->i]))
		cu->i++;
	if (cu->i == cu->len || cu->l[cu->i] == '#') {
		cu->i = cu->len;
		return 0;
	}
	t->col = (unsigned)cu->i + 1;
	ch = cu->l[cu->i];
	if (ch == '"' || ch == '\'')
		return quoted_tok(ps, cu, t);
	t->s = cu->l + cu->i;
	t->quoted = false;
	while (cu->i < cu->len && !is_blank(cu->l[cu->i])) {
		ch = cu->l[cu->i];
		if (ch == '"' || ch == '\'')
			return perr(ps, (unsigned)cu->i + 1,
				    "quote inside a token");
		cu->i++;
	}
	t->len = (size_t)(cu->l + cu->i - t->s);
	return 1;
}

/* No further token on the line. */
static int
no_more(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok extra;
	int r = next_tok(ps, cu, &extra);

	if (r > 0)
		return perr(ps, extra.col, "too many values for %.*s",
			    TOKF(key));
	return r;
}

/* Exactly one value after @key. */
static int
one_value(struct pstate *ps, struct cursor *cu, const struct tok *key,
	  struct tok *val)
{
	int r = next_tok(ps, cu, val);

	if (r < 0)
		return r;
	if (r == 0)
		return perr(ps, key->col, "missing value for %.*s", TOKF(key));
	return no_more(ps, cu, key);
}

static size_t
min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

static enum sym
lead_sym(const char *s, size_t len, size_t *symlen)
{
	static const char *const names[] = {"$SERVER_ROOT", "$VH_ROOT"};
	size_t i, n;

	*symlen = 0;
	if (len == 0 || s[0] != '$')
		return SYM_NONE;
	for (i = 0; i < 2; i++) {
		n = strlen(names[i]);
		if (len >= n && memcmp(s, names[i], n) == 0 &&
		    (len == n || s[n] == '/')) {
			*symlen = n;
			return i == 0 ? SYM_SERVER : SYM_VH;
		}
	}
	return SYM_BAD;
}

/* Check a template path: absolute, or a leading symbol then "/..." */
static enum tp_err
tpath_check(const char *s, size_t len, bool allow_vh, enum sym *sym,
	    size_t *symlen)
{
	*sym = lead_sym(s, len, symlen);
	if (*sym == SYM_BAD)
		return TP_UNKNOWN_SYM;
	if (*sym == SYM_VH && !allow_vh)
		return TP_VH_HERE;
	if (memchr(s + *symlen, '$', len - *symlen))
		return TP_DOLLAR;
	if (*sym == SYM_NONE && (len == 0 || s[0] != '/'))
		return TP_RELATIVE;
	return TP_OK;
}

static int
tpath_err(struct ns_err *err, const struct tmpl_pos *pos, enum tp_err e,
	  const char *s, size_t len)
{
	int n = (int)min_sz(len, SHOW);

	switch (e) {
	case TP_UNKNOWN_SYM:
		return set_err(err, pos, -EINVAL, "unknown symbol in '%.*s'", n,
			       s);
	case TP_VH_HERE:
		return set_err(err, pos, -EINVAL,
			       "$VH_ROOT is not valid in namespaceConf");
	case TP_DOLLAR:
		return set_err(err, pos, -EINVAL,
			       "'$' is only allowed at the start of '%.*s'", n,
			       s);
	case TP_RELATIVE:
		return set_err(err, pos, -EINVAL, "relative path '%.*s'", n, s);
	case TP_OK:
	default:
		return 0;
	}
}

/* Replace *@dst with a copy of @t after checking it is a path. */
static int
set_path(struct pstate *ps, char **dst, const struct tok *t,
	 enum path_kind kind)
{
	struct tmpl_pos pos = {ps->file, ps->line, t->col};
	enum sym sym;
	size_t sl;
	enum tp_err e;
	char *p;

	if (kind != PATH_ABS) {
		e = tpath_check(t->s, t->len, kind == PATH_TMPL_VH, &sym, &sl);
		if (e != TP_OK)
			return tpath_err(ps->err, &pos, e, t->s, t->len);
	} else if (t->len == 0 || t->s[0] != '/') {
		return perr(ps, t->col, "relative path '%.*s'", TOKF(t));
	}
	p = tok_dup(t);
	if (!p)
		return nomem(ps);
	free(*dst);
	*dst = p;
	return 0;
}

static bool
name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* The names the persist store gives its own files beside the vhost
 * directories of a uid (persist/store.h). */
static const char *const store_names[] = { "lock", "record", "record.new",
					   "used", "filter", "filter.new" };

static bool
vhost_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 255 || s[0] == '-')
		return false;
	if ((len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < sizeof(store_names) / sizeof(*store_names); i++)
		if (strlen(store_names[i]) == len &&
		    !memcmp(store_names[i], s, len))
			return false;
	for (i = 0; i < len; i++)
		if (!name_char_ok(s[i]))
			return false;
	return true;
}

bool
conf_vhost_name_ok(const char *name)
{
	if (!name)
		return false;
	return vhost_name_ok(name, strnlen(name, 256));
}

/* [A-Za-z0-9._-]+ with an optional final '$', at most 255 bytes. */
static bool
caller_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len > 255)
		return false;
	if (len > 1 && s[len - 1] == '$')
		len--;
	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!name_char_ok(s[i]))
			return false;
	return true;
}

/* Decimal 0..MAX_UID, no sign, no leading zero. */
static bool
parse_uid(const struct tok *t, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (t->len == 0 || t->len > 10 || (t->len > 1 && t->s[0] == '0'))
		return false;
	for (i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (v > MAX_UID)
		return false;
	*out = (uint32_t)v;
	return true;
}

static struct conf_vhost *
cur_vh(struct pstate *ps)
{
	return &ps->c->vhosts[ps->c->n_vhosts - 1];
}

static int
do_min_uid(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (!parse_uid(&v, &ps->c->min_uid))
		return perr(ps, v.col, "bad number '%.*s'", TOKF(&v));
	return 0;
}

static int
do_max_uid(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (!parse_uid(&v, &ps->c->max_uid))
		return perr(ps, v.col, "bad number '%.*s'", TOKF(&v));
	return 0;
}

static int
do_max_sets(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	uint32_t n;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (!parse_uid(&v, &n) || n < 1 || n > CONF_MAX_SETS_LIMIT)
		return perr(ps, v.col, "maxSetsPerUser must be a number from "
			    "1 to %u", CONF_MAX_SETS_LIMIT);
	ps->c->max_sets = n;
	return 0;
}

/* idleTimeout N, or N followed by s, m, h or d: how long a persisted set
 * may stay unused before it is retired; 0 (the default) never. */
static int
do_idle(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	static const struct {
		char unit;
		uint32_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	struct tok v, num;
	uint32_t n, mul = 1;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	num = v;
	for (size_t i = 0; num.len > 1 && i < sizeof(units) / sizeof(*units);
	     i++) {
		if (num.s[num.len - 1] == units[i].unit) {
			mul = units[i].secs;
			num.len--;
			break;
		}
	}
	if (!parse_uid(&num, &n) || (uint64_t)n * mul > CONF_MAX_IDLE)
		return perr(ps, v.col, "idleTimeout must be a number of "
			    "seconds, or of minutes, hours or days followed "
			    "by m, h or d, at most 365 days");
	ps->c->idle_timeout = n * mul;
	return 0;
}

/* logFacility NAME: where the launch log goes (syslog facility). */
static int
do_facility(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	static const struct {
		const char *name;
		int facility;
	} names[] = {
		{ "authpriv", LOG_AUTHPRIV }, { "auth", LOG_AUTH },
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (tok_is(&v, names[i].name)) {
			ps->c->log_facility = names[i].facility;
			return 0;
		}
	}
	return perr(ps, v.col, "logFacility must be authpriv, auth, daemon, "
		    "user or local0 to local7");
}

/* launchLogRate N: launch log lines per minute and target user; 0: no
 * launch log. */
static int
do_log_rate(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	uint32_t n;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (!parse_uid(&v, &n) || n > CONF_MAX_LOG_RATE)
		return perr(ps, v.col, "launchLogRate must be a number from 0 "
			    "to %u", CONF_MAX_LOG_RATE);
	ps->c->launch_log_rate = n;
	return 0;
}

/* owner NAME|UID: the only user this vhost's sandboxes are for. */
static int
do_owner(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct user_arg u;
	struct tok v;
	char *p;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	p = tok_dup(&v);
	if (!p)
		return nomem(ps);
	if (input_user(p, &u)) {
		free(p);
		return perr(ps, v.col, "owner '%.*s' is not a user name or "
			    "uid", TOKF(&v));
	}
	free(cur_vh(ps)->owner);
	cur_vh(ps)->owner = p;
	return 0;
}

/* 0, 1 or 2 (not set, off, on), for namespace and cgroups. */
static int
tristate(struct pstate *ps, struct cursor *cu, const struct tok *key,
	 enum conf_ns *out)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (tok_is(&v, "0"))
		*out = CONF_NS_UNSET;
	else if (tok_is(&v, "1"))
		*out = CONF_NS_OFF;
	else if (tok_is(&v, "2"))
		*out = CONF_NS_ON;
	else
		return perr(ps, v.col, "%.*s must be 0, 1 or 2", TOKF(key));
	return 0;
}

static int
do_ns(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	return tristate(ps, cu, key, ps->in_vh ? &cur_vh(ps)->ns : &ps->c->ns);
}

static int
do_cgroups(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	return tristate(ps, cu, key, ps->in_vh ? &cur_vh(ps)->cg : &ps->c->cg);
}

static int
do_cg_manager(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (tok_is(&v, "auto"))
		ps->c->cg_manager = CONF_CGM_AUTO;
	else if (tok_is(&v, "systemd"))
		ps->c->cg_manager = CONF_CGM_SYSTEMD;
	else if (tok_is(&v, "cgroupfs"))
		ps->c->cg_manager = CONF_CGM_CGROUPFS;
	else
		return perr(ps, v.col, "cgroupManager must be auto, systemd or "
			    "cgroupfs");
	return 0;
}

/* cgroupRoot: a cgroup path as /proc/PID/cgroup shows them, below the
 * root: components of [A-Za-z0-9._-], none "." or "..". */
static int
do_cg_root(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v = { 0 };
	size_t i, start;
	char *p;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (v.len < 2 || v.s[0] != '/' || v.s[v.len - 1] == '/' ||
	    v.len > 1024)
		goto bad;
	for (i = 1, start = 1; i <= v.len; i++) {
		if (i < v.len && v.s[i] != '/') {
			if (!name_char_ok(v.s[i]))
				goto bad;
			continue;
		}
		if (i == start || (i - start == 1 && v.s[start] == '.') ||
		    (i - start == 2 && !memcmp(v.s + start, "..", 2)))
			goto bad;
		start = i + 1;
	}
	p = tok_dup(&v);
	if (!p)
		return nomem(ps);
	free(ps->c->cg_root);
	ps->c->cg_root = p;
	return 0;
bad:
	return perr(ps, v.col, "cgroupRoot must be a cgroup path below the "
		    "root, such as /nscell ([A-Za-z0-9._-] components, no . "
		    "or ..)");
}

static int
do_user_dir(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v = { 0 };
	char *p = NULL;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	r = set_path(ps, &p, &v, PATH_ABS);
	if (r < 0)
		return r;
	if (tmpl_path_normalise(p) < 0 || strcmp(p, "/") == 0) {
		free(p);
		return perr(ps, v.col, "userConfDir must be a directory "
			    "below /, with no '..'");
	}
	free(ps->c->user_dir);
	ps->c->user_dir = p;
	return 0;
}

/* An io key's device: an absolute path, normalised (no ".."). */
static int
io_device(struct pstate *ps, const struct tok *t, char **out)
{
	char *p = NULL;
	int r = set_path(ps, &p, t, PATH_ABS);

	if (r < 0)
		return r;
	if (tmpl_path_normalise(p) < 0) {
		free(p);
		return perr(ps, t->col, "'..' in path '%.*s'", TOKF(t));
	}
	*out = p;
	return 0;
}

/* A limit key: "KEY VALUE", or "KEY [DEVICE] VALUE" for the io keys. */
static int
do_limit(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	int k = conf_limit_key(key->s, key->len);
	struct conf_limits *l = ps->lim;
	struct tok a = { 0 }, b = { 0 };
	bool io = k >= CONF_L_IO_FIRST && k < CONF_L_IO_FIRST + CONF_L_IO_COUNT;
	char why[sizeof(ps->err->msg)], *dev = NULL;
	uint64_t v;
	int r = next_tok(ps, cu, &a);

	if (r == 0)
		return perr(ps, key->col, "missing value for %.*s", TOKF(key));
	if (r > 0 && io)
		r = next_tok(ps, cu, &b);
	if (r > 0 && b.s)
		r = no_more(ps, cu, key);
	else if (r >= 0)
		r = io ? 0 : no_more(ps, cu, key);
	if (r < 0)
		return r;
	if (b.s) {
		r = io_device(ps, &a, &dev);
		if (r < 0)
			return r;
		a = b;
	}
	if (conf_limit_parse((enum conf_limit)k, a.s, a.len, &v, why,
			     sizeof(why)) < 0) {
		free(dev);
		return perr(ps, a.col, "%s", why);
	}
	l->v[k] = v;
	l->set |= 1u << k;
	l->pos[k] = (struct tmpl_pos){ ps->file, ps->line, key->col };
	ps->lim_here |= 1u << k;
	if (io) {
		free(l->io_dev[k - CONF_L_IO_FIRST]);
		l->io_dev[k - CONF_L_IO_FIRST] = dev;
	}
	return 0;
}

/* A soft rlimit above its hard one, once this file's values are in: an
 * error at the line of this file that made it so. */
static int
check_rlimits(struct pstate *ps)
{
	static const enum conf_limit pairs[][2] = {
		{ CONF_L_CPU_SOFT, CONF_L_CPU_HARD },
		{ CONF_L_MEM_SOFT, CONF_L_MEM_HARD },
		{ CONF_L_PROC_SOFT, CONF_L_PROC_HARD },
	};
	const struct conf_limits *l = ps->lim;
	char sv[32], hv[32];

	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		enum conf_limit s = pairs[i][0], h = pairs[i][1], at;
		uint64_t hard;

		if (!(l->set & (1u << s)) || !conf_limit_get(l, h, &hard) ||
		    l->v[s] <= hard || !(ps->lim_here & (1u << s | 1u << h)))
			continue;
		/* This file's line of the two; the later if both are. */
		at = !(ps->lim_here & (1u << h)) ? s :
			!(ps->lim_here & (1u << s)) ? h :
			l->pos[s].line > l->pos[h].line ? s : h;
		conf_limit_format(s, l->v[s], sv, sizeof(sv));
		conf_limit_format(h, hard, hv, sizeof(hv));
		ps->line = l->pos[at].line;
		return perr(ps, l->pos[at].col, "%s %s is above %s %s",
			    conf_limit_name(s), sv, conf_limit_name(h), hv);
	}
	return 0;
}

static int
do_ns_conf(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	return set_path(ps, &ps->c->namespace_conf, &v, PATH_TMPL_SERVER);
}

static int
do_server_root(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	return r < 0 ? r : set_path(ps, &ps->c->server_root, &v, PATH_ABS);
}

static int
do_vh_root(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	return r < 0 ? r : set_path(ps, &cur_vh(ps)->vh_root, &v, PATH_ABS);
}

static int
do_vh_add(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	return set_path(ps, &cur_vh(ps)->conf_vh_add, &v, PATH_TMPL_VH);
}

static int
do_persist(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	/* Zeroed for gcc -O3, which cannot see that one_value() sets it
	 * whenever it returns 0 (-Wmaybe-uninitialized). */
	struct tok v = { 0 };
	char *p = NULL;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	r = set_path(ps, &p, &v, PATH_ABS);
	if (r < 0)
		return r;
	if (tmpl_path_normalise(p) < 0)	/* p is absolute */
		r = perr(ps, v.col, "'..' in path '%.*s'", TOKF(&v));
	else if (strcmp(p, "/") == 0)
		r = perr(ps, v.col, "persistDir must not be '/'");
	if (r < 0) {
		free(p);
		return r;
	}
	free(ps->c->persist_dir);
	ps->c->persist_dir = p;
	return 0;
}

/* seccomp default|off|FILE (an absolute path, or $SERVER_ROOT/... and,
 * in a vhost block, $VH_ROOT/..., as namespaceConf). */
static int
do_seccomp(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct conf_vhost *vh = ps->in_vh ? cur_vh(ps) : NULL;
	enum conf_sc *mode = vh ? &vh->seccomp : &ps->c->seccomp;
	char **file = vh ? &vh->seccomp_file : &ps->c->seccomp_file;
	struct tok v = { 0 };
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (!v.quoted && tok_is(&v, "default")) {
		*mode = CONF_SC_DEFAULT;
	} else if (!v.quoted && tok_is(&v, "off")) {
		*mode = CONF_SC_OFF;
	} else if (v.len && (v.s[0] == '/' || v.s[0] == '$')) {
		r = set_path(ps, file, &v, vh ? PATH_TMPL_VH :
			     PATH_TMPL_SERVER);
		if (r < 0)
			return r;
		*mode = CONF_SC_FILE;
	} else {
		return perr(ps, v.col, "seccomp must be default, off or an "
			    "absolute path");
	}
	*(vh ? &vh->seccomp_pos : &ps->c->seccomp_pos) =
		(struct tmpl_pos){ ps->file, ps->line, key->col };
	return 0;
}

static int
do_allow_userns(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok v = { 0 };
	enum conf_flag f;
	int r = one_value(ps, cu, key, &v);

	if (r < 0)
		return r;
	if (tok_is(&v, "0"))
		f = CONF_FLAG_NO;
	else if (tok_is(&v, "1"))
		f = CONF_FLAG_YES;
	else
		return perr(ps, v.col, "allowUserNamespaces must be 0 or 1");
	*(ps->in_vh ? &cur_vh(ps)->allow_userns : &ps->c->allow_userns) = f;
	return 0;
}

static int
add_caller(struct pstate *ps, const struct tok *t)
{
	struct nscell_conf *c = ps->c;
	bool grp = t->len > 0 && t->s[0] == '@';
	struct tok name = *t;
	char ***list = grp ? &c->allow_groups : &c->allow_users;
	size_t *n = grp ? &c->n_allow_groups : &c->n_allow_users;
	char **nl;
	size_t i;

	if (grp) {
		name.s++;
		name.len--;
	}
	if (!caller_name_ok(name.s, name.len))
		return perr(ps, t->col, "bad caller name '%.*s'", TOKF(t));
	for (i = 0; i < *n; i++)
		if (tok_is(&name, (*list)[i]))
			return 0; /* already allowed */
	if (c->n_allow_users + c->n_allow_groups >= CONF_MAX_CALLERS)
		return perr(ps, t->col, "more than %d allowCaller names",
			    CONF_MAX_CALLERS);
	nl = realloc(*list, (*n + 1) * sizeof(*nl));
	if (!nl)
		return nomem(ps);
	*list = nl;
	nl[*n] = tok_dup(&name);
	if (!nl[*n])
		return nomem(ps);
	(*n)++;
	return 0;
}

static int
do_allow(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok t;
	bool got = false;
	int r;

	while ((r = next_tok(ps, cu, &t)) > 0) {
		got = true;
		r = add_caller(ps, &t);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!got)
		return perr(ps, key->col, "missing value for %.*s", TOKF(key));
	return 0;
}

static bool
env_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len > 1 && s[len - 1] == '*')
		len--;	/* PREFIX*: a prefix family */
	if (len == 0 || len > CONF_MAX_ENV_NAME ||
	    (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

bool
conf_env_name_ok(const char *pat)
{
	if (!pat)
		return false;
	return env_name_ok(pat, strnlen(pat, CONF_MAX_ENV_NAME + 2));
}

static int
add_pass_env(struct pstate *ps, const struct tok *t)
{
	struct nscell_conf *c = ps->c;
	char **nl;
	size_t i;

	if (!env_name_ok(t->s, t->len))
		return perr(ps, t->col, "bad variable name '%.*s'", TOKF(t));
	for (i = 0; i < c->n_pass_env; i++)
		if (tok_is(t, c->pass_env[i]))
			return 0; /* already passed */
	if (c->n_pass_env >= CONF_MAX_PASS_ENV)
		return perr(ps, t->col, "more than %d passEnv names",
			    CONF_MAX_PASS_ENV);
	nl = realloc(c->pass_env, (c->n_pass_env + 1) * sizeof(*nl));
	if (!nl)
		return nomem(ps);
	c->pass_env = nl;
	nl[c->n_pass_env] = tok_dup(t);
	if (!nl[c->n_pass_env])
		return nomem(ps);
	c->n_pass_env++;
	return 0;
}

/* passEnv NAME|PREFIX* ...: more of another caller's environment for the
 * command (launcher/env.c). */
static int
do_pass_env(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct tok t;
	bool got = false;
	int r;

	while ((r = next_tok(ps, cu, &t)) > 0) {
		got = true;
		r = add_pass_env(ps, &t);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!got)
		return perr(ps, key->col, "missing value for %.*s", TOKF(key));
	return 0;
}

static int
vhost_header(struct pstate *ps, struct cursor *cu, const struct tok *key,
	     struct tok *name)
{
	struct tok brace;
	int r = next_tok(ps, cu, name);

	if (r < 0)
		return r;
	if (r == 0)
		return perr(ps, key->col, "missing value for vhost");
	r = next_tok(ps, cu, &brace);
	if (r < 0)
		return r;
	if (r == 0)
		return perr(ps, key->col, "missing '{' after vhost '%.*s'",
			    TOKF(name));
	if (brace.quoted || !tok_is(&brace, "{"))
		return perr(ps, brace.col, "expected '{', found '%.*s'",
			    TOKF(&brace));
	r = no_more(ps, cu, key);
	if (r < 0)
		return r;
	if (!vhost_name_ok(name->s, name->len))
		return perr(ps, name->col, "bad vhost name '%.*s'", TOKF(name));
	return 0;
}

static int
do_vhost(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	struct nscell_conf *c = ps->c;
	struct conf_vhost *v;
	struct tok name;
	size_t i;
	int r;

	if (ps->in_vh)
		return perr(ps, key->col, "nested vhost block");
	r = vhost_header(ps, cu, key, &name);
	if (r < 0)
		return r;
	for (i = 0; i < c->n_vhosts; i++)
		if (tok_is(&name, c->vhosts[i].name))
			return perr(ps, name.col, "duplicate vhost '%.*s'",
				    TOKF(&name));
	if (c->n_vhosts >= CONF_MAX_VHOSTS)
		return perr(ps, name.col, "more than %d vhost blocks",
			    CONF_MAX_VHOSTS);
	/* Capacity is 8, then the next power of two: grow when full. */
	if (c->n_vhosts == 0 ||
	    (c->n_vhosts >= 8 && (c->n_vhosts & (c->n_vhosts - 1)) == 0)) {
		v = realloc(c->vhosts,
			    (c->n_vhosts ? c->n_vhosts * 2 : 8) * sizeof(*v));
		if (!v)
			return nomem(ps);
		c->vhosts = v;
	}
	v = &c->vhosts[c->n_vhosts];
	memset(v, 0, sizeof(*v));
	v->name = tok_dup(&name);
	if (!v->name)
		return nomem(ps);
	v->pos = (struct tmpl_pos){ps->file, ps->line, key->col};
	c->n_vhosts++;
	ps->in_vh = true;
	ps->vh_seen = 0;
	return 0;
}

enum {
	L_SERVER = 1u << 0,
	L_VHOST = 1u << 1,
	L_USER = 1u << 2,	/* a user's file (conf_parse_user) */
};

struct key_def {
	const char *name;
	unsigned levels; /* where the key may appear */
	bool single;	 /* at most once per level ("duplicate key") */
	int (*fn)(struct pstate *ps, struct cursor *cu, const struct tok *key);
};

#define LIMIT_KEY(name) {name, L_SERVER | L_USER, true, do_limit}

/* At most 64 entries: the "seen" masks have a bit per entry. */
static const struct key_def keys[] = {
    {"allowCaller", L_SERVER, false, do_allow},
    {"minUid", L_SERVER, true, do_min_uid},
    {"namespace", L_SERVER | L_VHOST, true, do_ns},
    {"namespaceConf", L_SERVER, true, do_ns_conf},
    {"serverRoot", L_SERVER, true, do_server_root},
    {"persistDir", L_SERVER, true, do_persist},
    {"vhRoot", L_VHOST, true, do_vh_root},
    {"namespaceConfVhAdd", L_VHOST, true, do_vh_add},
    {"maxUid", L_SERVER, true, do_max_uid},
    {"maxSetsPerUser", L_SERVER, true, do_max_sets},
    {"owner", L_VHOST, true, do_owner},
    {"passEnv", L_SERVER, false, do_pass_env},
    {"seccomp", L_SERVER | L_VHOST, true, do_seccomp},
    {"allowUserNamespaces", L_SERVER | L_VHOST, true, do_allow_userns},
    {"idleTimeout", L_SERVER, true, do_idle},
    {"logFacility", L_SERVER, true, do_facility},
    {"launchLogRate", L_SERVER, true, do_log_rate},
    {"cgroups", L_SERVER | L_VHOST, true, do_cgroups},
    {"cgroupManager", L_SERVER, true, do_cg_manager},
    {"cgroupRoot", L_SERVER, true, do_cg_root},
    {"userConfDir", L_SERVER, true, do_user_dir},
    LIMIT_KEY("cpu"),
    LIMIT_KEY("cpuWeight"),
    LIMIT_KEY("memoryMax"),
    LIMIT_KEY("memoryHigh"),
    LIMIT_KEY("swapMax"),
    LIMIT_KEY("tasksMax"),
    LIMIT_KEY("ioReadBandwidthMax"),
    LIMIT_KEY("ioWriteBandwidthMax"),
    LIMIT_KEY("ioReadIOPSMax"),
    LIMIT_KEY("ioWriteIOPSMax"),
    LIMIT_KEY("maxEntryProcesses"),
    LIMIT_KEY("maxEntryProcessesWait"),
    LIMIT_KEY("CPUSoftLimit"),
    LIMIT_KEY("CPUHardLimit"),
    LIMIT_KEY("memSoftLimit"),
    LIMIT_KEY("memHardLimit"),
    LIMIT_KEY("procSoftLimit"),
    LIMIT_KEY("procHardLimit"),
    /* both levels so that do_vhost can say "nested" */
    {"vhost", L_SERVER | L_VHOST, false, do_vhost},
};

static int
dispatch(struct pstate *ps, struct cursor *cu, const struct tok *key)
{
	const struct key_def *k = NULL;
	uint64_t *seen, bit;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !k; i++)
		if (tok_is(key, keys[i].name))
			k = &keys[i];
	if (!k)
		return perr(ps, key->col, "unknown key '%.*s'", TOKF(key));
	if (ps->user_file && !(k->levels & L_USER))
		return perr(ps, key->col, "'%s' is not valid in a user's file: "
			    "only limits are", k->name);
	if (ps->in_vh && !(k->levels & L_VHOST))
		return perr(ps, key->col,
			    "'%s' is not valid inside a vhost block", k->name);
	if (!ps->in_vh && !(k->levels & L_SERVER))
		return perr(ps, key->col,
			    "'%s' is only valid inside a vhost block", k->name);
	seen = ps->in_vh ? &ps->vh_seen : &ps->seen;
	bit = k->single ? 1ull << (k - keys) : 0;
	if (*seen & bit)
		return perr(ps, key->col, "duplicate key '%s'", k->name);
	*seen |= bit;
	return k->fn(ps, cu, key);
}

static int
close_block(struct pstate *ps, struct cursor *cu, const struct tok *t)
{
	struct tok extra;
	int r;

	if (!ps->in_vh)
		return perr(ps, t->col, "'}' without a vhost block");
	r = next_tok(ps, cu, &extra);
	if (r < 0)
		return r;
	if (r > 0)
		return perr(ps, extra.col, "text after '}'");
	ps->in_vh = false;
	return 0;
}

static int
check_bytes(struct pstate *ps, const char *l, size_t len)
{
	unsigned char ch;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i == TMPL_MAX_LINE)
			return perr(ps, (unsigned)i + 1,
				    "line longer than %d bytes", TMPL_MAX_LINE);
		ch = (unsigned char)l[i];
		if (ch == '\0')
			return perr(ps, (unsigned)i + 1, "NUL byte");
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return perr(ps, (unsigned)i + 1,
				    "control character 0x%02x", ch);
	}
	return 0;
}

static int
parse_line(struct pstate *ps, const char *l, size_t len)
{
	struct cursor cu = {l, len, 0};
	struct tok key;
	int r = check_bytes(ps, l, len);

	if (r < 0)
		return r;
	r = next_tok(ps, &cu, &key);
	if (r <= 0)
		return r;
	if (!key.quoted && tok_is(&key, "}"))
		return close_block(ps, &cu, &key);
	return dispatch(ps, &cu, &key);
}

static int
parse_lines(struct pstate *ps, const char *buf, size_t len)
{
	const char *nl;
	size_t off = 0, ll;
	int r;

	if (ps->err)
		memset(ps->err, 0, sizeof(*ps->err));
	if (!ps->lim || (!buf && len))
		return set_err(ps->err, NULL, -EINVAL,
			       "no configuration given");
	if (len > CONF_MAX_FILE)
		return set_err(ps->err, NULL, -EFBIG, "%s: larger than %d bytes",
			       ps->file ? ps->file : "configuration",
			       CONF_MAX_FILE);
	while (off < len) {
		ps->line++;
		nl = memchr(buf + off, '\n', len - off);
		ll = nl ? (size_t)(nl - (buf + off)) : len - off;
		r = parse_line(ps, buf + off, ll);
		if (r < 0)
			return r;
		off += ll + 1;
	}
	if (ps->in_vh)
		return perr_at(ps, cur_vh(ps)->pos.line, cur_vh(ps)->pos.col,
			       "unclosed vhost block");
	return check_rlimits(ps);
}

int
conf_parse_buf(struct nscell_conf *c, const char *file, const char *buf,
	       size_t len, struct ns_err *err)
{
	struct pstate ps = {.c = c, .lim = c ? &c->limits : NULL, .err = err,
			    .file = file};

	return parse_lines(&ps, buf, len);
}

int
conf_parse_user(struct conf_limits *l, const char *file, const char *buf,
		size_t len, struct ns_err *err)
{
	struct pstate ps = {.lim = l, .err = err, .file = file,
			    .user_file = true};

	return parse_lines(&ps, buf, len);
}

int
conf_parse_lenient(struct nscell_conf *c, const char *file, const char *buf,
		   size_t len, struct ns_err *first)
{
	struct ns_err e = { .code = 0 };
	struct pstate ps = {.c = c, .lim = c ? &c->limits : NULL, .err = &e,
			    .file = file};
	const char *nl;
	size_t off = 0, ll;
	int bad = 0;

	if (first)
		memset(first, 0, sizeof(*first));
	if (!c || (!buf && len) || len > CONF_MAX_FILE)
		return conf_parse_buf(c, file, buf, len, first) < 0 ? 1 : 0;
	while (off < len) {
		ps.line++;
		nl = memchr(buf + off, '\n', len - off);
		ll = nl ? (size_t)(nl - (buf + off)) : len - off;
		if (parse_line(&ps, buf + off, ll) < 0 && !bad++ && first)
			*first = e;
		off += ll + 1;
	}
	if (ps.in_vh) {
		perr_at(&ps, cur_vh(&ps)->pos.line, cur_vh(&ps)->pos.col,
			"unclosed vhost block");
		if (!bad++ && first)
			*first = e;
	}
	return bad;
}

int
conf_init(struct nscell_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->min_uid = CONF_DEFAULT_MIN_UID;
	c->max_uid = CONF_DEFAULT_MAX_UID;
	c->max_sets = CONF_DEFAULT_MAX_SETS;
	c->log_facility = LOG_AUTHPRIV;
	c->launch_log_rate = CONF_DEFAULT_LOG_RATE;
	c->ns = CONF_NS_ON;
	c->persist_dir = strdup(CONF_DEFAULT_PERSIST);
	c->cg_root = strdup(CONF_DEFAULT_CG_ROOT);
	c->limits.v[CONF_L_ENTRY_WAIT] = CONF_DEFAULT_ENTRY_WAIT;
	if (!c->persist_dir || !c->cg_root) {
		conf_free(c);
		return -ENOMEM;
	}
	return 0;
}

static void
free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void
conf_free(struct nscell_conf *c)
{
	size_t i;

	if (!c)
		return;
	free_list(c->allow_users, c->n_allow_users);
	free_list(c->allow_groups, c->n_allow_groups);
	free_list(c->pass_env, c->n_pass_env);
	free(c->namespace_conf);
	free(c->server_root);
	free(c->persist_dir);
	free(c->seccomp_file);
	free(c->cg_root);
	free(c->user_dir);
	conf_limits_free(&c->limits);
	for (i = 0; i < c->n_vhosts; i++) {
		free(c->vhosts[i].seccomp_file);
		free(c->vhosts[i].name);
		free(c->vhosts[i].vh_root);
		free(c->vhosts[i].conf_vh_add);
		free(c->vhosts[i].owner);
	}
	free(c->vhosts);
	memset(c, 0, sizeof(*c));
}

const struct conf_vhost *
conf_vhost(const struct nscell_conf *c, const char *name)
{
	size_t i;

	if (!c || !name)
		return NULL;
	for (i = 0; i < c->n_vhosts; i++)
		if (strcmp(c->vhosts[i].name, name) == 0)
			return &c->vhosts[i];
	return NULL;
}

bool
conf_ns_enabled(const struct nscell_conf *c, const char *vhost)
{
	const struct conf_vhost *v = conf_vhost(c, vhost);

	if (!c)
		return false;
	if (v && v->ns == CONF_NS_OFF)
		return false;
	if (v && v->ns == CONF_NS_ON)
		return c->ns != CONF_NS_OFF;
	/* vhost 0 or no block: the server level, where 0 means disabled */
	return c->ns == CONF_NS_ON;
}

enum conf_sc
conf_seccomp(const struct nscell_conf *c, const char *vhost,
	     const char **file, const struct conf_vhost **vh,
	     const struct tmpl_pos **pos)
{
	const struct conf_vhost *v = conf_vhost(c, vhost);

	*file = NULL;
	*vh = NULL;
	*pos = NULL;
	if (v && v->seccomp != CONF_SC_UNSET) {
		*file = v->seccomp_file;
		*vh = v;
		*pos = &v->seccomp_pos;
		return v->seccomp;
	}
	if (c->seccomp == CONF_SC_UNSET)
		return CONF_SC_DEFAULT;
	*file = c->seccomp_file;
	*pos = &c->seccomp_pos;
	return c->seccomp;
}

bool
conf_userns_allowed(const struct nscell_conf *c, const char *vhost)
{
	const struct conf_vhost *v = conf_vhost(c, vhost);

	if (v && v->allow_userns != CONF_FLAG_UNSET)
		return v->allow_userns == CONF_FLAG_YES;
	return c->allow_userns == CONF_FLAG_YES;
}

bool
conf_cg_enabled(const struct nscell_conf *c, const char *vhost)
{
	const struct conf_vhost *v = conf_vhost(c, vhost);

	if (!c)
		return false;
	if (v && v->cg == CONF_NS_OFF)
		return false;
	if (v && v->cg == CONF_NS_ON)
		return c->cg != CONF_NS_OFF;
	return c->cg == CONF_NS_ON;
}

static char *
join(const char *val, const char *rest, const struct tmpl_pos *pos,
     struct ns_err *err)
{
	size_t vl = strlen(val), rl;
	char *out;

	if (vl && val[vl - 1] == '/' && rest[0] == '/')
		rest++;
	rl = strlen(rest);
	if (vl > TMPL_MAX_PATH || rl > TMPL_MAX_PATH - vl) {
		set_err(err, pos, -ENAMETOOLONG, "path longer than %d bytes",
			TMPL_MAX_PATH);
		return NULL;
	}
	out = malloc(vl + rl + 1);
	if (!out) {
		set_err(err, NULL, -ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(out, val, vl);
	memcpy(out + vl, rest, rl + 1);
	if (out[0] != '/') {
		set_err(err, pos, -EINVAL, "relative path '%.*s'",
			(int)min_sz(vl + rl, SHOW), out);
		free(out);
		return NULL;
	}
	return out;
}

char *
conf_expand_path(const char *path, const char *server_root, const char *vh_root,
		 const struct tmpl_pos *pos, struct ns_err *err)
{
	const char *val = "";
	enum tp_err e;
	enum sym sym;
	size_t sl;

	if (!path) {
		set_err(err, pos, -EINVAL, "no path");
		return NULL;
	}
	e = tpath_check(path, strlen(path), true, &sym, &sl);
	if (e != TP_OK) {
		tpath_err(err, pos, e, path, strlen(path));
		return NULL;
	}
	if (sym == SYM_SERVER)
		val = server_root;
	else if (sym == SYM_VH)
		val = vh_root;
	if (sym != SYM_NONE && (!val || !*val)) {
		set_err(err, pos, -EINVAL, "%s is not set",
			sym == SYM_SERVER ? "$SERVER_ROOT" : "$VH_ROOT");
		return NULL;
	}
	return join(val, path + sl, pos, err);
}
