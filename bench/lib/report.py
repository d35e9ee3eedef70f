#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the measurements of bench/run into one Markdown table and JSON.

    report.py DATA_DIR OUT_PREFIX

Reads DATA_DIR/facts (key TAB value, the last one wins), DATA_DIR/errors,
DATA_DIR/hf-*.json (hyperfine --export-json) and DATA_DIR/conc-*.json
(concurrent.py), writes OUT_PREFIX.md and OUT_PREFIX.json and prints the
Markdown.  Exit status 1 when a measurement is missing, else 0 (targets
met or not).
"""
import glob
import json
import math
import os
import statistics
import sys

BINDS = [0, 10, 50, 100, 200, 400]
MOUNTS = [30, 1000, 10000]


def load(data):
    facts = {}
    with open(os.path.join(data, "facts")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            facts[k] = v
    with open(os.path.join(data, "errors")) as f:
        errors = [line.rstrip("\n") for line in f if line.strip()]
    hf = {}
    for p in glob.glob(os.path.join(data, "hf-*.json")):
        name = os.path.basename(p)[3:-5]
        with open(p) as f:
            j = json.load(f)
        res = {}
        for r in j["results"]:
            t = [x * 1e3 for x in r["times"]]
            res[r["command"]] = {
                "median_ms": statistics.median(t), "min_ms": min(t),
                "max_ms": max(t), "mean_ms": statistics.fmean(t),
                "stddev_ms": statistics.stdev(t) if len(t) > 1 else 0.0,
                "runs": len(t),
                # hyperfine's means of the launches' user and system
                # CPU time: what a loaded machine disturbs least.
                "cpu_ms": (r.get("user", 0) + r.get("system", 0)) * 1e3}
        hf[name] = res
    conc = []
    for p in sorted(glob.glob(os.path.join(data, "conc-*.json"))):
        with open(p) as f:
            conc.append(json.load(f))
    p = os.path.join(data, "cgroups.json")
    if os.path.exists(p):
        with open(p) as f:
            facts["cgroups_pairs"] = json.load(f)
    return facts, errors, hf, conc


class Report:
    def __init__(self, facts, errors, hf, conc):
        self.facts, self.errors, self.hf, self.conc = facts, errors, hf, conc
        self.missing = []
        self.targets = []
        self.out = {"facts": facts, "errors": errors, "hyperfine": hf}

    # -- access ---------------------------------------------------------
    def med(self, run, cmd):
        try:
            return self.hf[run][cmd]["median_ms"]
        except KeyError:
            return None

    def cell(self, run, cmd):
        r = self.hf.get(run, {}).get(cmd)
        if r is None:
            return "–", "–"
        return ("%.2f" % r["median_ms"],
                "%.2f–%.2f" % (r["min_ms"], r["max_ms"]))

    def fnum(self, key):
        try:
            return float(self.facts[key])
        except (KeyError, ValueError):
            return None

    def target(self, name, value, fmt, op, limit, limit_txt, note=""):
        if value is None:
            self.missing.append(name)
            res, shown = "NOT MEASURED", "–"
        else:
            ok = value <= limit if op == "<=" else (
                value >= limit if op == ">=" else value == limit)
            res, shown = ("PASS" if ok else "MISS"), fmt % value
        self.targets.append({"target": name, "measured": value,
                             "shown": shown, "limit": limit_txt,
                             "result": res, "note": note})

    # -- sections ---------------------------------------------------------
    def ratio(self, a, b):
        return None if a is None or b is None or b == 0 else a / b

    def main_tables(self, md):
        names = [("plain", "plain exec as the user (floor)"),
                 ("minjoin", "minimal join into the same holder (floor, `bench/minjoin.c`)"),
                 ("join", "nscell join (warm, persisted)"),
                 ("cold", "nscell cold (`-n`)"),
                 ("bwrap-suid", "bwrap, default template, setuid (no userns)"),
                 ("bwrap-userns", "bwrap, default template, unprivileged (userns)")]
        for tag, title in (("true", "`/bin/true`"),
                           ("sh", "`sh -c 'cat /etc/passwd'`")):
            run = "main-" + tag
            md.append("\n### %s, launched by the user (ms)\n" % title)
            md.append("| Method | Median | Min–max | × plain | × join |")
            md.append("|---|---:|---:|---:|---:|")
            plain, join = self.med(run, "plain"), self.med(run, "join")
            for key, label in names:
                m, mm = self.cell(run, key)
                v = self.med(run, key)
                rp, rj = self.ratio(v, plain), self.ratio(v, join)
                md.append("| %s | %s | %s | %s | %s |" % (
                    label, m, mm, "%.2f" % rp if rp else "–",
                    "%.2f" % rj if rj else "–"))
            if run not in self.hf:
                self.missing.append("launch latency, " + title)
        t = "main-true"
        self.target("nscell join / minimal join built the same way, `/bin/true`",
                    self.ratio(self.med(t, "join"), self.med(t, "minjoin")),
                    "%.2f", "<=", 1.10, "≤ 1.10")
        self.target("setuid bwrap / nscell join, `/bin/true`",
                    self.ratio(self.med(t, "bwrap-suid"), self.med(t, "join")),
                    "%.2f", ">=", 5, "≥ 5")
        self.target("nscell cold / setuid bwrap, `/bin/true`",
                    self.ratio(self.med(t, "cold"), self.med(t, "bwrap-suid")),
                    "%.2f", "<=", 0.35, "≤ 0.35")
        s = "main-sh"
        md.append("\nRatios of medians, same hyperfine run:\n")
        md.append("| Ratio | `/bin/true` | `sh -c cat` |")
        md.append("|---|---:|---:|")
        for a, b in (("join", "minjoin"), ("minjoin", "plain"),
                     ("join", "plain"), ("cold", "plain"),
                     ("bwrap-suid", "join"), ("bwrap-userns", "join"),
                     ("cold", "bwrap-suid"), ("cold", "bwrap-userns"),
                     ("cold", "join")):
            r1 = self.ratio(self.med(t, a), self.med(t, b))
            r2 = self.ratio(self.med(s, a), self.med(s, b))
            md.append("| %s / %s | %s | %s |" % (
                a, b, "%.2f" % r1 if r1 else "–", "%.2f" % r2 if r2 else "–"))

    def seccomp(self, md):
        md.append("\n### Join with and without the seccomp filter (issue 15), "
                  "`/bin/true`, median ms (min–max)\n")
        md.append("| Run | join, filter loaded | join, no filter "
                  "(`seccomp off`, `allowUserNamespaces 1`) | difference | "
                  "CPU time (user+system, mean ms): filter, none, "
                  "difference |")
        md.append("|---|---:|---:|---:|---:|")
        deltas, cpu = [], []
        for run, label in (("seccomp", "filter first"),
                           ("seccomp-rev", "no filter first")):
            on, off = (self.med(run, "join-filter"),
                       self.med(run, "join-nofilter"))
            c1, c2 = self.cell(run, "join-filter"), self.cell(run,
                                                              "join-nofilter")
            d = on - off if None not in (on, off) else None
            if d is not None:
                deltas.append(d)
            try:
                con = self.hf[run]["join-filter"]["cpu_ms"]
                coff = self.hf[run]["join-nofilter"]["cpu_ms"]
                cpu.append(con - coff)
                ct = "%.3f, %.3f, %+.3f" % (con, coff, con - coff)
            except KeyError:
                ct = "–"
            md.append("| %s | %s (%s) | %s (%s) | %s | %s |" % (
                label, c1[0], c1[1], c2[0], c2[1],
                "%+.3f" % d if d is not None else "–", ct))
            if run not in self.hf:
                self.missing.append("join with and without the filter (%s)"
                                    % label)
        md.append("\nThe filter: %s BPF instructions; the command's "
                  "/proc/self/status with it: %s; without: %s." % (
                      self.facts.get("seccomp_filter_insns", "?"),
                      self.facts.get("seccomp_status_on", "?"),
                      self.facts.get("seccomp_status_off", "?")))
        md.append("\nThe join's extra work alone (`bench/lib/scload.c`: "
                  "CPU time of the thread, in fresh children, median): "
                  "reading the stored filter %s µs, the `seccomp(2)` call "
                  "%s µs (fastest %s µs).  The call's cost is the kernel's: "
                  "converting the program, JIT-compiling it and filling "
                  "the action cache." % (
                      self.facts.get("seccomp_read_us", "–"),
                      self.facts.get("seccomp_load_us", "–"),
                      self.facts.get("seccomp_load_min_us", "–")))
        self.out["seccomp_join_delta_ms"] = deltas
        self.out["seccomp_join_cpu_delta_ms"] = cpu
        rd, ld = (self.fnum("seccomp_read_us"), self.fnum("seccomp_load_us"))
        self.target("the filter's work in a join (read + `seccomp(2)`, "
                    "CPU time, median)", (rd + ld) / 1e3
                    if None not in (rd, ld) else None, "%.3f ms", "<=",
                    0.05, "≤ 0.05 ms")
        self.target("nscell join: filter loaded − no filter (mean of both "
                    "orders)", statistics.fmean(deltas) if len(deltas) == 2
                    else None, "%.3f ms", "<=", 0.05, "≤ 0.05 ms",
                    note="orders: %s ms; CPU time: %s ms" % (
                        ", ".join("%+.3f" % d for d in deltas),
                        ", ".join("%+.3f" % d for d in cpu)))

    @staticmethod
    def fit(xs, ys, degree):
        """Least squares polynomial fit; coefficients low to high."""
        n = degree + 1
        a = [[sum(x ** (i + j) for x in xs) for j in range(n)]
             for i in range(n)]
        b = [sum(y * x ** i for x, y in zip(xs, ys)) for i in range(n)]
        for c in range(n):  # Gauss-Jordan with partial pivoting
            p = max(range(c, n), key=lambda r: abs(a[r][c]))
            a[c], a[p], b[c], b[p] = a[p], a[c], b[p], b[c]
            for r in range(n):
                if r != c and a[c][c]:
                    f = a[r][c] / a[c][c]
                    a[r] = [x - f * y for x, y in zip(a[r], a[c])]
                    b[r] -= f * b[c]
        return [b[i] / a[i][i] for i in range(n)]

    def binds(self, md):
        md.append("\n### Cold build against extra bind lines (`/usr/share "
                  "/opt/lsns-extra/$i,ro-bind-try`; bwrap `--ro-bind-try`), "
                  "median ms (min–max)\n")
        md.append("| Extra lines | nscell `-n` | µs/line vs previous | "
                  "bwrap setuid | µs/line vs previous | bwrap userns | "
                  "extra mounts seen in nscell's sandbox |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|")
        prev = {}
        series = {"nscell-cold": [], "bwrap-suid": [], "bwrap-userns": []}
        for n in BINDS:
            run = "bind-%d" % n
            row = ["%d" % n]
            for k in ("nscell-cold", "bwrap-suid", "bwrap-userns"):
                m, mm = self.cell(run, k)
                v = self.med(run, k)
                row.append("%s (%s)" % (m, mm) if v is not None else "–")
                if k != "bwrap-userns":
                    if v is not None and k in prev and n > prev[k][0]:
                        row.append("%.1f" % ((v - prev[k][1]) * 1e3 /
                                             (n - prev[k][0])))
                    else:
                        row.append("")
                if v is not None:
                    prev[k] = (n, v)
                    series[k].append((n, v))
            row.append(self.facts.get("bind_%d_sandbox_extra_mounts" % n, "–"))
            md.append("| " + " | ".join(row) + " |")
            if run not in self.hf:
                self.missing.append("cold cost at +%d bind lines" % n)
        md.append("\nLeast-squares fits over the medians, t(N) in µs:\n")
        md.append("| Method | linear: µs per line | quadratic: a + b·N + c·N² "
                  "| quadratic share of the growth at N=400 | shape |")
        md.append("|---|---:|---|---:|---|")
        fits = {}
        for k, pts in series.items():
            if len(pts) < 4:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] * 1e3 for p in pts]
            lin = self.fit(xs, ys, 1)
            q = self.fit(xs, ys, 2)
            growth = q[1] * 400 + q[2] * 400 ** 2
            share = (q[2] * 400 ** 2) / growth if growth > 0 else None
            shape = ("quadratic" if share is not None and share > 0.25
                     else "linear")
            fits[k] = {"linear_us_per_line": lin[1], "quad": q,
                       "quad_share_at_400": share, "shape": shape}
            md.append("| %s | %.1f | %.0f + %.1f·N + %.4f·N² | %s | %s |" % (
                k, lin[1], q[0], q[1], q[2],
                "%.0f%%" % (share * 100) if share is not None else "–",
                shape))
        self.out["bind_fits"] = fits
        f = fits.get("nscell-cold")
        self.target("nscell cold cost per extra bind line (least squares)",
                    f["linear_us_per_line"] if f else None, "%.1f µs",
                    "<=", 15, "≤ 15 µs")
        self.target("nscell cold cost vs bind lines is linear "
                    "(quadratic share of growth at +400)",
                    f["quad_share_at_400"] * 100 if f and
                    f["quad_share_at_400"] is not None else None,
                    "%.0f%%", "<=", 25, "linear: ≤ 25%",
                    note="shape: %s" % (f["shape"] if f else "–"))
        b = self.med("bind-400", "bwrap-suid")
        if b is not None:
            md.append("\nbwrap setuid at +400: %.1f ms (perf-baseline.md: "
                      "260 ms setuid, 236 ms userns)." % b)

    def mounts(self, md):
        md.append("\n### Against the host's mount table (lines of "
                  "/proc/self/mountinfo in the benchmark's namespace), "
                  "median ms (min–max)\n")
        md.append("| Host mounts | plain | nscell join | nscell cold "
                  "(`-n`) | bwrap setuid |")
        md.append("|---:|---:|---:|---:|---:|")
        for t in MOUNTS + ["30-again"]:
            run = "mounts-%s" % t
            lines = self.facts.get("mounts_%s_lines" % t,
                                   self.facts.get("mounts_after_lines", "?")
                                   if t == "30-again" else "?")
            row = ["%s%s" % (lines, " (again, after removal)"
                             if t == "30-again" else "")]
            for k in ("plain", "join", "cold"):
                m, mm = self.cell(run, k)
                row.append("%s (%s)" % (m, mm) if m != "–" else "–")
            brun = "mounts-10000-bwrap" if t == 10000 else run
            m, mm = self.cell(brun, "bwrap-suid")
            if m != "–":
                n = self.hf[brun]["bwrap-suid"]["runs"]
                row.append("%s (%s)%s" % (m, mm, ", %d runs" % n
                                          if t == 10000 else ""))
            else:
                row.append("–")
            md.append("| " + " | ".join(row) + " |")
            if run not in self.hf:
                self.missing.append("host mount table %s" % t)
        j30, j10k = self.med("mounts-30", "join"), self.med("mounts-10000",
                                                            "join")
        c30, c10k = self.med("mounts-30", "cold"), self.med("mounts-10000",
                                                            "cold")
        jr = self.ratio(j10k, j30)
        cr = self.ratio(c10k, c30)
        if cr:
            md.append("\ncold at 10,000 / cold at 30: %.2f; extra cold cost "
                      "per host mount: %.2f µs." % (
                          cr, (c10k - c30) * 1e3 / max(1, self.fnum(
                              "mounts_10000_lines") - self.fnum(
                              "mounts_30_lines"))))
        self.target("nscell join at 10,000 host mounts / join at 30", jr,
                    "%.2f", "<=", 1.1, "≤ 1.1",
                    note="%s vs %s mountinfo lines" % (
                        self.facts.get("mounts_10000_lines", "?"),
                        self.facts.get("mounts_30_lines", "?")))

    @staticmethod
    def pct(sorted_vals, p):
        if not sorted_vals:
            return None
        i = max(0, math.ceil(p / 100 * len(sorted_vals)) - 1)
        return sorted_vals[i]

    def concurrent(self, md):
        rounds = int(self.fnum("conc_rounds") or 0)
        cpus = self.fnum("cpus") or 1
        md.append("\n### 256 concurrent first launches of `nscell -v -- "
                  "/bin/true`, one user, no sandbox at the start\n")
        md.append("| Mode | Round | builds | joins | non-zero exits | p50 ms | "
                  "p90 ms | p99 ms | max ms | makespan ms | other stderr |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        summary = {}
        for mode in ("spawn", "herd"):
            runs = [c for c in self.conc if c.get("mode") == mode]
            pooled, builds, bad = [], [], 0
            for r, c in enumerate(runs, 1):
                lat = sorted(j["latency_ms"] for j in c["jobs"]
                             if j["latency_ms"] is not None)
                nz = sum(1 for j in c["jobs"] if j["exit"] != 0)
                bad += nz
                pooled += lat
                key = "conc_%s_%d_" % (mode, r)
                b = self.facts.get(key + "builds", "?")
                builds.append(int(b) if b.isdigit() else None)
                md.append("| %s | %d | %s | %s | %d | %.1f | %.1f | %.1f | "
                          "%.1f | %.1f | %s |" % (
                              mode, r, b, self.facts.get(key + "joins", "?"),
                              nz, self.pct(lat, 50), self.pct(lat, 90),
                              self.pct(lat, 99), lat[-1], c["makespan_ms"],
                              self.facts.get(key + "other_stderr", "")))
            pooled.sort()
            if len(runs) < max(1, rounds):
                self.missing.append("concurrent launches (%s)" % mode)
            if len(runs) > 1 and pooled:
                md.append("| %s | all | | | %d | %.1f | %.1f | %.1f | %.1f "
                          "| | |" % (mode, bad, self.pct(pooled, 50),
                                     self.pct(pooled, 90),
                                     self.pct(pooled, 99), pooled[-1]))
            summary[mode] = {
                "p50_ms": self.pct(pooled, 50), "p99_ms": self.pct(pooled, 99),
                "builds": builds, "nonzero_exits": bad,
                "makespan_ms": [c["makespan_ms"] for c in runs]}
        herd = summary["herd"]["makespan_ms"]
        md.append("\n*spawn*: the 256 jobs are started back to back (as "
                  "`xargs -P 256` would), a job's latency runs from its "
                  "`posix_spawn()` to its exit. *herd*: all 256 are forked "
                  "first and released at once; a job's latency runs from "
                  "its release (just before exec) to its exit, so on %d CPUs "
                  "it is bounded below by the CPU work of the jobs ahead of "
                  "it%s." % (cpus, (": makespan × CPUs / 256 = %.2f ms of "
                                   "CPU per launch" % (
                                       statistics.median(herd) * cpus / 256))
                             if herd else ""))
        sp = summary["spawn"]
        allb = [b for m in summary.values() for b in m["builds"]]
        ok_builds = (None if not allb or None in allb
                     else 1 if all(b == 1 for b in allb)
                     else [b for b in allb if b != 1][0])
        self.target("256 concurrent first launches: builds (every round, "
                    "both modes)", ok_builds, "%d", "==", 1, "= 1",
                    note="non-zero exits: %d" % sum(
                        m["nonzero_exits"] for m in summary.values()))
        self.target("256 concurrent first launches: p99 latency (spawn)",
                    sp["p99_ms"], "%.1f ms", "<=", 50, "≤ 50 ms",
                    note="p50 %s ms; herd p99 %s ms" % (
                        "%.1f" % sp["p50_ms"] if sp["p50_ms"] else "–",
                        "%.1f" % summary["herd"]["p99_ms"]
                        if summary["herd"]["p99_ms"] else "–"))
        self.out["concurrent"] = summary

    def users(self, md):
        n = self.fnum("users_n")
        md.append("\n### %s persisted users\n" % (
            "%d" % n if n else "?"))
        b, a = self.fnum("users_mountinfo_before"), self.fnum(
            "users_mountinfo_after")
        per = (a - b) / n if None not in (a, b, n) else None
        rows = [
            ("host mountinfo lines before / after persisting them",
             "%s / %s" % (self.facts.get("users_mountinfo_before", "–"),
                          self.facts.get("users_mountinfo_after", "–"))),
            ("records written / build failures",
             "%s / %s" % (self.facts.get("users_records", "–"),
                          self.facts.get("users_persist_failures", "–"))),
            ("creating the users (newusers)",
             "%s s" % self.facts.get("users_create_s", "–")),
            ("persisting them (one `nscell -u U -- /bin/true` each, as root, "
             "sequential)", "%s s" % self.facts.get("users_persist_s", "–")),
            ("memory of all holders (sum of Pss)",
             "%.1f MiB" % (self.fnum("users_holders_pss_kib") / 1024)
             if self.fnum("users_holders_pss_kib") is not None else "–"),
        ]
        for k, label in (("join-first", "join, first user (via allowCaller "
                          "`-u`), median (min–max) ms"),
                         ("join-last", "join, last user (via allowCaller "
                          "`-u`), median (min–max) ms"),
                         ("join-self", "join, bench user itself, median "
                          "(min–max) ms")):
            m, mm = self.cell("users-join", k)
            rows.append((label, "%s (%s)" % (m, mm)))
        rows += [
            ("`unmount_ns -a -k`: time / exit status / processes left",
             "%s s / %s / %s" % (self.facts.get("unmount_all_s", "–"),
                                 self.facts.get("unmount_all_rc", "–"),
                                 self.facts.get("unmount_all_procs_left",
                                                "–"))),
            ("`unmount_ns -a -k` other output (exit 2: a sandbox was "
             "still in use)", self.facts.get("unmount_all_out") or "none")]
        md.append("| Item | Value |")
        md.append("|---|---:|")
        for k, v in rows:
            md.append("| %s | %s |" % (k, v))
        if "users-join" not in self.hf:
            self.missing.append("join of the first and last user")
        r = self.ratio(self.med("users-join", "join-last"),
                       self.med("users-join", "join-first"))
        if r:
            md.append("\njoin last / join first: %.2f." % r)
        self.target("host mountinfo lines per persisted user", per, "%.3f",
                    "==", 0, "0")
        t = self.fnum("unmount_all_s")
        limit = 2.0 * (n or 1000) / 1000
        rc = self.facts.get("unmount_all_rc")
        if t is not None and rc not in ("0", "2"):
            t = None
            self.errors.append("unmount_ns -a -k exited %s: %s" % (
                rc, self.facts.get("unmount_all_out", "")))
        self.target("`unmount_ns -a -k` with %d users" % (n or 0), t,
                    "%.2f s", "<=", limit, "≤ %.1f s%s" % (
                        limit, "" if n == 1000 else " (2 s × n/1000)"))

    def rss(self, md):
        md.append("\n### Peak RSS (KiB)\n")
        md.append("| Launch | `/usr/bin/time -f %M` (max of runs) | VmHWM of "
                  "the nscell process | VmHWM of the holder |")
        md.append("|---|---:|---:|---:|")
        for key, label, h in (("plain", "plain `/bin/true`", None),
                              ("join", "nscell join", "join"),
                              ("cold", "nscell cold (`-n`)", "cold"),
                              ("build", "nscell first launch (persisted "
                               "build)", "build"),
                              ("bwrap_suid", "bwrap setuid", None),
                              ("bwrap_userns", "bwrap userns", None)):
            md.append("| %s | %s | %s | %s |" % (
                label, self.facts.get("rss_" + key, "–"),
                self.facts.get("hwm_" + h, "–") if h else "",
                self.facts.get("hwm_holder_" + h, "–") if h else ""))
        md.append("\n%M is the ru_maxrss that wait4() reports for the nscell "
                  "process: the largest peak RSS of nscell itself and of "
                  "every descendant it waited for (its child, through the "
                  "exec of /bin/true, whose own floor is the plain row); a "
                  "persisted holder is not waited for and not included. "
                  "VmHWM is read from /proc while the command sleeps and "
                  "covers the nscell process (the monitor) alone.")
        md.append("\nThe target is checked on nscell's own processes (the "
                  "largest VmHWM of the monitor and of the holder, over the "
                  "join, cold and build rows): %M cannot separate nscell "
                  "from the command it runs, and the command's own peak is "
                  "the plain row, about 1 MiB for a dynamically linked "
                  "/bin/true (perf-baseline.md: \"memory does not separate "
                  "methods\"). %M is reported beside it.")
        keys = ["hwm_" + k for k in ("join", "cold", "build")] + \
            ["hwm_holder_" + k for k in ("join", "cold", "build")]
        vals = [self.fnum(k) for k in keys]
        self.target("peak RSS of nscell (its own processes: VmHWM)",
                    None if None in vals else max(vals) / 1024, "%.2f MiB",
                    "<=", 1.0, "≤ 1.0 MiB",
                    note="%%M (nscell and the command): join %s, cold %s "
                    "KiB; plain /bin/true %s KiB" % (
                        self.facts.get("rss_join", "–"),
                        self.facts.get("rss_cold", "–"),
                        self.facts.get("rss_plain", "–")))

    def cgroups(self, md):
        c = self.facts.get("cgroups_pairs")
        md.append("\n### Join with cgroups on against off (ms)\n")
        if not c:
            md.append("Not measured.")
            self.target("join with cgroups on − join without (paired "
                        "median)", None, "", "<=", 0.1, "≤ +0.1 ms")
            return
        md.append("Two vhost-level persisted sets of the bench user, one "
                  "with `cgroups 2` (its cgroup: `%s`), launched "
                  "alternately (`bench/lib/pair.py`, %d pairs, order A B B "
                  "A): each run from `posix_spawn` to reaping.\n" % (
                      self.facts.get("cgroups_path", "?"), c["n"]))
        md.append("| Launch | Median | p10–p90 | failures |")
        md.append("|---|---:|---:|---:|")
        for tag, label in (("a", "join, cgroups off (`-s nocg`)"),
                           ("b", "join, cgroups on (`-s cg`)")):
            md.append("| %s | %.3f | %.3f–%.3f | %d |" % (
                label, c[tag + "_median_ms"], c[tag + "_p10_ms"],
                c[tag + "_p90_ms"], c["failures_" + tag]))
        md.append("\nPaired difference on − off: median %+.3f ms "
                  "(quartiles %+.3f, %+.3f)." % (
                      c["diff_median_ms"], c["diff_p25_ms"],
                      c["diff_p75_ms"]))
        self.target("join with cgroups on − join without (paired median)",
                    c["diff_median_ms"], "%+.3f ms", "<=", 0.1, "≤ +0.1 ms")

    def load_warning(self):
        try:
            la = max(float(self.facts[k].split()[0])
                     for k in ("loadavg_start", "loadavg_end"))
        except (KeyError, ValueError, IndexError):
            return ""
        cpus = self.fnum("cpus") or 1
        if la < 0.5 * cpus:
            return ""
        return ("**Warning: the machine was busy (load average up to %.1f "
                "on %d CPUs); absolute times and ratios are disturbed by "
                "other work, see the min–max spreads.**\n" % (la, cpus))

    def render(self):
        f = self.facts
        body = []
        # bench/run --only: sections not selected are "not run", neither
        # measured nor missing.
        chosen = f.get("sections",
                       "main,seccomp,cgroups,rss,binds,mounts,concurrent,users")
        chosen = chosen.split(",")
        skipped = []
        for name, fn in (("main", self.main_tables),
                         ("seccomp", self.seccomp),
                         ("cgroups", self.cgroups), ("binds", self.binds),
                         ("mounts", self.mounts),
                         ("concurrent", self.concurrent),
                         ("users", self.users), ("rss", self.rss)):
            if name in chosen:
                fn(body)
            else:
                skipped.append(name)
        md = ["# nscell benchmark, %s (%s run)\n" % (f.get("date", "?"),
                                                     f.get("mode", "?")),
              "nscell %s, commit %s; %s; %s; kernel %s, %s CPUs (%s); load "
              "average %s at start, %s at end; benchmark time %s s "
              "(build and clean-up not included); bench user %s.\n" % (
                  f.get("nscell_version", "?"), f.get("commit", "?"),
                  f.get("hyperfine", "?"), f.get("bwrap", "?"),
                  f.get("kernel", "?"), f.get("cpus", "?"),
                  f.get("cpu_model", "?"), f.get("loadavg_start", "?"),
                  f.get("loadavg_end", "?"), f.get("runtime_s", "?"),
                  f.get("user", "?")),
              self.load_warning(),
              "## Targets (ratios from this run)\n",
              "| Target | Measured | Limit | Result | Note |",
              "|---|---:|---:|---|---|"]
        for t in self.targets:
            md.append("| %s | %s | %s | %s | %s |" % (
                t["target"], t["shown"], t["limit"], t["result"], t["note"]))
        if skipped:
            md.append("\nNot run (`--only %s`): %s.\n" % (
                ",".join(chosen), ", ".join(skipped)))
        md.append("\n## Measurements\n")
        md += body
        if self.errors or self.missing:
            md.append("\n## Could not measure\n")
            for e in self.errors:
                md.append("- " + e)
            for m in self.missing:
                md.append("- missing: " + m)
        self.out["targets"] = self.targets
        self.out["missing"] = self.missing
        return "\n".join(md) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, prefix = sys.argv[1], sys.argv[2]
    rep = Report(*load(data))
    md = rep.render()
    with open(prefix + ".md", "w") as f:
        f.write(md)
    with open(prefix + ".json", "w") as f:
        json.dump(rep.out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    sys.stdout.write(md)
    return 1 if rep.missing or rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
