// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User and group lookups through glibc's NSS, which answers from every
 * source nsswitch.conf (root's file) names.  Only names that passed the
 * gate (gate.c) and numbers reach here, and only after the caller policy
 * allowed the lookup; no program is ever run for a lookup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nss.h"

#define NSS_BUF_FIRST	4096
#define NSS_BUF_MAX	(1024 * 1024)	/* a group with many members */
#define MAX_GROUPS	65536

enum nss_kind { PW_NAME, PW_UID, GR_NAME, GR_GID };

static int
nss_call(enum nss_kind k, const char *name, unsigned id, void *ent,
	 char *buf, size_t len, void **res)
{
	switch (k) {
	case PW_NAME:
		return getpwnam_r(name, ent, buf, len, (struct passwd **)res);
	case PW_UID:
		return getpwuid_r(id, ent, buf, len, (struct passwd **)res);
	case GR_NAME:
		return getgrnam_r(name, ent, buf, len, (struct group **)res);
	case GR_GID:
		return getgrgid_r(id, ent, buf, len, (struct group **)res);
	default:
		return EINVAL;
	}
}

/* The C library's own lookup, with a buffer that grows on ERANGE. */
static int
libc_lookup(enum nss_kind k, const char *name, unsigned id, void *ent,
	    char **out)
{
	size_t len = NSS_BUF_FIRST;
	char *buf = NULL;
	void *res = NULL;
	int r;

	*out = NULL;
	for (;;) {
		char *nb = realloc(buf, len);

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		r = nss_call(k, name, id, ent, buf, len, &res);
		if (r != ERANGE || len >= NSS_BUF_MAX)
			break;
		len *= 2;
	}
	if (r == 0 && res) {
		*out = buf;
		return 0;
	}
	free(buf);
	return r ? -r : -ENOENT;
}

int
nss_pw_name(const char *name, struct passwd *pw, char **buf)
{
	return libc_lookup(PW_NAME, name, 0, pw, buf);
}

int
nss_pw_uid(uid_t uid, struct passwd *pw, char **buf)
{
	return libc_lookup(PW_UID, NULL, uid, pw, buf);
}

int
nss_gr_name(const char *name, struct group *gr, char **buf)
{
	return libc_lookup(GR_NAME, name, 0, gr, buf);
}

int
nss_gr_gid(gid_t gid, struct group *gr, char **buf)
{
	return libc_lookup(GR_GID, NULL, gid, gr, buf);
}

int
nss_grouplist(const char *user, gid_t gid, gid_t **out, size_t *n)
{
	int cnt = 32;
	gid_t *g = NULL;

	for (;;) {
		gid_t *ng = realloc(g, (size_t)cnt * sizeof(*g));

		if (!ng) {
			free(g);
			return -ENOMEM;
		}
		g = ng;
		if (getgrouplist(user, gid, g, &cnt) >= 0)
			break;
		if (cnt > MAX_GROUPS) {
			free(g);
			return -E2BIG;
		}
	}
	*out = g;
	*n = (size_t)cnt;
	return 0;
}
