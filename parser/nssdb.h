/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The static build's view of NSS (launcher/nss.c): which sources
 * nsswitch.conf names for a database, and the lines getent(1) prints.
 * Pure: text in, fields out.
 */
#ifndef NSCELL_NSSDB_H
#define NSCELL_NSSDB_H

#include <stddef.h>
#include <stdint.h>

#define NSSDB_MAX_SOURCES	8
#define NSSDB_NAME_MAX		31

struct nssdb_sources {
	size_t n;
	char name[NSSDB_MAX_SOURCES][NSSDB_NAME_MAX + 1];
};

/* The sources of @db ("passwd", "group", "initgroups") in the text of an
 * nsswitch.conf, in order, without their [STATUS=action] items.  Returns 1
 * when @db has a line, 0 when it has none (glibc then uses its default,
 * or for initgroups the group line), -EINVAL when the line has more
 * sources than we keep or a name too long (the caller then cannot know). */
int nssdb_sources(const char *text, size_t len, const char *db,
		  struct nssdb_sources *out);

struct nssdb_pw {
	const char *name, *passwd, *gecos, *dir, *shell;
	uint32_t uid, gid;
};

struct nssdb_gr {
	const char *name, *passwd;
	char *members;		/* comma-separated, possibly empty */
	uint32_t gid;
};

/* One line of "getent passwd KEY" / "getent group KEY" (no newline),
 * split in place at the colons.  0, or -EINVAL if it is not such a line. */
int nssdb_parse_passwd(char *line, struct nssdb_pw *pw);
int nssdb_parse_group(char *line, struct nssdb_gr *gr);

/* "getent initgroups USER": the user's name, then its gids.  Fills up to
 * @max gids; *n is the number on the line (may exceed @max).  0 or
 * -EINVAL. */
int nssdb_parse_initgroups(const char *line, const char *user,
			   uint32_t *gids, size_t max, size_t *n);

#endif
