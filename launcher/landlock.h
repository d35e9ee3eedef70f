/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSCELL_LANDLOCK_H
#define NSCELL_LANDLOCK_H

/* Scope the calling process (already unprivileged, NO_NEW_PRIVS set) with
 * Landlock so that it cannot connect to abstract unix sockets created
 * outside its own launch: the network namespace is shared with the host,
 * and without this a tenant could reach another tenant's (or a host
 * service's) abstract sockets.  Needs Landlock ABI 6 (Linux 6.12).
 * Returns the ABI used (>= 6), 0 when the kernel cannot scope (older or
 * Landlock disabled: documented in SECURITY.md), or a negative errno when
 * the kernel offers scoping and applying it failed (the caller refuses to
 * run). */
int landlock_scope(void);

#endif
