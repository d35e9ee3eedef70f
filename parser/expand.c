// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols ($UID $GID $USER $HOMEDIR) and path validation.
 *
 * A '$' followed by a letter or '_' starts a symbol, matched by prefix
 * ("$USERNAME" is $USER then "NAME"); a '$' followed by anything else is an
 * ordinary byte.  Expansion is a single pass: substituted text is never
 * scanned again, so a home directory holding "$UID" stays as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl_internal.h"

#ifdef __clang_analyzer__
/* scan-build false positive: the analyzer does not inline the variadic
 * ns_err_set(), which returns a negative code, and so takes an error for
 * a success in expand_str().  Spell the value out for it (analyzer builds
 * only). */
#undef tmpl_set_err
#define tmpl_set_err(err, file, line, col, code, ...)			\
	(ns_err_set((err), &(const struct tmpl_pos){ (file), (line), (col) }, \
		    -(code), __VA_ARGS__), (code))
#endif

#define MSG_TEXT_MAX	256
/* Expanded text longer than this is refused before normalisation. */
#define EXPAND_MAX	(4 * TMPL_MAX_FILE)

static const struct {
	const char *name;
	size_t len;
	enum tmpl_sym sym;
} syms[] = {
	{ "HOMEDIR", 7, TMPL_SYM_HOMEDIR },
	{ "USER", 4, TMPL_SYM_USER },
	{ "UID", 3, TMPL_SYM_UID },
	{ "GID", 3, TMPL_SYM_GID },
	{ "COPY", 4, TMPL_SYM_COPY },
	{ "PASSWD", 6, TMPL_SYM_PASSWD },
	{ "GROUP", 5, TMPL_SYM_GROUP },
};

/* Values substituted for TMPL_SYM_HOMEDIR .. TMPL_SYM_GID. */
struct sym_vals {
	const char *v[TMPL_SYM_GID + 1];
	size_t len[TMPL_SYM_GID + 1];
	char uid[16];
	char gid[16];
};

static bool
sym_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
sym_char(char c)
{
	return sym_start(c) || (c >= '0' && c <= '9');
}

enum tmpl_sym
tmpl_sym_at(const char *s, size_t i, size_t *n)
{
	size_t k;

	*n = 1;
	if (!sym_start(s[i + 1]))
		return TMPL_SYM_LITERAL;
	for (k = 0; k < sizeof(syms) / sizeof(syms[0]); k++) {
		if (strncmp(s + i + 1, syms[k].name, syms[k].len) == 0) {
			*n = 1 + syms[k].len;
			return syms[k].sym;
		}
	}
	while (sym_char(s[i + *n]))
		(*n)++;
	return TMPL_SYM_UNKNOWN;
}

static int
sym_err(enum tmpl_sym sym, const char *s, size_t n,
	const struct tmpl_pos *pos, unsigned col, struct ns_err *err)
{
	const char *file = pos->file;
	unsigned line = pos->line;

	switch (sym) {
	case TMPL_SYM_COPY:
		return tmpl_set_err(err, file, line, col, -EINVAL,
			"$COPY is not valid here: use the copy command");
	case TMPL_SYM_PASSWD:
	case TMPL_SYM_GROUP:
		return tmpl_set_err(err, file, line, col, -EINVAL,
			"%s must stand alone at the start of a line",
			sym == TMPL_SYM_PASSWD ? "$PASSWD" : "$GROUP");
	case TMPL_SYM_UNKNOWN:
		return tmpl_set_err(err, file, line, col, -EINVAL,
			"unknown symbol %.*s",
			(int)(n > MSG_TEXT_MAX ? MSG_TEXT_MAX : n), s);
	case TMPL_SYM_LITERAL:
	case TMPL_SYM_HOMEDIR:
	case TMPL_SYM_USER:
	case TMPL_SYM_UID:
	case TMPL_SYM_GID:
	default:
		return 0;
	}
}

int
tmpl_sym_check(const char *s, const struct tmpl_pos *pos, unsigned *flags,
	       bool *has_sym, struct ns_err *err)
{
	size_t i, n;

	for (i = 0; s[i]; i += n) {
		enum tmpl_sym sym;
		int rc;

		n = 1;
		if (s[i] != '$')
			continue;
		sym = tmpl_sym_at(s, i, &n);
		rc = sym_err(sym, s + i, n, pos, pos->col + (unsigned)i, err);
		if (rc)
			return rc;
		if (sym != TMPL_SYM_LITERAL)
			*has_sym = true;
		if (sym == TMPL_SYM_HOMEDIR)
			*flags |= TMPL_F_HOMEDIR;
	}
	return 0;
}

static int
path_err(const struct tmpl_pos *pos, int code, const char *msg,
	 struct ns_err *err)
{
	return tmpl_set_err(err, pos->file, pos->line, pos->col, code, "%s",
			    msg);
}

/* Normalise *p, absolute (sources) or taken from the root (destinations). */
static int
fix_abs(char **p, const struct tmpl_pos *pos, bool dest,
	struct ns_err *err)
{
	size_t len = strlen(*p);

	if (**p != '/') {
		char *abs;

		if (!dest)
			return tmpl_set_err(err, pos->file, pos->line,
					    pos->col, -EINVAL,
					    "relative source path '%.*s'",
					    (int)(len > MSG_TEXT_MAX ?
						  MSG_TEXT_MAX : len), *p);
		abs = malloc(len + 2);
		if (!abs)
			return path_err(pos, -ENOMEM, "out of memory", err);
		abs[0] = '/';
		memcpy(abs + 1, *p, len + 1);
		free(*p);
		*p = abs;
	}
	if (tmpl_path_normalise(*p))
		return path_err(pos, -EINVAL,
				"'..' is not allowed in a path", err);
	if (dest && strcmp(*p, "/") == 0)
		return path_err(pos, -EINVAL, "the destination cannot be /",
				err);
	if (strlen(*p) > TMPL_MAX_PATH)
		return path_err(pos, -E2BIG, "path too long", err);
	return 0;
}

int
tmpl_fix_path(struct tmpl_op *op, bool src, struct ns_err *err)
{
	if (op->kind == TMPL_PASSWD || op->kind == TMPL_GROUP ||
	    op->kind == TMPL_NO_UNSHARE_USER)
		return 0;
	if (!src)
		return fix_abs(&op->dest, &op->dest_pos, true, err);
	if (op->kind != TMPL_SYMLINK)
		return fix_abs(&op->src, &op->src_pos, false, err);
	/* A link target is kept as written: relative, "..", all allowed. */
	if (!op->src[0])
		return path_err(&op->src_pos, -EINVAL, "empty path", err);
	if (strlen(op->src) > TMPL_MAX_PATH)
		return path_err(&op->src_pos, -E2BIG, "path too long", err);
	return 0;
}

static void
vals_init(struct sym_vals *v, const struct tmpl_ident *id)
{
	int i;

	snprintf(v->uid, sizeof(v->uid), "%u", (unsigned)id->uid);
	snprintf(v->gid, sizeof(v->gid), "%u", (unsigned)id->gid);
	v->v[TMPL_SYM_LITERAL] = "$";
	v->v[TMPL_SYM_HOMEDIR] = id->home;
	v->v[TMPL_SYM_USER] = id->user ? id->user : "";
	v->v[TMPL_SYM_UID] = v->uid;
	v->v[TMPL_SYM_GID] = v->gid;
	for (i = 0; i <= TMPL_SYM_GID; i++)
		v->len[i] = v->v[i] ? strlen(v->v[i]) : 0;
}

/* Bytes of the expansion of @s, or an error for a bad or missing symbol.
 * With @out, also write it there. */
static int
expand_pass(const char *s, const struct tmpl_pos *pos,
	    const struct sym_vals *v, char *out, size_t *len,
	    struct ns_err *err)
{
	size_t i, n, o = 0;

	for (i = 0; s[i]; i += n) {
		enum tmpl_sym sym = TMPL_SYM_LITERAL;
		unsigned col = pos->col + (unsigned)i;
		int rc;

		n = 1;
		if (s[i] == '$')
			sym = tmpl_sym_at(s, i, &n);
		rc = sym_err(sym, s + i, n, pos, col, err);
		if (rc)
			return rc;
		if (sym == TMPL_SYM_HOMEDIR && !v->v[sym])
			return tmpl_set_err(err, pos->file, pos->line, col,
				-EINVAL,
				"user has no home directory for $HOMEDIR");
		if (s[i] != '$' || sym == TMPL_SYM_LITERAL) {
			if (out)
				out[o] = s[i];
			o++;
			continue;
		}
		if (out)
			memcpy(out + o, v->v[sym], v->len[sym]);
		o += v->len[sym];
		if (o > EXPAND_MAX)
			return path_err(pos, -E2BIG, "path too long", err);
	}
	if (out)
		out[o] = '\0';
	*len = o;
	return 0;
}

static int
expand_str(char **p, const struct tmpl_pos *pos, const struct sym_vals *v,
	   struct ns_err *err)
{
	size_t len;
	char *out;
	int rc;

	if (!*p || !strchr(*p, '$'))
		return 0;
	rc = expand_pass(*p, pos, v, NULL, &len, err);
	if (rc)
		return rc;
	out = malloc(len + 1);
	if (!out)
		return path_err(pos, -ENOMEM, "out of memory", err);
	expand_pass(*p, pos, v, out, &len, err);
	free(*p);
	*p = out;
	return 0;
}

static int
expand_op(struct tmpl_op *op, const struct sym_vals *v, struct ns_err *err)
{
	int rc;

	if (op->kind == TMPL_PASSWD || op->kind == TMPL_GROUP ||
	    op->kind == TMPL_NO_UNSHARE_USER)
		return 0;
	if (op->src) {
		rc = expand_str(&op->src, &op->src_pos, v, err);
		if (!rc)
			rc = tmpl_fix_path(op, true, err);
		if (rc)
			return rc;
	}
	rc = expand_str(&op->dest, &op->dest_pos, v, err);
	if (!rc && op->dest)
		rc = tmpl_fix_path(op, false, err);
	return rc;
}

/* Call once per list: expanded text is not marked, and a second call would
 * scan what the first substituted. */
int
tmpl_expand(struct tmpl *t, const struct tmpl_ident *id,
	    struct ns_err *err)
{
	struct sym_vals v = { .uid = { 0 } };
	size_t i, w = 0;
	int rc = 0;

	vals_init(&v, id);
	for (i = 0; i < t->n; i++) {
		struct tmpl_op *op = &t->ops[i];

		if ((op->flags & TMPL_F_HOMEDIR) && !id->home &&
		    (op->flags & TMPL_F_TRY)) {
			tmpl_op_clear(op);
			continue;
		}
		if (!rc)
			rc = expand_op(op, &v, err);
		if (w != i)
			t->ops[w] = *op;
		w++;
	}
	t->n = w;
	return rc;
}
