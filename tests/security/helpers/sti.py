# SPDX-License-Identifier: GPL-2.0-or-later
# Push "#" into the terminal on fd 0 (TIOCSTI), try TIOCLINUX, and tell
# whether there is a controlling terminal.
import fcntl, os, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"#")
    print("TIOCSTI ok")
except OSError as e:
    print("TIOCSTI failed errno %d" % e.errno)
try:
    # TIOCLINUX subcode 6 (get shift state): harmless; only a VT answers.
    fcntl.ioctl(0, 0x541C, b"\x06")
    print("TIOCLINUX ok")
except OSError as e:
    print("TIOCLINUX failed errno %d" % e.errno)
try:
    os.close(os.open("/dev/tty", os.O_RDWR))
    print("ctty yes")
except OSError as e:
    print("ctty no errno %d" % e.errno)
