// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scprobe: make each system call nscell's default seccomp filter refuses,
 * with arguments the kernel itself would refuse with anything but EPERM
 * (EINVAL, EBADF, EFAULT, ESRCH...) and that change nothing even as
 * root, and print "NAME RESULT" per line: the errno's name, or "ok".
 * Under the filter every RESULT is EPERM (clone3: ENOSYS); without it,
 * EPERM only where the kernel refuses the call to this process anyway
 * (a sysctl, a capability): the tests compare.
 *
 *   scprobe [NAME...]           the probes named (default: all)
 *   scprobe -f FILTER [NAME...]  first load nscell's stored filter
 *                                (PERSISTDIR/UID[/VHOST]/filter; as root)
 *   scprobe -s                   print the Seccomp lines of
 *                                /proc/self/status
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

/* int $0x80 getpid (i386 number 20) in a child, which may die of it
 * where the machine has no 32-bit entry: -1000 - signal then. */
static long
i386_getpid(void)
{
#if defined(__x86_64__)
	int p[2], st;
	long v = -999;
	pid_t pid;

	if (pipe(p) < 0)
		return -998;
	pid = fork();
	if (pid == 0) {
		long ret;

		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L)
				 : "memory", "r8", "r9", "r10", "r11");
		(void)!write(p[1], &ret, sizeof(ret));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &v, sizeof(v)) != sizeof(v))
		v = -999;
	close(p[0]);
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		return -1000 - WTERMSIG(st);
	return v;
#else
	return -999;
#endif
}

static long
probe(const char *n)
{
	if (!strcmp(n, "io_uring_setup"))
		return syscall(SYS_io_uring_setup, 0, NULL);
	if (!strcmp(n, "io_uring_enter"))
		return syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
	if (!strcmp(n, "io_uring_register"))
		return syscall(SYS_io_uring_register, -1, 0, NULL, 0);
	if (!strcmp(n, "add_key"))
		return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
	if (!strcmp(n, "keyctl"))
		return syscall(SYS_keyctl, 9999, 0, 0, 0, 0);
	if (!strcmp(n, "request_key"))
		return syscall(SYS_request_key, NULL, NULL, NULL, 0);
	if (!strcmp(n, "bpf"))
		return syscall(SYS_bpf, -1, NULL, 0);
	if (!strcmp(n, "perf_event_open"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(n, "ptrace"))
		return syscall(SYS_ptrace, 9999, 1, NULL, NULL);
	if (!strcmp(n, "process_vm_readv"))
		return syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL,
			       0, 1);
	if (!strcmp(n, "process_vm_writev"))
		return syscall(SYS_process_vm_writev, getpid(), NULL, 0, NULL,
			       0, 1);
	if (!strcmp(n, "kcmp"))
		return syscall(SYS_kcmp, getpid(), getpid(), 99, 0, 0);
	if (!strcmp(n, "pidfd_getfd"))
		return syscall(SYS_pidfd_getfd, -1, 0, 0);
	/* UFFD_USER_MODE_ONLY passes the sysctl, the bad bit fails. */
	if (!strcmp(n, "userfaultfd"))
		return syscall(SYS_userfaultfd, 1 | 0x40000000);
	if (!strcmp(n, "mbind"))
		return syscall(SYS_mbind, 0, 0, 99, NULL, 0, 0);
	if (!strcmp(n, "set_mempolicy"))
		return syscall(SYS_set_mempolicy, 99, NULL, 0);
	if (!strcmp(n, "get_mempolicy"))
		return syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0xff);
	if (!strcmp(n, "move_pages"))
		return syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, 0xff);
	if (!strcmp(n, "migrate_pages"))
		return syscall(SYS_migrate_pages, 0, 1L << 30, NULL, NULL);
	/* SIZE_BUFFER: allowed to anybody where dmesg_restrict is 0. */
	if (!strcmp(n, "syslog"))
		return syscall(SYS_syslog, 10, NULL, 0);
#ifdef SYS_modify_ldt
	if (!strcmp(n, "modify_ldt"))
		return syscall(SYS_modify_ldt, 99, NULL, 0);
#endif
#ifdef SYS_uselib
	if (!strcmp(n, "uselib"))
		return syscall(SYS_uselib, NULL);
#endif
	/* ADDR_NO_RANDOMIZE, then back to PER_LINUX (which stays allowed:
	 * personality0 is the control). */
	if (!strcmp(n, "personality")) {
		long r = syscall(SYS_personality, 0x0040000);
		int e = errno;

		syscall(SYS_personality, 0);
		errno = e;
		return r;
	}
	if (!strcmp(n, "personality0"))
		return syscall(SYS_personality, 0);
	if (!strcmp(n, "tiocsti"))
		return syscall(SYS_ioctl, -1, TIOCSTI, NULL);
	if (!strcmp(n, "tiocsti_hi"))
		return syscall(SYS_ioctl, -1, (1UL << 32) | TIOCSTI, NULL);
	if (!strcmp(n, "tioclinux"))
		return syscall(SYS_ioctl, -1, TIOCLINUX, NULL);
	if (!strcmp(n, "tcgets"))
		return syscall(SYS_ioctl, -1, TCGETS, NULL);
	/* Invalid combinations: the kernel says EINVAL, never creates. */
	if (!strcmp(n, "unshare"))
		return syscall(SYS_unshare, CLONE_NEWUSER | CLONE_SETTLS);
	if (!strcmp(n, "clone"))
		return syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS, NULL, NULL,
			       NULL, NULL);
	if (!strcmp(n, "clone3"))
		return syscall(SYS_clone3, NULL, 0);
	if (!strcmp(n, "x32"))
		return syscall(X32_BIT | SYS_getpid);
	errno = ENOENT;
	return -2;
}

static const char *const all[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register", "add_key",
	"keyctl", "request_key", "bpf", "perf_event_open", "ptrace",
	"process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	"userfaultfd", "mbind", "set_mempolicy", "get_mempolicy",
	"move_pages", "migrate_pages", "syslog", "modify_ldt", "uselib",
	"personality", "personality0", "tiocsti", "tiocsti_hi", "tioclinux",
	"tcgets", "unshare", "clone", "clone3", "x32", "i386", NULL,
};

static void
run(const char *n)
{
	long r;

	if (!strcmp(n, "i386")) {
		r = i386_getpid();
		if (r <= -1000)
			printf("i386 signal%ld\n", -1000 - r);
		else if (r == -EPERM)
			printf("i386 EPERM\n");
		else if (r < 0)
			printf("i386 errno%ld\n", -r);
		else
			printf("i386 ok\n");
		return;
	}
	errno = 0;
	r = probe(n);
	if (r == -2 && errno == ENOENT)
		printf("%s unknown\n", n);
	else if (r >= 0)
		printf("%s ok\n", n);
	else
		printf("%s %s\n", n, strerrorname_np(errno) ?
		       strerrorname_np(errno) : "E?");
	fflush(stdout);
}

/* nscell's filter file: a 32-byte header ("nscbpf1\n", hash, instance,
 * u32 length), then the program. */
static int
load(const char *path)
{
	unsigned char hdr[32];
	struct sock_fprog prog;
	uint32_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, hdr, sizeof(hdr)) != sizeof(hdr) ||
	    memcmp(hdr, "nscbpf1\n", 8))
		return -1;
	memcpy(&len, hdr + 24, sizeof(len));
	prog.len = (unsigned short)len;
	prog.filter = calloc(len, sizeof(struct sock_filter));
	if (!prog.filter ||
	    read(fd, prog.filter, len * sizeof(struct sock_filter)) !=
	    (ssize_t)(len * sizeof(struct sock_filter)))
		return -1;
	close(fd);
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

int
main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-s")) {
		char line[256];
		FILE *f = fopen("/proc/self/status", "r");

		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "Seccomp", 7) ||
			    !strncmp(line, "NoNewPrivs", 10))
				fputs(line, stdout);
		return f ? 0 : 1;
	}
	if (argc > 2 && !strcmp(argv[1], "-f")) {
		if (load(argv[2]) < 0) {
			perror("scprobe: loading the filter");
			return 2;
		}
		i = 3;
	}
	if (i == argc)
		for (const char *const *n = all; *n; n++)
			run(*n);
	for (; i < argc; i++)
		run(argv[i]);
	return 0;
}
