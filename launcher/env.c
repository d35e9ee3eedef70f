// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command's environment.  Pure (no system calls).
 *
 * Rules match the variable NAME (the bytes before the first '='), whole:
 * an exact name such as "ENV" never matches "ENVX=..." nor an entry that
 * merely starts with the same bytes (the old suexec "TZ" bug); a prefix
 * family such as "LD_" matches any name beginning with it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

static const char *const exact_names[] = {
    "GLIBC_TUNABLES",
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "IFS",
    "CDPATH",
    "PERLLIB",
    "NODE_OPTIONS",
    "NODE_PATH",
    "RUBYOPT",
    "RUBYLIB",
    "GCONV_PATH",
    "LOCPATH",
    "NLSPATH",
    "HOSTALIASES",
    "RESOLV_HOST_CONF",
};

static const char *const prefixes[] = {
    "LD_", "MALLOC_", "PERL5", "PYTHON", "BASH_FUNC_",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

bool
env_is_dangerous(const char *entry)
{
	const char *eq;
	size_t n, i, pl;

	if (!entry)
		return true;
	eq = strchr(entry, '=');
	if (!eq)
		return true;
	n = (size_t)(eq - entry);
	if (n == 0)
		return true; /* "=value": no name, nothing legitimate */
	for (i = 0; i < ARRAY_LEN(exact_names); i++)
		if (strlen(exact_names[i]) == n &&
		    memcmp(entry, exact_names[i], n) == 0)
			return true;
	for (i = 0; i < ARRAY_LEN(prefixes); i++) {
		pl = strlen(prefixes[i]);
		if (n >= pl && memcmp(entry, prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

/* Number of entries, or SIZE_MAX when over either limit. */
static size_t
env_count(char *const envp[])
{
	size_t n = 0, bytes = 0, len;

	if (!envp)
		return 0;
	for (; envp[n]; n++) {
		if (n == ENV_MAX_ENTRIES)
			return SIZE_MAX;
		len = strnlen(envp[n], ENV_MAX_BYTES - bytes + 1);
		bytes += len + 1;
		if (bytes > ENV_MAX_BYTES)
			return SIZE_MAX;
	}
	return n;
}

char **
env_build(char *const envp[], bool strip)
{
	size_t n = env_count(envp), i, k = 0;
	char **out;

	if (n == SIZE_MAX) {
		errno = E2BIG;
		return NULL;
	}
	out = calloc(n + 1, sizeof(*out));
	if (!out) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!strchr(envp[i], '='))
			continue;
		if (strip && env_is_dangerous(envp[i]))
			continue;
		out[k++] = envp[i];
	}
	out[k] = NULL;
	return out;
}
