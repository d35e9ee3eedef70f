// SPDX-License-Identifier: GPL-2.0-or-later
/* See nssdb.h.  No system calls: the caller reads the files and runs
 * getent. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "nssdb.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The sources on one database line, after the colon. */
static int
line_sources(const char *p, const char *end, struct nssdb_sources *out)
{
	out->n = 0;
	while (p < end) {
		const char *w;

		while (p < end && is_space(*p))
			p++;
		if (p == end || *p == '#')
			break;
		if (*p == '[') {	/* [!]STATUS=action items */
			while (p < end && *p != ']')
				p++;
			if (p < end)
				p++;
			continue;
		}
		w = p;
		while (p < end && !is_space(*p) && *p != '[' && *p != '#')
			p++;
		if (out->n == NSSDB_MAX_SOURCES ||
		    (size_t)(p - w) > NSSDB_NAME_MAX)
			return -EINVAL;
		memcpy(out->name[out->n], w, (size_t)(p - w));
		out->name[out->n++][p - w] = '\0';
	}
	return 1;
}

int
nssdb_sources(const char *text, size_t len, const char *db,
	      struct nssdb_sources *out)
{
	const char *p = text, *end = text + len;
	size_t dl = strlen(db);
	int found = 0;

	out->n = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;

		if (!eol)
			eol = end;
		while (q < eol && is_space(*q))
			q++;
		/* glibc takes the first line for a database. */
		if (!found && (size_t)(eol - q) > dl && !memcmp(q, db, dl)) {
			const char *c = q + dl;

			while (c < eol && is_space(*c))
				c++;
			if (c < eol && *c == ':') {
				int r = line_sources(c + 1, eol, out);

				if (r < 0)
					return r;
				found = 1;
			}
		}
		p = eol + (eol < end);
	}
	return found;
}

/* Splits @line at ':' into exactly @n fields. */
static int
split(char *line, char **f, int n)
{
	int i = 0;

	f[i++] = line;
	for (char *p = line; *p; p++) {
		if (*p != ':')
			continue;
		if (i == n)
			return -EINVAL;
		*p = '\0';
		f[i++] = p + 1;
	}
	return i == n ? 0 : -EINVAL;
}

static int
parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 4294967294u)	/* (uid_t)-1 is no id */
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int
nssdb_parse_passwd(char *line, struct nssdb_pw *pw)
{
	char *f[7];

	if (split(line, f, 7) < 0 || !*f[0] || parse_u32(f[2], &pw->uid) ||
	    parse_u32(f[3], &pw->gid))
		return -EINVAL;
	pw->name = f[0];
	pw->passwd = f[1];
	pw->gecos = f[4];
	pw->dir = f[5];
	pw->shell = f[6];
	return 0;
}

int
nssdb_parse_group(char *line, struct nssdb_gr *gr)
{
	char *f[4];

	if (split(line, f, 4) < 0 || !*f[0] || parse_u32(f[2], &gr->gid))
		return -EINVAL;
	gr->name = f[0];
	gr->passwd = f[1];
	gr->members = f[3];
	return 0;
}

int
nssdb_parse_initgroups(const char *line, const char *user, uint32_t *gids,
		       size_t max, size_t *n)
{
	size_t ul = strlen(user);
	const char *p = line;

	if (strncmp(p, user, ul) || !is_space(p[ul]))
		return -EINVAL;
	p += ul;
	*n = 0;
	for (;;) {
		char num[16];
		size_t l = 0;
		uint32_t g;

		while (is_space(*p))
			p++;
		if (!*p)
			return 0;
		while (p[l] && !is_space(p[l]) && l < sizeof(num) - 1) {
			num[l] = p[l];
			l++;
		}
		num[l] = '\0';
		if ((p[l] && !is_space(p[l])) || parse_u32(num, &g))
			return -EINVAL;
		if (*n < max)
			gids[*n] = g;
		(*n)++;
		p += l;
	}
}
