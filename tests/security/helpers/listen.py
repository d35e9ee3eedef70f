# SPDX-License-Identifier: GPL-2.0-or-later
# listen.py NAME READYFILE: serve "hello" on the abstract unix socket NAME.
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(16)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    c.sendall(b"hello\n")
    c.close()
