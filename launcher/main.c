// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nscell: run a command as a target user inside a sandbox of namespaces
 * built from a namespace template.  main() reads as the list of phases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "gate.h"
#include "launch.h"
#include "log.h"

static const char usage_text[] =
	"usage: nscell [-u USER|UID] [-s VHOST] [-f TEMPLATE] "
	"[-2 VHOST_TEMPLATE] [-d DIR]\n"
	"              [-v] [-n] [-c] [--check] [--] COMMAND [ARG...]\n"
	"  -u USER   target user (root and allowCaller members only; "
	"default: yourself)\n"
	"  -s VHOST  vhost name (its persisted set and vhost template)\n"
	"  -f FILE   server-level namespace template (default: namespaceConf,"
	" else built in)\n"
	"  -2 FILE   vhost template, layered on top\n"
	"  -d DIR    working directory inside (default: home, else /)\n"
	"  -v        on stderr: each template op, built or joined, the cgroup\n"
	"  -n        one-shot: build a fresh sandbox, persist nothing\n"
	"  -c        enforce cgroups: the user's cgroup and limits, or "
	"exit 125\n"
	"  --check   print the effective op list, check its sources, exit\n"
	"  -h, --help, --version\n";

static void
usage(int code)
{
	dprintf(code ? STDERR_FILENO : STDOUT_FILENO, "%s", usage_text);
	_exit(code);
}

static void
parse_args(int argc, char **argv, struct launch_opts *o)
{
	struct raw_args raw = { NULL };
	static const struct option lopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+u:s:f:2:d:vnch", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'u': gate_raw(&raw.user, 'u', optarg); break;
		case 's': gate_raw(&raw.vhost, 's', optarg); break;
		case 'f': gate_raw(&raw.tmpl, 'f', optarg); break;
		case '2': gate_raw(&raw.vtmpl, '2', optarg); break;
		case 'd': gate_raw(&raw.dir, 'd', optarg); break;
		case 'v': o->verbose = true; break;
		case 'n': o->oneshot = true; break;
		case 'c': o->cgroups = true; break;
		case 'C': o->check = true; break;
		case 'h': usage(0); break;
		case 'V': dprintf(STDOUT_FILENO, "nscell %s\n",
				  NSCELL_VERSION); _exit(0);
		default:
			dprintf(STDERR_FILENO, "nscell: unknown option or "
				"missing argument: %s\n", argv[optind - 1]);
			usage(EXIT_NSCELL);
		}
	}
	o->cmd = argv + optind;
	if (!o->check && !o->cmd[0])
		usage(EXIT_NSCELL);
	gate_args(&raw, o);
}

int
main(int argc, char **argv, char **envp)
{
	struct launch L = { 0 };

	/* PwnKit (CVE-2021-4034): with argc 0, argv[1] would be envp[0]. */
	if (argc < 1 || !argv || !argv[0])
		_exit(EXIT_NSCELL);
	launch_start();
	parse_args(argc, argv, &L.o);
	log_init();
	launch_load_config(&L);
	launch_identify(&L);
	launch_templates(&L);
	if (L.o.check)
		return launch_print_check(&L);
	return launch_run(&L, envp);
}
