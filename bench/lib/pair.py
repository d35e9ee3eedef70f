#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Two commands, run alternately; the cost of B over A.

    pair.py N OUT.json "A ARG..." "B ARG..."

A and B are command lines split like a shell's words (no expansion).
Runs A and B N times each, in the order A B B A A B B A ..., so that a
load that drifts over the run weighs on both alike, and records each
run's wall time (posix_spawn to reaping, stdout and stderr on
/dev/null).  OUT.json: the median, p10 and p90 of A and of B, and the
median of the paired differences B - A (run k of B against run k of A),
in milliseconds, with the number of runs that did not exit 0.  A small
difference between two launches is lost in hyperfine's back-to-back
series on a busy machine; interleaved pairs keep it.
"""
import json
import os
import shlex
import statistics
import sys
import time


def run(cmd, null):
    t0 = time.monotonic_ns()
    pid = os.posix_spawn(cmd[0], cmd, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                       (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status = os.waitpid(pid, 0)
    return (time.monotonic_ns() - t0) / 1e6, os.waitstatus_to_exitcode(status)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]


def main():
    args = sys.argv[1:]
    if len(args) != 4:
        sys.exit('usage: pair.py N OUT.json "A ARG..." "B ARG..."')
    n, out = int(args[0]), args[1]
    cmds = (shlex.split(args[2]), shlex.split(args[3]))
    null = os.open("/dev/null", os.O_WRONLY)
    times = ([], [])
    fails = [0, 0]
    for k in range(n):
        order = (0, 1) if k % 2 == 0 else (1, 0)
        for w in order:
            ms, rc = run(cmds[w], null)
            times[w].append(ms)
            fails[w] += rc != 0
    diff = [b - a for a, b in zip(*times)]
    res = {"n": n, "a": " ".join(cmds[0]), "b": " ".join(cmds[1]),
           "failures_a": fails[0], "failures_b": fails[1],
           "diff_median_ms": statistics.median(diff),
           "diff_p25_ms": pct(diff, 0.25), "diff_p75_ms": pct(diff, 0.75)}
    for w, tag in ((0, "a"), (1, "b")):
        res[tag + "_median_ms"] = statistics.median(times[w])
        res[tag + "_p10_ms"] = pct(times[w], 0.10)
        res[tag + "_p90_ms"] = pct(times[w], 0.90)
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    return 0 if not any(fails) else 1


if __name__ == "__main__":
    sys.exit(main())
