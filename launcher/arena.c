// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static (musl) build's allocator.  musl's mallocng gives a group of
 * small blocks back to the kernel as soon as it is empty, so a launch,
 * which allocates and frees a few dozen buffers (stdio, lookups, file
 * contents), made a mmap, page faults and a munmap with a TLB shootdown
 * for most of them: a tenth of a join on this VM.
 *
 * nscell is short-lived, so blocks come from an arena and are never
 * reused, except the last one (freed or grown in place, which covers the
 * fopen/fclose and grow-a-buffer patterns).  Large blocks get a mapping of
 * their own, unmapped on free.  Every block has a header with its size
 * and a check word tied to its address: a header overwritten by an
 * overflow, or a pointer that is not ours, aborts instead of being
 * trusted.  Not used with glibc, whose allocator does not churn.
 */
#ifndef __GLIBC__
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ALIGN		16u
#define CHUNK		(256u * 1024)
#define BIG		(64u * 1024)	/* and above: a mapping of its own */
#define FIRST_CHUNK	(128u * 1024)

struct hdr {
	size_t size;		/* usable bytes; BIG and above: mapped */
	uintptr_t check;
};

_Static_assert(sizeof(struct hdr) == ALIGN, "header keeps alignment");

static _Alignas(ALIGN) unsigned char first[FIRST_CHUNK];
static unsigned char *cur = first, *end = first + FIRST_CHUNK;
static struct hdr *last;	/* the most recent arena block */

static uintptr_t
check_of(const struct hdr *h)
{
	return (uintptr_t)h ^ h->size ^ (uintptr_t)0x6e7363656c6c2121ull;
}

static struct hdr *
hdr_of(void *p)
{
	struct hdr *h = (struct hdr *)p - 1;

	if (((uintptr_t)p & (ALIGN - 1)) || h->check != check_of(h))
		abort();	/* an overflow, or not our pointer */
	return h;
}

static size_t
round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static void *
big_alloc(size_t n)
{
	size_t len = round_up(n) + sizeof(struct hdr);
	struct hdr *h;

	if (len < n)
		return NULL;
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		return NULL;
	h->size = len - sizeof(struct hdr);
	h->check = check_of(h);
	return h + 1;
}

/* Not named malloc: gcc turns malloc() followed by a zeroing memset()
 * into calloc(), which here would call itself. */
static void *
arena_alloc(size_t n)
{
	size_t need;
	struct hdr *h;

	if (n >= BIG)
		return big_alloc(n) ?: (errno = ENOMEM, NULL);
	need = round_up(n ? n : 1) + sizeof(struct hdr);
	if ((size_t)(end - cur) < need) {
		void *c = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (c == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		cur = c;
		end = cur + CHUNK;
		last = NULL;
	}
	h = (struct hdr *)(void *)cur;
	h->size = need - sizeof(struct hdr);
	h->check = check_of(h);
	cur += need;
	last = h;
	return h + 1;
}

void *
malloc(size_t n)
{
	return arena_alloc(n);
}

void
free(void *p)
{
	struct hdr *h;

	if (!p)
		return;
	h = hdr_of(p);
	if (h->size >= BIG) {
		munmap(h, h->size + sizeof(struct hdr));
		return;
	}
	h->check = 0;		/* a second free aborts */
	if (h == last) {	/* the last block: reused by the next */
		cur = (unsigned char *)h;
		last = NULL;
	}
}

void *
realloc(void *p, size_t n)
{
	struct hdr *h;
	void *q;

	if (!p)
		return arena_alloc(n);
	h = hdr_of(p);
	/* The last block grows in place while it stays small and fits. */
	if (h == last && n < BIG &&
	    round_up(n ? n : 1) <= (size_t)(end - (unsigned char *)p)) {
		h->size = round_up(n ? n : 1);
		h->check = check_of(h);
		cur = (unsigned char *)p + h->size;
		return p;
	}
	if (n <= h->size && h->size < BIG)
		return p;
	q = arena_alloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, h->size < n ? h->size : n);
	free(p);
	return q;
}

void *
calloc(size_t m, size_t n)
{
	void *p;

	if (n && m > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	p = arena_alloc(m * n);
	if (p)
		memset(p, 0, m * n);
	return p;
}

void *
aligned_alloc(size_t align, size_t n)
{
	/* Nothing in nscell asks for more than malloc's alignment. */
	if (align > ALIGN) {
		errno = EINVAL;
		return NULL;
	}
	return arena_alloc(n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p = aligned_alloc(align, n);

	if (!p)
		return errno;
	*out = p;
	return 0;
}

void *
memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

size_t
malloc_usable_size(void *p)
{
	return p ? hdr_of(p)->size : 0;
}
#endif /* !__GLIBC__ */
