// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scload: what loading nscell's stored seccomp filter adds to a join, in
 * CPU time of the working thread (what a busy machine disturbs least):
 * the read of the filter file (open, fstat, read, close: filter_read(),
 * in the launcher, a warm process), and the one seccomp(2) call
 * (filter_load(), in each of N fresh children: a join's command process
 * is one).
 *
 *   scload FILTER N   prints "read_us MEDIAN", "load_us MEDIAN",
 *                     "load_min_us MIN", "insns N"
 *
 * As root, with NO_NEW_PRIVS set as nscell has it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
cpu_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* filter_read(): done by the launcher, a warm process. */
static double
read_once(const char *path, unsigned char *buf, size_t cap, uint32_t *len)
{
	struct stat st;
	double t0 = cpu_us();
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || (size_t)st.st_size > cap ||
	    read(fd, buf, (size_t)st.st_size) != st.st_size)
		return -1;
	close(fd);
	memcpy(len, buf + 24, sizeof(*len));
	return cpu_us() - t0;
}

/* filter_load(): in the command's process, a fresh child. */
static double
load_in_child(struct sock_fprog *prog)
{
	double v = -1, t0;
	int p[2], st;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		cpu_us();	/* first touches outside the timing */
		t0 = cpu_us();
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
			v = cpu_us() - t0;
		(void)!write(p[1], &v, sizeof(v));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &v, sizeof(v)) != sizeof(v))
		v = -1;
	close(p[0]);
	waitpid(pid, &st, 0);
	return v;
}

int
main(int argc, char **argv)
{
	static unsigned char buf[32 + 4096 * 8];
	int n = argc > 2 ? atoi(argv[2]) : 0;
	struct sock_fprog prog;
	uint32_t len = 0;
	double *rd, *ld;

	if (argc != 3 || n < 1) {
		fprintf(stderr, "usage: scload FILTER N\n");
		return 2;
	}
	rd = calloc((size_t)n, sizeof(*rd));
	ld = calloc((size_t)n, sizeof(*ld));
	if (!rd || !ld || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		rd[i] = read_once(argv[1], buf, sizeof(buf), &len);
		prog.len = (unsigned short)len;
		prog.filter = (struct sock_filter *)(buf + 32);
		ld[i] = rd[i] < 0 ? -1 : load_in_child(&prog);
		if (ld[i] < 0) {
			fprintf(stderr, "scload: cannot read or load %s\n",
				argv[1]);
			return 1;
		}
	}
	qsort(rd, (size_t)n, sizeof(*rd), cmp);
	qsort(ld, (size_t)n, sizeof(*ld), cmp);
	printf("read_us %.1f\nload_us %.1f\nload_min_us %.1f\ninsns %u\n",
	       rd[n / 2], ld[n / 2], ld[0], len);
	return 0;
}
