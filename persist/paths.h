/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resolving paths without following anybody's symlinks out of bounds.
 *
 * Sources live in the host tree (the builder's "/oldroot"): they are walked
 * one component at a time with O_PATH|O_NOFOLLOW, as the target user
 * (fsuid), and a symlink is followed only when it is trusted: owned by root
 * in a directory owned by root and not writable by group or others (so the
 * distribution's /lib64 -> usr/lib64 or /var/run -> /run work, and a link a
 * user planted in a home never does).  Absolute link targets restart at the
 * root fd, and ".." never climbs above it.
 *
 * Destinations live in the sandbox root: they are walked without following
 * any symlink at all (only path_resolve_dest(), for -try ops, follows
 * trusted ones, inside the sandbox); missing directories are created 0755,
 * as root when
 * the parent is on the sandbox's own root tmpfs and as the target user
 * otherwise (inside a bind of a user's directory root never writes).
 */
#ifndef NSCELL_PATHS_H
#define NSCELL_PATHS_H

#include <stdbool.h>
#include <sys/types.h>

#include "sandbox.h"

enum dest_type { DEST_NONE, DEST_DIR, DEST_FILE };

/* O_PATH fd of @path (absolute) beneath @rootfd, resolved as described.
 * -ENOENT when a component is missing; -ELOOP for an untrusted symlink. */
int path_open_source(int rootfd, const char *path,
		     const struct sandbox_ident *id, struct ns_err *err);

/* The same walk with the credentials the process has (no fsuid switch):
 * for --check, which runs as the caller with no capability. */
int path_walk_source(int rootfd, const char *path, struct ns_err *err);

/* path_open_source() of up to @n paths (NULL: none, -EBADF) with one
 * switch to the user's fsuid: their fds or -errno in @fds.  Stops before
 * a path whose walk has more to say than an errno (an untrusted symlink's
 * details): returns how many were done, the rest is the caller's. */
size_t path_open_sources(int rootfd, const char *const *paths, size_t n,
			 const struct sandbox_ident *id, int *fds);

/* O_PATH fd of @dest (absolute, normalised) beneath @rootfd.  Parents are
 * created as needed; the last component is created as @want when missing
 * (DEST_NONE: -ENOENT instead).  An existing last component of the wrong
 * type is -ENOTDIR / -EISDIR.  @root_dev is st_dev of the root tmpfs. */
int path_open_dest(int rootfd, dev_t root_dev, const char *dest,
		   enum dest_type want, const struct sandbox_ident *id,
		   struct ns_err *err);

/* path_open_dest() of the last component of @dest (absolute, normalised)
 * in @dir, which is its parent, already opened with path_open_parent(). */
int path_open_dest_at(int dir, dev_t root_dev, const char *dest,
		      enum dest_type want, const struct sandbox_ident *id,
		      struct ns_err *err);

/* Split @path into the O_PATH fd of its parent (walked like a destination,
 * parents created) and a pointer to its last component inside @path. */
int path_open_parent(int rootfd, dev_t root_dev, const char *path,
		     const char **last, const struct sandbox_ident *id,
		     struct ns_err *err);

/* A destination that runs into a symbolic link (-ELOOP from the walks
 * above), for -try ops: resolved beneath @rootfd, the sandbox's root, the
 * way sources are, but as root: only trusted links are followed, an
 * absolute target restarts at @rootfd and ".." never climbs above it, so
 * the result is always inside the sandbox.  A missing last component is
 * created as path_open_dest() would, in the resolved parent.  -ELOOP for
 * an untrusted link, -ENOENT, -ENOTDIR, -EISDIR as the walks say. */
int path_resolve_dest(int rootfd, dev_t root_dev, const char *dest,
		      enum dest_type want, const struct sandbox_ident *id);

#endif
