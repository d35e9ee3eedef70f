// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The staleness hash of a persisted sandbox.  Not a defence against an
 * adversary (templates are root's), only a change detector, so FNV-1a is
 * enough.
 */
#include <stdint.h>
#include <stdlib.h>

#include "template.h"

uint64_t
tmpl_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t
tmpl_hash(const struct tmpl *t, uint64_t h)
{
	char line[2 * TMPL_MAX_PATH + 64];

	for (size_t i = 0; i < t->n; i++) {
		int n = tmpl_op_format(&t->ops[i], line, sizeof(line));

		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(line))
			n = sizeof(line) - 1;
		h = tmpl_hash_bytes(h, line, (size_t)n + 1);
	}
	return h;
}
