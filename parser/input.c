// SPDX-License-Identifier: GPL-2.0-or-later
/* The shapes of caller input; see input.h.  Pure. */
#include <string.h>

#include "config.h"
#include "input.h"

/* Length of the UTF-8 sequence at @s (at most @left bytes), or 0 if it is
 * not a valid one: no overlong forms, no surrogates, nothing past
 * U+10FFFF (RFC 3629). */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	unsigned c = s[0], min, n, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool
input_text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
		n = utf8_seq(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* The checks every string gets: present, within @max bytes, text. */
static const char *
common(const char *s, size_t max, size_t *len)
{
	if (!s || !*s)
		return "is empty";
	*len = strnlen(s, max + 1);
	if (*len > max)
		return "is too long";
	if (!input_text_ok(s, *len))
		return "has a control character or is not valid UTF-8";
	if (s[0] == '-')
		return "starts with '-'";
	return NULL;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits only, no leading zero, at most INPUT_UID_MAX. */
static const char *
parse_uid(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (s[0] == '0' && s[1])
		return "is a number with a leading zero";
	for (; *s; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > INPUT_UID_MAX)
			return "is a number above the largest uid";
	}
	*out = (uint32_t)v;
	return NULL;
}

static bool
name_char(char c, bool first, bool last)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	    c == '_')
		return true;
	if (first)
		return false;
	return c == '.' || c == '-' || c == '@' || (c == '$' && last);
}

const char *
input_user(const char *s, struct user_arg *out)
{
	bool digits = true;
	const char *why;
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	why = common(s, INPUT_NAME_MAX, &len);
	for (size_t i = 0; !why && i < len; i++) {
		if (!name_char(s[i], i == 0, i == len - 1))
			why = "is not a user name ([A-Za-z0-9._@-], not "
			      "starting with '.' or '@') nor a uid";
		digits = digits && is_digit(s[i]);
	}
	if (!why && digits)
		why = parse_uid(s, &out->uid);
	if (why) {
		memset(out, 0, sizeof(*out));
		return why;
	}
	out->given = true;
	out->numeric = digits;
	if (!digits)
		memcpy(out->name, s, len + 1);
	return NULL;
}

const char *
input_vhost(const char *s, struct vhost_arg *out)
{
	const char *why;
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	why = common(s, INPUT_VHOST_MAX, &len);
	if (!why && !conf_vhost_name_ok(s))
		why = "is not a vhost name (one path component of "
		      "[A-Za-z0-9._-], not '.', '..', 'lock', 'record', "
		      "'record.new', 'used', 'filter' or 'filter.new')";
	if (why)
		return why;
	memcpy(out->name, s, len + 1);
	return NULL;
}

/* Has @p (absolute) a "." or ".." component? */
static bool
has_dot_component(const char *p)
{
	for (; *p; p++) {
		if (p[0] != '/' || p[1] != '.')
			continue;
		if (!p[2] || p[2] == '/' ||
		    (p[2] == '.' && (!p[3] || p[3] == '/')))
			return true;
	}
	return false;
}

const char *
input_path(const char *s, struct path_arg *out)
{
	const char *why;
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	why = common(s, INPUT_PATH_MAX, &len);
	if (!why && s[0] != '/')
		why = "is not an absolute path";
	if (!why && has_dot_component(s))
		why = "has a '.' or '..' component";
	if (why)
		return why;
	memcpy(out->path, s, len + 1);
	return NULL;
}
