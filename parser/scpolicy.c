// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp policy as data (see scpolicy.h).  Pure: no system call, no
 * state outside the arguments.
 *
 * The default list refuses what a tenant's code can reach without any
 * capability and what shared-hosting software never needs: the doors of
 * recent kernel exploits (io_uring, keyrings, BPF, perf events,
 * userfaultfd), reaching into other processes (ptrace and its kin),
 * NUMA memory placement, personality changes, x86 LDT changes, the
 * kernel log, the a.out loader, and pushing input into a terminal
 * (TIOCSTI, TIOCLINUX).  nscell.conf(5), "SECCOMP", gives the reason for
 * each, and what the list leaves out and why; keep the two in step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "scpolicy.h"
#include "template.h"	/* TMPL_MAX_LINE, tmpl_hash_bytes */

#define SHOW 80

#define DENY(n, g) { .name = (n), .group = (g), .cond = SC_ALWAYS, \
		     .err = EPERM }

static const struct sc_rule default_rules[] = {
	/* io_uring: most of kCTF's kernel exploits went through it. */
	DENY("io_uring_setup", "@io_uring"),
	DENY("io_uring_enter", "@io_uring"),
	DENY("io_uring_register", "@io_uring"),
	/* Kernel keyrings: bugs of their own (CVE-2016-0728), and the heap
	 * spraying of many exploits. */
	DENY("add_key", "@keyring"),
	DENY("keyctl", "@keyring"),
	DENY("request_key", "@keyring"),
	/* Where a sysctl lets unprivileged users in: the BPF verifier and
	 * perf events (CVE-2021-3490, CVE-2023-2235). */
	DENY("bpf", "@debug"),
	DENY("perf_event_open", "@debug"),
	/* Another process of the same user, in the same set. */
	DENY("ptrace", "@debug"),
	DENY("process_vm_readv", "@debug"),
	DENY("process_vm_writev", "@debug"),
	DENY("kcmp", "@debug"),
	DENY("pidfd_getfd", "@debug"),
	/* Holds a kernel copy from user memory for as long as the caller
	 * likes: how races in the kernel are won. */
	DENY("userfaultfd", "@memory"),
	/* NUMA placement; move_pages and migrate_pages act on other
	 * processes (CVE-2017-14140). */
	DENY("mbind", "@memory"),
	DENY("set_mempolicy", "@memory"),
	DENY("get_mempolicy", "@memory"),
	DENY("move_pages", "@memory"),
	DENY("migrate_pages", "@memory"),
	/* The kernel log (addresses) where dmesg_restrict is 0. */
	DENY("syslog", "@system"),
	/* 16-bit segments (CVE-2015-5157), and the a.out loader. */
	DENY("modify_ldt", "@system"),
	DENY("uselib", "@system"),
	/* Only PER_LINUX: no READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE or
	 * MMAP_PAGE_ZERO (CVE-2009-2692); flatpak allows the same. */
	{ .name = "personality", .group = "@system", .cond = SC_NOT,
	  .arg = 0, .value = 0, .err = EPERM },
	/* Pushing input into a terminal (CVE-2017-5226), whatever the
	 * upper 32 bits of the request (CVE-2019-10063). */
	{ .name = "ioctl", .group = "@tty", .cond = SC_CMD, .arg = 1,
	  .value = TIOCSTI, .err = EPERM },
	{ .name = "ioctl", .group = "@tty", .cond = SC_CMD, .arg = 1,
	  .value = TIOCLINUX, .err = EPERM },
};

/* allowUserNamespaces 0.  seccomp cannot read clone3's flags (they are
 * in memory): ENOSYS makes the C library fall back to clone. */
static const struct sc_rule userns_rules[] = {
	{ .name = "unshare", .cond = SC_FLAGS, .arg = 0,
	  .value = CLONE_NEWUSER, .err = EPERM },
	{ .name = "clone", .cond = SC_FLAGS, .arg = 0,
	  .value = CLONE_NEWUSER, .err = EPERM },
	{ .name = "clone3", .cond = SC_ALWAYS, .err = ENOSYS },
};

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

const struct sc_rule *
sc_default_rules(size_t *n)
{
	*n = N_OF(default_rules);
	return default_rules;
}

const struct sc_rule *
sc_userns_rules(size_t *n)
{
	*n = N_OF(userns_rules);
	return userns_rules;
}

/* ------------------------------------------------------------ parsing --- */

struct scan {
	struct sc_file *f;
	const char *file;
	unsigned line;
	struct ns_err *err;
};

static int __attribute__((format(printf, 3, 4)))
perr(struct scan *s, unsigned col, const char *fmt, ...)
{
	struct tmpl_pos pos = { s->file, s->line, col };
	char msg[sizeof(s->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ns_err_set(s->err, &pos, EINVAL, "%s", msg);
}

static bool
name_ok(const char *t, size_t len)
{
	if (len == 0 || len > SC_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') ||
		      (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
			return false;
	return true;
}

static bool
group_known(const char *g, size_t len)
{
	if (len == 7 && !memcmp(g, "@compat", 7))
		return true;
	for (size_t i = 0; i < N_OF(default_rules); i++)
		if (strlen(default_rules[i].group) == len &&
		    !memcmp(default_rules[i].group, g, len))
			return true;
	return false;
}

static struct sc_entry *
find_entry(const struct sc_file *f, const char *name, size_t len, bool group)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].group == group && strlen(f->v[i].name) == len &&
		    !memcmp(f->v[i].name, name, len))
			return &f->v[i];
	return NULL;
}

static int
add_entry(struct scan *s, const char *t, size_t len, unsigned col,
	  bool allow)
{
	bool group = t[0] == '@';
	const char *name = group ? t + 1 : t;
	size_t nlen = group ? len - 1 : len;
	struct sc_entry *e, *v;

	if (!name_ok(name, nlen))
		return perr(s, col, "bad system call name '%.*s'",
			    (int)(len > SHOW ? SHOW : len), t);
	if (group && !allow)
		return perr(s, col, "groups are for allow: deny names each "
			    "system call");
	if (group && !group_known(t, len))
		return perr(s, col, "unknown group '%.*s'", (int)len, t);
	e = find_entry(s->f, name, nlen, group);
	if (e && e->allow != allow)
		return perr(s, col, "'%.*s' is both allowed (line %u) and "
			    "denied", (int)len, t, allow ? s->line :
			    e->pos.line);
	if (e)
		return 0;
	if (s->f->n >= SC_MAX_ENTRIES)
		return perr(s, col, "more than %d names", SC_MAX_ENTRIES);
	v = realloc(s->f->v, (s->f->n + 1) * sizeof(*v));
	if (!v)
		return ns_err_set(s->err, NULL, ENOMEM, "out of memory");
	s->f->v = v;
	e = &v[s->f->n];
	e->name = strndup(name, nlen);
	if (!e->name)
		return ns_err_set(s->err, NULL, ENOMEM, "out of memory");
	e->group = group;
	e->allow = allow;
	e->pos = (struct tmpl_pos){ s->file, s->line, col };
	s->f->n++;
	return 0;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next token of @l from *i: its start, and its length in *tl; 0 at
 * the end of the line or at a comment. */
static size_t
next_tok(const char *l, size_t len, size_t *i, size_t *start)
{
	size_t j;

	while (*i < len && blank(l[*i]))
		(*i)++;
	if (*i == len || l[*i] == '#')
		return 0;
	*start = *i;
	for (j = *i; j < len && !blank(l[j]); j++)
		;
	*i = j;
	return j - *start;
}

static int
check_bytes(struct scan *s, const char *l, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)l[i];

		if (i == TMPL_MAX_LINE)
			return perr(s, (unsigned)i + 1, "line longer than %d "
				    "bytes", TMPL_MAX_LINE);
		if (c == '\0')
			return perr(s, (unsigned)i + 1, "NUL byte");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return perr(s, (unsigned)i + 1, "control character "
				    "0x%02x", c);
	}
	return 0;
}

static int
parse_line(struct scan *s, const char *l, size_t len)
{
	size_t i = 0, st = 0, tl;
	bool allow, any = false;
	unsigned kcol;
	int r = check_bytes(s, l, len);

	if (r < 0)
		return r;
	tl = next_tok(l, len, &i, &st);
	if (tl == 0)
		return 0;
	kcol = (unsigned)st + 1;
	if (tl == 5 && !memcmp(l + st, "allow", 5))
		allow = true;
	else if (tl == 4 && !memcmp(l + st, "deny", 4))
		allow = false;
	else
		return perr(s, kcol, "unknown directive '%.*s' (allow or "
			    "deny)", (int)(tl > SHOW ? SHOW : tl), l + st);
	while ((tl = next_tok(l, len, &i, &st)) > 0) {
		any = true;
		r = add_entry(s, l + st, tl, (unsigned)st + 1, allow);
		if (r < 0)
			return r;
	}
	if (!any)
		return perr(s, kcol, "%s: no system call named",
			    allow ? "allow" : "deny");
	return 0;
}

int
sc_parse_buf(struct sc_file *f, const char *file, const char *buf,
	     size_t len, struct ns_err *err)
{
	struct scan s = { .f = f, .file = file, .err = err };
	size_t off = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (len > SC_MAX_FILE)
		return ns_err_set(err, NULL, EFBIG, "%s: larger than %d bytes",
				  file, SC_MAX_FILE);
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (buf + off)) : len - off;
		int r;

		s.line++;
		r = parse_line(&s, buf + off, ll);
		if (r < 0)
			return r;
		off += ll + 1;
	}
	return 0;
}

void
sc_file_free(struct sc_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].name);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* -------------------------------------------------------- composition --- */

static bool
in_table(const struct sc_rule *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return true;
	return false;
}

/* Does a FILE entry allow default rule @r? */
static bool
allowed(const struct sc_file *f, const struct sc_rule *r)
{
	for (size_t i = 0; f && i < f->n; i++) {
		const struct sc_entry *e = &f->v[i];

		if (e->allow && !strcmp(e->name, e->group ? r->group + 1 :
					r->name))
			return true;
	}
	return false;
}

static int
check_allows(const struct sc_file *f, struct ns_err *err)
{
	for (size_t i = 0; f && i < f->n; i++) {
		const struct sc_entry *e = &f->v[i];

		if (!e->allow || e->group)
			continue;
		if (in_table(userns_rules, N_OF(userns_rules), e->name))
			return ns_err_set(err, &e->pos, EINVAL, "%s: "
					  "allowUserNamespaces decides about "
					  "it, not this file", e->name);
		if (!in_table(default_rules, N_OF(default_rules), e->name))
			return ns_err_set(err, &e->pos, EINVAL, "%s: the "
					  "default list does not deny it",
					  e->name);
	}
	return 0;
}

static int
push(struct sc_policy *p, size_t *cap, const struct sc_rule *r)
{
	if (p->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct sc_rule *v = realloc(p->rules, nc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->rules = v;
		*cap = nc;
	}
	p->rules[p->n++] = *r;
	return 0;
}

/* A FILE's deny of @name: replaces every conditional rule of it (deny
 * means the whole call), unless a rule already refuses it always. */
static bool
already_always(const struct sc_policy *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rules[i].cond == SC_ALWAYS &&
		    !strcmp(p->rules[i].name, name))
			return true;
	return false;
}

static void
drop_rules_of(struct sc_policy *p, const char *name)
{
	size_t k = 0;

	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rules[i].name, name))
			p->rules[k++] = p->rules[i];
	p->n = k;
}

static int
add_denies(struct sc_policy *p, size_t *cap, const struct sc_file *f)
{
	for (size_t i = 0; f && i < f->n; i++) {
		const struct sc_entry *e = &f->v[i];
		struct sc_rule r = { .name = e->name, .cond = SC_ALWAYS,
				     .err = EPERM, .pos = &e->pos };

		if (e->allow || already_always(p, e->name))
			continue;
		/* clone3 stays ENOSYS: EPERM would stop the C library's
		 * fallback to clone. */
		for (size_t j = 0; j < N_OF(userns_rules); j++)
			if (userns_rules[j].cond == SC_ALWAYS &&
			    !strcmp(userns_rules[j].name, e->name))
				r.err = userns_rules[j].err;
		drop_rules_of(p, e->name);
		if (push(p, cap, &r) < 0)
			return -ENOMEM;
	}
	return 0;
}

static bool
compat_allowed(const struct sc_file *f)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (f->v[i].allow && f->v[i].group &&
		    !strcmp(f->v[i].name, "compat"))
			return true;
	return false;
}

int
sc_compose(struct sc_policy *p, bool defaults, bool no_userns,
	   const struct sc_file *f, struct ns_err *err)
{
	size_t cap = 0;
	int r = check_allows(f, err);

	memset(p, 0, sizeof(*p));
	if (r < 0)
		return r;
	/* "seccomp off": no list, so no ABI is refused either (the user
	 * namespace rules, if any, then cover every ABI). */
	p->compat = !defaults || compat_allowed(f);
	for (size_t i = 0; defaults && i < N_OF(default_rules); i++) {
		if (!allowed(f, &default_rules[i]) &&
		    push(p, &cap, &default_rules[i]) < 0)
			goto nomem;
	}
	if (defaults && add_denies(p, &cap, f) < 0)
		goto nomem;
	for (size_t i = 0; no_userns && i < N_OF(userns_rules); i++) {
		/* A FILE's deny of clone or unshare already covers it. */
		if (already_always(p, userns_rules[i].name))
			continue;
		if (push(p, &cap, &userns_rules[i]) < 0)
			goto nomem;
	}
	return 0;
nomem:
	sc_policy_free(p);
	return ns_err_set(err, NULL, ENOMEM, "out of memory");
}

void
sc_policy_free(struct sc_policy *p)
{
	free(p->rules);
	p->rules = NULL;
	p->n = 0;
}

uint64_t
sc_policy_hash(const struct sc_policy *p, uint64_t h)
{
	unsigned char compat = p->compat;

	h = tmpl_hash_bytes(h, "seccomp", 8);
	h = tmpl_hash_bytes(h, &compat, 1);
	for (size_t i = 0; i < p->n; i++) {
		const struct sc_rule *r = &p->rules[i];
		uint64_t v[4] = { r->cond, r->arg, r->value,
				  (uint64_t)r->err };

		h = tmpl_hash_bytes(h, r->name, strlen(r->name) + 1);
		h = tmpl_hash_bytes(h, v, sizeof(v));
	}
	return h;
}
