/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp policy of a sandbox, as data (pure: no system calls, no
 * libseccomp): nscell's default deny list, the rules that keep nested user
 * namespaces closed, the admin's FILE of changes (nscell.conf
 * "seccomp FILE"), and their composition into the list of rules that
 * persist/filter.c compiles with libseccomp.
 *
 * FILE, one directive per line (the lexing of nscell.conf: blanks
 * separate tokens, '#' starts a comment, no control characters):
 *
 *   deny NAME...           refuse these system calls with EPERM
 *   allow NAME|@GROUP...   let through calls the default list refuses
 *
 * NAME is a system call as libseccomp spells it ([a-z0-9_], at most
 * SC_NAME_MAX bytes); whether the kernel has it is checked by
 * persist/filter.c, with the entry's position.  @GROUP is one of the
 * default list's groups (sc_default_rules()), or @compat: the non-native
 * ABIs (i386 and x32 on x86_64) are let through as well.
 */
#ifndef NSCELL_SCPOLICY_H
#define NSCELL_SCPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SC_NAME_MAX	63
#define SC_MAX_FILE	(64 * 1024)
#define SC_MAX_ENTRIES	1024

/* When a rule applies; every comparison is libseccomp's, on the raw
 * 64-bit argument. */
enum sc_cond {
	SC_ALWAYS,	/* every call */
	SC_FLAGS,	/* arg & value == value: a flag is set (clone) */
	SC_CMD,		/* arg & 0xffffffff == value: an ioctl request,
			 * which the kernel reads as an unsigned int */
	SC_NOT,		/* arg != value (personality) */
};

struct sc_rule {
	const char *name;	/* system call */
	const char *group;	/* "@io_uring", ...; NULL: none */
	enum sc_cond cond;
	unsigned arg;		/* argument index for cond != SC_ALWAYS */
	uint64_t value;
	int err;		/* errno returned: EPERM, or ENOSYS (clone3) */
	const struct tmpl_pos *pos;	/* FILE's entry, or NULL */
};

/* One name of a FILE. */
struct sc_entry {
	char *name;		/* without the '@' of a group */
	bool group;
	bool allow;		/* else deny */
	struct tmpl_pos pos;
};

struct sc_file {
	struct sc_entry *v;
	size_t n;
};

struct sc_policy {
	bool compat;		/* non-native ABIs let through: "seccomp off",
				 * or allow @compat */
	struct sc_rule *rules;	/* malloc'd; names and positions point into
				 * the default tables and the sc_file */
	size_t n;
};

/* The default deny list, and the rules of "allowUserNamespaces 0";
 * *n gets their length. */
const struct sc_rule *sc_default_rules(size_t *n);
const struct sc_rule *sc_userns_rules(size_t *n);

/* Parse a FILE held in memory.  Errors (file:line:col): unknown
 * directive, a directive without names, a bad name or group, a name both
 * allowed and denied, more than SC_MAX_ENTRIES names, NUL or control
 * bytes, an over-long line.  On error @f must still be released. */
int sc_parse_buf(struct sc_file *f, const char *file, const char *buf,
		 size_t len, struct ns_err *err);
void sc_file_free(struct sc_file *f);

/* The effective rules: the default list when @defaults (minus what @f
 * allows, plus what it denies; @f may be NULL), then the user namespace
 * rules when @no_userns.  Errors, at the entry's position: allowing what
 * the default list does not refuse, or a call the user namespace rules
 * govern (clone, clone3, unshare: allowUserNamespaces decides). */
int sc_compose(struct sc_policy *p, bool defaults, bool no_userns,
	       const struct sc_file *f, struct ns_err *err);
void sc_policy_free(struct sc_policy *p);

/* No rule, and every ABI let through: nothing to load. */
static inline bool
sc_policy_empty(const struct sc_policy *p)
{
	return p->n == 0 && p->compat;
}

/* Fold @p into the staleness hash @h (parser/hash.c's FNV-1a). */
uint64_t sc_policy_hash(const struct sc_policy *p, uint64_t h);

#endif
