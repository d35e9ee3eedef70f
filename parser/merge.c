// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Layering of templates: server (or the built-in default), then vhost.
 *
 * The key of an op is its normalised destination ($PASSWD is /etc/passwd,
 * $GROUP /etc/group, so they replace and are replaced by a bind of the same
 * file); no-unshare-user, which has none, is keyed by its kind.  A later op
 * with the key of an earlier one replaces it where it stands, so the mount
 * order stays that of the first mention.  remount-ro is the exception: it
 * changes the mount at its destination instead of defining it, so it
 * neither replaces nor is replaced (`/srv,bind` then `/srv,remount-ro`
 * keeps both, in that order).  Lookups use an open-addressing
 * hash table built per call: O(n) for the largest lists.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl_internal.h"

struct index {
	size_t *slot;		/* op index + 1; 0 is empty */
	size_t mask;
};

static uint64_t
key_hash(const struct tmpl_op *op)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	const unsigned char *p;

	if (!op->dest)
		return (uint64_t)op->kind;
	for (p = (const unsigned char *)op->dest; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	return h;
}

static bool
key_eq(const struct tmpl_op *a, const struct tmpl_op *b)
{
	if (!a->dest || !b->dest)
		return !a->dest && !b->dest && a->kind == b->kind;
	return strcmp(a->dest, b->dest) == 0;
}

/* The slot holding @op's key, or the empty slot where it would go. */
static size_t *
index_find(const struct index *ix, const struct tmpl_op *ops,
	   const struct tmpl_op *op)
{
	size_t i = (size_t)key_hash(op) & ix->mask;

	while (ix->slot[i] && !key_eq(&ops[ix->slot[i] - 1], op))
		i = (i + 1) & ix->mask;
	return &ix->slot[i];
}

static int
index_init(struct index *ix, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	ix->slot = calloc(size, sizeof(*ix->slot));
	ix->mask = size - 1;
	return ix->slot ? 0 : -ENOMEM;
}

int
tmpl_merge(struct tmpl *base, struct tmpl *add, struct ns_err *err)
{
	struct index ix;
	size_t i;

	if (base == add)
		return tmpl_set_err(err, NULL, 0, 0, -EINVAL,
				    "cannot merge a template into itself");
	if (tmpl_reserve(base, add->n) || index_init(&ix, base->n + add->n))
		return tmpl_set_err(err, NULL, 0, 0, -ENOMEM, "out of memory");
	/* Nothing can fail from here on. */
	for (i = 0; i < base->n; i++) {
		size_t *s;

		if (base->ops[i].kind == TMPL_REMOUNT_RO)
			continue;
		s = index_find(&ix, base->ops, &base->ops[i]);
		if (!*s)
			*s = i + 1;
	}
	for (i = 0; i < add->n; i++) {
		size_t *s;

		if (add->ops[i].kind == TMPL_REMOUNT_RO) {
			base->ops[base->n++] = add->ops[i];
			continue;
		}
		s = index_find(&ix, base->ops, &add->ops[i]);
		if (*s) {
			tmpl_op_clear(&base->ops[*s - 1]);
			base->ops[*s - 1] = add->ops[i];
			continue;
		}
		*s = base->n + 1;
		base->ops[base->n++] = add->ops[i];
	}
	free(ix.slot);
	free(add->ops);
	tmpl_init(add);
	return 0;
}
