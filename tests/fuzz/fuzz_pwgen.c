// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the sandbox's /etc/passwd and /etc/group text.
 *
 * Input layout (bytes chosen so that ':', ',' and '\n' stay free to reach
 * the fields, which is what the checks are about):
 *   PASSWD-RECORDS [0x1c GROUP-RECORDS]
 * records are separated by 0x1e and fields by 0x1f;
 *   passwd record: name uid gid gecos dir shell
 *   group record:  name gid member...   (members also split by 0x1f)
 * a field that is the single byte 0x1a is a NULL pointer; a missing field
 * is NULL; uid and gid are the field's leading decimal digits (mod 2^32).
 * A NUL byte ends a field's C string early, as it would in NSS data.
 *
 * pwgen_passwd() and pwgen_group() are then called (the group one with the
 * passwd entries as its users, as the launcher does).  On success every
 * line must be "name:x:uid:gid:gecos:dir:shell" (exactly 6 ':') or
 * "name:x:gid:members" (exactly 3 ':'), newline-terminated with no other
 * newline, one line per distinct name in first-seen order, members known
 * users with no duplicates; on -EINVAL *bad must name the first entry an
 * independent check refuses.  A violation abort()s.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pwgen.h"

#define SEP_FILE	0x1c
#define SEP_REC		0x1e
#define SEP_FIELD	0x1f
#define NULL_FIELD	0x1a
#define MAX_RECS	64
#define MAX_FIELDS	32

struct rec {
	char *f[MAX_FIELDS];	/* NULL: absent or 0x1a */
	size_t n;
};

struct input {
	char *text;		/* a writable, NUL-separated copy */
	struct rec pw[MAX_RECS], gr[MAX_RECS];
	size_t n_pw, n_gr;
};

static void
fail(const char *what, const char *out)
{
	fprintf(stderr, "fuzz_pwgen: invariant violated: %s\n", what);
	if (out)
		fprintf(stderr, "--- output ---\n%s--- end ---\n", out);
	abort();
}

/* Split @s (already NUL-terminated at @end) into records and fields. */
static size_t
split(char *s, char *end, struct rec *recs)
{
	size_t n = 0;

	if (s == end)
		return 0;	/* an empty section is an empty list */
	while (s <= end && n < MAX_RECS) {
		char *re = memchr(s, SEP_REC, (size_t)(end - s));
		struct rec *r = &recs[n++];

		if (!re)
			re = end;
		*re = '\0';
		r->n = 0;
		while (r->n < MAX_FIELDS) {
			char *fe = memchr(s, SEP_FIELD, (size_t)(re - s));

			if (fe)
				*fe = '\0';
			r->f[r->n++] = (s[0] == NULL_FIELD && !s[1]) ? NULL : s;
			if (!fe)
				break;
			s = fe + 1;
		}
		s = re + 1;
	}
	return n;
}

static uint32_t
num(const char *s)
{
	uint32_t v = 0;

	while (s && *s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

static const char *
field(const struct rec *r, size_t i)
{
	return i < r->n ? r->f[i] : NULL;
}

/* Independent statement of what pwgen.h promises to refuse. */
static bool
clean(const char *s)
{
	return !s || !strpbrk(s, ":\n");
}

static bool
good_name(const char *s)
{
	return s && *s && !strpbrk(s, ":\n,");
}

static bool
pw_good(const struct pw_entry *e)
{
	return good_name(e->name) && clean(e->gecos) && clean(e->dir) &&
	       clean(e->shell);
}

static bool
gr_good(const struct gr_entry *g)
{
	if (!good_name(g->name))
		return false;
	for (const char *const *m = g->members; m && *m; m++)
		if (**m && !good_name(*m))
			return false;
	return true;
}

static size_t
count(const char *s, size_t len, char c)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

/* The line @line (without its newline) of @len bytes has @colons ':'
 * and starts with "name:x:". */
static void
check_line(const char *line, size_t len, size_t colons, const char *name,
	   const char *out)
{
	size_t nl = strlen(name);

	if (count(line, len, ':') != colons)
		fail("wrong number of ':' in a line", out);
	if (len < nl + 3 || memcmp(line, name, nl) || memcmp(line + nl, ":x:", 3))
		fail("line does not start with name:x:", out);
}

static bool
seen_before(const char *const *names, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(names[j], names[i]) == 0)
			return true;
	return false;
}

/* Walk the output: one line per distinct name, in order, each checked. */
static void
check_output(const char *out, size_t outlen, const char *const *names,
	     size_t n, size_t colons)
{
	const char *p = out, *end = out + outlen;

	if (!out || strlen(out) != outlen)
		fail("output length wrong or embedded NUL", out);
	if (outlen && out[outlen - 1] != '\n')
		fail("output does not end with a newline", out);
	for (size_t i = 0; i < n; i++) {
		const char *nl;

		if (seen_before(names, i))
			continue;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			fail("fewer lines than distinct names", out);
		check_line(p, (size_t)(nl - p), colons, names[i], out);
		p = nl + 1;
	}
	if (p != end)
		fail("more lines than distinct names", out);
}

/* Members in a group line are known users, non-empty, not repeated. */
static void
check_members(const char *out, const struct pw_entry *u, size_t nu)
{
	const char *p = out;

	while (*p) {
		const char *nl = strchr(p, '\n'), *m = p;
		char name[4096];

		for (int k = 0; k < 3; k++)
			m = strchr(m, ':') + 1;
		while (m < nl) {
			size_t len = strcspn(m, ",\n");
			bool known = false;

			if (!len || len >= sizeof(name))
				fail("empty or huge member", out);
			memcpy(name, m, len);
			name[len] = '\0';
			for (size_t i = 0; i < nu; i++)
				known |= u[i].name && !strcmp(u[i].name, name);
			if (!known)
				fail("group member is not a passwd user", out);
			m += len + (m[len] == ',');
			for (const char *q = m; q < nl;
			     q += strcspn(q, ",\n") + 1)
				if (strcspn(q, ",\n") == len &&
				    !memcmp(q, name, len))
					fail("duplicate group member", out);
		}
		p = nl + 1;
	}
}

static void
run_passwd(const struct pw_entry *e, size_t n)
{
	const char *names[MAX_RECS];
	size_t len = 0, bad = SIZE_MAX, i;
	char *out = NULL;
	int rc = pwgen_passwd(e, n, &out, &len, &bad);

	for (i = 0; i < n && pw_good(&e[i]); i++)
		;
	if (rc == -EINVAL) {
		if (i == n || bad != i || out)
			fail("passwd refused, but not at the first bad entry",
			     NULL);
		return;
	}
	if (rc)
		fail("passwd failed with something other than -EINVAL", NULL);
	if (i != n)
		fail("passwd accepted a bad entry", out);
	for (i = 0; i < n; i++)
		names[i] = e[i].name;
	check_output(out, len, names, n, 6);
	free(out);
}

static void
run_group(const struct gr_entry *g, size_t n, const struct pw_entry *u,
	  size_t nu)
{
	const char *names[MAX_RECS];
	size_t len = 0, bad = SIZE_MAX, i;
	char *out = NULL;
	int rc = pwgen_group(g, n, u, nu, &out, &len, &bad);

	for (i = 0; i < n && gr_good(&g[i]); i++)
		;
	if (rc == -EINVAL) {
		if (i == n || bad != i || out)
			fail("group refused, but not at the first bad entry",
			     NULL);
		return;
	}
	if (rc)
		fail("group failed with something other than -EINVAL", NULL);
	if (i != n)
		fail("group accepted a bad entry", out);
	for (i = 0; i < n; i++)
		names[i] = g[i].name;
	check_output(out, len, names, n, 3);
	check_members(out, u, nu);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	struct pw_entry pw[MAX_RECS];
	struct gr_entry gr[MAX_RECS];
	const char *members[MAX_RECS][MAX_FIELDS];
	char *end, *fs;
	size_t i;

	in.text = malloc(size + 1);
	if (!in.text)
		return 0;
	memcpy(in.text, data, size);
	end = in.text + size;
	*end = '\0';
	fs = memchr(in.text, SEP_FILE, size);
	if (fs)
		*fs = '\0';
	in.n_pw = split(in.text, fs ? fs : end, in.pw);
	in.n_gr = fs ? split(fs + 1, end, in.gr) : 0;

	for (i = 0; i < in.n_pw; i++) {
		const struct rec *r = &in.pw[i];

		pw[i] = (struct pw_entry){ field(r, 0), num(field(r, 1)),
			num(field(r, 2)), field(r, 3), field(r, 4),
			field(r, 5) };
	}
	for (i = 0; i < in.n_gr; i++) {
		const struct rec *r = &in.gr[i];
		size_t k, m = 0;

		for (k = 2; k < r->n && m < MAX_FIELDS - 1; k++)
			if (r->f[k])	/* NULL would end the list early */
				members[i][m++] = r->f[k];
		members[i][m] = NULL;
		gr[i] = (struct gr_entry){ field(r, 0), num(field(r, 1)),
			r->n > 2 ? members[i] : NULL };
	}
	run_passwd(pw, in.n_pw);
	run_group(gr, in.n_gr, pw, in.n_pw);
	free(in.text);
	return 0;
}
