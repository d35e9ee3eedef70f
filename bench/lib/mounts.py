#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Add N bind mounts (each directory DIR/mN onto itself) with mount(2).

    mounts.py DIR N

DIR should be a scratch tmpfs in a private mount namespace, so that one
"umount -l DIR" removes every mount again.  mount(8) would take a process
per mount; this takes about 10 µs each.
"""
import ctypes
import os
import sys

MS_BIND = 4096


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    top, n = sys.argv[1], int(sys.argv[2])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong,
                                                    ctypes.c_void_p]
    for i in range(n):
        d = os.path.join(top, "m%d" % i).encode()
        os.mkdir(d)
        if libc.mount(d, d, None, MS_BIND, None) != 0:
            e = ctypes.get_errno()
            sys.exit("mount %s: %s" % (d.decode(), os.strerror(e)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
