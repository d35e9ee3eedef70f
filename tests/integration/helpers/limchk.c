// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * limchk NAME VALUE: exit 0 iff the line of /proc/self/limits that starts
 * with NAME has VALUE as its soft limit, else 1.  Built static, with no
 * output, so that it runs under the smallest limits a caller can set
 * (a 16 KiB stack, RLIMIT_FSIZE 0), unlike the shell tools.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static char buf[8192];
	char *line, *save = NULL;
	ssize_t n;
	int fd;

	if (argc != 3)
		return 2;
	fd = open("/proc/self/limits", O_RDONLY);
	if (fd < 0)
		return 2;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 2;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = line + strlen(argv[1]);

		if (strncmp(line, argv[1], strlen(argv[1])))
			continue;
		v += strspn(v, " ");
		return strncmp(v, argv[2], strlen(argv[2])) ||
			v[strlen(argv[2])] != ' ';
	}
	return 1;
}
