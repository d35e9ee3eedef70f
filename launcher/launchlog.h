/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The launch log: one syslog line per launch (nscell(1), LAUNCH LOG),
 *
 *   launch caller=UID user=NAME uid=UID vhost=VHOST|- set=HOW status=N
 *       ms=N cmd="ARGV"
 *
 * to logFacility (authpriv by default) at LOG_INFO, rate-limited per
 * target user by launchLogRate lines a minute.  The socket to /dev/log
 * is connected and the rate decided before the sandbox is entered (inside
 * it, /dev/log is the sandbox's, if anything); the line is sent by the
 * monitor once the command has ended.  Never the environment; the
 * command line is escaped to printable ASCII and truncated.
 */
#ifndef NSCELL_LAUNCHLOG_H
#define NSCELL_LAUNCHLOG_H

struct launch;

/* Before any namespace work of the launch (root, the store's path still
 * resolving): connect, count against the rate, start the clock.  Also
 * arms the line that die() writes for a launch that fails from here on
 * (status 125, with the error). */
void launchlog_open(struct launch *L, const char *program);

/* How the launch got its sandbox: "joined", "built", "one-shot", "none"
 * (namespaces disabled by the configuration); "-" until then. */
void launchlog_set(const char *how);

/* The command ended with @status (launch_run's): send the line. */
void launchlog_done(int status);

#endif
