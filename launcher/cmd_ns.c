// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_ns: enter a user's sandbox the way the web server would (root only),
 * to run a shell or a command in it.  Same phases and code as nscell; only
 * the defaults differ (user nobody, command /bin/bash, cwd the user's
 * home) and the environment, a login one as "su -" makes it.  The command
 * runs in a new session with no controlling terminal (nscell always does
 * this), so code in the sandbox cannot push input into the admin's
 * terminal with TIOCSTI.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "launch.h"
#include "log.h"

static char default_shell[] = "/bin/bash";

static void
usage(int code)
{
	dprintf(code ? STDERR_FILENO : STDOUT_FILENO,
		"cmd_ns - enter a shell or run a command in a user's sandbox\n"
		"usage: cmd_ns [-u USER|UID] [-s VHOST] [-m CMD] [-d DIR] [-c] "
		"[-f TEMPLATE] [-2 TEMPLATE] [-v] [-- CMD ARG...]\n"
		"  -u  user (nobody by default)   -s  vhost\n"
		"  -m  command (/bin/bash by default)   -d  directory (home)\n"
		"  -c  enforce cgroups: the user's cgroup and limits\n"
		"  -f  server template   -2  vhost template   -v  verbose\n"
		"  -h, --help, --version\n");
	_exit(code);
}

static void __attribute__((noreturn))
version(void)
{
	dprintf(STDOUT_FILENO, "cmd_ns (nscell) %s\n", NSCELL_VERSION);
	_exit(0);
}

/* -h, --help and --version work for anybody; the rest is root's. */
static void
early_options(int argc, char **argv)
{
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--");
	     i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(0);
		if (!strcmp(argv[i], "--version"))
			version();
	}
}

static void
parse(int argc, char **argv, struct launch_opts *o, char **one)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct raw_args raw = { NULL };
	int c;

	memset(o, 0, sizeof(*o));
	one[0] = default_shell;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+u:s:m:d:cf:2:vh", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'u': gate_raw(&raw.user, 'u', optarg); break;
		case 's': gate_raw(&raw.vhost, 's', optarg); break;
		case 'm': one[0] = optarg; break;
		case 'd': gate_raw(&raw.dir, 'd', optarg); break;
		case 'f': gate_raw(&raw.tmpl, 'f', optarg); break;
		case '2': gate_raw(&raw.vtmpl, '2', optarg); break;
		case 'v': o->verbose = true; break;
		case 'c': o->cgroups = true; break;
		case 'h': usage(0); break;
		case 'V': version();
		default:
			dprintf(STDERR_FILENO, "nscell: cmd_ns: unknown option "
				"or missing argument: %s\n", argv[optind - 1]);
			usage(EXIT_NSCELL);
		}
	}
	o->cmd = argv[optind] ? argv + optind : one;
	/* Root's environment (its HOME, its tokens) is not the tenant's. */
	o->login_env = true;
	/* An admin debugging a tenant sees all of the set's processes. */
	o->whole_set = true;
	o->program = "cmd_ns";
	if (!raw.user)
		raw.user = "nobody";
	gate_args(&raw, o);
}

int
main(int argc, char **argv, char **envp)
{
	char *one[2] = { NULL, NULL };
	struct launch L = { 0 };

	if (argc < 1 || !argv[0])
		_exit(EXIT_NSCELL);
	early_options(argc, argv);
	if (getuid() != 0)
		die("cmd_ns: only root may enter other users' sandboxes");
	launch_start();
	parse(argc, argv, &L.o, one);
	log_init();
	launch_load_config(&L);
	launch_identify(&L);
	launch_templates(&L);
	return launch_run(&L, envp);
}
