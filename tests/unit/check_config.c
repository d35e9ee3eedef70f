// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parser/config.c (nscell.conf). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"

#define FILE_NAME "t.conf"
#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int
parse_len(struct nscell_conf *c, const char *text, size_t len,
	  struct ns_err *err)
{
	ck_assert_int_eq(conf_init(c), 0);
	return conf_parse_buf(c, FILE_NAME, text, len, err);
}

static int
parse(struct nscell_conf *c, const char *text, struct ns_err *err)
{
	return parse_len(c, text, strlen(text), err);
}

/* Read a file of tests/data/conf into a malloc'd buffer. */
static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/conf/%s", NSCELL_TEST_DATA, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	buf = malloc(CONF_MAX_FILE + 1);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, CONF_MAX_FILE + 1, f);
	fclose(f);
	return buf;
}

static int
parse_file(struct nscell_conf *c, const char *name, struct ns_err *err)
{
	size_t len;
	char *buf = slurp(name, &len);
	int r = parse_len(c, buf, len, err);

	free(buf);
	return r;
}

/* ---- errors: every message, with its line and column ---- */

struct err_case {
	const char *text;
	size_t len; /* 0: strlen(text) */
	unsigned line;
	unsigned col;
	const char *msg;
};

#define IDLE_MSG "idleTimeout must be a number of seconds, or of minutes, " \
	"hours or days followed by m, h or d, at most 365 days"
#define FAC_MSG "logFacility must be authpriv, auth, daemon, user or " \
	"local0 to local7"

static const struct err_case err_cases[] = {
    {"bogus 1\n", 0, 1, 1, "unknown key 'bogus'"},
    {"minuid 5\n", 0, 1, 1, "unknown key 'minuid'"},
    {"\n  minUid\n", 0, 2, 3, "missing value for minUid"},
    {"minUid # no value\n", 0, 1, 1, "missing value for minUid"},
    {"minUid 5 6\n", 0, 1, 10, "too many values for minUid"},
    {"minUid -1\n", 0, 1, 8, "bad number '-1'"},
    {"minUid +1\n", 0, 1, 8, "bad number '+1'"},
    {"minUid 4294967295\n", 0, 1, 8, "bad number '4294967295'"},
    {"minUid 99999999999\n", 0, 1, 8, "bad number '99999999999'"},
    {"minUid 010\n", 0, 1, 8, "bad number '010'"},
    {"minUid 12a\n", 0, 1, 8, "bad number '12a'"},
    {"minUid \"\"\n", 0, 1, 8, "bad number ''"},
    {"namespace 3\n", 0, 1, 11, "namespace must be 0, 1 or 2"},
    {"namespace 02\n", 0, 1, 11, "namespace must be 0, 1 or 2"},
    {"namespace\n", 0, 1, 1, "missing value for namespace"},
    {"namespace 1 2\n", 0, 1, 13, "too many values for namespace"},
    {"vhost a {\n  namespace on\n}\n", 0, 2, 13, "namespace must be 0, 1 or 2"},
    {"vhost a/b {\n}\n", 0, 1, 7, "bad vhost name 'a/b'"},
    {"vhost .. {\n}\n", 0, 1, 7, "bad vhost name '..'"},
    {"vhost . {\n}\n", 0, 1, 7, "bad vhost name '.'"},
    {"vhost \"a b\" {\n}\n", 0, 1, 7, "bad vhost name 'a b'"},
    {"vhost a{\n}\n", 0, 1, 1, "missing '{' after vhost 'a{'"},
    {"vhost a {\n}\nvhost b {\n}\nvhost a {\n}\n", 0, 5, 7,
     "duplicate vhost 'a'"},
    {"minUid 1\nminUid 2\n", 0, 2, 1, "duplicate key 'minUid'"},
    {"namespace 0\nnamespace 2\n", 0, 2, 1, "duplicate key 'namespace'"},
    {"serverRoot /a\nserverRoot /a\n", 0, 2, 1, "duplicate key 'serverRoot'"},
    {"persistDir /a\npersistDir /b\n", 0, 2, 1, "duplicate key 'persistDir'"},
    {"namespaceConf /a\nnamespaceConf /b\n", 0, 2, 1,
     "duplicate key 'namespaceConf'"},
    {"vhost a {\nnamespace 1\n\tnamespace 2\n}\n", 0, 3, 2,
     "duplicate key 'namespace'"},
    {"vhost a {\nvhRoot /a\nvhRoot /b\n}\n", 0, 3, 1, "duplicate key 'vhRoot'"},
    {"vhost a {\nnamespaceConfVhAdd /a\nnamespaceConfVhAdd /b\n}\n", 0, 3, 1,
     "duplicate key 'namespaceConfVhAdd'"},
    {"# c\n  vhost a {\nnamespace 1\n", 0, 2, 3, "unclosed vhost block"},
    {"vhost a {\n}\nvhost b {", 0, 3, 1, "unclosed vhost block"},
    {"}\n", 0, 1, 1, "'}' without a vhost block"},
    {"vhost a {\n}\n  }\n", 0, 3, 3, "'}' without a vhost block"},
    {"vhost a {\n} x\n", 0, 2, 3, "text after '}'"},
    {"vhost a {\n  vhost b {\n}\n}\n", 0, 2, 3, "nested vhost block"},
    {"vhRoot /x\n", 0, 1, 1, "'vhRoot' is only valid inside a vhost block"},
    {"namespaceConfVhAdd /x\n", 0, 1, 1,
     "'namespaceConfVhAdd' is only valid inside a vhost block"},
    {"vhost a {\n\tminUid 5\n}\n", 0, 2, 2,
     "'minUid' is not valid inside a vhost block"},
    {"vhost a {\nallowCaller x\n}\n", 0, 2, 1,
     "'allowCaller' is not valid inside a vhost block"},
    {"vhost a {\nserverRoot /x\n}\n", 0, 2, 1,
     "'serverRoot' is not valid inside a vhost block"},
    {"vhost a {\npersistDir /x\n}\n", 0, 2, 1,
     "'persistDir' is not valid inside a vhost block"},
    {"vhost a {\nnamespaceConf /x\n}\n", 0, 2, 1,
     "'namespaceConf' is not valid inside a vhost block"},
    {"serverRoot usr/local\n", 0, 1, 12, "relative path 'usr/local'"},
    {"serverRoot $SERVER_ROOT\n", 0, 1, 12, "relative path '$SERVER_ROOT'"},
    {"persistDir var/lsns\n", 0, 1, 12, "relative path 'var/lsns'"},
    {"persistDir ''\n", 0, 1, 12, "relative path ''"},
    {"persistDir /var/../etc\n", 0, 1, 12, "'..' in path '/var/../etc'"},
    {"persistDir /var/lsns/..\n", 0, 1, 12, "'..' in path '/var/lsns/..'"},
    {"persistDir //\n", 0, 1, 12, "persistDir must not be '/'"},
    {"persistDir /./\n", 0, 1, 12, "persistDir must not be '/'"},
    {"namespaceConf conf/ns.conf\n", 0, 1, 15, "relative path 'conf/ns.conf'"},
    {"namespaceConf $VH_ROOT/ns.conf\n", 0, 1, 15,
     "$VH_ROOT is not valid in namespaceConf"},
    {"namespaceConf $SERVER_ROOTX/a\n", 0, 1, 15,
     "unknown symbol in '$SERVER_ROOTX/a'"},
    {"namespaceConf $HOME/a\n", 0, 1, 15, "unknown symbol in '$HOME/a'"},
    {"namespaceConf /a/$USER\n", 0, 1, 15,
     "'$' is only allowed at the start of '/a/$USER'"},
    {"namespaceConf $SERVER_ROOT/$VH_ROOT\n", 0, 1, 15,
     "'$' is only allowed at the start of '$SERVER_ROOT/$VH_ROOT'"},
    {"vhost a {\nnamespaceConfVhAdd ns.conf\n}\n", 0, 2, 20,
     "relative path 'ns.conf'"},
    {"vhost a {\nnamespaceConfVhAdd $VH_ROOTx\n}\n", 0, 2, 20,
     "unknown symbol in '$VH_ROOTx'"},
    {"vhost a {\nvhRoot $VH_ROOT\n}\n", 0, 2, 8, "relative path '$VH_ROOT'"},
    {"vhost a {\nvhRoot srv\n}\n", 0, 2, 8, "relative path 'srv'"},
    {"vhost\n", 0, 1, 1, "missing value for vhost"},
    {"vhost a\n", 0, 1, 1, "missing '{' after vhost 'a'"},
    {"vhost a x\n", 0, 1, 9, "expected '{', found 'x'"},
    {"vhost a \"{\"\n}\n", 0, 1, 9, "expected '{', found '{'"},
    {"vhost a { x\n}\n", 0, 1, 11, "too many values for vhost"},
    {"vhost a {}\n", 0, 1, 9, "expected '{', found '{}'"},
    {"allowCaller\n", 0, 1, 1, "missing value for allowCaller"},
    {"allowCaller ok bad/name\n", 0, 1, 16, "bad caller name 'bad/name'"},
    {"allowCaller @\n", 0, 1, 13, "bad caller name '@'"},
    {"allowCaller $\n", 0, 1, 13, "bad caller name '$'"},
    {"allowCaller a$b\n", 0, 1, 13, "bad caller name 'a$b'"},
    {"allowCaller @@g\n", 0, 1, 13, "bad caller name '@@g'"},
    {"allowCaller ''\n", 0, 1, 13, "bad caller name ''"},
    {"passEnv\n", 0, 1, 1, "missing value for passEnv"},
    {"passEnv A=B\n", 0, 1, 9, "bad variable name 'A=B'"},
    {"passEnv OK 1X\n", 0, 1, 12, "bad variable name '1X'"},
    {"passEnv *\n", 0, 1, 9, "bad variable name '*'"},
    {"passEnv A*B\n", 0, 1, 9, "bad variable name 'A*B'"},
    {"passEnv A**\n", 0, 1, 9, "bad variable name 'A**'"},
    {"passEnv *A\n", 0, 1, 9, "bad variable name '*A'"},
    {"passEnv ''\n", 0, 1, 9, "bad variable name ''"},
    {"passEnv a-b\n", 0, 1, 9, "bad variable name 'a-b'"},
    {"passEnv 'A B'\n", 0, 1, 9, "bad variable name 'A B'"},
    {"passEnv X\xc3\xa4\n", 0, 1, 9, "bad variable name 'X\xc3\xa4'"},
    {"passEnv $X\n", 0, 1, 9, "bad variable name '$X'"},
    {"vhost a {\npassEnv X\n}\n", 0, 2, 1,
     "'passEnv' is not valid inside a vhost block"},
    {"passEnv A 'B\n", 0, 1, 11, "unterminated quote"},
    {"maxUid\n", 0, 1, 1, "missing value for maxUid"},
    {"maxUid x\n", 0, 1, 8, "bad number 'x'"},
    {"maxUid 4294967295\n", 0, 1, 8, "bad number '4294967295'"},
    {"maxUid 1\nmaxUid 2\n", 0, 2, 1, "duplicate key 'maxUid'"},
    {"vhost a {\nmaxUid 5\n}\n", 0, 2, 1,
     "'maxUid' is not valid inside a vhost block"},
    {"maxSetsPerUser 0\n", 0, 1, 16,
     "maxSetsPerUser must be a number from 1 to 4096"},
    {"maxSetsPerUser 4097\n", 0, 1, 16,
     "maxSetsPerUser must be a number from 1 to 4096"},
    {"maxSetsPerUser -1\n", 0, 1, 16,
     "maxSetsPerUser must be a number from 1 to 4096"},
    {"maxSetsPerUser 1 2\n", 0, 1, 18, "too many values for maxSetsPerUser"},
    {"owner alice\n", 0, 1, 1, "'owner' is only valid inside a vhost block"},
    {"vhost a {\nowner -x\n}\n", 0, 2, 7,
     "owner '-x' is not a user name or uid"},
    {"vhost a {\nowner a/b\n}\n", 0, 2, 7,
     "owner 'a/b' is not a user name or uid"},
    {"vhost a {\nowner\n}\n", 0, 2, 1, "missing value for owner"},
    {"vhost a {\nowner a\nowner b\n}\n", 0, 3, 1, "duplicate key 'owner'"},
    {"seccomp\n", 0, 1, 1, "missing value for seccomp"},
    {"seccomp on\n", 0, 1, 9,
     "seccomp must be default, off or an absolute path"},
    {"seccomp 'default x'\n", 0, 1, 9,
     "seccomp must be default, off or an absolute path"},
    {"seccomp rel/file\n", 0, 1, 9,
     "seccomp must be default, off or an absolute path"},
    {"seccomp default off\n", 0, 1, 17, "too many values for seccomp"},
    {"seccomp off\nseccomp default\n", 0, 2, 1, "duplicate key 'seccomp'"},
    {"seccomp $VH_ROOT/sc\n", 0, 1, 9,
     "$VH_ROOT is not valid in namespaceConf"},
    {"seccomp $X/sc\n", 0, 1, 9, "unknown symbol in '$X/sc'"},
    {"vhost a {\nseccomp /a\nseccomp off\n}\n", 0, 3, 1,
     "duplicate key 'seccomp'"},
    {"vhost a {\n seccomp $VH_ROOT/a/$X\n}\n", 0, 2, 10,
     "'$' is only allowed at the start of '$VH_ROOT/a/$X'"},
    {"allowUserNamespaces\n", 0, 1, 1,
     "missing value for allowUserNamespaces"},
    {"allowUserNamespaces 2\n", 0, 1, 21,
     "allowUserNamespaces must be 0 or 1"},
    {"allowUserNamespaces yes\n", 0, 1, 21,
     "allowUserNamespaces must be 0 or 1"},
    {"allowUserNamespaces 0\nallowUserNamespaces 1\n", 0, 2, 1,
     "duplicate key 'allowUserNamespaces'"},
    {"vhost a {\nallowUserNamespaces 1 0\n}\n", 0, 2, 23,
     "too many values for allowUserNamespaces"},
    {"idleTimeout\n", 0, 1, 1, "missing value for idleTimeout"},
    {"idleTimeout x\n", 0, 1, 13, IDLE_MSG},
    {"idleTimeout 5w\n", 0, 1, 13, IDLE_MSG},
    {"idleTimeout s\n", 0, 1, 13, IDLE_MSG},
    {"idleTimeout -1\n", 0, 1, 13, IDLE_MSG},
    {"idleTimeout 366d\n", 0, 1, 13, IDLE_MSG},
    {"idleTimeout 31536001\n", 0, 1, 13, IDLE_MSG},
    {"idleTimeout 1h 2\n", 0, 1, 16, "too many values for idleTimeout"},
    {"idleTimeout 1\nidleTimeout 2\n", 0, 2, 1,
     "duplicate key 'idleTimeout'"},
    {"vhost a {\nidleTimeout 5\n}\n", 0, 2, 1,
     "'idleTimeout' is not valid inside a vhost block"},
    {"logFacility kern\n", 0, 1, 13, FAC_MSG},
    {"logFacility local8\n", 0, 1, 13, FAC_MSG},
    {"logFacility AUTHPRIV\n", 0, 1, 13, FAC_MSG},
    {"launchLogRate 1000001\n", 0, 1, 15,
     "launchLogRate must be a number from 0 to 1000000"},
    {"launchLogRate x\n", 0, 1, 15,
     "launchLogRate must be a number from 0 to 1000000"},
    {"minUid \"1\n", 0, 1, 8, "unterminated quote"},
    {"serverRoot '/a\n", 0, 1, 12, "unterminated quote"},
    {"serverRoot \"/a b\"x\n", 0, 1, 18, "text after closing quote"},
    {"serverRoot /a\"b\n", 0, 1, 14, "quote inside a token"},
    {"serverRoot /o'brien\n", 0, 1, 14, "quote inside a token"},
    {"minUid 1\0\n", 10, 1, 9, "NUL byte"},
    {"\0", 1, 1, 1, "NUL byte"},
    {"# comment \0 hidden\n", 19, 1, 11, "NUL byte"},
    {"minUid 1\r\n", 0, 1, 9, "control character 0x0d"},
    {"minUid\v1\n", 0, 1, 7, "control character 0x0b"},
    {"# \x7f\n", 0, 1, 3, "control character 0x7f"},
};

START_TEST(test_errors)
{
	const struct err_case *t = &err_cases[_i];
	struct nscell_conf c;
	struct ns_err err;
	size_t len = t->len ? t->len : strlen(t->text);
	int r = parse_len(&c, t->text, len, &err);

	ck_assert_msg(r == -EINVAL, "case %d: r = %d", _i, r);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_str_eq(err.msg, t->msg);
	ck_assert_pstr_eq(err.pos.file, FILE_NAME);
	ck_assert_uint_eq(err.pos.line, t->line);
	ck_assert_uint_eq(err.pos.col, t->col);
	conf_free(&c);
}
END_TEST

START_TEST(test_line_length)
{
	struct nscell_conf c;
	struct ns_err err;
	char *buf = malloc(2 * 4098 + 16);
	size_t n;

	ck_assert_ptr_nonnull(buf);
	/* A 4096-byte comment line is fine ... */
	memset(buf, 'x', 4096);
	buf[0] = '#';
	buf[4096] = '\n';
	ck_assert_int_eq(parse_len(&c, buf, 4097, &err), 0);
	conf_free(&c);
	/* ... even as the last line without a newline ... */
	ck_assert_int_eq(parse_len(&c, buf, 4096, &err), 0);
	conf_free(&c);
	/* ... but 4097 bytes on line 2 is not. */
	memcpy(buf, "minUid 7\n", 9);
	memset(buf + 9, '#', 4097);
	n = 9 + 4097;
	buf[n++] = '\n';
	ck_assert_int_eq(parse_len(&c, buf, n, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "line longer than 4096 bytes");
	ck_assert_uint_eq(err.pos.line, 2);
	ck_assert_uint_eq(err.pos.col, 4097);
	conf_free(&c);
	free(buf);
}
END_TEST

START_TEST(test_file_too_large)
{
	struct nscell_conf c;
	struct ns_err err;
	char *buf = malloc(CONF_MAX_FILE + 1);

	ck_assert_ptr_nonnull(buf);
	memset(buf, '\n', CONF_MAX_FILE + 1);
	ck_assert_int_eq(parse_len(&c, buf, CONF_MAX_FILE, &err), 0);
	conf_free(&c);
	ck_assert_int_eq(parse_len(&c, buf, CONF_MAX_FILE + 1, &err), -EFBIG);
	ck_assert_ptr_null(err.pos.file);
	ck_assert_str_eq(err.msg, "t.conf: larger than 1048576 bytes");
	conf_free(&c);
	free(buf);
}
END_TEST

START_TEST(test_max_callers)
{
	struct nscell_conf c;
	struct ns_err err;
	char *buf;
	size_t i;
	int r;

	/* 256 distinct names over 128 lines: fine. */
	buf = malloc(128 * 64 + 64);
	ck_assert_ptr_nonnull(buf);
	buf[0] = '\0';
	for (i = 0; i < 128; i++)
		sprintf(buf + strlen(buf), "allowCaller u%zu @g%zu\n", i, i);
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_uint_eq(c.n_allow_users, 128);
	ck_assert_uint_eq(c.n_allow_groups, 128);
	ck_assert_str_eq(c.allow_groups[127], "g127");
	conf_free(&c);
	/* A repeated name does not count; the 257th distinct one fails. */
	strcat(buf, "allowCaller u0 @g5 x\n");
	r = parse(&c, buf, &err);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(err.msg, "more than 256 allowCaller names");
	ck_assert_uint_eq(err.pos.line, 129);
	ck_assert_uint_eq(err.pos.col, 20);
	conf_free(&c);
	free(buf);
}
END_TEST

START_TEST(test_max_vhosts)
{
	struct nscell_conf c;
	struct ns_err err;
	char *buf = malloc((CONF_MAX_VHOSTS + 1) * 24);
	size_t i, off = 0;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < CONF_MAX_VHOSTS; i++)
		off += (size_t)sprintf(buf + off, "vhost v%zu {\n}\n", i);
	ck_assert_int_eq(parse_len(&c, buf, off, &err), 0);
	ck_assert_uint_eq(c.n_vhosts, CONF_MAX_VHOSTS);
	ck_assert_str_eq(c.vhosts[4095].name, "v4095");
	ck_assert_uint_eq(c.vhosts[4095].pos.line, 8191);
	ck_assert_ptr_eq(conf_vhost(&c, "v1234"), &c.vhosts[1234]);
	conf_free(&c);
	off += (size_t)sprintf(buf + off, "vhost last {\n}\n");
	ck_assert_int_eq(parse_len(&c, buf, off, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "more than 4096 vhost blocks");
	ck_assert_uint_eq(err.pos.line, 8193);
	ck_assert_uint_eq(err.pos.col, 7);
	conf_free(&c);
	free(buf);
}
END_TEST

/* ---- successful parses ---- */

START_TEST(test_defaults)
{
	struct nscell_conf c;
	struct ns_err err;

	ck_assert_int_eq(parse(&c, "", &err), 0);
	ck_assert_uint_eq(c.min_uid, CONF_DEFAULT_MIN_UID);
	ck_assert_int_eq(c.ns, CONF_NS_ON);
	ck_assert_str_eq(c.persist_dir, CONF_DEFAULT_PERSIST);
	ck_assert_ptr_null(c.namespace_conf);
	ck_assert_ptr_null(c.server_root);
	ck_assert_uint_eq(c.n_allow_users + c.n_allow_groups + c.n_vhosts, 0);
	ck_assert_uint_eq(c.n_pass_env, 0);
	ck_assert_ptr_null(c.pass_env);
	ck_assert_int_eq(err.code, 0);
	ck_assert_ptr_null(err.pos.file);
	ck_assert(conf_ns_enabled(&c, NULL));
	ck_assert(conf_ns_enabled(&c, "any"));
	conf_free(&c);
	conf_free(&c); /* idempotent */
	ck_assert_int_eq(parse_file(&c, "empty.conf", &err), 0);
	ck_assert_int_eq(c.ns, CONF_NS_ON);
	conf_free(&c);
}
END_TEST

START_TEST(test_full_file)
{
	struct nscell_conf c;
	struct ns_err err;
	const struct conf_vhost *v;

	ck_assert_msg(parse_file(&c, "full.conf", &err) == 0, "%u:%u: %s",
		      err.pos.line, err.pos.col, err.msg);
	ck_assert_uint_eq(c.n_allow_users, 3);
	ck_assert_str_eq(c.allow_users[0], "www-data");
	ck_assert_str_eq(c.allow_users[1], "lsadm");
	ck_assert_str_eq(c.allow_users[2], "nobody$");
	ck_assert_uint_eq(c.n_allow_groups, 1);
	ck_assert_str_eq(c.allow_groups[0], "www-data");
	ck_assert_uint_eq(c.min_uid, 500);
	ck_assert_int_eq(c.ns, CONF_NS_ON);
	ck_assert_str_eq(c.namespace_conf, "$SERVER_ROOT/conf/ns.conf");
	ck_assert_str_eq(c.server_root, "/usr/local/lsws");
	ck_assert_str_eq(c.persist_dir, "/var/lsns");
	ck_assert_uint_eq(c.n_vhosts, 4);
	v = conf_vhost(&c, "example.com");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->ns, CONF_NS_ON);
	ck_assert_str_eq(v->vh_root, "/srv/example.com");
	ck_assert_str_eq(v->conf_vh_add, "$VH_ROOT/ns.conf");
	ck_assert_pstr_eq(v->pos.file, FILE_NAME);
	ck_assert_uint_eq(v->pos.line, 10);
	ck_assert_uint_eq(v->pos.col, 1);
	v = conf_vhost(&c, "off.example");
	ck_assert_int_eq(v->ns, CONF_NS_OFF);
	ck_assert_ptr_null(v->vh_root);
	ck_assert_str_eq(v->conf_vh_add, "$SERVER_ROOT/conf/vh add.conf");
	v = conf_vhost(&c, "inherit");
	ck_assert_int_eq(v->ns, CONF_NS_UNSET);
	ck_assert_ptr_null(v->vh_root);
	ck_assert_ptr_null(v->conf_vh_add);
	v = conf_vhost(&c, "zero");
	ck_assert_int_eq(v->ns, CONF_NS_UNSET);
	ck_assert_str_eq(v->vh_root, "/srv/with space");
	ck_assert_ptr_null(conf_vhost(&c, "Example.com"));
	ck_assert_ptr_null(conf_vhost(&c, NULL));
	ck_assert(conf_ns_enabled(&c, "example.com"));
	ck_assert(!conf_ns_enabled(&c, "off.example"));
	ck_assert(conf_ns_enabled(&c, "zero"));
	ck_assert_uint_eq(c.n_pass_env, 3);
	ck_assert_str_eq(c.pass_env[0], "PHPRC");
	ck_assert_str_eq(c.pass_env[1], "LSAPI_*");
	ck_assert_str_eq(c.pass_env[2], "PHP_LSAPI_CHILDREN");
	conf_free(&c);
}
END_TEST

START_TEST(test_server_off_file)
{
	struct nscell_conf c;
	struct ns_err err;

	ck_assert_int_eq(parse_file(&c, "server-off.conf", &err), 0);
	ck_assert_int_eq(c.ns, CONF_NS_OFF);
	ck_assert(!conf_ns_enabled(&c, NULL));
	ck_assert(!conf_ns_enabled(&c, "a"));
	ck_assert(!conf_ns_enabled(&c, "b"));
	conf_free(&c);
}
END_TEST

START_TEST(test_lexing)
{
	struct nscell_conf c;
	struct ns_err err;
	const char *text =
	    "\t serverRoot\t/srv/a#b   # a comment 'with \"quotes\n"
	    "#minUid 7\n"
	    "   #\n"
	    "minUid 0 #0\n"
	    "persistDir \"/var/my lsns/\"\n"
	    "allowCaller 'web user' x#y\n"
	    "namespaceConf '$SERVER_ROOT'\n"
	    "vhost \"q.example\" {  # open\n"
	    "} # close\n"
	    "namespace 0"; /* last line without a newline */

	/* 'web user' is quoted, so it reaches the name check as one token */
	ck_assert_int_eq(parse(&c, text, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "bad caller name 'web user'");
	ck_assert_uint_eq(err.pos.line, 6);
	ck_assert_uint_eq(err.pos.col, 13);
	conf_free(&c);

	text = "\t serverRoot\t/srv/a#b   # a comment 'with \"quotes\n"
	       "#minUid 7\n"
	       "   #\n"
	       "minUid 0 #0\n"
	       "persistDir \"/var/my lsns/\"\n"
	       "allowCaller \"web\" x\t#y\n"
	       "namespaceConf '$SERVER_ROOT'\n"
	       "vhost \"q.example\" {  # open\n"
	       "} # close\n"
	       "namespace 0";
	ck_assert_msg(parse(&c, text, &err) == 0, "%u:%u: %s", err.pos.line,
		      err.pos.col, err.msg);
	ck_assert_str_eq(c.server_root, "/srv/a#b");
	ck_assert_uint_eq(c.min_uid, 0);
	ck_assert_str_eq(c.persist_dir, "/var/my lsns");
	ck_assert_uint_eq(c.n_allow_users, 2);
	ck_assert_str_eq(c.allow_users[0], "web");
	ck_assert_str_eq(c.allow_users[1], "x");
	ck_assert_str_eq(c.namespace_conf, "$SERVER_ROOT");
	ck_assert_ptr_nonnull(conf_vhost(&c, "q.example"));
	ck_assert_int_eq(c.ns, CONF_NS_UNSET);
	conf_free(&c);
}
END_TEST

START_TEST(test_min_uid)
{
	struct nscell_conf c;
	struct ns_err err;

	ck_assert_int_eq(parse(&c, "minUid 4294967294\n", &err), 0);
	ck_assert_uint_eq(c.min_uid, 4294967294u);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, "minUid '1000'\n", &err), 0);
	ck_assert_uint_eq(c.min_uid, 1000);
	conf_free(&c);
}
END_TEST

static const struct {
	const char *in;
	const char *out;
} persist_cases[] = {
    {"/var/lsns/", "/var/lsns"},    {"//var//lsns//", "/var/lsns"},
    {"/var/./lsns/.", "/var/lsns"}, {"/a", "/a"},
    {"/a/...", "/a/..."},	    {"/a/..b/.c", "/a/..b/.c"},
};

START_TEST(test_persist_normalise)
{
	struct nscell_conf c;
	struct ns_err err;
	char line[128];

	snprintf(line, sizeof(line), "persistDir %s\n", persist_cases[_i].in);
	ck_assert_int_eq(parse(&c, line, &err), 0);
	ck_assert_str_eq(c.persist_dir, persist_cases[_i].out);
	conf_free(&c);
}
END_TEST

/* ---- conf_ns_enabled: server {absent, 0, 1, 2} x vhost {none, 0, 1, 2} */

static const struct {
	const char *server; /* NULL: not written (default 2) */
	const char *vhost;  /* NULL: no block */
	bool on;
} ns_cases[] = {
    {NULL, NULL, true}, {NULL, "0", true},  {NULL, "1", false},
    {NULL, "2", true},	{"0", NULL, false}, {"0", "0", false},
    {"0", "1", false},	{"0", "2", true},   {"1", NULL, false},
    {"1", "0", false},	{"1", "1", false},  {"1", "2", false},
    {"2", NULL, true},	{"2", "0", true},   {"2", "1", false},
    {"2", "2", true},
};

START_TEST(test_ns_enabled)
{
	struct nscell_conf c;
	struct ns_err err;
	char buf[128] = "";

	if (ns_cases[_i].server)
		snprintf(buf, sizeof(buf), "namespace %s\n",
			 ns_cases[_i].server);
	if (ns_cases[_i].vhost)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "vhost v {\n namespace %s\n}\n", ns_cases[_i].vhost);
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_msg(conf_ns_enabled(&c, "v") == ns_cases[_i].on,
		      "server %s vhost %s", ns_cases[_i].server,
		      ns_cases[_i].vhost);
	/* a vhost with no block always follows the server level */
	ck_assert(conf_ns_enabled(&c, "other") == conf_ns_enabled(&c, NULL));
	conf_free(&c);
}
END_TEST

START_TEST(test_ns_enabled_direct)
{
	struct nscell_conf c;
	struct conf_vhost v = {.name = (char *)"v"};
	static const bool table[3][3] = {
	    /* vhost:  0      1      2       server: */
	    {false, false, true},  /* 0 */
	    {false, false, false}, /* 1 */
	    {true, false, true},   /* 2 */
	};
	int s, h;

	memset(&c, 0, sizeof(c));
	c.vhosts = &v;
	c.n_vhosts = 1;
	for (s = 0; s < 3; s++) {
		for (h = 0; h < 3; h++) {
			c.ns = (enum conf_ns)s;
			v.ns = (enum conf_ns)h;
			ck_assert(conf_ns_enabled(&c, "v") == table[s][h]);
			ck_assert(conf_ns_enabled(&c, NULL) == table[s][0]);
		}
	}
	ck_assert(!conf_ns_enabled(NULL, "v"));
}
END_TEST

/* ---- conf_expand_path ---- */

static const struct {
	const char *path, *sr, *vr, *out, *msg;
} exp_cases[] = {
    {"$SERVER_ROOT/conf/ns.conf", "/usr/local/lsws", NULL,
     "/usr/local/lsws/conf/ns.conf", NULL},
    {"$SERVER_ROOT", "/usr/local/lsws", NULL, "/usr/local/lsws", NULL},
    {"$SERVER_ROOT/x", "/usr/local/lsws/", NULL, "/usr/local/lsws/x", NULL},
    {"$SERVER_ROOT/x", "/", NULL, "/x", NULL},
    {"$VH_ROOT/ns.conf", "/usr/local/lsws", "/srv/a", "/srv/a/ns.conf", NULL},
    {"$VH_ROOT/$x", "/s", "/v", NULL,
     "'$' is only allowed at the start of '$VH_ROOT/$x'"},
    {"/etc/nscell/ns.conf", NULL, NULL, "/etc/nscell/ns.conf", NULL},
    {"/a/$SERVER_ROOT", "/s", NULL, NULL,
     "'$' is only allowed at the start of '/a/$SERVER_ROOT'"},
    {"$VH_ROOT/ns.conf", "/usr/local/lsws", NULL, NULL, "$VH_ROOT is not set"},
    {"$VH_ROOT/ns.conf", "/usr/local/lsws", "", NULL, "$VH_ROOT is not set"},
    {"$SERVER_ROOT/x", NULL, "/v", NULL, "$SERVER_ROOT is not set"},
    {"$SERVER_ROOT/x", "", NULL, NULL, "$SERVER_ROOT is not set"},
    {"ns.conf", "/s", "/v", NULL, "relative path 'ns.conf'"},
    {"", "/s", "/v", NULL, "relative path ''"},
    {"$SERVER_ROOTx", "/s", NULL, NULL, "unknown symbol in '$SERVER_ROOTx'"},
    {"$VH_ROOT_X/a", "/s", "/v", NULL, "unknown symbol in '$VH_ROOT_X/a'"},
    {"$", "/s", NULL, NULL, "unknown symbol in '$'"},
    {"$HOME/a", "/s", NULL, NULL, "unknown symbol in '$HOME/a'"},
    {"$SERVER_ROOT/x", "relative", NULL, NULL, "relative path 'relative/x'"},
    {"$VH_ROOT", "/s", "v", NULL, "relative path 'v'"},
};

START_TEST(test_expand_path)
{
	struct tmpl_pos pos = {"n.conf", 7, 15};
	struct ns_err err;
	char *out;

	memset(&err, 0, sizeof(err));
	out = conf_expand_path(exp_cases[_i].path, exp_cases[_i].sr,
			       exp_cases[_i].vr, &pos, &err);
	if (exp_cases[_i].out) {
		ck_assert_msg(out != NULL, "%s", err.msg);
		ck_assert_str_eq(out, exp_cases[_i].out);
		free(out);
		return;
	}
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_str_eq(err.msg, exp_cases[_i].msg);
	ck_assert_pstr_eq(err.pos.file, "n.conf");
	ck_assert_uint_eq(err.pos.line, 7);
	ck_assert_uint_eq(err.pos.col, 15);
}
END_TEST

START_TEST(test_expand_path_misc)
{
	struct ns_err err;
	char *root = malloc(4096 + 1);
	char *out;

	ck_assert_ptr_nonnull(root);
	/* no position: a non-positional error */
	out = conf_expand_path("$VH_ROOT/a", "/s", NULL, NULL, &err);
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(err.pos.file);
	ck_assert_str_eq(err.msg, "$VH_ROOT is not set");
	/* the result is bounded by TMPL_MAX_PATH */
	memset(root, 'r', 4096);
	root[0] = '/';
	root[4093] = '\0';
	out = conf_expand_path("$SERVER_ROOT/x", root, NULL, NULL, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), 4095);
	free(out);
	out = conf_expand_path("$SERVER_ROOT/xy", root, NULL, NULL, &err);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(err.code, -ENAMETOOLONG);
	ck_assert_str_eq(err.msg, "path longer than 4095 bytes");
	ck_assert_ptr_null(conf_expand_path(NULL, "/s", NULL, NULL, &err));
	free(root);
}
END_TEST

/* Parsed template paths expand as the launcher will expand them. */
START_TEST(test_parse_then_expand)
{
	struct nscell_conf c;
	struct ns_err err;
	const struct conf_vhost *v;
	char *p;

	ck_assert_int_eq(parse_file(&c, "full.conf", &err), 0);
	p = conf_expand_path(c.namespace_conf, c.server_root, NULL, NULL, &err);
	ck_assert_str_eq(p, "/usr/local/lsws/conf/ns.conf");
	free(p);
	v = conf_vhost(&c, "example.com");
	p = conf_expand_path(v->conf_vh_add, c.server_root, v->vh_root, &v->pos,
			     &err);
	ck_assert_str_eq(p, "/srv/example.com/ns.conf");
	free(p);
	v = conf_vhost(&c, "off.example");
	p = conf_expand_path(v->conf_vh_add, c.server_root, v->vh_root, &v->pos,
			     &err);
	ck_assert_str_eq(p, "/usr/local/lsws/conf/vh add.conf");
	free(p);
	conf_free(&c);
}
END_TEST

/* ---- conf_vhost_name_ok ---- */

static const struct {
	const char *name;
	bool ok;
} name_cases[] = {
    {"example.com", true}, {"a", true},	      {"A-Z_0.9", true},
    {"...", true},	   {".hidden", true}, {"-x", false},
    {"lock", false},	   {"record", false}, {"record.new", false},
    {"filter", false},	   {"filter.new", false},
    {"used", false},	   {"locks", true},   {"record.", true},
    {"", false},	   {".", false},      {"..", false},
    {"a/b", false},	   {"/", false},      {"a b", false},
    {"a\tb", false},	   {"a$", false},     {"caf\xc3\xa9", false},
    {"a\n", false},	   {"a:b", false},    {NULL, false},
};

START_TEST(test_vhost_name_ok)
{
	ck_assert_msg(conf_vhost_name_ok(name_cases[_i].name) ==
			  name_cases[_i].ok,
		      "'%s'", name_cases[_i].name ? name_cases[_i].name : "");
}
END_TEST

START_TEST(test_vhost_name_length)
{
	char name[300];

	memset(name, 'n', sizeof(name));
	name[255] = '\0';
	ck_assert(conf_vhost_name_ok(name));
	name[255] = 'n';
	name[256] = '\0';
	ck_assert(!conf_vhost_name_ok(name));
	name[299] = '\0';
	ck_assert(!conf_vhost_name_ok(name));
}
END_TEST

START_TEST(test_caller_names)
{
	struct nscell_conf c;
	struct ns_err err;
	char buf[300];

	ck_assert_int_eq(parse(&c, "allowCaller A.b_c-9 x$ @wheel @g$\n", &err),
			 0);
	ck_assert_uint_eq(c.n_allow_users, 2);
	ck_assert_str_eq(c.allow_users[1], "x$");
	ck_assert_uint_eq(c.n_allow_groups, 2);
	ck_assert_str_eq(c.allow_groups[0], "wheel");
	ck_assert_str_eq(c.allow_groups[1], "g$");
	conf_free(&c);
	/* 255 bytes is the longest name */
	memcpy(buf, "allowCaller ", 12);
	memset(buf + 12, 'u', 256);
	buf[12 + 255] = '\0';
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_uint_eq(strlen(c.allow_users[0]), 255);
	conf_free(&c);
	buf[12 + 255] = 'u';
	buf[12 + 256] = '\0';
	ck_assert_int_eq(parse(&c, buf, &err), -EINVAL);
	ck_assert_uint_eq(err.pos.col, 13);
	conf_free(&c);
}
END_TEST

/* ---- maxUid, maxSetsPerUser, owner ---- */

START_TEST(test_limits_and_owner)
{
	struct nscell_conf c;
	struct ns_err err;
	const struct conf_vhost *v;

	ck_assert_int_eq(parse(&c, "", &err), 0);
	ck_assert_uint_eq(c.max_uid, CONF_DEFAULT_MAX_UID);
	ck_assert_uint_eq(c.max_sets, CONF_DEFAULT_MAX_SETS);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, "maxUid 4294967294\nmaxSetsPerUser 4096\n"
			       "vhost a {\nowner alice\n}\n"
			       "vhost b {\nowner 1001\n}\nvhost c {\n}\n",
			       &err), 0);
	ck_assert_uint_eq(c.max_uid, 4294967294u);
	ck_assert_uint_eq(c.max_sets, CONF_MAX_SETS_LIMIT);
	v = conf_vhost(&c, "a");
	ck_assert_pstr_eq(v->owner, "alice");
	v = conf_vhost(&c, "b");
	ck_assert_pstr_eq(v->owner, "1001");
	v = conf_vhost(&c, "c");
	ck_assert_ptr_null(v->owner);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, "maxUid 0\nmaxSetsPerUser 1\n", &err), 0);
	ck_assert_uint_eq(c.max_uid, 0);
	ck_assert_uint_eq(c.max_sets, 1);
	conf_free(&c);
}
END_TEST

/* ---- passEnv ---- */

START_TEST(test_pass_env)
{
	struct nscell_conf c;
	struct ns_err err;

	/* every line adds; a repeated name is kept once, in first order */
	ck_assert_int_eq(parse(&c, "passEnv PHPRC LSAPI_*\n"
			       "passEnv 'PHPRC' _X a9 LSAPI_ L*\n", &err), 0);
	ck_assert_uint_eq(c.n_pass_env, 6);
	ck_assert_str_eq(c.pass_env[0], "PHPRC");
	ck_assert_str_eq(c.pass_env[1], "LSAPI_*");
	ck_assert_str_eq(c.pass_env[2], "_X");
	ck_assert_str_eq(c.pass_env[3], "a9");
	ck_assert_str_eq(c.pass_env[4], "LSAPI_");
	ck_assert_str_eq(c.pass_env[5], "L*");
	conf_free(&c);
	ck_assert_ptr_null(c.pass_env);
}
END_TEST

START_TEST(test_pass_env_length)
{
	struct nscell_conf c;
	struct ns_err err;
	char buf[300];

	/* 255 bytes is the longest name, with or without the '*' */
	memcpy(buf, "passEnv ", 8);
	memset(buf + 8, 'V', 257);
	buf[8 + 255] = '\0';
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_uint_eq(strlen(c.pass_env[0]), 255);
	ck_assert(conf_env_name_ok(c.pass_env[0]));
	conf_free(&c);
	buf[8 + 255] = '*';
	buf[8 + 256] = '\0';
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_uint_eq(strlen(c.pass_env[0]), 256);
	conf_free(&c);
	buf[8 + 255] = 'V';
	ck_assert_int_eq(parse(&c, buf, &err), -EINVAL);
	ck_assert_uint_eq(err.pos.col, 9);
	ck_assert(!conf_env_name_ok(buf + 8));
	conf_free(&c);
}
END_TEST

START_TEST(test_max_pass_env)
{
	struct nscell_conf c;
	struct ns_err err;
	char *buf = malloc(128 * 32 + 64);
	size_t i;

	ck_assert_ptr_nonnull(buf);
	buf[0] = '\0';
	for (i = 0; i < 128; i++)
		sprintf(buf + strlen(buf), "passEnv A%zu B%zu*\n", i, i);
	ck_assert_int_eq(parse(&c, buf, &err), 0);
	ck_assert_uint_eq(c.n_pass_env, CONF_MAX_PASS_ENV);
	ck_assert_str_eq(c.pass_env[255], "B127*");
	conf_free(&c);
	/* A repeated name does not count; the 257th distinct one fails. */
	strcat(buf, "passEnv A0 B5* C\n");
	ck_assert_int_eq(parse(&c, buf, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "more than 256 passEnv names");
	ck_assert_uint_eq(err.pos.line, 129);
	ck_assert_uint_eq(err.pos.col, 16);
	conf_free(&c);
	free(buf);
}
END_TEST

static const struct {
	const char *pat;
	bool ok;
} env_name_cases[] = {
	{"PHPRC", true}, {"LSAPI_*", true}, {"_", true}, {"_*", true},
	{"a", true}, {"lower_case9", true}, {"X1", true},
	{NULL, false}, {"", false}, {"*", false}, {"**", false},
	{"A**", false}, {"*A", false}, {"A*B", false}, {"1A", false},
	{"9*", false}, {"A=B", false}, {"A=", false}, {"=A", false},
	{"A B", false}, {"A-B", false}, {"A.B", false}, {"A/B", false},
	{"A$", false}, {"A\n", false}, {"A\t", false}, {"\xc3\xa4", false},
	{"-A", false},
};

START_TEST(test_env_name_ok)
{
	ck_assert_msg(conf_env_name_ok(env_name_cases[_i].pat) ==
		      env_name_cases[_i].ok, "'%s'",
		      env_name_cases[_i].pat ? env_name_cases[_i].pat : "NULL");
}
END_TEST

/* seccomp and allowUserNamespaces: parsed at both levels, a vhost's own
 * value wins, the server's is inherited, the defaults are "default" and
 * 0. */
START_TEST(test_seccomp_settings)
{
	static const char text[] =
		"seccomp /etc/nscell/sc.conf\n"
		"allowUserNamespaces 1\n"
		"vhost off {\n seccomp off\n allowUserNamespaces 0\n}\n"
		"vhost file {\n seccomp $VH_ROOT/sc\n vhRoot /srv/f\n}\n"
		"vhost dflt {\n seccomp default\n}\n"
		"vhost none {\n}\n";
	const struct conf_vhost *vh;
	const struct tmpl_pos *pos;
	struct nscell_conf c;
	struct ns_err err;
	const char *f;

	ck_assert_int_eq(parse(&c, text, &err), 0);
	ck_assert_int_eq(conf_seccomp(&c, NULL, &f, &vh, &pos), CONF_SC_FILE);
	ck_assert_str_eq(f, "/etc/nscell/sc.conf");
	ck_assert_ptr_null(vh);
	ck_assert_uint_eq(pos->line, 1);
	ck_assert(conf_userns_allowed(&c, NULL));
	ck_assert_int_eq(conf_seccomp(&c, "off", &f, &vh, &pos), CONF_SC_OFF);
	ck_assert(!conf_userns_allowed(&c, "off"));
	ck_assert_int_eq(conf_seccomp(&c, "file", &f, &vh, &pos),
			 CONF_SC_FILE);
	ck_assert_str_eq(f, "$VH_ROOT/sc");
	ck_assert_str_eq(vh->vh_root, "/srv/f");
	ck_assert_uint_eq(pos->line, 8);
	ck_assert_uint_eq(pos->col, 2);
	ck_assert(conf_userns_allowed(&c, "file"));
	ck_assert_int_eq(conf_seccomp(&c, "dflt", &f, &vh, &pos),
			 CONF_SC_DEFAULT);
	ck_assert_int_eq(conf_seccomp(&c, "none", &f, &vh, &pos),
			 CONF_SC_FILE);
	ck_assert_int_eq(conf_seccomp(&c, "unknown", &f, &vh, &pos),
			 CONF_SC_FILE);
	conf_free(&c);

	/* Nothing written: the default list, no user namespaces. */
	ck_assert_int_eq(parse(&c, "vhost a {\n}\n", &err), 0);
	ck_assert_int_eq(conf_seccomp(&c, NULL, &f, &vh, &pos),
			 CONF_SC_DEFAULT);
	ck_assert_ptr_null(f);
	ck_assert_ptr_null(pos);
	ck_assert_int_eq(conf_seccomp(&c, "a", &f, &vh, &pos),
			 CONF_SC_DEFAULT);
	ck_assert(!conf_userns_allowed(&c, NULL));
	ck_assert(!conf_userns_allowed(&c, "a"));
	conf_free(&c);

	/* The server says off, a vhost may turn it back on. */
	ck_assert_int_eq(parse(&c, "seccomp off\nallowUserNamespaces 0\n"
			       "vhost a {\nseccomp default\n"
			       "allowUserNamespaces 1\n}\n", &err), 0);
	ck_assert_int_eq(conf_seccomp(&c, NULL, &f, &vh, &pos), CONF_SC_OFF);
	ck_assert_int_eq(conf_seccomp(&c, "a", &f, &vh, &pos),
			 CONF_SC_DEFAULT);
	ck_assert(!conf_userns_allowed(&c, NULL));
	ck_assert(conf_userns_allowed(&c, "a"));
	conf_free(&c);
}
END_TEST

/* ---- idleTimeout, logFacility, launchLogRate (issue 16) ---- */

START_TEST(test_operator_keys)
{
	static const struct {
		const char *text;
		uint32_t secs;
	} idle[] = {
		{ "idleTimeout 0\n", 0 }, { "idleTimeout 90\n", 90 },
		{ "idleTimeout 90s\n", 90 }, { "idleTimeout 15m\n", 900 },
		{ "idleTimeout 2h\n", 7200 }, { "idleTimeout 365d\n", 31536000 },
		{ "idleTimeout 31536000\n", 31536000 },
	};
	struct nscell_conf c;
	struct ns_err err;

	ck_assert_int_eq(parse(&c, "", &err), 0);
	ck_assert_uint_eq(c.idle_timeout, 0);
	ck_assert_int_eq(c.log_facility, LOG_AUTHPRIV);
	ck_assert_uint_eq(c.launch_log_rate, CONF_DEFAULT_LOG_RATE);
	conf_free(&c);
	for (size_t i = 0; i < ARRAY_LEN(idle); i++) {
		ck_assert_int_eq(parse(&c, idle[i].text, &err), 0);
		ck_assert_uint_eq(c.idle_timeout, idle[i].secs);
		conf_free(&c);
	}
	ck_assert_int_eq(parse(&c, "logFacility local3\nlaunchLogRate 0\n",
			       &err), 0);
	ck_assert_int_eq(c.log_facility, LOG_LOCAL3);
	ck_assert_uint_eq(c.launch_log_rate, 0);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, "logFacility daemon\n"
			       "launchLogRate 1000000\n", &err), 0);
	ck_assert_int_eq(c.log_facility, LOG_DAEMON);
	ck_assert_uint_eq(c.launch_log_rate, CONF_MAX_LOG_RATE);
	conf_free(&c);
}
END_TEST

/* ---- conf_parse_lenient: unmount_ns with a typo in the file ---- */

START_TEST(test_lenient)
{
	static const char text[] =
		"minUid 2000\n"
		"bogusKey 1\n"
		"persistDir /srv/lsns\n"
		"vhost a {\n"
		"  namspace 2\n"
		"}\n"
		"maxUid x\n"
		"vhost b {\n";
	struct nscell_conf c;
	struct ns_err err;

	ck_assert_int_eq(conf_init(&c), 0);
	ck_assert_int_eq(conf_parse_lenient(&c, FILE_NAME, text,
					    strlen(text), &err), 4);
	ck_assert_str_eq(err.msg, "unknown key 'bogusKey'");
	ck_assert_uint_eq(err.pos.line, 2);
	ck_assert_str_eq(c.persist_dir, "/srv/lsns");
	ck_assert_uint_eq(c.min_uid, 2000);
	ck_assert_uint_eq(c.max_uid, CONF_DEFAULT_MAX_UID);
	ck_assert_ptr_nonnull(conf_vhost(&c, "a"));
	conf_free(&c);
	/* A file without errors: the same as conf_parse_buf. */
	ck_assert_int_eq(conf_init(&c), 0);
	ck_assert_int_eq(conf_parse_lenient(&c, FILE_NAME, "persistDir /x\n",
					    14, &err), 0);
	ck_assert_str_eq(c.persist_dir, "/x");
	conf_free(&c);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("errors");

	tcase_add_loop_test(tc, test_errors, 0, ARRAY_LEN(err_cases));
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_file_too_large);
	tcase_add_test(tc, test_max_callers);
	tcase_add_test(tc, test_max_vhosts);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full_file);
	tcase_add_test(tc, test_server_off_file);
	tcase_add_test(tc, test_lexing);
	tcase_add_test(tc, test_min_uid);
	tcase_add_loop_test(tc, test_persist_normalise, 0,
			    ARRAY_LEN(persist_cases));
	tcase_add_test(tc, test_caller_names);
	tcase_add_test(tc, test_seccomp_settings);
	suite_add_tcase(s, tc);

	tc = tcase_create("ns_enabled");
	tcase_add_loop_test(tc, test_ns_enabled, 0, ARRAY_LEN(ns_cases));
	tcase_add_test(tc, test_ns_enabled_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("expand_path");
	tcase_add_loop_test(tc, test_expand_path, 0, ARRAY_LEN(exp_cases));
	tcase_add_test(tc, test_expand_path_misc);
	tcase_add_test(tc, test_parse_then_expand);
	suite_add_tcase(s, tc);

	tc = tcase_create("vhost_name");
	tcase_add_loop_test(tc, test_vhost_name_ok, 0, ARRAY_LEN(name_cases));
	tcase_add_test(tc, test_vhost_name_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits_owner");
	tcase_add_test(tc, test_limits_and_owner);
	tcase_add_test(tc, test_operator_keys);
	tcase_add_test(tc, test_lenient);
	suite_add_tcase(s, tc);

	tc = tcase_create("pass_env");
	tcase_add_test(tc, test_pass_env);
	tcase_add_test(tc, test_pass_env_length);
	tcase_add_test(tc, test_max_pass_env);
	tcase_add_loop_test(tc, test_env_name_ok, 0, ARRAY_LEN(env_name_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
