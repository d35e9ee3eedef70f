/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between mounts.c and mounts_fs.c only. */
#ifndef NSCELL_MOUNTS_INT_H
#define NSCELL_MOUNTS_INT_H

#include <stdbool.h>

#include "mounts.h"

int mnt_attach(int tree, int destfd);
int mnt_set_attr(int fd, unsigned long long set, bool recursive);
int mnt_bind_at(int srcfd, int destfd, unsigned long long attrs,
		bool recursive);
int mnt_bind_to_dest(struct build_ctx *c, int srcfd, const char *dest,
		     unsigned long long attrs, bool recursive,
		     struct ns_err *err);
int mnt_new_fs(const char *type, const char *const *kv, unsigned attrs);
int mnt_fs_at(struct build_ctx *c, const char *dest, const char *type,
	      const char *const *kv, unsigned attrs, struct ns_err *err);

int op_tmpfs(struct build_ctx *c, const struct tmpl_op *op,
	     struct ns_err *err);
int op_proc(struct build_ctx *c, const struct tmpl_op *op,
	    struct ns_err *err);
int op_mqueue(struct build_ctx *c, const struct tmpl_op *op,
	      struct ns_err *err);
int op_remount_ro(struct build_ctx *c, const struct tmpl_op *op,
		  struct ns_err *err);
int op_hide(struct build_ctx *c, const struct tmpl_op *op, const char **why,
	    struct ns_err *err);
int op_dev(struct build_ctx *c, const struct tmpl_op *op,
	   struct ns_err *err);
int op_tmp(struct build_ctx *c, const struct tmpl_op *op,
	   struct ns_err *err);

#endif
