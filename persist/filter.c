// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp filter: libseccomp compiles, the kernel loads (see
 * filter.h).  libseccomp is used only here and only to compile, in the
 * launcher or the builder, before any sandboxed code runs; a join does
 * not call it at all.  So it is loaded with dlopen() the first time it
 * is needed, never by a launch that only joins: linked, it would be
 * mapped and relocated by every launch of a setuid binary that runs once
 * per request (about 0.1 ms here; issue 17).  A setuid process's dlopen
 * searches only the system's directories (no LD_LIBRARY_PATH), and every
 * caller here runs in the host's mount namespace, before any setns()
 * (launch.c, run.c, build.c's builder): the library and ld.so.cache are
 * the host's, never a path inside a sandbox a tenant writes to.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter.h"
#include "sysutil.h"

#define FILTER_MAGIC "nscbpf1\n"
#define SC_LIB "libseccomp.so.2"

/* The functions used, typed by seccomp.h. */
static struct {
	void *lib;
	__typeof__(seccomp_init) *init;
	__typeof__(seccomp_release) *release;
	__typeof__(seccomp_attr_set) *attr_set;
	__typeof__(seccomp_arch_native) *arch_native;
	__typeof__(seccomp_arch_add) *arch_add;
	__typeof__(seccomp_syscall_resolve_name) *resolve_name;
	__typeof__(seccomp_rule_add) *rule_add;
	__typeof__(seccomp_rule_add_array) *rule_add_array;
	__typeof__(seccomp_export_bpf) *export_bpf;
} sc;

static int
load(struct ns_err *err)
{
	static const struct dl_sym syms[] = {
#define SYM(f, s) { #s, offsetof(__typeof__(sc), f) }
		SYM(init, seccomp_init),
		SYM(release, seccomp_release),
		SYM(attr_set, seccomp_attr_set),
		SYM(arch_native, seccomp_arch_native),
		SYM(arch_add, seccomp_arch_add),
		SYM(resolve_name, seccomp_syscall_resolve_name),
		SYM(rule_add, seccomp_rule_add),
		SYM(rule_add_array, seccomp_rule_add_array),
		SYM(export_bpf, seccomp_export_bpf),
#undef SYM
	};

	return dl_bind(&sc.lib, SC_LIB, syms, sizeof(syms) / sizeof(*syms),
		       &sc, "seccomp", err);
}

/* The file: this header, then len struct sock_filter. */
struct filter_hdr {
	char magic[8];
	uint64_t hash;
	uint64_t instance;
	uint32_t len;
	uint32_t zero;
};

int
filter_check_names(const struct sc_file *f, struct ns_err *err)
{
	int r;

	if (!f || !f->n)
		return 0;
	r = load(err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < f->n; i++) {
		const struct sc_entry *e = &f->v[i];

		if (!e->group &&
		    sc.resolve_name(e->name) == __NR_SCMP_ERROR)
			return ns_err_set(err, &e->pos, EINVAL, "unknown "
					  "system call '%s'", e->name);
	}
	return 0;
}

/* The other ABIs this machine's kernel may run, let through by
 * allow @compat (and "seccomp off"). */
static int
add_compat(scmp_filter_ctx ctx)
{
	static const uint32_t x86_64[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
	static const uint32_t aarch64[] = { SCMP_ARCH_ARM };
	const uint32_t *v = NULL;
	size_t n = 0;
	int r;

	switch (sc.arch_native()) {
	case SCMP_ARCH_X86_64:
		v = x86_64, n = 2;
		break;
	case SCMP_ARCH_AARCH64:
		v = aarch64, n = 1;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < n; i++) {
		r = sc.arch_add(ctx, v[i]);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

static int
add_rule(scmp_filter_ctx ctx, const struct sc_rule *r, int nr)
{
	uint32_t act = SCMP_ACT_ERRNO((uint32_t)r->err);
	struct scmp_arg_cmp c = { .arg = r->arg };

	switch (r->cond) {
	case SC_ALWAYS:
		return sc.rule_add(ctx, act, nr, 0);
	case SC_FLAGS:
		c.op = SCMP_CMP_MASKED_EQ;
		c.datum_a = r->value;
		c.datum_b = r->value;
		break;
	case SC_CMD:
		c.op = SCMP_CMP_MASKED_EQ;
		c.datum_a = 0xffffffffu;
		c.datum_b = r->value;
		break;
	case SC_NOT:
		c.op = SCMP_CMP_NE;
		c.datum_a = r->value;
		break;
	default:
		return -EINVAL;
	}
	return sc.rule_add_array(ctx, act, nr, 1, &c);
}

static int
rule_err(const struct sc_rule *r, int code, struct ns_err *err)
{
	return ns_err_set(err, r->pos, -code, "seccomp: %s %s: %s",
			  r->pos ? "cannot refuse" : "default rule",
			  r->name, code == -EDOM ? "unknown system call" :
			  strerror(-code));
}

/* libseccomp writes the program to an fd: a memfd, read back. */
static int
export(scmp_filter_ctx ctx, struct sc_bpf *out)
{
	cleanup_fd int fd = memfd_create("nscell-bpf", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return -errno;
	r = sc.export_bpf(ctx, fd);
	if (r < 0)
		return r;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > FILTER_MAX_INSNS)
		return -E2BIG;
	out->insns = malloc((size_t)size);
	if (!out->insns)
		return -ENOMEM;
	if (pread(fd, out->insns, (size_t)size, 0) != size) {
		filter_free(out);
		return -EIO;
	}
	out->len = (unsigned short)(size / sizeof(struct sock_filter));
	return 0;
}

int
filter_compile(const struct sc_policy *p, struct sc_bpf *out,
	       struct ns_err *err)
{
	scmp_filter_ctx ctx;
	int r;

	out->len = 0;
	out->insns = NULL;
	r = load(err);
	if (r < 0)
		return r;
	ctx = sc.init(SCMP_ACT_ALLOW);
	if (!ctx)
		return ns_err_set(err, NULL, ENOMEM, "seccomp: cannot start "
				  "a filter");
	/* Never a kill: another ABI's calls fail with EPERM. */
	r = sc.attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			     SCMP_ACT_ERRNO(EPERM));
	if (r == 0 && p->compat)
		r = add_compat(ctx);
	if (r < 0) {
		sc.release(ctx);
		return ns_err_set(err, NULL, -r, "seccomp: ABIs: %s",
				  strerror(-r));
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct sc_rule *rule = &p->rules[i];
		int nr = sc.resolve_name(rule->name);

		/* A name another ABI has, this one not: nothing to refuse
		 * (libseccomp gives it a negative pseudo number). */
		r = nr == __NR_SCMP_ERROR ? -EDOM : add_rule(ctx, rule, nr);
		if (r < 0) {
			sc.release(ctx);
			return rule_err(rule, r, err);
		}
	}
	r = export(ctx, out);
	sc.release(ctx);
	if (r < 0)
		return ns_err_set(err, NULL, -r, "seccomp: cannot export the "
				  "filter: %s", strerror(-r));
	return 0;
}

void
filter_free(struct sc_bpf *b)
{
	free(b->insns);
	b->insns = NULL;
	b->len = 0;
}

int
filter_write(int dirfd, uint64_t hash, unsigned long instance,
	     const struct sc_bpf *b)
{
	struct filter_hdr h = { .magic = FILTER_MAGIC, .hash = hash,
				.instance = instance, .len = b->len };
	cleanup_fd int fd = -1;
	int r;

	if (!b->len) {
		if (unlinkat(dirfd, "filter", 0) < 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	unlinkat(dirfd, "filter.new", 0);
	fd = openat(dirfd, "filter.new", O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, &h, sizeof(h));
	if (r == 0)
		r = write_all(fd, b->insns, b->len * sizeof(*b->insns));
	if (r == 0 && renameat(dirfd, "filter.new", dirfd, "filter") < 0)
		r = -errno;
	return r;
}

int
filter_remove(int dirfd)
{
	unlinkat(dirfd, "filter.new", 0);
	if (unlinkat(dirfd, "filter", 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int
filter_read(int dirfd, uint64_t hash, unsigned long instance,
	    struct sc_bpf *out)
{
	cleanup_fd int fd = openat(dirfd, "filter", O_RDONLY | O_NOFOLLOW |
				   O_CLOEXEC);
	struct filter_hdr *h;
	struct stat st;
	size_t n;
	char *buf;

	out->len = 0;
	out->insns = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    (size_t)st.st_size < sizeof(*h) ||
	    (size_t)st.st_size > sizeof(*h) + FILTER_MAX_INSNS *
	    sizeof(struct sock_filter))
		return -ESTALE;
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return -ENOMEM;
	h = (struct filter_hdr *)buf;
	n = (size_t)st.st_size;
	if (read_all(fd, buf, n) != (ssize_t)n ||
	    memcmp(h->magic, FILTER_MAGIC, sizeof(h->magic)) ||
	    h->hash != hash || h->instance != instance || !h->len ||
	    n != sizeof(*h) + h->len * sizeof(struct sock_filter)) {
		free(buf);
		return -ESTALE;
	}
	/* The program is moved to the start of the buffer: one
	 * allocation, freed by filter_free(). */
	out->len = (unsigned short)h->len;
	memmove(buf, buf + sizeof(*h), n - sizeof(*h));
	out->insns = (struct sock_filter *)buf;
	return 0;
}

int
filter_load(const struct sc_bpf *b)
{
	struct sock_fprog prog = { .len = b->len, .filter = b->insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
