// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Landlock scoping of abstract unix sockets.  Debian 12's kernel headers
 * predate ABI 6, so the two fields and the flag we need are spelled out
 * here, with the kernel's values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"

#define NSCELL_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)

/* struct landlock_ruleset_attr as of ABI 6. */
struct nscell_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

int
landlock_scope(void)
{
	struct nscell_ruleset_attr attr = {
		.scoped = NSCELL_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
	};
	long abi, fd;
	int r = 0;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 6)
		return 0;
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, (int)fd, 0) < 0)
		r = -errno;
	close((int)fd);
	return r < 0 ? r : (int)abi;
}
