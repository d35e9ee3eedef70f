// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text of the sandbox's /etc/passwd and /etc/group.  Pure: the entries
 * come from the caller (NSS lookups done before any namespace work); this
 * file only validates and formats them.
 *
 * A field that could split a line or a record (':' or '\n' anywhere, ','
 * in a user or group name, which would forge a group member list) is
 * refused rather than escaped: the formats have no escapes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pwgen.h"

struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};

static bool
sb_grow(struct sbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (n > SIZE_MAX - b->len - 1)
		return false;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			cap = b->len + n + 1;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap || !b->p) {
		if (!sb_grow(b, n)) {
			b->oom = true;
			return;
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	if (s)
		sb_add(b, s, strlen(s));
}

static void
sb_u32(struct sbuf *b, uint32_t v)
{
	char tmp[10];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_add(b, tmp + i, sizeof(tmp) - i);
}

static int
sb_finish(struct sbuf *b, char **out, size_t *outlen)
{
	if (b->oom) {
		free(b->p);
		return -ENOMEM;
	}
	*out = b->p;
	if (outlen)
		*outlen = b->len;
	return 0;
}

/* NULL counts as empty. */
static bool
field_ok(const char *s)
{
	return !s || !strpbrk(s, ":\n");
}

static bool
name_ok(const char *s)
{
	return s && *s && !strpbrk(s, ":\n,");
}

static bool
pw_ok(const struct pw_entry *e)
{
	return name_ok(e->name) && field_ok(e->gecos) && field_ok(e->dir) &&
	       field_ok(e->shell);
}

static void
pw_line(struct sbuf *b, const struct pw_entry *e)
{
	sb_str(b, e->name);
	sb_add(b, ":x:", 3);
	sb_u32(b, e->uid);
	sb_add(b, ":", 1);
	sb_u32(b, e->gid);
	sb_add(b, ":", 1);
	sb_str(b, e->gecos);
	sb_add(b, ":", 1);
	sb_str(b, e->dir);
	sb_add(b, ":", 1);
	sb_str(b, e->shell);
	sb_add(b, "\n", 1);
}

int
pwgen_passwd(const struct pw_entry *e, size_t n, char **out, size_t *outlen,
	     size_t *bad)
{
	struct sbuf b = {0};
	size_t i, j;

	if (!out || (!e && n))
		return -EINVAL;
	*out = NULL;
	if (outlen)
		*outlen = 0;
	for (i = 0; i < n; i++) {
		if (!pw_ok(&e[i])) {
			if (bad)
				*bad = i;
			return -EINVAL;
		}
	}
	sb_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(e[j].name, e[i].name) == 0)
				break;
		if (j == i)
			pw_line(&b, &e[i]);
	}
	return sb_finish(&b, out, outlen);
}

/* The group's name and every member must be a clean name; an empty member
 * is merely skipped later (no user has an empty name). */
static bool
gr_ok(const struct gr_entry *g)
{
	const char *const *m;

	if (!name_ok(g->name))
		return false;
	for (m = g->members; m && *m; m++)
		if (**m && !name_ok(*m))
			return false;
	return true;
}

static bool
user_present(const struct pw_entry *u, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (u[i].name && strcmp(u[i].name, name) == 0)
			return true;
	return false;
}

static bool
member_earlier(const char *const *m, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (strcmp(m[i], m[k]) == 0)
			return true;
	return false;
}

static void
gr_line(struct sbuf *b, const struct gr_entry *g, const struct pw_entry *users,
	size_t n_users)
{
	const char *const *m = g->members;
	bool first = true;
	size_t k;

	sb_str(b, g->name);
	sb_add(b, ":x:", 3);
	sb_u32(b, g->gid);
	sb_add(b, ":", 1);
	for (k = 0; m && m[k]; k++) {
		if (!*m[k] || !user_present(users, n_users, m[k]) ||
		    member_earlier(m, k))
			continue;
		if (!first)
			sb_add(b, ",", 1);
		sb_str(b, m[k]);
		first = false;
	}
	sb_add(b, "\n", 1);
}

int
pwgen_group(const struct gr_entry *e, size_t n, const struct pw_entry *users,
	    size_t n_users, char **out, size_t *outlen, size_t *bad)
{
	struct sbuf b = {0};
	size_t i, j;

	if (!out || (!e && n) || (!users && n_users))
		return -EINVAL;
	*out = NULL;
	if (outlen)
		*outlen = 0;
	for (i = 0; i < n; i++) {
		if (!gr_ok(&e[i])) {
			if (bad)
				*bad = i;
			return -EINVAL;
		}
	}
	sb_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(e[j].name, e[i].name) == 0)
				break;
		if (j == i)
			gr_line(&b, &e[i], users, n_users);
	}
	return sb_finish(&b, out, outlen);
}
