/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Namespace template language: pure parser, symbol expansion and merge.
 *
 * Nothing in parser/ makes a system call or keeps global state: every
 * function takes its inputs as memory and reports errors in a caller-owned
 * struct ns_err, so that tests and fuzzers can drive it directly.
 *
 * Pipeline used by the launcher:
 *   tmpl_parse_buf(file A) -> raw list     (line forms, tokens, positions)
 *   tmpl_expand(raw, identity)              ($UID $GID $USER $HOMEDIR,
 *                                            then path validation)
 *   tmpl_merge(effective, raw)              (override by normalised dest)
 * repeated for the server template (or the built-in default) and then the
 * vhost template.
 */
#ifndef NSCELL_TEMPLATE_H
#define NSCELL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TMPL_MAX_LINE	4096	/* bytes per line, newline excluded */
#define TMPL_MAX_PATH	4095	/* bytes per path after expansion */
#define TMPL_MAX_OPS	4096	/* ops per template */
#define TMPL_MAX_NAMES	64	/* names after $PASSWD / $GROUP */
#define TMPL_MAX_FILE	(1024 * 1024)	/* bytes per template file */

enum tmpl_kind {
	TMPL_BIND,		/* bind, bind-try */
	TMPL_RO_BIND,		/* ro-bind, ro-bind-try */
	TMPL_DEV_BIND,		/* dev-bind, dev-bind-try */
	TMPL_COPY,		/* copy, copy-try */
	TMPL_DEV,		/* dev */
	TMPL_DIR,		/* dir */
	TMPL_MQUEUE,		/* mqueue */
	TMPL_PROC,		/* proc */
	TMPL_REMOUNT_RO,	/* remount-ro */
	TMPL_SYMLINK,		/* symlink: src is the link text */
	TMPL_TMP,		/* tmp: disk-backed private directory */
	TMPL_TMPFS,		/* tmpfs */
	TMPL_HIDE,		/* !PATH */
	TMPL_PASSWD,		/* $PASSWD[,name...]: dest /etc/passwd */
	TMPL_GROUP,		/* $GROUP[,name...]: dest /etc/group */
	TMPL_NO_UNSHARE_USER,	/* no-unshare-user: no paths */
	TMPL_KIND_COUNT
};

enum {
	TMPL_F_TRY = 1u << 0,	/* -try: skip when the source does not exist */
	TMPL_F_HOMEDIR = 1u << 1, /* src or dest used $HOMEDIR */
};

struct tmpl_op {
	enum tmpl_kind kind;
	unsigned flags;
	char *src;		/* NULL when the kind takes no source */
	char *dest;		/* normalised absolute path; NULL for
				 * TMPL_NO_UNSHARE_USER */
	char **names;		/* $PASSWD/$GROUP extra names, else NULL */
	size_t n_names;
	struct tmpl_pos pos;	/* start of the line's first token */
	struct tmpl_pos src_pos;
	struct tmpl_pos dest_pos;
	struct tmpl_pos *name_pos;	/* one per name */
};

struct tmpl {
	struct tmpl_op *ops;
	size_t n;
	size_t cap;
};

/* Values substituted for the symbols; home NULL means "no usable home"
 * (none, empty or "/"): a -try op using $HOMEDIR is then dropped, any other
 * op using it is an error. */
struct tmpl_ident {
	uint32_t uid;
	uint32_t gid;
	const char *user;
	const char *home;
};

void tmpl_init(struct tmpl *t);
void tmpl_free(struct tmpl *t);

/* Parse one template held in memory; ops are appended to @out in file order
 * with no merging.  Returns 0 or a negative errno with @err filled. */
int tmpl_parse_buf(struct tmpl *out, const char *file, const char *buf,
		   size_t len, struct ns_err *err);

/* The spec's built-in default template, as text, and its pseudo file name
 * ("<default>"). */
extern const char tmpl_default_text[];
extern const char tmpl_default_name[];

/* Expand $UID $GID $USER $HOMEDIR in every src and dest of @t, every
 * occurrence, in one pass; then validate and normalise the results
 * (absolute sources, no "..", length).  Errors carry the token position. */
int tmpl_expand(struct tmpl *t, const struct tmpl_ident *id,
		struct ns_err *err);

/* Move every op of @add into @base: an op whose key (normalised dest; the
 * kind for TMPL_NO_UNSHARE_USER) equals an earlier op's replaces that op in
 * its place, else it is appended.  @add is left empty. */
int tmpl_merge(struct tmpl *base, struct tmpl *add, struct ns_err *err);

/* True when the effective list asks for no user namespace. */
bool tmpl_no_unshare_user(const struct tmpl *t);

/* The spelling of a kind in templates ("ro-bind", "!", "$PASSWD", ...),
 * with "-try" appended when @flags has TMPL_F_TRY. */
const char *tmpl_kind_name(enum tmpl_kind kind, unsigned flags);

/* One canonical line for an op, e.g. "ro-bind-try /usr /usr" or
 * "$PASSWD /etc/passwd nobody root"; used by --check, -v and the staleness
 * hash.  Returns the length snprintf would have written. */
int tmpl_op_format(const struct tmpl_op *op, char *buf, size_t len);

/* FNV-1a (64 bit) of @n bytes, continuing from @h (start with
 * TMPL_HASH_INIT). */
#define TMPL_HASH_INIT 0xcbf29ce484222325ull
uint64_t tmpl_hash_bytes(uint64_t h, const void *p, size_t n);

/* Hash of the effective op list: each op's canonical line (tmpl_op_format)
 * and $PASSWD/$GROUP names, in order.  Positions are not hashed: moving a
 * line to another file does not change the sandbox. */
uint64_t tmpl_hash(const struct tmpl *t, uint64_t h);

/* Normalise an absolute path in place: collapse "//", drop "." and a
 * trailing "/".  Returns -EINVAL on a ".." component or a relative path. */
int tmpl_path_normalise(char *path);

#endif
