/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp filter of the sandboxed command: compiled with libseccomp
 * from a policy (parser/scpolicy.h) once per set, kept beside the set's
 * record as a root-owned file, and loaded with one seccomp(2) call, last
 * before exec, on every launch.
 *
 * The file, PERSISTDIR/UID[/VHOST]/filter, is bound to the record it
 * belongs to: its header holds the record's hash and instance, and a join
 * takes it only if both match (a build that replaced it meanwhile makes
 * the join take the slow path, as a stale record does).
 */
#ifndef NSCELL_FILTER_H
#define NSCELL_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "scpolicy.h"

#define FILTER_MAX_INSNS 4096	/* the kernel's BPF_MAXINSNS */

struct sc_bpf {
	unsigned short len;		/* 0: no filter */
	struct sock_filter *insns;	/* malloc'd */
};

/* Every system call name of @f is known to libseccomp (on any ABI);
 * else -EINVAL with the entry's position in @err. */
int filter_check_names(const struct sc_file *f, struct ns_err *err);

/* Compile @p (not empty) into *@out: a filter that lets everything
 * through but the rules, each refused with its errno (never a kill), and
 * refuses every system call of a non-native ABI with EPERM unless
 * p->compat. */
int filter_compile(const struct sc_policy *p, struct sc_bpf *out,
		   struct ns_err *err);

void filter_free(struct sc_bpf *b);

/* Store @b for the record (@hash, @instance) in the set's directory
 * @dirfd (written to filter.new, renamed into place); with b->len 0,
 * remove any filter there. */
int filter_write(int dirfd, uint64_t hash, unsigned long instance,
		 const struct sc_bpf *b);

/* Remove the set's filter (and a filter.new a crash left) from @dirfd:
 * with its record, when the set is removed, so that its directory can
 * go (store_remove_set). */
int filter_remove(int dirfd);

/* Read the filter of the record (@hash, @instance) from @dirfd.
 * -ENOENT: none; -ESTALE: one for another record or not root's. */
int filter_read(int dirfd, uint64_t hash, unsigned long instance,
		struct sc_bpf *out);

/* The one seccomp(2) call; NO_NEW_PRIVS is set since nscell started. */
int filter_load(const struct sc_bpf *b);

#endif
