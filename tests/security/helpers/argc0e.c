// SPDX-License-Identifier: GPL-2.0-or-later
/* argc0e BIN [ENV...]: execve BIN with argc == 0 and the given
 * environment (the PwnKit pattern: argv[1] would alias envp[0]). */
#include <unistd.h>

int main(int argc, char **argv)
{
	char *a[] = { 0 };

	if (argc < 2)
		return 99;
	execve(argv[1], a, argv + 2);
	return 98;
}
