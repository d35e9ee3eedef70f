/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text of the sandbox's /etc/passwd and /etc/group ($PASSWD, $GROUP).
 * Pure: the launcher looks the entries up through NSS before any namespace
 * work and hands them in; this only validates and formats them.
 */
#ifndef NSCELL_PWGEN_H
#define NSCELL_PWGEN_H

#include <stddef.h>
#include <stdint.h>

struct pw_entry {
	const char *name;
	uint32_t uid;
	uint32_t gid;
	const char *gecos;
	const char *dir;
	const char *shell;
};

struct gr_entry {
	const char *name;
	uint32_t gid;
	const char *const *members;	/* NULL-terminated, may be NULL */
};

/* "name:x:uid:gid:gecos:dir:shell\n" for each entry, in order, skipping a
 * later entry whose name was already written.  A field holding ':' or a
 * newline (or an empty name) is refused with -EINVAL and *bad set to the
 * entry's index.  *out is malloc'd, NUL-terminated; *outlen its length. */
int pwgen_passwd(const struct pw_entry *e, size_t n, char **out,
		 size_t *outlen, size_t *bad);

/* "name:x:gid:members\n" likewise, deduplicated by name; members are kept
 * only if they appear in @users (so the file never names a user the
 * sandbox's passwd does not list). */
int pwgen_group(const struct gr_entry *e, size_t n,
		const struct pw_entry *users, size_t n_users, char **out,
		size_t *outlen, size_t *bad);

#endif
