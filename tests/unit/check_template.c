// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the template parser: lexer, line forms, symbols, path
 * rules, merge, format, limits, and the golden files under tests/data.
 */
#define _GNU_SOURCE	/* asprintf */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

enum { ID_ALICE, ID_NOHOME, ID_TRICKY, ID_EMPTYUSER };

static const struct tmpl_ident idents[] = {
	[ID_ALICE] = { 1001, 1001, "alice", "/home/alice" },
	[ID_NOHOME] = { 1001, 1001, "alice", NULL },
	/* substituted text must never be scanned again */
	[ID_TRICKY] = { 1001, 1002, "$GID", "/h/$UID" },
	[ID_EMPTYUSER] = { 1001, 1001, "", "/home/alice" },
};

struct tcase_def {
	const char *in;
	const char *want;	/* "LINE: format\n"... or "ERR L:C: msg" */
	int id;
};

#define OUT_MAX (1 << 20)

struct sbuf {
	char *s;
	size_t n;
	size_t cap;
};

static void
sb_add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	ck_assert_uint_lt(b->n + (size_t)n, b->cap);
	b->n += (size_t)n;
}

/* parse + expand + merge into @eff, as the launcher does per file. */
static int
load(struct tmpl *eff, const char *file, const char *buf, size_t len,
     const struct tmpl_ident *id, struct ns_err *err)
{
	struct tmpl raw;
	int rc;

	tmpl_init(&raw);
	rc = tmpl_parse_buf(&raw, file, buf, len, err);
	if (!rc)
		rc = tmpl_expand(&raw, id, err);
	if (!rc)
		rc = tmpl_merge(eff, &raw, err);
	tmpl_free(&raw);
	return rc;
}

static void
render_ops(struct sbuf *b, const struct tmpl *t, const char *file)
{
	char line[3 * TMPL_MAX_PATH];
	size_t i;

	for (i = 0; i < t->n; i++) {
		int n = tmpl_op_format(&t->ops[i], line, sizeof(line));

		ck_assert_int_eq((int)strlen(line), n);
		if (file)
			sb_add(b, "%s:%u: %s\n", t->ops[i].pos.file,
			       t->ops[i].pos.line, line);
		else
			sb_add(b, "%u: %s\n", t->ops[i].pos.line, line);
	}
}

/* The table form: ops as "LINE: format" lines, or "ERR L:C: msg". */
static char *
run_ident(const char *in, size_t len, const struct tmpl_ident *id, int *code)
{
	static char out[OUT_MAX];
	struct sbuf b = { out, 0, sizeof(out) };
	struct tmpl eff;
	struct ns_err err;
	int rc;

	out[0] = '\0';
	tmpl_init(&eff);
	memset(&err, 0, sizeof(err));
	rc = load(&eff, "t", in, len, id, &err);
	if (rc) {
		ck_assert_ptr_nonnull(err.pos.file);
		ck_assert_str_eq(err.pos.file, "t");
		ck_assert_int_eq(err.code, rc);
		ck_assert_uint_eq(eff.n, 0);
		sb_add(&b, "ERR %u:%u: %s", err.pos.line, err.pos.col,
		       err.msg);
	} else {
		render_ops(&b, &eff, NULL);
	}
	if (code)
		*code = rc;
	tmpl_free(&eff);
	return out;
}

static char *
run(const char *in, size_t len, int id, int *code)
{
	return run_ident(in, len, &idents[id], code);
}

static void
check_case(const struct tcase_def *c, int i)
{
	const char *got = run(c->in, strlen(c->in), c->id, NULL);

	ck_assert_msg(strcmp(got, c->want) == 0,
		      "case %d: input [%s]\n got [%s]\nwant [%s]", i, c->in,
		      got, c->want);
}

#define TABLE_TEST(name, table)						\
	START_TEST(name)						\
	{								\
		check_case(&table[_i], _i);				\
	}								\
	END_TEST

static const struct tcase_def forms[] = {
	{ "/usr", "1: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "/a /b", "1: ro-bind-try /a /b\n", ID_ALICE },
	{ "/a b/c", "1: ro-bind-try /a /b/c\n", ID_ALICE },
	{ "$HOMEDIR", "1: ro-bind-try /home/alice /home/alice\n", ID_ALICE },
	{ "/usr,bind", "1: bind /usr /usr\n", ID_ALICE },
	{ "/usr,bind-try", "1: bind-try /usr /usr\n", ID_ALICE },
	{ "/usr,ro-bind", "1: ro-bind /usr /usr\n", ID_ALICE },
	{ "/usr,ro-bind-try", "1: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "/dev/fuse,dev-bind", "1: dev-bind /dev/fuse /dev/fuse\n",
	  ID_ALICE },
	{ "/dev/kvm,dev-bind-try", "1: dev-bind-try /dev/kvm /dev/kvm\n",
	  ID_ALICE },
	{ "/etc/hosts,copy", "1: copy /etc/hosts /etc/hosts\n", ID_ALICE },
	{ "/etc/hosts,copy-try", "1: copy-try /etc/hosts /etc/hosts\n",
	  ID_ALICE },
	{ "/a /b,bind", "1: bind /a /b\n", ID_ALICE },
	{ "/a /b,bind-try", "1: bind-try /a /b\n", ID_ALICE },
	{ "/a /b,ro-bind", "1: ro-bind /a /b\n", ID_ALICE },
	{ "/a /b,ro-bind-try", "1: ro-bind-try /a /b\n", ID_ALICE },
	{ "/a /b,dev-bind", "1: dev-bind /a /b\n", ID_ALICE },
	{ "/a /b,dev-bind-try", "1: dev-bind-try /a /b\n", ID_ALICE },
	{ "/a /b,copy", "1: copy /a /b\n", ID_ALICE },
	{ "/a /b,copy-try", "1: copy-try /a /b\n", ID_ALICE },
	{ "/a b,copy", "1: copy /a /b\n", ID_ALICE },
	{ "/dev,dev", "1: dev /dev\n", ID_ALICE },
	{ "/var,dir", "1: dir /var\n", ID_ALICE },
	{ "/dev/mqueue,mqueue", "1: mqueue /dev/mqueue\n", ID_ALICE },
	{ "/proc,proc", "1: proc /proc\n", ID_ALICE },
	{ "/usr,remount-ro", "1: remount-ro /usr\n", ID_ALICE },
	{ "/tmp,tmp", "1: tmp /tmp\n", ID_ALICE },
	{ "/tmp,tmpfs", "1: tmpfs /tmp\n", ID_ALICE },
	{ "/x tmpfs", "1: tmpfs /x\n", ID_ALICE },
	{ "var/tmp,tmpfs", "1: tmpfs /var/tmp\n", ID_ALICE },
	{ "/a//b/./c/,tmpfs", "1: tmpfs /a/b/c\n", ID_ALICE },
	{ "../tmp var/tmp,symlink", "1: symlink ../tmp /var/tmp\n",
	  ID_ALICE },
	{ "/usr/bin /bin,symlink", "1: symlink /usr/bin /bin\n", ID_ALICE },
	{ "a//./b /l,symlink", "1: symlink a//./b /l\n", ID_ALICE },
	{ "no-unshare-user", "1: no-unshare-user\n", ID_ALICE },
	{ "  no-unshare-user  ", "1: no-unshare-user\n", ID_ALICE },
	{ "/x bind,bind", "1: bind /x /bind\n", ID_ALICE },
	{ "/ /x,bind", "1: bind / /x\n", ID_ALICE },
	{ "/a/..b/...,tmpfs", "1: tmpfs /a/..b/...\n", ID_ALICE },
	{ "", "", ID_ALICE },
	{ "\n\n\n", "", ID_ALICE },
	{ "/a\n/b,tmpfs\n\n/c,dir", "1: ro-bind-try /a /a\n2: tmpfs /b\n"
	  "4: dir /c\n", ID_ALICE },
};
TABLE_TEST(test_forms, forms)

static const struct tcase_def quoting[] = {
	{ "'/a b',tmpfs", "1: tmpfs \"/a b\"\n", ID_ALICE },
	{ "\"/a b\",tmpfs", "1: tmpfs \"/a b\"\n", ID_ALICE },
	{ "\"/a,b\" '/c d',bind", "1: bind \"/a,b\" \"/c d\"\n", ID_ALICE },
	{ "'/a\tb' /c", "1: ro-bind-try \"/a\tb\" /c\n", ID_ALICE },
	{ "\"/it's\",tmpfs", "1: tmpfs \"/it's\"\n", ID_ALICE },
	{ "'/say \"hi\"',tmpfs", "1: tmpfs '/say \"hi\"'\n", ID_ALICE },
	{ "'/a#b',tmpfs", "1: tmpfs \"/a#b\"\n", ID_ALICE },
	{ "/a#b,tmpfs", "1: tmpfs \"/a#b\"\n", ID_ALICE },
	{ "/a\\b\\,tmpfs", "1: tmpfs /a\\b\\\n", ID_ALICE },
	{ "'/a\\' /b", "1: ro-bind-try /a\\ /b\n", ID_ALICE },
	{ "/x 'tmpfs'", "1: ro-bind-try /x /tmpfs\n", ID_ALICE },
	{ "/x 'y'", "1: ro-bind-try /x /y\n", ID_ALICE },
	{ "'/x'", "1: ro-bind-try /x /x\n", ID_ALICE },
	{ "'/x' \"/y\" 'bind'", "ERR 1:11: unknown command 'bind'",
	  ID_ALICE },
	{ "'bind'", "ERR 1:2: relative source path 'bind'", ID_ALICE },
	{ "'no-unshare-user'",
	  "ERR 1:2: relative source path 'no-unshare-user'", ID_ALICE },
	{ "'$PASSWD'",
	  "ERR 1:2: $PASSWD must stand alone at the start of a line",
	  ID_ALICE },
	{ "'!/x',tmpfs", "1: tmpfs /!/x\n", ID_ALICE },
	{ "\t'/a b'\t,\ttmpfs\t", "1: tmpfs \"/a b\"\n", ID_ALICE },
	{ "'/a' # c", "1: ro-bind-try /a /a\n", ID_ALICE },
	{ "'/a''/b'", "ERR 1:5: text after closing quote", ID_ALICE },
	{ "'/a'b", "ERR 1:5: text after closing quote", ID_ALICE },
	{ "'/a'#", "ERR 1:5: text after closing quote", ID_ALICE },
	{ "/a '/b", "ERR 1:4: unbalanced quote", ID_ALICE },
	{ "\"/a' ", "ERR 1:1: unbalanced quote", ID_ALICE },
	{ "/a'b", "ERR 1:3: quote inside a token", ID_ALICE },
	{ "/a /b\",bind", "ERR 1:6: quote inside a token", ID_ALICE },
	{ "!'/a b'", "ERR 1:2: quote inside a token", ID_ALICE },
	{ "''", "ERR 1:1: empty path", ID_ALICE },
	{ "/a \"\",bind", "ERR 1:4: empty path", ID_ALICE },
};
TABLE_TEST(test_quoting, quoting)

static const struct tcase_def separators[] = {
	{ "/a /b bind", "1: bind /a /b\n", ID_ALICE },
	{ "/a,/b,bind", "1: bind /a /b\n", ID_ALICE },
	{ "/a\t/b\tbind", "1: bind /a /b\n", ID_ALICE },
	{ "/a,,,/b,,,bind", "1: bind /a /b\n", ID_ALICE },
	{ "  \t/a \t, /b\t\tbind  ,, ", "1: bind /a /b\n", ID_ALICE },
	{ ",/usr", "1: ro-bind-try /usr /usr\n", ID_ALICE },
	{ " , \t ,", "", ID_ALICE },
	{ "\t\t", "", ID_ALICE },
};
TABLE_TEST(test_separators, separators)

static const struct tcase_def comments[] = {
	{ "# comment\n/usr", "2: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "#/usr", "", ID_ALICE },
	{ "   # indented\n/usr", "2: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "\t,# after separators", "", ID_ALICE },
	{ "# 'unbalanced \" quotes, $BOGUS ../", "", ID_ALICE },
	{ "/usr,ro-bind   # system files", "1: ro-bind /usr /usr\n",
	  ID_ALICE },
	{ "/usr # a,b 'c $X", "1: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "/usr,#x", "1: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "/a /b #bind", "1: ro-bind-try /a /b\n", ID_ALICE },
	{ "/usr#x", "1: ro-bind-try \"/usr#x\" \"/usr#x\"\n", ID_ALICE },
};
TABLE_TEST(test_comments, comments)

static const struct tcase_def crlf[] = {
	{ "/usr\r\n/bin,tmpfs\r\n", "1: ro-bind-try /usr /usr\n"
	  "2: tmpfs /bin\n", ID_ALICE },
	{ "/usr\r", "1: ro-bind-try /usr /usr\n", ID_ALICE },
	{ "\r\n\r\n/usr,dir\r\n", "3: dir /usr\n", ID_ALICE },
	{ "# c\r\n'/a b',tmpfs\r\n", "2: tmpfs \"/a b\"\n", ID_ALICE },
	{ "'/a'\r\n", "1: ro-bind-try /a /a\n", ID_ALICE },
	{ "'/a\r\n", "ERR 1:1: unbalanced quote", ID_ALICE },
	{ "/usr\n\r\n/x,bogus\r\n", "ERR 3:4: unknown command 'bogus'",
	  ID_ALICE },
};
TABLE_TEST(test_crlf, crlf)

static const struct tcase_def symbols[] = {
	{ "/run/user/$UID,dir", "1: dir /run/user/1001\n", ID_ALICE },
	{ "/g/$GID,dir", "1: dir /g/1001\n", ID_ALICE },
	{ "/u/$USER,dir", "1: dir /u/alice\n", ID_ALICE },
	{ "$HOMEDIR,bind-try", "1: bind-try /home/alice /home/alice\n",
	  ID_ALICE },
	{ "/x/$USER/$USER/$UID$GID,dir", "1: dir /x/alice/alice/10011001\n",
	  ID_ALICE },
	{ "/x/$USERNAME,dir", "1: dir /x/aliceNAME\n", ID_ALICE },
	{ "/x/$UIDS,dir", "1: dir /x/1001S\n", ID_ALICE },
	{ "/x/$HOMEDIRS,dir", "1: dir /x/home/aliceS\n", ID_ALICE },
	{ "/p$,dir", "1: dir /p$\n", ID_ALICE },
	{ "/p$1/$-x/$/y,dir", "1: dir /p$1/$-x/$/y\n", ID_ALICE },
	{ "/p$$UID,dir", "1: dir /p$1001\n", ID_ALICE },
	{ "$HOMEDIR/.msmtprc $HOMEDIR/x,copy",
	  "1: copy /home/alice/.msmtprc /home/alice/x\n", ID_ALICE },
	{ "/etc/exim.jail/$USER.conf $HOMEDIR/.msmtprc,copy-try",
	  "1: copy-try /etc/exim.jail/alice.conf /home/alice/.msmtprc\n",
	  ID_ALICE },
	{ "'/a b/$USER',tmpfs", "1: tmpfs \"/a b/alice\"\n", ID_ALICE },
	{ "!/home/$USER/private", "1: ! /home/alice/private\n", ID_ALICE },
	{ "../$USER var/$UID,symlink", "1: symlink ../alice /var/1001\n",
	  ID_ALICE },
	{ "$USER/x,dir", "1: dir /alice/x\n", ID_ALICE },
	{ "$HOMEDIR/$USER/$UID/$GID,dir", "1: dir /h/$UID/$GID/1001/1002\n",
	  ID_TRICKY },
	{ "$HOMEDIR", "1: ro-bind-try /h/$UID /h/$UID\n", ID_TRICKY },
	{ "/a/$COPY,tmpfs",
	  "ERR 1:4: $COPY is not valid here: use the copy command",
	  ID_ALICE },
	{ "$COPY /x", "ERR 1:1: $COPY is not valid here: use the copy command",
	  ID_ALICE },
	{ "/etc/$PASSWD,tmpfs",
	  "ERR 1:6: $PASSWD must stand alone at the start of a line",
	  ID_ALICE },
	{ "$PASSWDX",
	  "ERR 1:1: $PASSWD must stand alone at the start of a line",
	  ID_ALICE },
	{ "/etc/$GROUP,tmpfs",
	  "ERR 1:6: $GROUP must stand alone at the start of a line",
	  ID_ALICE },
	{ "/x/$FOO/y,tmpfs", "ERR 1:4: unknown symbol $FOO", ID_ALICE },
	{ "/x/$HOME_X1.y,tmpfs", "ERR 1:4: unknown symbol $HOME_X1",
	  ID_ALICE },
	{ "'/a $_x',tmpfs", "ERR 1:5: unknown symbol $_x", ID_ALICE },
	{ "/$uid,dir", "ERR 1:2: unknown symbol $uid", ID_ALICE },
	{ "/ok/$UID ../$X,symlink", "ERR 1:13: unknown symbol $X",
	  ID_ALICE },
	{ "!/a/$ZZ", "ERR 1:5: unknown symbol $ZZ", ID_ALICE },
	{ "$USER /x,bind", "ERR 1:1: relative source path 'alice'",
	  ID_ALICE },
	{ "$USER /x,symlink", "ERR 1:1: empty path", ID_EMPTYUSER },
	{ "$USER,dir", "ERR 1:1: the destination cannot be /", ID_EMPTYUSER },
	{ "/a/$USER/..,dir", "ERR 1:1: '..' is not allowed in a path",
	  ID_ALICE },
};
TABLE_TEST(test_symbols, symbols)

static const struct tcase_def homedir[] = {
	{ "$HOMEDIR", "", ID_NOHOME },
	{ "$HOMEDIR,bind-try\n/usr", "2: ro-bind-try /usr /usr\n",
	  ID_NOHOME },
	{ "/etc/exim.jail/$USER.conf $HOMEDIR/.msmtprc,copy-try", "",
	  ID_NOHOME },
	{ "/a $HOMEDIR/.x,dev-bind-try\n$HOMEDIR/y,ro-bind-try", "",
	  ID_NOHOME },
	{ "/run/user/$UID,dir", "1: dir /run/user/1001\n", ID_NOHOME },
	{ "$HOMEDIR,bind",
	  "ERR 1:1: user has no home directory for $HOMEDIR", ID_NOHOME },
	{ "/usr $HOMEDIR/usr,ro-bind",
	  "ERR 1:6: user has no home directory for $HOMEDIR", ID_NOHOME },
	{ "'$HOMEDIR',tmpfs",
	  "ERR 1:2: user has no home directory for $HOMEDIR", ID_NOHOME },
	{ "/x/$UID/$HOMEDIR,dir",
	  "ERR 1:9: user has no home directory for $HOMEDIR", ID_NOHOME },
	{ "!$HOMEDIR/x", "ERR 1:2: user has no home directory for $HOMEDIR",
	  ID_NOHOME },
	{ "../x $HOMEDIR/l,symlink",
	  "ERR 1:6: user has no home directory for $HOMEDIR", ID_NOHOME },
	{ "/usr\n\n$HOMEDIR/a $HOMEDIR/b,copy",
	  "ERR 3:1: user has no home directory for $HOMEDIR", ID_NOHOME },
};
TABLE_TEST(test_homedir, homedir)

static const struct tcase_def excludes[] = {
	{ "!/lib/cups", "1: ! /lib/cups\n", ID_ALICE },
	{ "!lib/cups", "1: ! /lib/cups\n", ID_ALICE },
	{ "  !/a//b/ ", "1: ! /a/b\n", ID_ALICE },
	{ "!/a,#x", "1: ! /a\n", ID_ALICE },
	{ "/lib,ro-bind\n!/lib/cups", "1: ro-bind /lib /lib\n"
	  "2: ! /lib/cups\n", ID_ALICE },
	{ "!", "ERR 1:1: empty path after !", ID_ALICE },
	{ "! /x", "ERR 1:1: empty path after !", ID_ALICE },
	{ "  !,tmpfs", "ERR 1:3: empty path after !", ID_ALICE },
	{ "!/x tmpfs", "ERR 1:5: no command can follow an exclude",
	  ID_ALICE },
	{ "!/x,'/y'", "ERR 1:5: no command can follow an exclude",
	  ID_ALICE },
	{ "!/x/../y", "ERR 1:2: '..' is not allowed in a path", ID_ALICE },
	{ "!/", "ERR 1:2: the destination cannot be /", ID_ALICE },
	{ "!.", "ERR 1:2: the destination cannot be /", ID_ALICE },
};
TABLE_TEST(test_excludes, excludes)

static const struct tcase_def names[] = {
	{ "$PASSWD", "1: $PASSWD /etc/passwd\n", ID_ALICE },
	{ "$GROUP", "1: $GROUP /etc/group\n", ID_ALICE },
	{ "$PASSWD,nobody,root", "1: $PASSWD /etc/passwd nobody root\n",
	  ID_ALICE },
	{ "$GROUP nogroup, www-data", "1: $GROUP /etc/group nogroup www-data\n",
	  ID_ALICE },
	{ "  $PASSWD,a.b_c-d,X9  # c", "1: $PASSWD /etc/passwd a.b_c-d X9\n",
	  ID_ALICE },
	{ "$PASSWD,'root'", "1: $PASSWD /etc/passwd root\n", ID_ALICE },
	{ "$PASSWD,bind", "1: $PASSWD /etc/passwd bind\n", ID_ALICE },
	{ "$PASSWD,-x", "ERR 1:9: bad name '-x'", ID_ALICE },
	{ "$PASSWD,nobody,r@ot", "ERR 1:16: bad name 'r@ot'", ID_ALICE },
	{ "$GROUP,$USER", "ERR 1:8: bad name '$USER'", ID_ALICE },
	{ "$GROUP,'a b'", "ERR 1:9: bad name 'a b'", ID_ALICE },
	{ "$GROUP,a/b", "ERR 1:8: bad name 'a/b'", ID_ALICE },
	{ "/etc/passwd,ro-bind\n$PASSWD", "2: $PASSWD /etc/passwd\n",
	  ID_ALICE },
	{ "$GROUP\n/etc/group,ro-bind-try",
	  "2: ro-bind-try /etc/group /etc/group\n", ID_ALICE },
	{ "$PASSWD,root\n$GROUP\n$PASSWD,nobody",
	  "3: $PASSWD /etc/passwd nobody\n2: $GROUP /etc/group\n", ID_ALICE },
};
TABLE_TEST(test_names, names)

static const struct tcase_def override[] = {
	{ "/a,tmpfs\n/b,tmpfs\n/a,dir", "3: dir /a\n2: tmpfs /b\n",
	  ID_ALICE },
	{ "/x/,tmpfs\nx,dir\n/x/.,proc", "3: proc /x\n", ID_ALICE },
	{ "/src /a,bind\n!/a", "2: ! /a\n", ID_ALICE },
	{ "!/a\n/a", "2: ro-bind-try /a /a\n", ID_ALICE },
	{ "no-unshare-user\n/a,tmpfs\nno-unshare-user",
	  "3: no-unshare-user\n2: tmpfs /a\n", ID_ALICE },
	{ "$HOMEDIR\n/home/alice,bind", "2: bind /home/alice /home/alice\n",
	  ID_ALICE },
	{ "/run/user/$UID,dir\n/run/user/1001,tmpfs",
	  "2: tmpfs /run/user/1001\n", ID_ALICE },
	{ "/a /l,symlink\n/b /l,symlink", "2: symlink /b /l\n", ID_ALICE },
	{ "/s /d,bind\n/d,tmpfs\n/s2 /d,copy", "3: copy /s2 /d\n",
	  ID_ALICE },
	/* remount-ro modifies, it neither replaces nor is replaced. */
	{ "/srv,bind\n/srv,remount-ro", "1: bind /srv /srv\n"
	  "2: remount-ro /srv\n", ID_ALICE },
	{ "/srv,bind\n/srv,remount-ro\n/srv,ro-bind\n/srv,remount-ro",
	  "3: ro-bind /srv /srv\n2: remount-ro /srv\n4: remount-ro /srv\n",
	  ID_ALICE },
};
TABLE_TEST(test_override, override)

static const struct tcase_def errors[] = {
	{ "/a /b /c bind", "ERR 1:10: too many fields", ID_ALICE },
	{ "/a /b /c /d", "ERR 1:10: too many fields", ID_ALICE },
	{ "/a /b /c '/d'", "ERR 1:10: too many fields", ID_ALICE },
	{ "/x,no-unshare-user", "ERR 1:1: no-unshare-user takes no path",
	  ID_ALICE },
	{ "/x /y no-unshare-user", "ERR 1:1: no-unshare-user takes no path",
	  ID_ALICE },
	{ "bind", "ERR 1:1: bind needs a path", ID_ALICE },
	{ "  ro-bind-try", "ERR 1:3: ro-bind-try needs a path", ID_ALICE },
	{ "bind-try", "ERR 1:1: bind-try needs a path", ID_ALICE },
	{ "ro-bind", "ERR 1:1: ro-bind needs a path", ID_ALICE },
	{ "dev-bind", "ERR 1:1: dev-bind needs a path", ID_ALICE },
	{ "dev-bind-try", "ERR 1:1: dev-bind-try needs a path", ID_ALICE },
	{ "copy", "ERR 1:1: copy needs a path", ID_ALICE },
	{ ",copy-try", "ERR 1:2: copy-try needs a path", ID_ALICE },
	{ "dev", "ERR 1:1: dev needs a path", ID_ALICE },
	{ "dir", "ERR 1:1: dir needs a path", ID_ALICE },
	{ "mqueue", "ERR 1:1: mqueue needs a path", ID_ALICE },
	{ "proc", "ERR 1:1: proc needs a path", ID_ALICE },
	{ "remount-ro", "ERR 1:1: remount-ro needs a path", ID_ALICE },
	{ "tmp", "ERR 1:1: tmp needs a path", ID_ALICE },
	{ "tmpfs", "ERR 1:1: tmpfs needs a path", ID_ALICE },
	{ "/a /b tmpfs", "ERR 1:4: tmpfs takes one path", ID_ALICE },
	{ "/a /b dev", "ERR 1:4: dev takes one path", ID_ALICE },
	{ "/a '/b' dir", "ERR 1:4: dir takes one path", ID_ALICE },
	{ "/a /b mqueue", "ERR 1:4: mqueue takes one path", ID_ALICE },
	{ "/a /b proc", "ERR 1:4: proc takes one path", ID_ALICE },
	{ "/a /b remount-ro", "ERR 1:4: remount-ro takes one path",
	  ID_ALICE },
	{ "/a /b tmp", "ERR 1:4: tmp takes one path", ID_ALICE },
	{ "/x,symlink", "ERR 1:4: symlink needs a target and a path",
	  ID_ALICE },
	{ "symlink", "ERR 1:1: symlink needs a target and a path", ID_ALICE },
	{ "/usr ro-bnd", "ERR 1:6: unknown command 'ro-bnd'", ID_ALICE },
	{ "/usr BIND", "ERR 1:6: unknown command 'BIND'", ID_ALICE },
	{ "/usr --bind", "ERR 1:6: unknown command '--bind'", ID_ALICE },
	{ "/a /b ro-bnd", "ERR 1:7: unknown command 'ro-bnd'", ID_ALICE },
	{ "/a /b /c", "ERR 1:7: unknown command '/c'", ID_ALICE },
	{ "/x $HOMEDIR", "ERR 1:4: unknown command '$HOMEDIR'", ID_ALICE },
	{ "usr,bind", "ERR 1:1: relative source path 'usr'", ID_ALICE },
	{ "usr", "ERR 1:1: relative source path 'usr'", ID_ALICE },
	{ "./x /y,copy", "ERR 1:1: relative source path './x'", ID_ALICE },
	{ "/a/../b,tmpfs", "ERR 1:1: '..' is not allowed in a path",
	  ID_ALICE },
	{ "/a/.. /b,bind", "ERR 1:1: '..' is not allowed in a path",
	  ID_ALICE },
	{ "/x /a/..,bind", "ERR 1:4: '..' is not allowed in a path",
	  ID_ALICE },
	{ "'/x' '/a/..',bind", "ERR 1:7: '..' is not allowed in a path",
	  ID_ALICE },
	{ "../tmp ../x,symlink", "ERR 1:8: '..' is not allowed in a path",
	  ID_ALICE },
	{ "..,dir", "ERR 1:1: '..' is not allowed in a path", ID_ALICE },
	{ "/,tmpfs", "ERR 1:1: the destination cannot be /", ID_ALICE },
	{ "/usr /,bind", "ERR 1:6: the destination cannot be /", ID_ALICE },
	{ ".,tmpfs", "ERR 1:1: the destination cannot be /", ID_ALICE },
	{ "//./,dir", "ERR 1:1: the destination cannot be /", ID_ALICE },
	{ "/a /,symlink", "ERR 1:4: the destination cannot be /", ID_ALICE },
	{ "/usr\n/bin\n\n  /x,bogus\n", "ERR 4:6: unknown command 'bogus'",
	  ID_ALICE },
};
TABLE_TEST(test_errors, errors)

static void
add_table(Suite *s, const char *name, const TTest *fn, size_t n)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, fn, 0, (int)n);
	suite_add_tcase(s, tc);
}

#define ADD_TABLE(s, fn, table)						\
	add_table(s, #table, fn, sizeof(table) / sizeof(table[0]))

/* ---- limits ---- */

/* Check's messages are limited: show the ends of long strings. */
static void
same(const char *got, const char *want)
{
	size_t g = strlen(got), w = strlen(want);

	ck_assert_msg(strcmp(got, want) == 0,
		      "got %zu bytes [%.60s...%s]\nwant %zu bytes [%.60s...%s]",
		      g, got, got + (g > 60 ? g - 60 : 0), w, want,
		      want + (w > 60 ? w - 60 : 0));
}

static char *
repeat(char c, size_t n, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	char *b = malloc(p + n + s + 1);

	ck_assert_ptr_nonnull(b);
	memcpy(b, prefix, p);
	memset(b + p, c, n);
	memcpy(b + p + n, suffix, s + 1);
	return b;
}

static void
expect(const char *in, size_t len, int id, const char *want, int code)
{
	int rc;
	const char *got = run(in, len, id, &rc);

	same(got, want);
	ck_assert_int_eq(rc, code);
}

START_TEST(test_line_length)
{
	char *ok = repeat('a', 4089, "/", ",tmpfs");
	char *cr = repeat('a', 4089, "/", ",tmpfs\r\n");
	char *bad = repeat('a', 4090, "/", ",tmpfs");
	char *two = repeat('a', 4090, "/x\n/", ",tmpfs\n");
	char *want;

	ck_assert_uint_eq(strlen(ok), TMPL_MAX_LINE);
	want = repeat('a', 4089, "1: tmpfs /", "\n");
	ck_assert_str_eq(run(ok, strlen(ok), ID_ALICE, NULL), want);
	ck_assert_str_eq(run(cr, strlen(cr), ID_ALICE, NULL), want);
	free(want);
	expect(bad, strlen(bad), ID_ALICE,
	       "ERR 1:4097: line too long (more than 4096 bytes)", -E2BIG);
	expect(two, strlen(two), ID_ALICE,
	       "ERR 2:4097: line too long (more than 4096 bytes)", -E2BIG);
	free(ok);
	free(cr);
	free(bad);
	free(two);
}
END_TEST

START_TEST(test_nul)
{
	char *late = repeat('a', 4200, "/", "");

	expect("/a\0b", 4, ID_ALICE, "ERR 1:3: NUL byte in template",
	       -EINVAL);
	expect("#\0", 2, ID_ALICE, "ERR 1:2: NUL byte in template", -EINVAL);
	expect("/ok\n'/x\0'", 9, ID_ALICE, "ERR 2:4: NUL byte in template",
	       -EINVAL);
	expect("\0", 1, ID_ALICE, "ERR 1:1: NUL byte in template", -EINVAL);
	late[4100] = '\0';
	expect(late, 4201, ID_ALICE,
	       "ERR 1:4097: line too long (more than 4096 bytes)", -E2BIG);
	free(late);
}
END_TEST

START_TEST(test_file_size)
{
	char *big = repeat('\n', TMPL_MAX_FILE + 1, "", "");

	expect(big, TMPL_MAX_FILE, ID_ALICE, "", 0);
	expect(big, TMPL_MAX_FILE + 1, ID_ALICE,
	       "ERR 1:1: template larger than 1 MiB", -E2BIG);
	free(big);
}
END_TEST

static char *
many_ops(size_t n, const char *pre, const char *post)
{
	char *b = malloc(n * 32 + 1);
	size_t i, o = 0;

	ck_assert_ptr_nonnull(b);
	b[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)sprintf(b + o, "%s%zu%s", pre, i, post);
	return b;
}

START_TEST(test_max_ops)
{
	char *ok = many_ops(TMPL_MAX_OPS, "/p", ",tmpfs\n# c\n\n");
	char *bad = many_ops(TMPL_MAX_OPS + 1, "/p", ",tmpfs\n");
	struct tmpl t;
	struct ns_err err;

	tmpl_init(&t);
	ck_assert_int_eq(tmpl_parse_buf(&t, "f", ok, strlen(ok), &err), 0);
	ck_assert_uint_eq(t.n, TMPL_MAX_OPS);
	ck_assert_int_eq(tmpl_parse_buf(&t, "f", ok, strlen(ok), &err), 0);
	ck_assert_uint_eq(t.n, 2 * TMPL_MAX_OPS);
	tmpl_free(&t);
	expect(bad, strlen(bad), ID_ALICE,
	       "ERR 4097:1: too many lines (more than 4096 ops)", -E2BIG);
	free(ok);
	free(bad);
}
END_TEST

START_TEST(test_max_names)
{
	char *ok = many_ops(TMPL_MAX_NAMES, ",u", "");
	char *bad = many_ops(TMPL_MAX_NAMES + 1, " u", "");
	char *line, *want;
	size_t col;

	line = repeat(' ', 0, "$PASSWD", ok);
	ck_assert_uint_eq(strlen(run(line, strlen(line), ID_ALICE, NULL)),
			  strlen("1: $PASSWD /etc/passwd") + strlen(ok) + 1);
	free(line);
	line = repeat(' ', 0, "$GROUP", bad);
	col = (size_t)(strstr(line, " u64") - line) + 2;
	ck_assert_int_gt(asprintf(&want, "ERR 1:%zu: too many names", col),
			 0);
	expect(line, strlen(line), ID_ALICE, want, -E2BIG);
	free(want);
	free(line);
	free(ok);
	free(bad);
}
END_TEST

START_TEST(test_name_length)
{
	char *ok = repeat('n', 255, "$PASSWD,", "");
	char *bad = repeat('n', 256, "$PASSWD,", "");
	char *want = repeat('n', 256, "ERR 1:9: bad name '", "'");
	char *good = repeat('n', 255, "1: $PASSWD /etc/passwd ", "\n");

	ck_assert_str_eq(run(ok, strlen(ok), ID_ALICE, NULL), good);
	free(good);
	expect(bad, strlen(bad), ID_ALICE, want, -EINVAL);
	free(ok);
	free(bad);
	free(want);
}
END_TEST

static void
expect_id(const char *in, const struct tmpl_ident *id, const char *want,
	  int code)
{
	int rc;
	const char *got = run_ident(in, strlen(in), id, &rc);

	same(got, want);
	ck_assert_int_eq(rc, code);
}

START_TEST(test_path_length)
{
	char *src_ok = repeat('a', 4094, "/", "");
	char *src_bad = repeat('a', 4095, "/", "");
	char *hide_ok = repeat('a', 4094, "!", "");
	char *hide_bad = repeat('a', 4095, "!", "");
	char *home = repeat('h', 2046, "/", "");
	char *want = NULL;
	struct tmpl_ident id = { 1, 2, "u", home };
	int rc;

	ck_assert_uint_eq(strlen(src_bad), TMPL_MAX_LINE);
	run(src_ok, strlen(src_ok), ID_ALICE, &rc);
	ck_assert_int_eq(rc, 0);
	expect(src_bad, strlen(src_bad), ID_ALICE, "ERR 1:1: path too long",
	       -E2BIG);
	run(hide_ok, strlen(hide_ok), ID_ALICE, &rc);
	ck_assert_int_eq(rc, 0);
	expect(hide_bad, strlen(hide_bad), ID_ALICE,
	       "ERR 1:2: path too long", -E2BIG);
	/* 2047 + 2047 + 1 = 4095 bytes: the limit, after normalisation */
	ck_assert_int_gt(asprintf(&want, "1: dir %s%sx\n", home, home), 0);
	expect_id("$HOMEDIR$HOMEDIRx,dir", &id, want, 0);
	expect_id("$HOMEDIR/.//$HOMEDIRx/,dir", &id, want, 0);
	expect_id("$HOMEDIR$HOMEDIRxy,dir", &id,
		  "ERR 1:1: path too long", -E2BIG);
	expect_id("/x $HOMEDIR$HOMEDIRxy,bind", &id,
		  "ERR 1:4: path too long", -E2BIG);
	expect_id("$HOMEDIR$HOMEDIRxy /x,bind", &id,
		  "ERR 1:1: path too long", -E2BIG);
	free(want);
	/* a link target is not normalised: 2047 + 1 + 2047 */
	ck_assert_int_gt(asprintf(&want, "1: symlink %s/%s /x\n", home, home),
			 0);
	expect_id("$HOMEDIR/$HOMEDIR /x,symlink", &id, want, 0);
	expect_id("$HOMEDIR/$HOMEDIRx /x,symlink", &id,
		  "ERR 1:1: path too long", -E2BIG);
	free(want);
	free(src_ok);
	free(src_bad);
	free(hide_ok);
	free(hide_bad);
	free(home);
}
END_TEST

START_TEST(test_dot_run)
{
	/* 2046 "./" components: 4096-byte line, normalises to "/a/b" */
	char *line = malloc(TMPL_MAX_LINE + 1);
	size_t i, o = 0;

	ck_assert_ptr_nonnull(line);
	o += (size_t)sprintf(line, "/a");
	for (i = 0; i < 2044; i++)
		o += (size_t)sprintf(line + o, "/.");
	o += (size_t)sprintf(line + o, "/b,dir");
	ck_assert_uint_le(o, TMPL_MAX_LINE);
	expect(line, o, ID_ALICE, "1: dir /a/b\n", 0);
	free(line);
}
END_TEST

/* ---- ops as parsed, before expansion ---- */

static struct tmpl
parse_ok(const char *in)
{
	struct tmpl t;
	struct ns_err err;

	tmpl_init(&t);
	ck_assert_msg(tmpl_parse_buf(&t, "f", in, strlen(in), &err) == 0,
		      "%s: %u:%u: %s", in, err.pos.line, err.pos.col, err.msg);
	return t;
}

START_TEST(test_op_fields)
{
	struct tmpl t = parse_ok("  '/a b' /c,bind\n"
				 "$HOMEDIR/x,bind-try\n"
				 "$PASSWD,nobody, 'root'\n"
				 "!x//y/\n"
				 "/t,tmpfs\n"
				 "no-unshare-user\n"
				 "../$USER /l,symlink\n");
	const struct tmpl_op *o = t.ops;

	ck_assert_uint_eq(t.n, 7);
	ck_assert_int_eq(o[0].kind, TMPL_BIND);
	ck_assert_uint_eq(o[0].flags, 0);
	ck_assert_str_eq(o[0].src, "/a b");
	ck_assert_str_eq(o[0].dest, "/c");
	ck_assert_str_eq(o[0].pos.file, "f");
	ck_assert_uint_eq(o[0].pos.line, 1);
	ck_assert_uint_eq(o[0].pos.col, 3);
	ck_assert_uint_eq(o[0].src_pos.col, 4);
	ck_assert_uint_eq(o[0].dest_pos.col, 10);
	ck_assert_uint_eq(o[0].dest_pos.line, 1);
	ck_assert_int_eq(o[1].kind, TMPL_BIND);
	ck_assert_uint_eq(o[1].flags, TMPL_F_TRY | TMPL_F_HOMEDIR);
	ck_assert_str_eq(o[1].src, "$HOMEDIR/x");	/* not yet expanded */
	ck_assert_str_eq(o[1].dest, "$HOMEDIR/x");
	ck_assert_int_eq(o[2].kind, TMPL_PASSWD);
	ck_assert_ptr_null(o[2].src);
	ck_assert_str_eq(o[2].dest, "/etc/passwd");
	ck_assert_uint_eq(o[2].n_names, 2);
	ck_assert_str_eq(o[2].names[0], "nobody");
	ck_assert_str_eq(o[2].names[1], "root");
	ck_assert_uint_eq(o[2].name_pos[0].col, 9);
	ck_assert_uint_eq(o[2].name_pos[1].col, 18);
	ck_assert_uint_eq(o[2].name_pos[1].line, 3);
	ck_assert_uint_eq(o[2].dest_pos.col, 1);
	ck_assert_int_eq(o[3].kind, TMPL_HIDE);
	ck_assert_ptr_null(o[3].src);
	ck_assert_str_eq(o[3].dest, "/x/y");		/* already final */
	ck_assert_uint_eq(o[3].dest_pos.col, 2);
	ck_assert_int_eq(o[4].kind, TMPL_TMPFS);
	ck_assert_ptr_null(o[4].src);
	ck_assert_ptr_null(o[4].names);
	ck_assert_int_eq(o[5].kind, TMPL_NO_UNSHARE_USER);
	ck_assert_ptr_null(o[5].src);
	ck_assert_ptr_null(o[5].dest);
	ck_assert_int_eq(o[6].kind, TMPL_SYMLINK);
	ck_assert_uint_eq(o[6].flags, 0);
	ck_assert(tmpl_no_unshare_user(&t));
	tmpl_free(&t);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_ptr_null(t.ops);
	ck_assert(!tmpl_no_unshare_user(&t));
}
END_TEST

START_TEST(test_failed_parse_keeps_list)
{
	struct tmpl t = parse_ok("/a\n");
	struct ns_err err;
	const char *bad = "/b\n/c\n/d,bogus\n";

	ck_assert_int_eq(tmpl_parse_buf(&t, "g", bad, strlen(bad), &err),
			 -EINVAL);
	ck_assert_str_eq(err.pos.file, "g");
	ck_assert_uint_eq(err.pos.line, 3);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.ops[0].dest, "/a");
	/* a NULL error struct is allowed */
	ck_assert_int_eq(tmpl_parse_buf(&t, "g", "'", 1, NULL), -EINVAL);
	ck_assert_int_eq(tmpl_parse_buf(&t, "g", NULL, 0, NULL), 0);
	ck_assert_uint_eq(t.n, 1);
	tmpl_free(&t);
	tmpl_free(&t);	/* twice is harmless */
}
END_TEST

START_TEST(test_error_codes)
{
	struct { const char *in; int code; } c[] = {
		{ "'", -EINVAL }, { "/a /b /c /d", -EINVAL },
		{ "/x $BAD", -EINVAL }, { "/a/../b", -EINVAL },
		{ "x,bind", -EINVAL }, { "$PASSWD,-", -EINVAL },
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		run(c[i].in, strlen(c[i].in), ID_ALICE, &rc);
		ck_assert_int_eq(rc, c[i].code);
	}
}
END_TEST

/* ---- normalise, names, format ---- */

START_TEST(test_normalise)
{
	static const struct { const char *in, *out; } c[] = {
		{ "/", "/" }, { "//", "/" }, { "/a//b", "/a/b" },
		{ "/a/./b/", "/a/b" }, { "/./", "/" }, { "/.", "/" },
		{ "/a/.", "/a" }, { "///a///", "/a" }, { "/a/..b", "/a/..b" },
		{ "/a/b..", "/a/b.." }, { "/.../", "/..." }, { "/.a/", "/.a" },
		{ "/a b/ c", "/a b/ c" }, { "/a/..", NULL }, { "/../a", NULL },
		{ "/a/../", NULL }, { "/..", NULL }, { "a/b", NULL },
		{ "", NULL }, { "./a", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", c[i].in);
		if (!c[i].out) {
			ck_assert_int_eq(tmpl_path_normalise(buf), -EINVAL);
			continue;
		}
		ck_assert_int_eq(tmpl_path_normalise(buf), 0);
		ck_assert_str_eq(buf, c[i].out);
	}
}
END_TEST

START_TEST(test_kind_names)
{
	static const char *kn[TMPL_KIND_COUNT] = {
		"bind", "ro-bind", "dev-bind", "copy", "dev", "dir", "mqueue",
		"proc", "remount-ro", "symlink", "tmp", "tmpfs", "!",
		"$PASSWD", "$GROUP", "no-unshare-user",
	};
	int k;

	for (k = 0; k < TMPL_KIND_COUNT; k++) {
		const char *n = tmpl_kind_name((enum tmpl_kind)k, 0);
		const char *t = tmpl_kind_name((enum tmpl_kind)k,
					       TMPL_F_TRY | TMPL_F_HOMEDIR);

		ck_assert_str_eq(n, kn[k]);
		if (k <= TMPL_COPY) {
			ck_assert_uint_eq(strlen(t), strlen(n) + 4);
			ck_assert_str_eq(t + strlen(n), "-try");
		} else {
			ck_assert_str_eq(t, n);
		}
	}
	ck_assert_str_eq(tmpl_kind_name(TMPL_KIND_COUNT, 0), "?");
}
END_TEST

START_TEST(test_format)
{
	struct tmpl_op op;
	char buf[64];
	char src[] = "/a b'c";
	char dest[] = "/x\"y'z";
	char *nm[] = { "root" };

	memset(&op, 0, sizeof(op));
	op.kind = TMPL_COPY;
	op.flags = TMPL_F_TRY;
	op.src = src;
	op.dest = dest;
	ck_assert_int_eq(tmpl_op_format(&op, buf, sizeof(buf)), 26);
	ck_assert_str_eq(buf, "copy-try \"/a b'c\" '/x\"y'z'");
	ck_assert_int_eq(tmpl_op_format(&op, buf, 5), 26);
	ck_assert_str_eq(buf, "copy");
	ck_assert_int_eq(tmpl_op_format(&op, buf, 1), 26);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(tmpl_op_format(&op, NULL, 0), 26);
	op.kind = TMPL_TMPFS;
	op.src = NULL;
	op.dest = src;
	ck_assert_int_eq(tmpl_op_format(&op, buf, sizeof(buf)), 14);
	ck_assert_str_eq(buf, "tmpfs \"/a b'c\"");
	op.kind = TMPL_HIDE;
	dest[2] = ' ';
	op.dest = dest;
	tmpl_op_format(&op, buf, sizeof(buf));
	ck_assert_str_eq(buf, "! \"/x y'z\"");
	op.kind = TMPL_GROUP;
	op.dest = "/etc/group";
	op.names = nm;
	op.n_names = 1;
	tmpl_op_format(&op, buf, sizeof(buf));
	ck_assert_str_eq(buf, "$GROUP /etc/group root");
	memset(&op, 0, sizeof(op));
	op.kind = TMPL_NO_UNSHARE_USER;
	ck_assert_int_eq(tmpl_op_format(&op, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "no-unshare-user");
}
END_TEST

/* ---- merge ---- */

START_TEST(test_server_vhost)
{
	static const char vh[] = "/tmp,tmpfs\n"
				 "/var/www /srv/www,bind\n"
				 "!/etc/ssl\n"
				 "no-unshare-user\n"
				 "$PASSWD,nobody\n";
	const struct tmpl_ident *id = &idents[ID_ALICE];
	struct tmpl eff;
	struct ns_err err;

	tmpl_init(&eff);
	ck_assert_int_eq(load(&eff, tmpl_default_name, tmpl_default_text,
			      strlen(tmpl_default_text), id, &err), 0);
	ck_assert_uint_eq(eff.n, 34);
	ck_assert(!tmpl_no_unshare_user(&eff));
	ck_assert_int_eq(load(&eff, "vh.tmpl", vh, sizeof(vh) - 1, id, &err),
			 0);
	ck_assert_uint_eq(eff.n, 36);
	ck_assert(tmpl_no_unshare_user(&eff));
	/* replaced in place, content and position from the vhost */
	ck_assert_int_eq(eff.ops[0].kind, TMPL_TMPFS);
	ck_assert_str_eq(eff.ops[0].pos.file, "vh.tmpl");
	ck_assert_uint_eq(eff.ops[0].pos.line, 1);
	ck_assert_int_eq(eff.ops[14].kind, TMPL_HIDE);
	ck_assert_str_eq(eff.ops[14].dest, "/etc/ssl");
	ck_assert_uint_eq(eff.ops[14].pos.line, 3);
	ck_assert_int_eq(eff.ops[26].kind, TMPL_PASSWD);
	ck_assert_uint_eq(eff.ops[26].n_names, 1);
	ck_assert_str_eq(eff.ops[26].names[0], "nobody");
	/* untouched */
	ck_assert_str_eq(eff.ops[7].dest, "/var/www");
	ck_assert_str_eq(eff.ops[7].pos.file, tmpl_default_name);
	ck_assert_uint_eq(eff.ops[7].pos.line, 8);
	ck_assert_str_eq(eff.ops[19].dest, "/home/alice");
	/* appended in order */
	ck_assert_int_eq(eff.ops[34].kind, TMPL_BIND);
	ck_assert_str_eq(eff.ops[34].src, "/var/www");
	ck_assert_str_eq(eff.ops[34].dest, "/srv/www");
	ck_assert_int_eq(eff.ops[35].kind, TMPL_NO_UNSHARE_USER);
	tmpl_free(&eff);
}
END_TEST

START_TEST(test_merge_misc)
{
	struct tmpl a = parse_ok("/a,tmpfs\n/a,dir\n/b,tmpfs\n");
	struct tmpl e, b;
	struct ns_err err;

	tmpl_init(&e);
	ck_assert_int_eq(tmpl_merge(&a, &a, &err), -EINVAL);
	ck_assert_ptr_null(err.pos.file);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_int_eq(tmpl_merge(&a, &e, &err), 0);	/* empty add */
	ck_assert_uint_eq(a.n, 3);
	ck_assert_int_eq(tmpl_merge(&e, &a, &err), 0);	/* dedupes */
	ck_assert_uint_eq(e.n, 2);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_ptr_null(a.ops);
	ck_assert_int_eq(e.ops[0].kind, TMPL_DIR);
	ck_assert_uint_eq(e.ops[0].pos.line, 2);
	b = parse_ok("/b,proc\n/c,proc\n/a,mqueue\n");
	ck_assert_int_eq(tmpl_merge(&e, &b, NULL), 0);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_int_eq(e.ops[0].kind, TMPL_MQUEUE);
	ck_assert_int_eq(e.ops[1].kind, TMPL_PROC);
	ck_assert_str_eq(e.ops[2].dest, "/c");
	tmpl_free(&e);
	tmpl_free(&b);
}
END_TEST

START_TEST(test_merge_large)
{
	char *t1 = many_ops(TMPL_MAX_OPS, "/p", ",tmpfs\n");
	char *t2 = many_ops(TMPL_MAX_OPS, "/p", "/,dir\n");
	char *t3 = many_ops(TMPL_MAX_OPS, "/q", ",proc\n");
	struct tmpl e;
	struct ns_err err;
	size_t i;

	tmpl_init(&e);
	ck_assert_int_eq(load(&e, "1", t1, strlen(t1), &idents[0], &err), 0);
	ck_assert_int_eq(load(&e, "2", t2, strlen(t2), &idents[0], &err), 0);
	ck_assert_int_eq(load(&e, "3", t3, strlen(t3), &idents[0], &err), 0);
	ck_assert_uint_eq(e.n, 2 * TMPL_MAX_OPS);
	for (i = 0; i < TMPL_MAX_OPS; i++) {
		ck_assert_int_eq(e.ops[i].kind, TMPL_DIR);
		ck_assert_uint_eq(e.ops[i].pos.line, i + 1);
		ck_assert_int_eq(e.ops[TMPL_MAX_OPS + i].kind, TMPL_PROC);
	}
	tmpl_free(&e);
	free(t1);
	free(t2);
	free(t3);
}
END_TEST

/* ---- default template and golden files ---- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap + 1);
			ck_assert_ptr_nonnull(buf);
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		if (!r)
			break;
		n += r;
	}
	ck_assert(!ferror(f));
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

START_TEST(test_default_text)
{
	char *copy = slurp(NSCELL_TEST_DATA "/valid/default.tmpl", NULL);
	const char *p;
	int lines = 0;

	/* valid/default.tmpl is the spec's list, byte for byte */
	ck_assert_str_eq(tmpl_default_text, copy);
	for (p = tmpl_default_text; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 34);
	ck_assert_str_eq(tmpl_default_name, "<default>");
	free(copy);
}
END_TEST

START_TEST(test_default_golden)
{
	static char got[1 << 16];
	struct sbuf b = { got, 0, sizeof(got) };
	char *want = slurp(NSCELL_TEST_DATA "/valid/default.out", NULL);
	char *w = want, *line;
	struct tmpl eff;
	struct ns_err err;
	struct sbuf wb = { malloc(1 << 16), 0, 1 << 16 };

	tmpl_init(&eff);
	ck_assert_int_eq(load(&eff, tmpl_default_name, tmpl_default_text,
			      strlen(tmpl_default_text), &idents[ID_ALICE],
			      &err), 0);
	render_ops(&b, &eff, tmpl_default_name);
	/* the same lines as valid/default.out, under the name "<default>" */
	while ((line = strsep(&w, "\n")) && *line) {
		ck_assert_int_eq(strncmp(line, "valid/default.tmpl:", 19), 0);
		sb_add(&wb, "<default>:%s\n", line + 19);
	}
	ck_assert_str_eq(got, wb.s);
	tmpl_free(&eff);
	/* without a home, the two -try ops using $HOMEDIR are dropped */
	ck_assert_int_eq(load(&eff, tmpl_default_name, tmpl_default_text,
			      strlen(tmpl_default_text), &idents[ID_NOHOME],
			      &err), 0);
	ck_assert_uint_eq(eff.n, 32);
	tmpl_free(&eff);
	free(wb.s);
	free(want);
}
END_TEST

static size_t
golden(const char *sub, bool valid)
{
	char path[4096], name[512];
	size_t count = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", NSCELL_TEST_DATA, sub);
	d = opendir(path);
	ck_assert_msg(d != NULL, "%s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		static char got[1 << 16];
		struct sbuf b = { got, 0, sizeof(got) };
		size_t n = strlen(de->d_name), len;
		int nohome = strncmp(de->d_name, "nohome-", 7) == 0;
		struct tmpl eff;
		struct ns_err err;
		char *in, *want;
		int rc;

		if (n < 6 || strcmp(de->d_name + n - 5, ".tmpl"))
			continue;
		got[0] = '\0';
		snprintf(name, sizeof(name), "%s/%s", sub, de->d_name);
		snprintf(path, sizeof(path), "%s/%s", NSCELL_TEST_DATA, name);
		in = slurp(path, &len);
		snprintf(path + strlen(path) - 5, 6, valid ? ".out" : ".err");
		want = slurp(path, NULL);
		tmpl_init(&eff);
		rc = load(&eff, name, in, len,
			  &idents[nohome ? ID_NOHOME : ID_ALICE], &err);
		if (valid) {
			ck_assert_msg(rc == 0, "%s:%u:%u: %s", name,
				      err.pos.line, err.pos.col, err.msg);
			render_ops(&b, &eff, name);
		} else {
			ck_assert_msg(rc < 0, "%s: parsed", name);
			ck_assert_ptr_eq(err.pos.file, name);
			sb_add(&b, "nscell: %s:%u:%u: %s\n", err.pos.file,
			       err.pos.line, err.pos.col, err.msg);
		}
		ck_assert_msg(strcmp(got, want) == 0,
			      "%s:\n got [%s]\nwant [%s]", name, got, want);
		tmpl_free(&eff);
		free(in);
		free(want);
		count++;
	}
	closedir(d);
	return count;
}

START_TEST(test_golden_valid)
{
	ck_assert_uint_ge(golden("valid", true), 8);
}
END_TEST

START_TEST(test_golden_invalid)
{
	ck_assert_uint_ge(golden("invalid", false), 12);
}
END_TEST

static Suite *
template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc;

	ADD_TABLE(s, test_forms, forms);
	ADD_TABLE(s, test_quoting, quoting);
	ADD_TABLE(s, test_separators, separators);
	ADD_TABLE(s, test_comments, comments);
	ADD_TABLE(s, test_crlf, crlf);
	ADD_TABLE(s, test_symbols, symbols);
	ADD_TABLE(s, test_homedir, homedir);
	ADD_TABLE(s, test_excludes, excludes);
	ADD_TABLE(s, test_names, names);
	ADD_TABLE(s, test_override, override);
	ADD_TABLE(s, test_errors, errors);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_file_size);
	tcase_add_test(tc, test_max_ops);
	tcase_add_test(tc, test_max_names);
	tcase_add_test(tc, test_name_length);
	tcase_add_test(tc, test_path_length);
	tcase_add_test(tc, test_dot_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_op_fields);
	tcase_add_test(tc, test_failed_parse_keeps_list);
	tcase_add_test(tc, test_error_codes);
	tcase_add_test(tc, test_normalise);
	tcase_add_test(tc, test_kind_names);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_server_vhost);
	tcase_add_test(tc, test_merge_misc);
	tcase_add_test(tc, test_merge_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_test(tc, test_default_text);
	tcase_add_test(tc, test_default_golden);
	tcase_add_test(tc, test_golden_valid);
	tcase_add_test(tc, test_golden_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(template_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
