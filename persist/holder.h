/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between the builder (build.c) and the holder it forks (holder.c). */
#ifndef NSCELL_HOLDER_H
#define NSCELL_HOLDER_H

#include "sandbox.h"

struct holder_fds {
	int status;	/* report to the builder */
	int parent;	/* pidfd of the builder */
	int commit;	/* persistent: the builder's go-ahead (and, first,
			 * the user namespace to keep, if any), else -1 */
	int trace;	/* -v and /lsnsdebug lines ('v' or 'd', the text, a
			 * newline), read by the builder; -1: none.  The
			 * holder never writes to the caller's fds: a full
			 * FIFO there would keep a root process blocked. */
};

/* The holder's life, in the child of the builder's clone(): never returns. */
__attribute__((noreturn)) void holder_main(const struct sandbox_spec *spec,
					   const struct holder_fds *f);

#endif
