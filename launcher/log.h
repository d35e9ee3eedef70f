/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Diagnostics and exit codes.  Only launcher/ exits. */
#ifndef NSCELL_LOG_H
#define NSCELL_LOG_H

#include "template.h"

#define EXIT_NSCELL	125	/* any nscell error before exec */
#define EXIT_NOEXEC	126	/* command found but not executable */
#define EXIT_NOTFOUND	127	/* command not found */

/* -1 when off; else /lsnsdebug's target (stderr or a root-owned file). */
extern int log_debug_fd;

/* Called by die() with its message before it exits, when set (the launch
 * log's line for a launch that failed, launchlog.c). */
extern void (*log_on_die)(const char *msg);

/* Turn on tracing if /lsnsdebug exists and is owned by root.  Call while
 * still root, before any namespace work. */
void log_init(void);

void debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "nscell: MESSAGE" on stderr and exit(@code). */
__attribute__((noreturn, format(printf, 2, 3)))
void die_code(int code, const char *fmt, ...);
#define die(...) die_code(EXIT_NSCELL, __VA_ARGS__)

/* "nscell: FILE:LINE:COL: MESSAGE" (or "nscell: MESSAGE" when the error
 * has no position) and exit 125. */
__attribute__((noreturn)) void die_err(const struct ns_err *err);

/* A refusal by policy: also to syslog (authpriv), then exit 125. */
__attribute__((noreturn, format(printf, 1, 2)))
void die_policy(const char *fmt, ...);

#endif
