# SPDX-License-Identifier: GPL-2.0-or-later
# probe9.py OTHER_HOST_PID OTHER_HOME OTHER_TMP: run in tenant A's sandbox.
# Prints one "LEAK ..." line per breach of isolation, then "probed N".
import os, signal, sys
me = os.getuid()
pid, home, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for p in (home, home + "/bfile", tmp, tmp + "/ready"):
    try:
        if os.path.isdir(p):
            os.listdir(p)
        else:
            open(p).read()
        print("LEAK read %s" % p)
    except OSError:
        pass
def owner(p):
    try:
        with open("/proc/%d/status" % p) as f:
            for l in f:
                if l.startswith("Uid:"):
                    return int(l.split()[1])
    except OSError:
        return None
for d in os.listdir("/proc"):
    if d.isdigit():
        u = owner(int(d))
        if u is not None and u != me:
            print("LEAK /proc shows pid %s of uid %d" % (d, u))
n = 0
with open("/proc/sys/kernel/pid_max") as f:
    pmax = int(f.read())
for p in [pid] + list(range(1, pmax + 1)):
    n += 1
    try:
        os.kill(p, 0)
    except OSError:
        continue
    # pid 1 is this set's own holder (invisible, hidepid): its real uid
    # is the caller's, so the caller may signal it; it is not another
    # tenant's process.
    if p == 1 and p != pid:
        print("own-holder kill -0 1 succeeded")
        continue
    if owner(p) != me:
        print("LEAK kill -0 %d succeeded (owner %s)" % (p, owner(p)))
print("probed %d" % n)
