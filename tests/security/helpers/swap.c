// SPDX-License-Identifier: GPL-2.0-or-later
/* swap A B: exchange A and B with renameat2(RENAME_EXCHANGE) in a tight
 * loop until SIGTERM; prints the number of successful exchanges. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }

int main(int argc, char **argv)
{
	unsigned long long n = 0, bad = 0;

	if (argc != 3)
		return 2;
	signal(SIGTERM, on_term);
	while (!stop) {
		if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2],
			    RENAME_EXCHANGE) == 0)
			n++;
		else
			bad++;
	}
	printf("%llu %llu\n", n, bad);
	return 0;
}
