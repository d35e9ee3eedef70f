/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private interfaces shared by the files of the template parser
 * (lexer.c, template.c, expand.c, merge.c).  Not installed, not used
 * outside parser/.
 */
#ifndef NSCELL_TMPL_INTERNAL_H
#define NSCELL_TMPL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "template.h"

/* Tokens kept per line: enough to point at the first name past
 * TMPL_MAX_NAMES on a $PASSWD line, and at the 4th field elsewhere. */
#define TMPL_LEX_MAX	(TMPL_MAX_NAMES + 2)

struct tmpl_tok {
	const char *s;		/* text inside the line, not NUL-terminated */
	size_t len;		/* never 0 */
	unsigned col;		/* column of the first byte (the quote) */
	unsigned tcol;		/* column of the first byte of the text */
	bool quoted;
};

struct tmpl_line {
	const char *file;
	unsigned line;
	size_t n;		/* tokens on the line, may be > TMPL_LEX_MAX */
	struct tmpl_tok tok[TMPL_LEX_MAX];
};

/* What a '$' starts; see tmpl_sym_at(). */
enum tmpl_sym {
	TMPL_SYM_LITERAL,	/* '$' not followed by a letter or '_' */
	TMPL_SYM_HOMEDIR,
	TMPL_SYM_USER,
	TMPL_SYM_UID,
	TMPL_SYM_GID,
	TMPL_SYM_COPY,
	TMPL_SYM_PASSWD,
	TMPL_SYM_GROUP,
	TMPL_SYM_UNKNOWN,
};

/* ns_err_set() at FILE:LINE:COL with a negative @code; returns @code. */
#define tmpl_set_err(err, file, line, col, code, ...)			\
	ns_err_set((err), &(const struct tmpl_pos){ (file), (line), (col) }, \
		   -(code), __VA_ARGS__)

/* Split one line (newline and trailing CR already removed) into tokens.
 * Rejects overlong lines, NUL bytes and quoting errors. */
int tmpl_lex_line(struct tmpl_line *l, const char *s, size_t len,
		  struct ns_err *err);

/* Classify the '$' at s[i]; *n gets the bytes it spans ('$' included). */
enum tmpl_sym tmpl_sym_at(const char *s, size_t i, size_t *n);

/* Reject $COPY, $PASSWD, $GROUP and unknown symbols in @s, whose first
 * byte is at @pos.  Sets TMPL_F_HOMEDIR in *flags when $HOMEDIR occurs
 * and *has_sym when any symbol occurs. */
int tmpl_sym_check(const char *s, const struct tmpl_pos *pos,
		   unsigned *flags, bool *has_sym, struct ns_err *err);

/* Validate and normalise op->src (@src true) or op->dest in place,
 * according to the op's kind.  Idempotent. */
int tmpl_fix_path(struct tmpl_op *op, bool src, struct ns_err *err);

/* Free what an op owns and zero it. */
void tmpl_op_clear(struct tmpl_op *op);

/* Make room for @extra more ops. */
int tmpl_reserve(struct tmpl *t, size_t extra);

#endif
