#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A minimal syslog receiver for the tests: binds a datagram socket at
# argv[1] (mode 0666, as /dev/log is), writes "ready" and then every
# message, one per line (newlines inside a message as \n), to argv[2].
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    f.write(b"ready\n")
    while True:
        d = s.recv(65536)
        f.write(d.replace(b"\n", b"\\n") + b"\n")
