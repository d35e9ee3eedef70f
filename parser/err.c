// SPDX-License-Identifier: GPL-2.0-or-later
/* The one error setter; see err.h.  Pure. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
ns_err_set(struct ns_err *err, const struct tmpl_pos *pos, int errnum,
	   const char *fmt, ...)
{
	va_list ap;

	if (errnum <= 0)
		errnum = EIO;
	if (!err)
		return -errnum;
	memset(&err->pos, 0, sizeof(err->pos));
	if (pos)
		err->pos = *pos;
	err->code = -errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -errnum;
}
