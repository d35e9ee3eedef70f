/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shapes of caller input: every string nscell takes from its argv is
 * checked here, right after option parsing and before it is used anywhere
 * (a lookup, a path, a log line, the argv of a child), and travels on only
 * as one of the checked types below.  Pure: no system calls, no globals.
 *
 * Rules common to every string: bounded length, valid UTF-8, no control
 * character (so no newline can forge a second log line), no leading '-'
 * (so no string can ever be read as an option by anything it reaches).
 */
#ifndef NSCELL_INPUT_H
#define NSCELL_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INPUT_NAME_MAX	64	/* bytes in a user name */
#define INPUT_VHOST_MAX	255	/* bytes in a vhost name */
#define INPUT_PATH_MAX	4095	/* bytes in a path */
#define INPUT_UID_MAX	4294967294u	/* (uid_t)-1 is "no uid" */

/* -u: a uid (decimal digits only, no leading zero) or a user name of the
 * portable set [A-Za-z0-9._-] (plus '@' for directory names such as
 * SSSD's user@domain, and one final '$' for Samba machine accounts), not
 * starting with '.', '-' or '@'. */
struct user_arg {
	bool given;
	bool numeric;
	uint32_t uid;			/* when numeric */
	char name[INPUT_NAME_MAX + 1];	/* when not numeric */
};

/* -s: one path component of [A-Za-z0-9._-], not "." or "..", and not a
 * name the persist store uses for its own files. */
struct vhost_arg {
	char name[INPUT_VHOST_MAX + 1];	/* "" when not given */
};

/* -f, -2, -d: an absolute path with no "." or ".." component. */
struct path_arg {
	char path[INPUT_PATH_MAX + 1];	/* "" when not given */
};

/* Each returns NULL and fills @out, or returns why @s is refused (a
 * constant string) and leaves @out empty. */
const char *input_user(const char *s, struct user_arg *out);
const char *input_vhost(const char *s, struct vhost_arg *out);
const char *input_path(const char *s, struct path_arg *out);

/* Is @s, of @len bytes, valid UTF-8 with no control character? */
bool input_text_ok(const char *s, size_t len);

#endif
