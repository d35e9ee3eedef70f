/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one error type of parser/, persist/ and launcher/, and its one
 * setter.  A failing function fills a caller-owned struct ns_err and
 * returns the negative errno in it; only launcher/ prints it (die_err)
 * and exits.  Pure: no system calls.
 */
#ifndef NSCELL_ERR_H
#define NSCELL_ERR_H

struct tmpl_pos {
	const char *file;	/* not owned: lives as long as the caller's */
	unsigned line;		/* 1-based */
	unsigned col;		/* 1-based, in bytes */
};

struct ns_err {
	struct tmpl_pos pos;	/* pos.file NULL: not a positional error */
	int code;		/* negative errno-style code */
	char msg[512];		/* without the "nscell: FILE:LINE:COL: " prefix */
};

/* Fill @err (when not NULL) with @pos (NULL: no position), the code
 * -@errnum (a positive errno; anything else is taken as EIO) and the
 * message; return -@errnum. */
int ns_err_set(struct ns_err *err, const struct tmpl_pos *pos, int errnum,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
