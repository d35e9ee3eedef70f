/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gate: where caller input enters, and the only place that decides
 * what a caller may name.  In this order, before anything else is done
 * with a caller's string:
 *
 *   gate_args    right after option parsing: every string from argv is
 *                checked for shape (parser/input.c) and converted to a
 *                checked type; a bad one exits 125 before the
 *                configuration is even read.
 *   gate_caller  after the configuration is read, before any lookup of a
 *                name the caller gave: a caller who is neither root nor in
 *                allowCaller may name only itself with -u and only a
 *                vhost configured in nscell.conf with -s.
 *   gate_target  after the target is looked up: uid 0 never, minUid,
 *                maxUid and nobody, the vhost's owner.
 *
 * Every refusal is logged (authpriv) and exits 125.
 */
#ifndef NSCELL_GATE_H
#define NSCELL_GATE_H

#include "config.h"
#include "identity.h"
#include "launch.h"

/* argv's strings as getopt left them; NULL when not given.  Nothing but
 * gate_args() reads them. */
struct raw_args {
	const char *user, *vhost, *tmpl, *vtmpl, *dir;
};

/* Keep @val in *@slot for gate_args(); an option given twice is refused
 * (which of the two would count is not a question a setuid program
 * should answer). */
void gate_raw(const char **slot, char opt, const char *val);
void gate_args(const struct raw_args *raw, struct launch_opts *o);
void gate_caller(const struct nscell_conf *conf, const struct caller *c,
		 const struct launch_opts *o);
void gate_target(const struct nscell_conf *conf, const struct caller *c,
		 const struct identity *id, const struct launch_opts *o);

/* Is @c root or an allowCaller member?  (Looks up the caller's own name
 * and the configured group names, nothing the caller gave.) */
bool gate_privileged_caller(const struct nscell_conf *conf,
			    const struct caller *c);

#endif
