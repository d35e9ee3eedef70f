/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the configuration and template files safely. */
#ifndef NSCELL_FILES_H
#define NSCELL_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "template.h"

/* Read @path into *buf.  When @trusted_only: the file must be a regular
 * file owned by root and not writable by group or others, reached through
 * directories owned by root and not writable by others, with no symlink on
 * the way; every check is made on the opened fds, not on the path.  When
 * @as_uid is not (uid_t)-1 the file is opened with that fsuid/fsgid (so a
 * caller cannot read what it could not read itself).  -ENOENT when it does
 * not exist; other failures fill @err. */
int file_load(const char *path, bool trusted_only, uid_t as_uid,
	      gid_t as_gid, size_t max, char **buf, size_t *len,
	      struct ns_err *err);

#endif
