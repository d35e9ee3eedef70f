// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for env_build(): the input's first byte chooses
 * strip on or off, the rest is split at NUL bytes into the caller's
 * environment.  The result must be exactly the entries holding '=' (and,
 * with strip, not refused by env_is_dangerous()), in order, pointing into
 * the input; NULL only with E2BIG past ENV_MAX_ENTRIES entries.  The
 * loader and interpreter variables the header lists must always be
 * refused.  A violation abort()s.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

static void
fail(const char *what, const char *entry)
{
	fprintf(stderr, "fuzz_env: invariant violated: %s%s%s\n", what,
		entry ? ": " : "", entry ? entry : "");
	abort();
}

/* Independent spot check of names that must never pass. */
static bool
must_refuse(const char *e)
{
	static const char *const pfx[] = { "LD_", "MALLOC_", "PERL5",
		"PYTHON", "BASH_FUNC_", "GLIBC_TUNABLES=", "BASH_ENV=",
		"ENV=", "IFS=", "NODE_OPTIONS=", "GCONV_PATH=", "=" };
	const char *eq = strchr(e, '=');

	if (!eq)
		return true;
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		size_t n = strlen(pfx[i]);

		/* a prefix family must match inside the name only */
		if (strncmp(e, pfx[i], n) == 0 &&
		    (pfx[i][n - 1] == '=' || (size_t)(eq - e) >= n))
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool strip;
	char *text, **envp, **out, *p;
	size_t n = 0, i, k = 0;

	if (size < 1)
		return 0;
	strip = data[0] & 1;
	text = malloc(size);
	envp = calloc(size + 1, sizeof(*envp));
	if (!text || !envp)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (p = text; p < text + size - 1; p += strlen(p) + 1)
		envp[n++] = p;
	envp[n] = NULL;

	errno = 0;
	out = env_build(envp, strip);
	if (!out) {
		if (n <= ENV_MAX_ENTRIES || errno != E2BIG)
			fail("env_build failed without reason", NULL);
		goto done;
	}
	if (n > ENV_MAX_ENTRIES)
		fail("over ENV_MAX_ENTRIES accepted", NULL);
	for (i = 0; i < n; i++) {
		bool keep = strchr(envp[i], '=') &&
			    !(strip && env_is_dangerous(envp[i]));

		if (strip && must_refuse(envp[i]) && !env_is_dangerous(envp[i]))
			fail("dangerous entry not recognised", envp[i]);
		if (!keep)
			continue;
		if (out[k] != envp[i])
			fail("entry lost, reordered or copied", envp[i]);
		k++;
	}
	if (out[k] != NULL)
		fail("extra entries in the result", out[k]);
	free(out);
done:
	free(envp);
	free(text);
	return 0;
}
