// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Template line forms -> ops.
 *
 *   $PASSWD[ name...]   $GROUP[ name...]
 *   !PATH
 *   [PATH [PATH]] [COMMAND]      (at most three fields; the command is last)
 *
 * Symbols are validated here and expanded by tmpl_expand(); paths that hold
 * no symbol are validated and normalised here already, so that errors come
 * out in file order whenever possible.  Positions of paths (src_pos,
 * dest_pos, name_pos) are the column of their first byte: after an opening
 * quote, after the '!' of an exclude.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl_internal.h"

enum cmd_shape {
	SHAPE_SRC_DEST,		/* 1 path (src = dest) or 2 paths */
	SHAPE_SYMLINK,		/* target and path */
	SHAPE_ONE,		/* exactly one path, the destination */
	SHAPE_NONE,		/* no path */
};

struct cmd {
	const char *name;
	enum tmpl_kind kind;
	unsigned flags;
	enum cmd_shape shape;
};

/* Sorted by name (bsearch). */
static const struct cmd cmds[] = {
	{ "bind", TMPL_BIND, 0, SHAPE_SRC_DEST },
	{ "bind-try", TMPL_BIND, TMPL_F_TRY, SHAPE_SRC_DEST },
	{ "copy", TMPL_COPY, 0, SHAPE_SRC_DEST },
	{ "copy-try", TMPL_COPY, TMPL_F_TRY, SHAPE_SRC_DEST },
	{ "dev", TMPL_DEV, 0, SHAPE_ONE },
	{ "dev-bind", TMPL_DEV_BIND, 0, SHAPE_SRC_DEST },
	{ "dev-bind-try", TMPL_DEV_BIND, TMPL_F_TRY, SHAPE_SRC_DEST },
	{ "dir", TMPL_DIR, 0, SHAPE_ONE },
	{ "mqueue", TMPL_MQUEUE, 0, SHAPE_ONE },
	{ "no-unshare-user", TMPL_NO_UNSHARE_USER, 0, SHAPE_NONE },
	{ "proc", TMPL_PROC, 0, SHAPE_ONE },
	{ "remount-ro", TMPL_REMOUNT_RO, 0, SHAPE_ONE },
	{ "ro-bind", TMPL_RO_BIND, 0, SHAPE_SRC_DEST },
	{ "ro-bind-try", TMPL_RO_BIND, TMPL_F_TRY, SHAPE_SRC_DEST },
	{ "symlink", TMPL_SYMLINK, 0, SHAPE_SYMLINK },
	{ "tmp", TMPL_TMP, 0, SHAPE_ONE },
	{ "tmpfs", TMPL_TMPFS, 0, SHAPE_ONE },
};

static const char *const kind_names[TMPL_KIND_COUNT] = {
	[TMPL_BIND] = "bind",
	[TMPL_RO_BIND] = "ro-bind",
	[TMPL_DEV_BIND] = "dev-bind",
	[TMPL_COPY] = "copy",
	[TMPL_DEV] = "dev",
	[TMPL_DIR] = "dir",
	[TMPL_MQUEUE] = "mqueue",
	[TMPL_PROC] = "proc",
	[TMPL_REMOUNT_RO] = "remount-ro",
	[TMPL_SYMLINK] = "symlink",
	[TMPL_TMP] = "tmp",
	[TMPL_TMPFS] = "tmpfs",
	[TMPL_HIDE] = "!",
	[TMPL_PASSWD] = "$PASSWD",
	[TMPL_GROUP] = "$GROUP",
	[TMPL_NO_UNSHARE_USER] = "no-unshare-user",
};

static const char *const try_names[TMPL_KIND_COUNT] = {
	[TMPL_BIND] = "bind-try",
	[TMPL_RO_BIND] = "ro-bind-try",
	[TMPL_DEV_BIND] = "dev-bind-try",
	[TMPL_COPY] = "copy-try",
};

/* Longest piece of user text quoted in a message. */
#define MSG_TEXT_MAX	256

struct parse_ctx {
	struct tmpl *out;
	struct ns_err *err;
	size_t n_ops;		/* ops added by this parse */
	struct tmpl_line l;
};

#define PERR(pc, col, code, ...)					\
	tmpl_set_err((pc)->err, (pc)->l.file, (pc)->l.line, (col), (code), \
		     __VA_ARGS__)



static int
nomem(const struct parse_ctx *pc, unsigned col)
{
	return PERR(pc, col, -ENOMEM, "out of memory");
}

static int
text_len(size_t len)
{
	return len > MSG_TEXT_MAX ? MSG_TEXT_MAX : (int)len;
}

static bool
tok_is(const struct tmpl_tok *t, const char *word)
{
	return !t->quoted && t->len == strlen(word) &&
	       memcmp(t->s, word, t->len) == 0;
}

static int
cmd_cmp(const void *key, const void *elem)
{
	const struct tmpl_tok *t = key;
	const char *name = ((const struct cmd *)elem)->name;
	size_t n = strlen(name);
	int c = memcmp(t->s, name, t->len < n ? t->len : n);

	if (c)
		return c;
	return (t->len > n) - (t->len < n);
}

static const struct cmd *
cmd_find(const struct tmpl_tok *t)
{
	if (t->quoted)
		return NULL;
	return bsearch(t, cmds, sizeof(cmds) / sizeof(cmds[0]),
		       sizeof(cmds[0]), cmd_cmp);
}

static int
set_path(const struct parse_ctx *pc, char **dst, struct tmpl_pos *pos,
	 const struct tmpl_tok *t, size_t skip)
{
	*dst = strndup(t->s + skip, t->len - skip);
	if (!*dst)
		return nomem(pc, t->col);
	pos->file = pc->l.file;
	pos->line = pc->l.line;
	pos->col = t->tcol + (unsigned)skip;
	return 0;
}

/* src and dest from one token (same text) or two. */
static int
set_src_dest(const struct parse_ctx *pc, struct tmpl_op *op,
	     const struct tmpl_tok *src, const struct tmpl_tok *dest)
{
	int rc = set_path(pc, &op->src, &op->src_pos, src, 0);

	if (!rc)
		rc = set_path(pc, &op->dest, &op->dest_pos, dest, 0);
	return rc;
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static int
check_name(const struct parse_ctx *pc, const struct tmpl_tok *t)
{
	bool ok = t->len <= 255 && t->s[0] != '-';
	size_t i;

	for (i = 0; ok && i < t->len; i++)
		ok = name_char(t->s[i]);
	if (!ok)
		return PERR(pc, t->tcol, -EINVAL, "bad name '%.*s'",
			    text_len(t->len), t->s);
	return 0;
}

/* $PASSWD[ name...] and $GROUP[ name...] */
static int
form_names(const struct parse_ctx *pc, struct tmpl_op *op,
	   enum tmpl_kind kind)
{
	const struct tmpl_line *l = &pc->l;
	size_t i, n = l->n - 1;
	int rc;

	op->kind = kind;
	op->dest_pos = op->pos;
	if (n > TMPL_MAX_NAMES)
		return PERR(pc, l->tok[TMPL_MAX_NAMES + 1].col, -E2BIG,
			    "too many names");
	for (i = 1; i <= n; i++) {
		rc = check_name(pc, &l->tok[i]);
		if (rc)
			return rc;
	}
	op->dest = strdup(kind == TMPL_PASSWD ? "/etc/passwd" : "/etc/group");
	if (!op->dest)
		return nomem(pc, op->pos.col);
	if (!n)
		return 0;
	op->names = calloc(n, sizeof(*op->names));
	op->name_pos = calloc(n, sizeof(*op->name_pos));
	if (!op->names || !op->name_pos)
		return nomem(pc, op->pos.col);
	for (i = 0; i < n; i++) {
		rc = set_path(pc, &op->names[i], &op->name_pos[i],
			      &l->tok[i + 1], 0);
		if (rc)
			return rc;
		op->n_names++;
	}
	return 0;
}

/* !PATH */
static int
form_hide(const struct parse_ctx *pc, struct tmpl_op *op)
{
	const struct tmpl_tok *t = &pc->l.tok[0];

	op->kind = TMPL_HIDE;
	if (t->len == 1)
		return PERR(pc, t->col, -EINVAL, "empty path after !");
	if (pc->l.n > 1)
		return PERR(pc, pc->l.tok[1].col, -EINVAL,
			    "no command can follow an exclude");
	return set_path(pc, &op->dest, &op->dest_pos, t, 1);
}

/* No command word: PATH, or SRC DEST when DEST looks like a path. */
static int
form_default(const struct parse_ctx *pc, struct tmpl_op *op)
{
	const struct tmpl_tok *t = pc->l.tok;
	const struct tmpl_tok *bad = &t[pc->l.n - 1];

	op->kind = TMPL_RO_BIND;
	op->flags = TMPL_F_TRY;
	if (pc->l.n == 1)
		return set_src_dest(pc, op, &t[0], &t[0]);
	if (pc->l.n == 2 && (t[1].quoted || memchr(t[1].s, '/', t[1].len)))
		return set_src_dest(pc, op, &t[0], &t[1]);
	return PERR(pc, bad->col, -EINVAL, "unknown command '%.*s'",
		    text_len(bad->len), bad->s);
}

static int
form_shape(const struct parse_ctx *pc, struct tmpl_op *op,
	   const struct cmd *c, size_t np)
{
	const struct tmpl_tok *t = pc->l.tok, *cmd = &t[np];

	switch (c->shape) {
	case SHAPE_NONE:
		if (np)
			return PERR(pc, t[0].col, -EINVAL,
				    "%s takes no path", c->name);
		return 0;
	case SHAPE_SYMLINK:
		if (np != 2)
			return PERR(pc, cmd->col, -EINVAL,
				    "symlink needs a target and a path");
		return set_src_dest(pc, op, &t[0], &t[1]);
	case SHAPE_ONE:
		if (np == 2)
			return PERR(pc, t[1].col, -EINVAL,
				    "%s takes one path", c->name);
		break;
	case SHAPE_SRC_DEST:
		break;
	default:
		return PERR(pc, cmd->col, -EINVAL, "internal error");
	}
	if (!np)
		return PERR(pc, cmd->col, -EINVAL, "%s needs a path", c->name);
	if (c->shape == SHAPE_ONE)
		return set_path(pc, &op->dest, &op->dest_pos, &t[0], 0);
	return set_src_dest(pc, op, &t[0], &t[np - 1]);
}

/* [PATH [PATH]] [COMMAND] */
static int
form_cmd(const struct parse_ctx *pc, struct tmpl_op *op)
{
	const struct tmpl_line *l = &pc->l;
	const struct cmd *c;

	if (l->n > 3)
		return PERR(pc, l->tok[3].col, -EINVAL, "too many fields");
	c = cmd_find(&l->tok[l->n - 1]);
	if (!c)
		return form_default(pc, op);
	op->kind = c->kind;
	op->flags = c->flags;
	return form_shape(pc, op, c, l->n - 1);
}

static int
form_op(const struct parse_ctx *pc, struct tmpl_op *op)
{
	const struct tmpl_tok *t = &pc->l.tok[0];

	if (tok_is(t, "$PASSWD"))
		return form_names(pc, op, TMPL_PASSWD);
	if (tok_is(t, "$GROUP"))
		return form_names(pc, op, TMPL_GROUP);
	if (!t->quoted && t->s[0] == '!')
		return form_hide(pc, op);
	return form_cmd(pc, op);
}

/* Symbols are checked in every path; a path without any is final now. */
static int
check_paths(const struct parse_ctx *pc, struct tmpl_op *op)
{
	bool has;
	int rc;

	if (op->src) {
		has = false;
		rc = tmpl_sym_check(op->src, &op->src_pos, &op->flags, &has,
				    pc->err);
		if (!rc && !has)
			rc = tmpl_fix_path(op, true, pc->err);
		if (rc)
			return rc;
	}
	if (op->dest) {
		has = false;
		rc = tmpl_sym_check(op->dest, &op->dest_pos, &op->flags, &has,
				    pc->err);
		if (!rc && !has)
			rc = tmpl_fix_path(op, false, pc->err);
		if (rc)
			return rc;
	}
	return 0;
}

static int
parse_line(struct parse_ctx *pc, const char *s, size_t len)
{
	const struct tmpl_tok *t0 = &pc->l.tok[0];
	struct tmpl_op op;
	int rc;

	rc = tmpl_lex_line(&pc->l, s, len, pc->err);
	if (rc || pc->l.n == 0)
		return rc;
	if (pc->n_ops == TMPL_MAX_OPS)
		return PERR(pc, t0->col, -E2BIG,
			    "too many lines (more than %d ops)", TMPL_MAX_OPS);
	memset(&op, 0, sizeof(op));
	op.pos.file = pc->l.file;
	op.pos.line = pc->l.line;
	op.pos.col = t0->col;
	rc = form_op(pc, &op);
	if (!rc)
		rc = check_paths(pc, &op);
	if (!rc && tmpl_reserve(pc->out, 1))
		rc = nomem(pc, t0->col);
	if (rc) {
		tmpl_op_clear(&op);
		return rc;
	}
	pc->out->ops[pc->out->n++] = op;
	pc->n_ops++;
	return 0;
}

/* On failure @out is left as it was on entry. */
int
tmpl_parse_buf(struct tmpl *out, const char *file, const char *buf,
	       size_t len, struct ns_err *err)
{
	struct parse_ctx pc = { .out = out, .err = err };
	size_t off = 0, start_n = out->n;
	int rc = 0;

	pc.l.file = file;
	if (len > TMPL_MAX_FILE)
		return tmpl_set_err(err, file, 1, 1, -E2BIG,
				    "template larger than 1 MiB");
	while (off < len && !rc) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - off;

		if (n && buf[off + n - 1] == '\r')
			n--;
		pc.l.line++;
		rc = parse_line(&pc, buf + off, n);
		off = end + 1;
	}
	if (rc) {
		while (out->n > start_n)
			tmpl_op_clear(&out->ops[--out->n]);
	}
	return rc;
}

void
tmpl_init(struct tmpl *t)
{
	t->ops = NULL;
	t->n = 0;
	t->cap = 0;
}

void
tmpl_op_clear(struct tmpl_op *op)
{
	size_t i;

	free(op->src);
	free(op->dest);
	for (i = 0; i < op->n_names; i++)
		free(op->names[i]);
	free(op->names);
	free(op->name_pos);
	memset(op, 0, sizeof(*op));
}

void
tmpl_free(struct tmpl *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		tmpl_op_clear(&t->ops[i]);
	free(t->ops);
	tmpl_init(t);
}

int
tmpl_reserve(struct tmpl *t, size_t extra)
{
	size_t cap = t->cap ? t->cap : 16;
	struct tmpl_op *ops;

	if (extra > ((size_t)-1 / sizeof(*ops)) / 2 - t->n)
		return -ENOMEM;
	if (t->n + extra <= t->cap)
		return 0;
	while (cap < t->n + extra)
		cap *= 2;
	ops = realloc(t->ops, cap * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	t->ops = ops;
	t->cap = cap;
	return 0;
}

bool
tmpl_no_unshare_user(const struct tmpl *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ops[i].kind == TMPL_NO_UNSHARE_USER)
			return true;
	return false;
}

const char *
tmpl_kind_name(enum tmpl_kind kind, unsigned flags)
{
	if ((unsigned)kind >= TMPL_KIND_COUNT)
		return "?";
	if ((flags & TMPL_F_TRY) && try_names[kind])
		return try_names[kind];
	return kind_names[kind];
}

/* In place: collapse "//", drop "." components and a trailing "/". */
int
tmpl_path_normalise(char *path)
{
	char *r = path, *w = path;

	if (path[0] != '/')
		return -EINVAL;
	while (*r) {
		size_t n;

		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n == 2 && r[0] == '.' && r[1] == '.')
			return -EINVAL;
		if (n && !(n == 1 && r[0] == '.')) {
			*w++ = '/';
			/* Usually in place: musl's memmove copies even then,
			 * backwards, a byte at a time. */
			if (w != r)
				memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
	return 0;
}

struct fmt {
	char *buf;
	size_t len;
	size_t n;		/* bytes the whole line needs */
};

static void
fmt_mem(struct fmt *f, const char *s, size_t n)
{
	if (f->n < f->len) {
		size_t room = f->len - 1 - f->n;

		memcpy(f->buf + f->n, s, n < room ? n : room);
		f->buf[f->n + (n < room ? n : room)] = '\0';
	}
	f->n += n;
}

static void
fmt_str(struct fmt *f, const char *s)
{
	fmt_mem(f, s, strlen(s));
}

/* A separator, a comment or a quote in a path is written quoted. */
static void
fmt_path(struct fmt *f, const char *p)
{
	const char *q = "\"";

	fmt_str(f, " ");
	if (!p[strcspn(p, " \t,#'\"")]) {
		fmt_str(f, p);
		return;
	}
	if (strchr(p, '"'))
		q = "'";
	fmt_str(f, q);
	fmt_str(f, p);
	fmt_str(f, q);
}

static void
fmt_names(struct fmt *f, const struct tmpl_op *op)
{
	size_t i;

	fmt_str(f, " ");
	fmt_str(f, op->dest);
	for (i = 0; i < op->n_names; i++) {
		fmt_str(f, " ");
		fmt_str(f, op->names[i]);
	}
}

int
tmpl_op_format(const struct tmpl_op *op, char *buf, size_t len)
{
	struct fmt f = { .buf = buf, .len = len, .n = 0 };

	if (len)
		buf[0] = '\0';
	fmt_str(&f, tmpl_kind_name(op->kind, op->flags));
	switch (op->kind) {
	case TMPL_BIND:
	case TMPL_RO_BIND:
	case TMPL_DEV_BIND:
	case TMPL_COPY:
	case TMPL_SYMLINK:
		fmt_path(&f, op->src ? op->src : "");
		fmt_path(&f, op->dest ? op->dest : "");
		break;
	case TMPL_DEV:
	case TMPL_DIR:
	case TMPL_MQUEUE:
	case TMPL_PROC:
	case TMPL_REMOUNT_RO:
	case TMPL_TMP:
	case TMPL_TMPFS:
	case TMPL_HIDE:
		fmt_path(&f, op->dest ? op->dest : "");
		break;
	case TMPL_PASSWD:
	case TMPL_GROUP:
		fmt_names(&f, op);
		break;
	case TMPL_NO_UNSHARE_USER:
	case TMPL_KIND_COUNT:
	default:
		break;
	}
	return f.n > 0x7fffffff ? 0x7fffffff : (int)f.n;
}
