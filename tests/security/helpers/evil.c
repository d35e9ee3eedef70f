// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The attacker's library of issue 10: its constructor records that it ran
 * and with which ids, in MARK_DIR (given at compile time).  Installed as
 * ~/d/libnss_q/x.so.2 by a tenant; nscell must never load it.
 */
#include <stdio.h>
#include <unistd.h>

#ifndef MARK_DIR
#error "compile with -DMARK_DIR=\"dir\""
#endif

__attribute__((constructor)) static void
ran(void)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/evil-ran.%u.%u", MARK_DIR,
		 (unsigned)getuid(), (unsigned)geteuid());
	f = fopen(path, "w");
	if (f)
		fclose(f);
}
