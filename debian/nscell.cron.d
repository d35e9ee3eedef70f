# /etc/cron.d/nscell: retire idle nscell sandboxes (idleTimeout in
# /etc/nscell/nscell.conf) every 15 minutes where systemd is not running;
# under systemd, nscell-expire.timer does it.  See unmount_ns(8).
SHELL=/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin

*/15 * * * * root [ ! -d /run/systemd/system ] && [ -x /usr/sbin/unmount_ns ] && /usr/sbin/unmount_ns --expire
