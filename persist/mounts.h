/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Applying template ops inside the holder, strictly in order. */
#ifndef NSCELL_MOUNTS_H
#define NSCELL_MOUNTS_H

#include <sys/types.h>

#include "sandbox.h"

#define MNT_PRE_BATCH	32

struct build_ctx {
	const struct sandbox_spec *spec;
	int trace;	/* -v and /lsnsdebug lines, to the builder; -1: none */
	int oldroot;	/* O_PATH: the host's root, as "/oldroot" */
	int newroot;	/* O_PATH: the sandbox's root tmpfs */
	dev_t root_dev;	/* st_dev of the sandbox's root tmpfs */
	int scratch;	/* directory on the builder's private base tmpfs, for
			 * generated files, the empty dir and empty file */
	unsigned n_data;
	char resolved[4096];	/* -v: where the last source really was */
	/* Sources opened ahead by the holder (one fsuid switch for a batch
	 * of ops): the op being applied takes pre[cur - pre_first], when
	 * cur - pre_first < pre_n. */
	size_t cur, pre_first, pre_n;
	int pre[MNT_PRE_BATCH];
	/* The parent directory of the last bind's destination, kept while
	 * only binds follow (they mount beneath it, never on it): binds
	 * into one directory walk to it once.  fd -1: none. */
	int parent_fd;
	size_t parent_len;
	char parent_path[256];
};

/* Forget the cached parent (mounts.c). */
void mounts_drop_parent(struct build_ctx *c);

/* Apply one op.  Returns 1 when it was applied, 0 when skipped (a -try op
 * whose source is missing, an exclude of a path not in the sandbox), or a
 * negative errno with @err filled (positioned at the op). */
int mounts_apply(struct build_ctx *c, const struct tmpl_op *op,
		 const char **why_skipped, struct ns_err *err);

/* The source path op @op would open (binds and copies), else NULL. */
const char *mounts_source(const struct tmpl_op *op);
/* Does applying @op create anything in the host's tree (tmp's private
 * directory)?  Sources of later ops are not opened before it is done. */
bool mounts_changes_host(const struct tmpl_op *op);

#endif
