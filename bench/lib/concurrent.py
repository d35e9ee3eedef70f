#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""N concurrent launches of one command; per-job latency.

    concurrent.py MODE N OUT.json ERRFILE -- COMMAND [ARG...]

MODE spawn: the jobs are started back to back, as fast as posix_spawn()
  allows (like "xargs -P N"), while a thread reaps them; a job's latency
  runs from just before its posix_spawn() to its reaping.
MODE herd: N children are forked first and block on a pipe; closing the
  pipe releases them together.  Each child records its start time just
  before execv(); the parent reaps them afterwards.  This is the worst
  case: N launches runnable at the same instant on the machine's CPUs.

Every job has stdout on /dev/null and stderr appended to ERRFILE.
"makespan_ms" is the time from the first start (spawn) or the release
(herd) to the last exit.  Exit status 0 if every job was started and
reaped, whatever the jobs' own exit statuses (recorded per job).
"""
import json
import os
import sys
import threading
import time


def reap(n, ends, codes):
    got = 0
    while got < n:
        try:
            pid, status = os.wait()
        except ChildProcessError:  # nothing spawned yet
            time.sleep(0.0002)
            continue
        got += 1
        ends[pid] = time.monotonic_ns()
        codes[pid] = os.waitstatus_to_exitcode(status)


def spawn(n, cmd, nullfd, errfd):
    starts, ends, codes, pids = {}, {}, {}, []
    fa = [(os.POSIX_SPAWN_DUP2, nullfd, 1), (os.POSIX_SPAWN_DUP2, errfd, 2)]
    env = dict(os.environ)
    # The reaper must run while jobs are still being started: it waits
    # for exactly n children, so start it first and let it block.
    t = threading.Thread(target=reap, args=(n, ends, codes))
    t.start()
    for _ in range(n):
        s = time.monotonic_ns()
        pid = os.posix_spawn(cmd[0], cmd, env, file_actions=fa)
        starts[pid] = s
        pids.append(pid)
    t.join()
    return pids, starts, ends, codes, min(starts.values())


def herd(n, cmd, nullfd, errfd):
    bar_r, bar_w = os.pipe()
    st_r, st_w = os.pipe()
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            try:
                os.close(bar_w)
                os.read(bar_r, 1)  # EOF when the parent releases
                t = time.monotonic_ns()
                os.write(st_w, b"%d %d\n" % (os.getpid(), t))
                os.dup2(nullfd, 1)
                os.dup2(errfd, 2)
                os.execv(cmd[0], cmd)
            finally:
                os._exit(127)
        pids.append(pid)
    os.close(bar_r)
    os.close(st_w)
    time.sleep(0.3)  # let every child reach the barrier
    t0 = time.monotonic_ns()
    os.close(bar_w)
    ends, codes = {}, {}
    reap(n, ends, codes)
    starts = {}
    with os.fdopen(st_r, "rb") as f:
        for line in f:
            p, t = line.split()
            starts[int(p)] = int(t)
    return pids, starts, ends, codes, t0


def main():
    if len(sys.argv) < 7 or sys.argv[5] != "--" or \
            sys.argv[1] not in ("spawn", "herd"):
        sys.exit(__doc__)
    mode, n = sys.argv[1], int(sys.argv[2])
    out, errfile, cmd = sys.argv[3], sys.argv[4], sys.argv[6:]
    errfd = os.open(errfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    nullfd = os.open("/dev/null", os.O_WRONLY)
    pids, starts, ends, codes, t0 = (spawn if mode == "spawn" else herd)(
        n, cmd, nullfd, errfd)
    jobs = []
    for pid in pids:
        s = starts.get(pid)
        jobs.append({"pid": pid, "exit": codes.get(pid),
                     "latency_ms": None if s is None or pid not in ends
                     else (ends[pid] - s) / 1e6,
                     "start_ms": None if s is None else (s - t0) / 1e6})
    with open(out, "w") as f:
        json.dump({"mode": mode, "n": n, "command": cmd,
                   "makespan_ms": (max(ends.values()) - t0) / 1e6,
                   "jobs": jobs}, f)
    return 0 if len(starts) == n and len(ends) == n else 1


if __name__ == "__main__":
    sys.exit(main())
