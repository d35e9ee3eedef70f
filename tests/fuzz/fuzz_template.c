// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the template pipeline, as the launcher drives it:
 *
 *   buffer -> tmpl_parse_buf -> tmpl_expand (a fixed identity, and again
 *   with no home) -> tmpl_merge over the built-in default -> tmpl_op_format
 *   on every op -> tmpl_hash -> tmpl_free
 *
 * Besides memory errors (ASan) and undefined behaviour (UBSan), it checks
 * the properties the privileged code relies on and abort()s when one does
 * not hold, so libFuzzer reports it as a crash:
 *   - a failed parse leaves the list as it was and fills the error;
 *   - after expansion every destination is absolute, normalised (a second
 *     tmpl_path_normalise() changes nothing), has no ".." component, is
 *     not "/" and fits TMPL_MAX_PATH; every bind/copy source likewise;
 *   - with no home, no op that used $HOMEDIR survives;
 *   - a merge leaves one op per key (remount-ro excepted) and empties @add;
 *   - a canonical line holds no newline, its length is what
 *     tmpl_op_format() returns, and truncation keeps it NUL-terminated;
 *   - the hash is a function of the list.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

#define FMT_MAX	(2 * TMPL_MAX_PATH + 64)

static const struct tmpl_ident ident = {
	.uid = 1000, .gid = 1001, .user = "alice", .home = "/home/alice",
};
static const struct tmpl_ident ident_nohome = {
	.uid = 4294967294u, .gid = 0, .user = "bob", .home = NULL,
};

static void
fail(const char *what, const struct tmpl_op *op)
{
	fprintf(stderr, "fuzz_template: invariant violated: %s\n", what);
	if (op)
		fprintf(stderr, "  op kind %d flags %#x src '%s' dest '%s'\n",
			(int)op->kind, op->flags, op->src ? op->src : "(null)",
			op->dest ? op->dest : "(null)");
	abort();
}

static void
check_err(const struct ns_err *err, int rc)
{
	if (rc >= 0 || err->code != rc)
		fail("error code not negative or not reported", NULL);
	if (!memchr(err->msg, '\0', sizeof(err->msg)) || !err->msg[0])
		fail("error message empty or not terminated", NULL);
	if (err->pos.file && (err->pos.line == 0 || err->pos.col == 0))
		fail("positional error without line or column", NULL);
}

static bool
has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")); c++)
		if ((c == p || c[-1] == '/') && (c[2] == '/' || !c[2]))
			return true;
	return false;
}

/* Absolute, normalised, no "..", not "/", bounded. */
static void
check_abs(const char *p, const struct tmpl_op *op, bool dest)
{
	char *copy;

	if (!p)
		fail(dest ? "missing dest" : "missing src", op);
	if (p[0] != '/')
		fail(dest ? "relative dest" : "relative src", op);
	if (strlen(p) > TMPL_MAX_PATH)
		fail("path longer than TMPL_MAX_PATH", op);
	if (has_dotdot(p))
		fail("'..' component in a path", op);
	if (dest && strcmp(p, "/") == 0)
		fail("dest is /", op);
	copy = strdup(p);
	if (!copy)
		abort();
	if (tmpl_path_normalise(copy) != 0 || strcmp(copy, p) != 0)
		fail("path not normalised", op);
	free(copy);
}

static bool
takes_src(enum tmpl_kind k)
{
	return k == TMPL_BIND || k == TMPL_RO_BIND || k == TMPL_DEV_BIND ||
	       k == TMPL_COPY || k == TMPL_SYMLINK;
}

static void
check_op(const struct tmpl_op *op)
{
	if ((unsigned)op->kind >= TMPL_KIND_COUNT)
		fail("kind out of range", op);
	if (op->kind == TMPL_NO_UNSHARE_USER) {
		if (op->src || op->dest)
			fail("no-unshare-user with a path", op);
		return;
	}
	check_abs(op->dest, op, true);
	if (takes_src(op->kind) != (op->src != NULL))
		fail("src present for a kind without one, or missing", op);
	if (op->src && op->kind == TMPL_SYMLINK &&
	    (!op->src[0] || strlen(op->src) > TMPL_MAX_PATH))
		fail("bad symlink target", op);
	if (op->src && op->kind != TMPL_SYMLINK)
		check_abs(op->src, op, false);
	if (op->kind == TMPL_PASSWD && strcmp(op->dest, "/etc/passwd"))
		fail("$PASSWD not at /etc/passwd", op);
	if (op->kind == TMPL_GROUP && strcmp(op->dest, "/etc/group"))
		fail("$GROUP not at /etc/group", op);
	if ((op->n_names != 0) != (op->names != NULL) ||
	    (op->n_names && op->kind != TMPL_PASSWD &&
	     op->kind != TMPL_GROUP) || op->n_names > TMPL_MAX_NAMES)
		fail("names on the wrong op or miscounted", op);
	for (size_t i = 0; i < op->n_names; i++)
		if (!op->names[i] || !op->names[i][0] ||
		    strpbrk(op->names[i], ":,\n/ "))
			fail("bad $PASSWD/$GROUP name", op);
}

static void
check_format(const struct tmpl_op *op)
{
	static char line[FMT_MAX];
	char small[16];
	int n, m;

	n = tmpl_op_format(op, line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line) || strlen(line) != (size_t)n)
		fail("format length wrong", op);
	if (strchr(line, '\n'))
		fail("newline in a canonical line", op);
	if (strncmp(line, tmpl_kind_name(op->kind, op->flags),
		    strlen(tmpl_kind_name(op->kind, op->flags))))
		fail("canonical line does not start with the kind", op);
	memset(small, 'X', sizeof(small));
	m = tmpl_op_format(op, small, 9);
	if (m != n || small[9] != 'X' || strlen(small) != (size_t)(n < 8 ? n : 8) ||
	    strncmp(small, line, strlen(small)))
		fail("truncated format wrong", op);
	if (tmpl_op_format(op, NULL, 0) != n)
		fail("format length differs with no buffer", op);
}

/* Paths are final only after expansion: @expanded says whether to check
 * them. */
static void
check_list(const struct tmpl *t, bool expanded)
{
	if (t->n > t->cap || (t->n && !t->ops))
		fail("list bookkeeping", NULL);
	for (size_t i = 0; i < t->n; i++) {
		if (expanded)
			check_op(&t->ops[i]);
		check_format(&t->ops[i]);
	}
}

static bool
same_key(const struct tmpl_op *a, const struct tmpl_op *b)
{
	if (!a->dest || !b->dest)
		return !a->dest && !b->dest && a->kind == b->kind;
	return strcmp(a->dest, b->dest) == 0;
}

/* One op per key after a merge; remount-ro does not count. */
static void
check_merged(const struct tmpl *t)
{
	/* Quadratic, but lists are small: inputs are capped at -max_len. */
	for (size_t i = 0; i < t->n; i++) {
		if (t->ops[i].kind == TMPL_REMOUNT_RO)
			continue;
		for (size_t j = i + 1; j < t->n; j++)
			if (t->ops[j].kind != TMPL_REMOUNT_RO &&
			    same_key(&t->ops[i], &t->ops[j]))
				fail("two ops with one key after merge",
				     &t->ops[j]);
	}
}

static int
parse(struct tmpl *t, const uint8_t *data, size_t size)
{
	struct ns_err err;
	int rc;

	tmpl_init(t);
	memset(&err, 0, sizeof(err));
	rc = tmpl_parse_buf(t, "<fuzz>", (const char *)data, size, &err);
	if (rc) {
		check_err(&err, rc);
		if (t->n != 0)
			fail("failed parse left ops behind", NULL);
	}
	return rc;
}

static void
default_list(struct tmpl *base)
{
	struct ns_err err;

	tmpl_init(base);
	if (tmpl_parse_buf(base, tmpl_default_name, tmpl_default_text,
			   strlen(tmpl_default_text), &err) ||
	    tmpl_expand(base, &ident, &err))
		fail("the default template does not load", NULL);
}

static void
merge_and_hash(struct tmpl *t)
{
	struct tmpl base;
	struct ns_err err;
	size_t before;
	uint64_t h;

	default_list(&base);
	before = base.n;
	if (tmpl_merge(&base, t, &err))
		fail("merge failed", NULL);
	if (t->n != 0 || t->ops != NULL)
		fail("merge left ops in @add", NULL);
	if (base.n < before)
		fail("merge lost ops", NULL);
	check_merged(&base);
	check_list(&base, true);
	h = tmpl_hash(&base, TMPL_HASH_INIT);
	if (h != tmpl_hash(&base, TMPL_HASH_INIT))
		fail("hash not deterministic", NULL);
	(void)tmpl_no_unshare_user(&base);
	tmpl_free(&base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl t, t2;
	struct ns_err err;
	int rc;

	if (parse(&t, data, size)) {
		tmpl_free(&t);	/* the ops array may have been allocated */
		return 0;
	}
	check_list(&t, false);	/* format works before expansion too */
	(void)tmpl_hash(&t, TMPL_HASH_INIT);

	/* The same text, expanded for a user with no home. */
	if (!parse(&t2, data, size)) {
		memset(&err, 0, sizeof(err));
		rc = tmpl_expand(&t2, &ident_nohome, &err);
		if (rc) {
			check_err(&err, rc);
		} else {
			check_list(&t2, true);
			for (size_t i = 0; i < t2.n; i++)
				if (t2.ops[i].flags & TMPL_F_HOMEDIR)
					fail("$HOMEDIR op kept with no home",
					     &t2.ops[i]);
		}
		tmpl_free(&t2);
	} else {
		fail("second parse of the same input failed", NULL);
	}


	memset(&err, 0, sizeof(err));
	rc = tmpl_expand(&t, &ident, &err);
	if (rc) {
		check_err(&err, rc);
	} else {
		check_list(&t, true);
		merge_and_hash(&t);
	}
	tmpl_free(&t);
	return 0;
}
