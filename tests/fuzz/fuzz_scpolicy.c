// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the seccomp FILE (parser/scpolicy.c):
 *
 *   buffer -> sc_parse_buf -> sc_compose (every combination of the
 *   default list and the user namespace rules) -> sc_policy_hash
 *
 * Checks what persist/filter.c relies on and abort()s otherwise: every
 * rule named and within SC_NAME_MAX, refusing with EPERM or ENOSYS (never
 * anything that could let a call through or kill), at most one rule
 * that refuses a call always, a FILE rule carrying its position, and
 * the user namespace rules present whenever asked for.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scpolicy.h"
#include "template.h"

static void
fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_scpolicy: invariant violated: %s%s%s\n", what,
		detail ? ": " : "", detail ? detail : "");
	abort();
}

static void
check_err(const struct ns_err *err, int rc)
{
	if (rc >= 0 || err->code != rc)
		fail("error code not negative or not reported", NULL);
	if (!memchr(err->msg, '\0', sizeof(err->msg)) || !err->msg[0])
		fail("error message empty or not terminated", NULL);
}

static void
check_policy(const struct sc_policy *p, bool defaults, bool no_userns)
{
	size_t nu;
	const struct sc_rule *u = sc_userns_rules(&nu);

	for (size_t i = 0; i < p->n; i++) {
		const struct sc_rule *r = &p->rules[i];

		if (!r->name || !r->name[0] || strlen(r->name) > SC_NAME_MAX)
			fail("rule without a proper name", r->name);
		if (r->err != EPERM && r->err != ENOSYS)
			fail("rule refusing with another errno", r->name);
		if (r->cond > SC_NOT)
			fail("unknown condition", r->name);
		if (r->pos && (!r->pos->file || !r->pos->line))
			fail("FILE rule without a position", r->name);
		for (size_t j = i + 1; j < p->n; j++)
			if (r->cond == SC_ALWAYS &&
			    p->rules[j].cond == SC_ALWAYS &&
			    !strcmp(r->name, p->rules[j].name))
				fail("a call refused twice", r->name);
	}
	if (!defaults && !p->compat)
		fail("seccomp off refuses other ABIs", NULL);
	/* Each user namespace rule, or a FILE rule refusing its call
	 * always. */
	for (size_t k = 0; no_userns && k < nu; k++) {
		bool found = false;

		for (size_t i = 0; i < p->n && !found; i++)
			found = !strcmp(p->rules[i].name, u[k].name) &&
				(p->rules[i].cond == u[k].cond ||
				 p->rules[i].cond == SC_ALWAYS);
		if (!found)
			fail("user namespace rule missing", u[k].name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_file f = { 0 };
	struct ns_err err;
	int rc = sc_parse_buf(&f, "<fuzz>", (const char *)data, size, &err);

	if (rc) {
		check_err(&err, rc);
		sc_file_free(&f);
		return 0;
	}
	for (int m = 0; m < 4; m++) {
		bool defaults = m & 1, no_userns = m & 2;
		struct sc_policy p;

		rc = sc_compose(&p, defaults, no_userns, &f, &err);
		if (rc)
			check_err(&err, rc);
		else
			check_policy(&p, defaults, no_userns);
		(void)sc_policy_hash(&p, TMPL_HASH_INIT);
		sc_policy_free(&p);
	}
	sc_file_free(&f);
	return 0;
}
