/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSCELL_NSS_H
#define NSCELL_NSS_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The reentrant NSS lookups with a buffer that starts small and grows on
 * ERANGE: a launch makes several lookups, and a fixed 64 KiB buffer each
 * was a fresh mapping, page faults and an unmapping every time.
 * Each returns 0 with the entry (its strings in *buf, which the caller
 * frees), -ENOENT when there is no such entry, or another -errno; *buf is
 * NULL unless 0 is returned.
 */
int nss_pw_name(const char *name, struct passwd *pw, char **buf);
int nss_pw_uid(uid_t uid, struct passwd *pw, char **buf);
int nss_gr_name(const char *name, struct group *gr, char **buf);
int nss_gr_gid(gid_t gid, struct group *gr, char **buf);

/* getgrouplist(): @gid and the groups @user is a member of, malloc'd. */
int nss_grouplist(const char *user, gid_t gid, gid_t **out, size_t *n);

#endif
