/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command's environment.  Pure (no system calls), unit-tested. */
#ifndef NSCELL_ENV_H
#define NSCELL_ENV_H

#include <stdbool.h>
#include <stddef.h>

#define ENV_MAX_ENTRIES	4096	/* more than this in the caller's env: refuse */
#define ENV_MAX_BYTES	(1024 * 1024)

/* True for loader and interpreter injection variables: LD_*, GLIBC_TUNABLES,
 * MALLOC_*, BASH_ENV, ENV, SHELLOPTS, BASHOPTS, PS4, IFS, CDPATH, PERL5*,
 * PERLLIB, PYTHON*, NODE_OPTIONS, NODE_PATH, RUBYOPT, RUBYLIB, GCONV_PATH,
 * LOCPATH, NLSPATH, HOSTALIASES, RESOLV_HOST_CONF, BASH_FUNC_* and entries
 * with no '='. */
bool env_is_dangerous(const char *entry);

/* A new NULL-terminated array pointing into @envp (strings not copied):
 * every entry of @envp when !@strip, else those env_is_dangerous() refuses
 * dropped.  Entries without '=' are always dropped.  Returns NULL with
 * errno E2BIG when @envp holds more than ENV_MAX_ENTRIES entries or
 * ENV_MAX_BYTES bytes, ENOMEM when out of memory. */
char **env_build(char *const envp[], bool strip);

#endif
