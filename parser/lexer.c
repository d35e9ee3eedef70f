// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One template line -> tokens.
 *
 * Separators are space, tab and comma; a run of them is one separator.
 * A token may be quoted with ' or " (no escapes: a backslash is an
 * ordinary byte); the quotes are not part of it and a closing quote must be
 * followed by a separator or the end of the line.  A token that starts with
 * '#' ends the line (a comment, in the first column or trailing).
 */
#include <errno.h>
#include <string.h>

#include "tmpl_internal.h"

static bool
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

static bool
is_quote(char c)
{
	return c == '\'' || c == '"';
}

static unsigned
col_of(size_t i)
{
	return (unsigned)i + 1;
}

static int
lex_quoted(struct tmpl_line *l, const char *s, size_t len, size_t *i,
	   struct tmpl_tok *t, struct ns_err *err)
{
	size_t open = *i, close;
	const char *end;

	end = memchr(s + open + 1, s[open], len - open - 1);
	if (!end)
		return tmpl_set_err(err, l->file, l->line, col_of(open),
				    -EINVAL, "unbalanced quote");
	close = (size_t)(end - s);
	if (close == open + 1)
		return tmpl_set_err(err, l->file, l->line, col_of(open),
				    -EINVAL, "empty path");
	if (close + 1 < len && !is_sep(s[close + 1]))
		return tmpl_set_err(err, l->file, l->line, col_of(close + 1),
				    -EINVAL, "text after closing quote");
	t->s = s + open + 1;
	t->len = close - open - 1;
	t->col = col_of(open);
	t->tcol = col_of(open + 1);
	t->quoted = true;
	*i = close + 1;
	return 0;
}

static int
lex_plain(struct tmpl_line *l, const char *s, size_t len, size_t *i,
	  struct tmpl_tok *t, struct ns_err *err)
{
	size_t start = *i, j;

	for (j = start; j < len && !is_sep(s[j]); j++)
		if (is_quote(s[j]))
			return tmpl_set_err(err, l->file, l->line, col_of(j),
					    -EINVAL, "quote inside a token");
	t->s = s + start;
	t->len = j - start;
	t->col = col_of(start);
	t->tcol = t->col;
	t->quoted = false;
	*i = j;
	return 0;
}

/* Line-level limits, reported at the leftmost offending column. */
static int
check_line(struct tmpl_line *l, const char *s, size_t len,
	   struct ns_err *err)
{
	size_t scan = len > TMPL_MAX_LINE ? TMPL_MAX_LINE : len;
	const char *nul = memchr(s, '\0', scan);

	if (nul)
		return tmpl_set_err(err, l->file, l->line,
				    col_of((size_t)(nul - s)), -EINVAL,
				    "NUL byte in template");
	if (len > TMPL_MAX_LINE)
		return tmpl_set_err(err, l->file, l->line,
				    col_of(TMPL_MAX_LINE), -E2BIG,
				    "line too long (more than %d bytes)",
				    TMPL_MAX_LINE);
	return 0;
}

int
tmpl_lex_line(struct tmpl_line *l, const char *s, size_t len,
	      struct ns_err *err)
{
	size_t i = 0;
	int rc;

	l->n = 0;
	rc = check_line(l, s, len, err);
	if (rc)
		return rc;
	for (;;) {
		struct tmpl_tok t;

		while (i < len && is_sep(s[i]))
			i++;
		if (i == len || s[i] == '#')
			return 0;
		if (is_quote(s[i]))
			rc = lex_quoted(l, s, len, &i, &t, err);
		else
			rc = lex_plain(l, s, len, &i, &t, err);
		if (rc)
			return rc;
		if (l->n < TMPL_LEX_MAX)
			l->tok[l->n] = t;
		l->n++;
	}
}
