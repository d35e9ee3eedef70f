// SPDX-License-Identifier: GPL-2.0-or-later
/* The launch log; see launchlog.h and nscell(1), LAUNCH LOG. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "launch.h"
#include "launchlog.h"
#include "log.h"
#include "sysutil.h"

#define LOG_SOCKET	"/dev/log"
#define RATE_FILE	"lograte"
#define RATE_SLOTS	4096u
#define CMD_MAX		256	/* bytes of the command line, before escaping */

/* One per target uid (modulo RATE_SLOTS), shared by every launch through
 * a root-only file of persistDir, updated with atomic operations only. */
struct rate_slot {
	uint64_t state;		/* minute << 32 | lines written this minute */
	uint32_t dropped;	/* lines not written since the last written */
	uint32_t pad;
};

static struct {
	bool armed;
	int sock;
	bool stream;
	int facility;
	pid_t pid;		/* the launch's process (later its monitor) */
	const char *program;
	const char *how;
	struct timespec t0;
	char who[2400];		/* caller=... user=... uid=... vhost=... */
	char cmd[CMD_MAX * 4 + 8];
} lg = { .sock = -1, .how = "-" };

/* Printable ASCII but '"' and '\': kept; anything else as \xHH.  The
 * parts are joined by spaces; at most @max input bytes, "..." marks a
 * cut.  @out holds 4 * @max + 4 bytes. */
static void
escape(char *out, const char *const *parts, size_t max)
{
	size_t used = 0;
	char *o = out;

	for (size_t i = 0; parts[i]; i++) {
		if (i) {
			if (used++ >= max)
				goto cut;
			*o++ = ' ';
		}
		for (const unsigned char *p = (const unsigned char *)parts[i];
		     *p; p++) {
			if (used++ >= max)
				goto cut;
			if (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
				*o++ = (char)*p;
			else
				o += sprintf(o, "\\x%02x", *p);
		}
	}
	*o = '\0';
	return;
cut:
	strcpy(o, "...");
}

static void
escape_one(char *out, const char *s, size_t max)
{
	const char *parts[] = { s, NULL };

	escape(out, parts, max);
}

static int
connect_log(bool *stream)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", LOG_SOCKET);
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			*stream = types[i] == SOCK_STREAM;
			return fd;
		}
		close(fd);
		if (errno != EPROTOTYPE)
			break;
	}
	return -1;
}

/* One syslog message; never waits (a stuck syslog daemon must not hold
 * the caller): a line that cannot go now is lost. */
static void
send_line(const char *msg)
{
	char buf[8400], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	if (lg.sock < 0)
		return;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(buf, sizeof(buf), "<%d>%s %s[%d]: %s",
		     lg.facility | LOG_INFO, stamp, lg.program, (int)lg.pid,
		     msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	send(lg.sock, buf, (size_t)n + (lg.stream ? 1 : 0),
	     MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Whether this launch may write its line: at most @rate a minute for
 * @uid.  The first line of a new minute also gets how many were dropped
 * before it, in *dropped.  Without the file (no persistDir yet), every
 * line is written: too many lines beat none. */
static bool
rate_ok(const char *pdir, uid_t uid, uint32_t rate, uint32_t *dropped)
{
	const size_t size = RATE_SLOTS * sizeof(struct rate_slot);
	uint64_t minute = (uint64_t)time(NULL) / 60, old, next;
	struct rate_slot *v, *s;
	char path[4200];
	struct stat st;
	bool ok = true;
	int fd;

	*dropped = 0;
	if (snprintf(path, sizeof(path), "%s/" RATE_FILE, pdir) >=
	    (int)sizeof(path))
		return true;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return true;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077) || ((size_t)st.st_size < size &&
				   ftruncate(fd, (off_t)size) < 0)) {
		close(fd);
		return true;
	}
	v = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (v == MAP_FAILED)
		return true;
	s = &v[uid % RATE_SLOTS];
	old = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	for (;;) {
		if (old >> 32 != minute) {
			next = minute << 32 | 1;
		} else if ((old & 0xffffffffu) >= rate) {
			__atomic_add_fetch(&s->dropped, 1, __ATOMIC_ACQ_REL);
			ok = false;
			break;
		} else {
			next = old + 1;
		}
		if (__atomic_compare_exchange_n(&s->state, &old, next, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			if (old >> 32 != minute)
				*dropped = __atomic_exchange_n(&s->dropped, 0,
							       __ATOMIC_ACQ_REL);
			break;
		}
	}
	munmap(v, size);
	return ok;
}

static void
on_die(const char *msg)
{
	char line[8192], err[1100];

	/* Only the launch's own process: the command's, forked, reports
	 * through its exit status. */
	if (!lg.armed || getpid() != lg.pid)
		return;
	lg.armed = false;
	escape_one(err, msg, 256);
	snprintf(line, sizeof(line), "launch %s set=%s status=%d ms=%ld "
		 "cmd=\"%s\" error=\"%s\"", lg.who, lg.how, EXIT_NSCELL,
		 ms_since(&lg.t0), lg.cmd, err);
	send_line(line);
}

void
launchlog_open(struct launch *L, const char *program)
{
	char user[INPUT_NAME_MAX * 4 + 8], vhost[256 * 4 + 8], note[200];
	uint32_t dropped = 0;

	clock_gettime(CLOCK_MONOTONIC, &lg.t0);
	if (!L->conf.launch_log_rate)
		return;
	lg.program = program;
	lg.pid = getpid();
	lg.facility = L->conf.log_facility;
	/* Root's own launches (cmd_ns, root's nscell -u) are the admin's:
	 * always written, and not counted against the tenant. */
	if (L->caller.uid != 0 &&
	    !rate_ok(L->conf.persist_dir, L->id.uid, L->conf.launch_log_rate,
		     &dropped))
		return;
	lg.sock = connect_log(&lg.stream);
	if (lg.sock < 0) {
		debugf("launch log: cannot connect to " LOG_SOCKET ": %s",
		       strerror(errno));
		return;
	}
	/* Loaded now: inside the sandbox, /etc/localtime is its own. */
	tzset();
	if (dropped) {
		snprintf(note, sizeof(note), "launch uid=%u: %u lines not "
			 "written in the last minutes (launchLogRate %u)",
			 (unsigned)L->id.uid, dropped,
			 (unsigned)L->conf.launch_log_rate);
		send_line(note);
	}
	escape_one(user, L->id.user, INPUT_NAME_MAX);
	escape_one(vhost, L->o.vhost.name[0] ? L->o.vhost.name : "-", 255);
	snprintf(lg.who, sizeof(lg.who), "caller=%u user=%s uid=%u vhost=%s",
		 (unsigned)L->caller.uid, user, (unsigned)L->id.uid, vhost);
	escape(lg.cmd, (const char *const *)L->o.cmd, CMD_MAX);
	lg.armed = true;
	log_on_die = on_die;
}

void
launchlog_set(const char *how)
{
	lg.how = how;
}

void
launchlog_done(int status)
{
	char line[8192];

	if (!lg.armed)
		return;
	lg.armed = false;
	snprintf(line, sizeof(line), "launch %s set=%s status=%d ms=%ld "
		 "cmd=\"%s\"", lg.who, lg.how, status, ms_since(&lg.t0),
		 lg.cmd);
	send_line(line);
	close_fd(&lg.sock);
}
