# SPDX-License-Identifier: GPL-2.0-or-later
# connect.py NAME: "connect ok hello" or "connect failed errno N".
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("\0" + sys.argv[1])
    print("connect ok " + s.recv(64).decode().strip())
except OSError as e:
    print("connect failed errno %d" % e.errno)
