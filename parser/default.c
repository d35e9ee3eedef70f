// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The spec's built-in default template, used when the server names none.
 * It is parsed by the same code as a file, under the name "<default>", so
 * "nscell --check" reports it with line numbers like any template.
 */
#include "template.h"

const char tmpl_default_name[] = "<default>";

const char tmpl_default_text[] =
	"/tmp,tmp\n"
	"/usr,ro-bind\n"
	"/lib,ro-bind\n"
	"/lib64,ro-bind-try\n"
	"/bin,ro-bind\n"
	"/sbin,ro-bind\n"
	"/var,dir\n"
	"/var/www,ro-bind-try\n"
	"/proc,proc\n"
	"../tmp var/tmp,symlink\n"
	"/dev,dev\n"
	"/etc/localtime,ro-bind-try\n"
	"/etc/ld.so.cache,ro-bind-try\n"
	"/etc/resolv.conf,ro-bind-try\n"
	"/etc/ssl,ro-bind-try\n"
	"/etc/pki,ro-bind-try\n"
	"/etc/man_db.conf,ro-bind-try\n"
	"/usr/local/bin/msmtp /etc/alternatives/mta,ro-bind-try\n"
	"/usr/local/bin/msmtp /usr/sbin/exim,ro-bind-try\n"
	"$HOMEDIR,bind-try\n"
	"/var/lib/mysql/mysql.sock,bind-try\n"
	"/home/mysql/mysql.sock,bind-try\n"
	"/tmp/mysql.sock,bind-try\n"
	"/run/mysqld/mysqld.sock,bind-try\n"
	"/var/run/mysqld/mysqld.sock,bind-try\n"
	"/run/user/$UID,dir\n"
	"$PASSWD\n"
	"$GROUP\n"
	"/etc/exim.jail/$USER.conf $HOMEDIR/.msmtprc,copy-try\n"
	"/etc/php.ini,ro-bind-try\n"
	"/etc/php-fpm.conf,ro-bind-try\n"
	"/etc/php-fpm.d,ro-bind-try\n"
	"/var/run,ro-bind-try\n"
	"/var/lib,ro-bind-try\n";
