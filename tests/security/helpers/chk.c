// SPDX-License-Identifier: GPL-2.0-or-later
/* Inside a sandbox: chk UID CANARY DEV:INO[,DEV:INO...] PATH...
 * For each PATH that exists: it must be owned by UID, must not be one of
 * the forbidden host directories (by device and inode), must not list
 * passwd, shadow, usr or the canary, and the canary must not open below
 * it.  Prints "ESCAPE ..." and exits 3 on the first violation. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long uid;
	const char *canary;
	char *list;

	if (argc < 5)
		return 2;
	uid = strtoul(argv[1], NULL, 10);
	canary = argv[2];
	list = argv[3];
	for (int i = 4; i < argc; i++) {
		const char *p = argv[i];
		struct stat st;
		char buf[4200], *save = NULL, *tok, *l;
		DIR *d;
		struct dirent *e;
		int fd;

		if (lstat(p, &st) < 0)
			continue;	/* skipped bind-try */
		if (st.st_uid != uid) {
			printf("ESCAPE %s owned by %u\n", p, (unsigned)st.st_uid);
			return 3;
		}
		l = strdup(list);
		for (tok = strtok_r(l, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			unsigned long long dv = strtoull(tok, NULL, 10);
			unsigned long long in = strtoull(strchr(tok, ':') + 1,
							 NULL, 10);

			if ((unsigned long long)st.st_dev == dv &&
			    (unsigned long long)st.st_ino == in) {
				printf("ESCAPE %s is host %s\n", p, tok);
				return 3;
			}
		}
		free(l);
		d = opendir(p);
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, "passwd") ||
			    !strcmp(e->d_name, "shadow") ||
			    !strcmp(e->d_name, "usr") ||
			    !strcmp(e->d_name, canary)) {
				printf("ESCAPE %s lists %s\n", p, e->d_name);
				return 3;
			}
		}
		if (d)
			closedir(d);
		snprintf(buf, sizeof(buf), "%s/%s", p, canary);
		fd = open(buf, O_RDONLY);
		if (fd >= 0) {
			printf("ESCAPE %s readable\n", buf);
			return 3;
		}
	}
	return 0;
}
