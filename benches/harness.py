#!/usr/bin/env python3
"""Timing and reporting for benches/run.sh (Python 3 standard library only).

Subcommands:
  measure   run a command warm-up + N times; record the median wall time
            (monotonic clock) and the peak RSS of each run, read from the
            child's rusage (os.wait4: the same figure as `/usr/bin/time -f %M`)
  selftimed run a command that times itself and prints JSON with runs_ms
            (the parse floor); record its figures
  load      run the HTTP load generator (examples/load.rs), which prints
            JSON with each request's latency; record p50 as the median, and
            p99 and requests per second
  skip      record a step that could not run, and say so on stderr
  blobs     list the blob ids `confdiff compare` must read for two sides
  check     compare a summary (confdiff JSON or pyyaml_compare's last line)
            with the expected counts
  tags      print a `git fast-import` stream of N annotated tags over the
            commit ids read from stdin
  freeport  print a free TCP port on 127.0.0.1
  waitport  wait until 127.0.0.1:PORT accepts connections
  report    print the Markdown table and write BENCHMARKS.md

Results go, one JSON object per line, to the file given with --results.
"""

import argparse
import datetime
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def append(results, row):
    with open(results, "a") as f:
        f.write(json.dumps(row) + "\n")


GNU_TIME = "/usr/bin/time"


def rss_method():
    """How peak RSS is read. Python starts children with vfork, so a child's
    own `ru_maxrss` starts at this harness's size (~17 MB); GNU time is a
    small C program whose child starts at about 2 MB."""
    if os.access(GNU_TIME, os.X_OK):
        return "gnu-time"
    return "wait4"


class Interference:
    """How busy other processes kept the machine while a row ran: CPU time
    of all processes (/proc/stat) minus this harness's and the measured
    processes' own, over the wall time, in cores."""

    def __init__(self):
        self.start_busy = self.busy_seconds()
        self.start_wall = time.monotonic()
        self.start_self = time.process_time()
        self.ours = 0.0

    @staticmethod
    def busy_seconds():
        try:
            with open("/proc/stat") as f:
                values = [int(v) for v in f.readline().split()[1:9]]
        except (OSError, ValueError):
            return None
        idle = values[3] + values[4]
        return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")

    def add(self, usage):
        self.ours += usage.ru_utime + usage.ru_stime

    def cores(self):
        end = self.busy_seconds()
        if end is None or self.start_busy is None:
            return None
        wall = time.monotonic() - self.start_wall
        ours = self.ours + time.process_time() - self.start_self
        return max(0.0, (end - self.start_busy - ours) / wall) if wall > 0 else None


def run_once(command, stdin_path, env, interference=None):
    """Wall milliseconds and peak RSS (KiB) of one run; fails loudly."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile() as rss_file, tempfile.TemporaryFile() as stderr:
        if rss_method() == "gnu-time":
            command = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *command]
        start = time.monotonic()
        child = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL,
                                 stderr=stderr, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.monotonic() - start) * 1000.0
        if interference:
            interference.add(usage)
        child.returncode = os.waitstatus_to_exitcode(status)
        if stdin_path:
            stdin.close()
        if child.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()
            sys.exit(f"benchmark command failed (exit {child.returncode}): "
                     f"{' '.join(command)}\n{message}")
        peak = usage.ru_maxrss
        if rss_method() == "gnu-time":
            peak = int(rss_file.read().decode().strip().splitlines()[-1])
    return elapsed, peak


def measure(args):
    env = dict(os.environ)
    for pair in args.env or []:
        key, _, value = pair.partition("=")
        env[key] = value

    def prepare():
        if args.prepare:
            subprocess.run(args.prepare, shell=True, check=True)

    for _ in range(args.warmup):
        prepare()
        run_once(args.command, args.stdin, env)
    times, rss = [], []
    interference = Interference()
    for _ in range(args.runs):
        prepare()
        elapsed, peak = run_once(args.command, args.stdin, env, interference)
        times.append(elapsed)
        rss.append(peak)
    row = base_row(args)
    row.update(runs_ms=times, median_ms=statistics.median(times), max_rss_kb=max(rss),
               warmup=args.warmup, other_load=interference.cores(),
               command=" ".join(args.command))
    append(args.results, row)
    print(f"  {args.label} [{args.services}]: median {fmt_ms(row['median_ms'])}, "
          f"max RSS {row['max_rss_kb'] / 1024:.1f} MB", file=sys.stderr)


def selftimed(args):
    interference = Interference()
    child = subprocess.run(args.command, check=True, capture_output=True, text=True)
    output = child.stdout
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    interference.ours = usage.ru_utime + usage.ru_stime
    other_load = interference.cores()
    figures = json.loads(output.strip().splitlines()[-1])
    if figures.get("errors"):
        sys.exit(f"{args.label}: {figures['errors']} blobs failed to load")
    row = base_row(args)
    row.update(runs_ms=figures["runs_ms"], median_ms=figures["median_ms"], max_rss_kb=None,
               warmup=1, blobs=figures["blobs"], bytes=figures["bytes"], other_load=other_load,
               command=" ".join(args.command))
    append(args.results, row)
    print(f"  {args.label} [{args.services}]: median {fmt_ms(row['median_ms'])} "
          f"({figures['blobs']} blobs, {figures['bytes'] / 1e6:.1f} MB)", file=sys.stderr)


def rounds(args):
    """Several commands run in turn, round after round (A B C, A B C, ...),
    one row each: the ratios between them are then taken round by round,
    so a burst of other load on the machine slows both sides of a ratio
    instead of one row. A self-timed entry (the parse floor) reports its
    own time on the last line of its output, as JSON."""
    with open(args.spec) as f:
        spec = json.load(f)
    env = dict(os.environ)

    def run(entry, interference=None):
        if not entry.get("selftimed"):
            return run_once(entry["command"], entry.get("stdin"), env, interference)
        child = subprocess.run(entry["command"], check=True, capture_output=True, text=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        if figures.get("errors"):
            sys.exit(f"{entry['label']}: {figures['errors']} blobs failed to load")
        return figures["median_ms"], None

    for _ in range(args.warmup):
        for entry in spec:
            run(entry)
    times = {entry["id"]: [] for entry in spec}
    peaks = {entry["id"]: [] for entry in spec}
    interference = Interference()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(args.runs):
        for entry in spec:
            elapsed, peak = run(entry)
            times[entry["id"]].append(elapsed)
            if peak is not None:
                peaks[entry["id"]].append(peak)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    interference.ours = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    other_load = interference.cores()
    for entry in spec:
        row = {"id": entry["id"], "label": entry["label"], "services": args.services,
               "note": entry.get("note", ""), "rounds": True}
        runs = times[entry["id"]]
        row.update(runs_ms=runs, median_ms=statistics.median(runs),
                   max_rss_kb=max(peaks[entry["id"]]) if peaks[entry["id"]] else None,
                   warmup=args.warmup, other_load=other_load, command=" ".join(entry["command"]))
        append(args.results, row)
        print(f"  {entry['label']} [{args.services}]: median {fmt_ms(row['median_ms'])}",
              file=sys.stderr)


def load(args):
    # The server's work is another process's, so no "other load" is read.
    child = subprocess.run(args.command, check=True, capture_output=True, text=True)
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    row = base_row(args)
    detail = (f"p50 {fmt_ms(figures['median_ms'])}, p99 {fmt_ms(figures['p99_ms'])}, "
              f"{figures['rps']:.0f} requests/s, {figures['clients']} clients, "
              f"{figures['requests']} requests")
    row["note"] = f"{row['note']}; {detail}" if row["note"] else detail
    row.update(runs_ms=figures["runs_ms"], median_ms=figures["median_ms"],
               p99_ms=figures["p99_ms"], rps=figures["rps"], max_rss_kb=None,
               other_load=None, command=" ".join(args.command))
    append(args.results, row)
    print(f"  {args.label} [{args.services}]: {detail}", file=sys.stderr)


def skip(args):
    row = base_row(args)
    row["skipped"] = args.reason
    append(args.results, row)
    print(f"SKIPPED: {args.label} [{args.services}]: {args.reason}", file=sys.stderr)


def base_row(args):
    row = {"id": args.id, "label": args.label, "services": args.services,
           "note": args.note or ""}
    if getattr(args, "commits", None):
        row["commits"] = args.commits
    return row


def ls_tree(repo, rev, folder, name):
    """service -> (mode, blob id) for `rev:folder/*/name`."""
    output = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--full-tree", rev, "--", folder],
                            check=True, capture_output=True, text=True).stdout
    entries = {}
    prefix = folder.rstrip("/") + "/"
    for line in output.splitlines():
        meta, path = line.split("\t", 1)
        mode, _, oid = meta.split()
        rest = path[len(prefix):]
        service, _, file = rest.partition("/")
        if file == name:
            entries[service] = (mode, oid)
    return entries


def blobs(args):
    """Ids of the blobs confdiff reads: both sides' files of every service
    present on both sides whose blob ids differ (equal ids are identical
    without reading)."""
    left_rev, _, left_dir = args.left.rpartition(":")
    right_rev, _, right_dir = args.right.rpartition(":")
    left = ls_tree(args.repo, left_rev or "HEAD", left_dir, args.file)
    right = ls_tree(args.repo, right_rev or "HEAD", right_dir, args.file)
    ids = []
    for service in sorted(left.keys() & right.keys()):
        (_, a), (_, b) = left[service], right[service]
        if a != b:
            ids.extend((a, b))
    with open(args.out, "w") as f:
        f.write("".join(i + "\n" for i in ids))
    print(f"  {len(ids)} blobs to read for {args.left} vs {args.right}", file=sys.stderr)


def check(args):
    with open(args.expected) as f:
        expected = json.load(f)
    if args.key:
        for part in args.key.split("."):
            expected = expected[int(part)] if part.isdigit() else expected[part]
    with open(args.actual) as f:
        text = f.read()
    if args.last_line:
        actual = json.loads(text.strip().splitlines()[-1])
    else:
        actual = json.loads(text)["summary"]
    wrong = {k: (v, actual.get(k)) for k, v in expected.items() if actual.get(k) != v}
    if wrong:
        sys.exit(f"{args.what}: counts differ from what the generator made "
                 f"(expected, found): {wrong}")
    print(f"  {args.what}: counts as expected {expected}", file=sys.stderr)


def tags(args):
    """Annotated tags bench/00000, bench/00001, ... spread round robin
    over the commits listed on stdin, as a fast-import stream."""
    commits = [line.strip() for line in sys.stdin if line.strip()]
    if not commits:
        sys.exit("tags: no commit ids on stdin")
    out = sys.stdout
    for i in range(args.count):
        message = f"bench tag {i}\n"
        out.write(f"tag bench/{i:05d}\nfrom {commits[i % len(commits)]}\n"
                  f"tagger Bench <bench@example.com> {1700000000 + i} +0000\n"
                  f"data {len(message.encode())}\n{message}\n")


def freeport(_args):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def waitport(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on 127.0.0.1:{args.port} after {args.timeout} s")


# --------------------------------------------------------------------------
# Report


def fmt_ms(ms):
    if ms is None:
        return "–"
    if ms >= 10_000:
        return f"{ms / 1000:.1f} s"
    if ms >= 100:
        return f"{ms:.0f} ms"
    return f"{ms:.1f} ms"


def fmt_rss(kb):
    return "–" if kb is None else f"{kb / 1024:.1f} MB"


DISTURBED = 0.25  # cores kept busy by other processes that make a row suspect


def disturbed(row):
    return (row or {}).get("other_load") is not None and row["other_load"] > DISTURBED


def fmt_load(load):
    if load is None:
        return "–"
    return f"{load:.2f} ⚠" if load > DISTURBED else f"{load:.2f}"


def table(rows):
    lines = ["| Measurement | Services | Median | Runs: min – max (n) | Max RSS | Other load |",
             "|---|---:|---:|---|---:|---:|"]
    for row in rows:
        label = row["label"] + (f" ({row['note']})" if row.get("note") else "")
        services = f"{row['services']:,}" if isinstance(row["services"], int) else row["services"]
        if "skipped" in row:
            lines.append(f"| {label} | {services} | skipped | {row['skipped']} | – | – |")
            continue
        runs = row["runs_ms"]
        spread = f"{fmt_ms(min(runs))} – {fmt_ms(max(runs))} ({len(runs)})"
        lines.append(f"| {label} | {services} | **{fmt_ms(row['median_ms'])}** | {spread} "
                     f"| {fmt_rss(row.get('max_rss_kb'))} | {fmt_load(row.get('other_load'))} |")
    return "\n".join(lines)


class Rows:
    def __init__(self, rows):
        self.by_id = {row["id"]: row for row in rows}

    def ms(self, key):
        row = self.by_id.get(key)
        return None if row is None or "skipped" in row else row["median_ms"]

    def row(self, key):
        return self.by_id.get(key)


QUICK = False  # set by report(): quick-mode figures are not judged


def verdict(ok, *rows):
    if QUICK:
        return "not judged (quick mode)"
    text = "**pass**" if ok else "**miss**"
    if any(disturbed(row) for row in rows):
        text += " ⚠ (measured while other processes ran)"
    return text


def round_ratio(row, base):
    """The median of row's time over base's, round by round."""
    return statistics.median(a / b for a, b in zip(row["runs_ms"], base["runs_ms"]) if b > 0)


def targets(rows, ctx):
    r = Rows(rows)
    seed, scale, big = ctx["seed_size"], ctx["scale_size"], ctx["rss_size"]
    jobs = ctx["cores"]
    out = ["| Target | Goal | Measured | Result |", "|---|---|---|---|"]

    saved = r.ms(f"compare-save-{seed}")
    plain = r.ms(f"compare-{seed}")
    if saved is not None:
        out.append(f"| {seed} services end to end, saving to SQLite | < 50 ms | {fmt_ms(saved)} "
                   f"| {verdict(saved < 50, r.row(f'compare-save-{seed}'))} |")
    elif plain is not None:
        out.append(f"| {seed} services end to end, saving to SQLite | < 50 ms | not measured: "
                   f"{r.row(f'compare-save-{seed}')['skipped']}; without saving {fmt_ms(plain)} "
                   f"| not measured |")

    compare = r.ms(f"compare-{scale}")
    for key, name in ((f"python-{scale}", "PyYAML safe_load"),
                      (f"python-libyaml-{scale}", "PyYAML CSafeLoader")):
        python = r.ms(key)
        if compare and python:
            ratio = python / compare
            out.append(f"| {scale:,} services: faster than the Python script ({name}) | ≥ 20× "
                       f"| {ratio:.1f}× ({fmt_ms(python)} vs {fmt_ms(compare)}) "
                       f"| {verdict(ratio >= 20, r.row(key), r.row(f'compare-{scale}'))} |")
    catfile, parse = r.ms(f"catfile-{scale}"), r.ms(f"parse-{scale}")
    if compare and catfile is not None and parse is not None:
        floor = catfile + parse / jobs
        ratio = compare / floor
        out.append(f"| {scale:,} services: within 1.5× of cat-file + parse ÷ {jobs} jobs | ≤ 1.5× "
                   f"| {ratio:.2f}× ({fmt_ms(compare)} vs floor {fmt_ms(floor)} = "
                   f"{fmt_ms(catfile)} + {fmt_ms(parse)} ÷ {jobs}) "
                   f"| {verdict(ratio <= 1.5, *(r.row(f'{k}-{scale}') for k in ('compare', 'catfile', 'parse')))} |")
    # The loader's goals are ratios to the cat-file floor of the same run:
    # absolute times on these machines drift by 2x from day to day. Taken
    # round by round where the run measured the commands in rounds.
    paired = r.row(f"round-catfile-{scale}")
    if paired and "skipped" not in paired:
        for key, goal, what in ((f"round-parse-{scale}", 0.9, "the loader alone, one thread"),
                                (f"round-compare-{scale}", 1.2, "`compare` on all cores"),
                                (f"round-jobs1-{scale}", 1.9, "`compare --jobs 1`")):
            row = r.row(key)
            if row is None or "skipped" in row:
                continue
            ratio = round_ratio(row, paired)
            out.append(f"| {scale:,} services: {what}, against the cat-file floor, in "
                       f"{len(row['runs_ms'])} rounds | ≤ {goal}× | {ratio:.2f}× (median of the "
                       f"rounds' ratios; medians {fmt_ms(row['median_ms'])} vs "
                       f"{fmt_ms(paired['median_ms'])}) | {verdict(ratio <= goal, row, paired)} |")
        one, two = r.row(f"round-jobs1-{scale}"), r.row(f"round-jobs2-{scale}")
        if one and two:
            speedup = round_ratio(one, two)
            out.append(f"| {scale:,} services: `--jobs 2` vs `--jobs 1`, in "
                       f"{len(one['runs_ms'])} rounds | ≥ 1.7× | {speedup:.2f}× (median of the "
                       f"rounds' ratios; medians {fmt_ms(one['median_ms'])} → "
                       f"{fmt_ms(two['median_ms'])}) | {verdict(speedup >= 1.7, one, two)} |")
    if catfile:
        for key, goal, what in ((f"parse-{scale}", 0.9, "the loader alone, one thread"),
                                (f"compare-{scale}", 1.2, "`compare` on all cores"),
                                (f"jobs1-{scale}", 1.9, "`compare --jobs 1`")):
            measured = r.ms(key)
            if measured is None:
                continue
            ratio = measured / catfile
            out.append(f"| {scale:,} services: {what}, against the cat-file floor | ≤ {goal}× "
                       f"| {ratio:.2f}× ({fmt_ms(measured)} vs {fmt_ms(catfile)}) "
                       f"| {verdict(ratio <= goal, r.row(key), r.row(f'catfile-{scale}'))} |")
    ruled = r.ms(f"compare-rules-{scale}")
    if compare and ruled:
        ratio = ruled / compare
        out.append(f"| {scale:,} services: five rules cost at most 1.3× the rule-free compare | ≤ 1.3× "
                   f"| {ratio:.2f}× ({fmt_ms(compare)} → {fmt_ms(ruled)}) "
                   f"| {verdict(ratio <= 1.3, r.row(f'compare-{scale}'), r.row(f'compare-rules-{scale}'))} |")
    one, two = r.ms(f"jobs1-{scale}"), r.ms(f"jobs2-{scale}")
    if one and two:
        speedup = one / two
        out.append(f"| {scale:,} services: `--jobs 2` vs `--jobs 1` | ≥ 1.7× | {speedup:.2f}× "
                   f"({fmt_ms(one)} → {fmt_ms(two)}) "
                   f"| {verdict(speedup >= 1.7, r.row(f'jobs1-{scale}'), r.row(f'jobs2-{scale}'))} |")
    rss = [row["max_rss_kb"] for row in rows
           if row.get("services") == big and row.get("max_rss_kb") and row["id"].startswith("compare")]
    if rss:
        peak = max(rss) / 1024
        out.append(f"| {big:,} services: peak RSS | < 150 MB | {peak:.1f} MB "
                   f"| {verdict(peak < 150)} |")
    ours, git = r.ms("remote-tags-fetch"), r.ms("remote-tags-git")
    if ours is not None and git:
        ratio = ours / git
        out.append(f"| A fetch with nothing new, many annotated tags: about git's cost "
                   f"(`git fetch --prune --prune-tags`) | ≤ 2× git | {ratio:.2f}× "
                   f"({fmt_ms(ours)} vs {fmt_ms(git)}) "
                   f"| {verdict(ratio <= 2, r.row('remote-tags-fetch'), r.row('remote-tags-git'))} |")
    each, walk, again = r.ms("walk-compares"), r.ms("walk-history"), r.ms("walk-history-again")
    if each and walk:
        ratio = each / walk
        out.append(f"| History over every commit: less time than a compare per commit | ≥ 50× "
                   f"| {ratio:.0f}× ({fmt_ms(walk)} vs {fmt_ms(each)}) "
                   f"| {verdict(ratio >= 50, r.row('walk-history'), r.row('walk-compares'))} |")
    if walk and again:
        ratio = again / walk
        out.append(f"| The same history a second time, same database | ≤ 0.5× the first "
                   f"| {ratio:.2f}× ({fmt_ms(again)} vs {fmt_ms(walk)}) "
                   f"| {verdict(ratio <= 0.5, r.row('walk-history'), r.row('walk-history-again'))} |")
    blame = [r.row(key) for key in ("blame-all", "blame-oldest") if r.ms(key) is not None]
    if blame:
        slowest = max(blame, key=lambda row: row["median_ms"])
        out.append(f"| blame of one value over {slowest['commits']:,} commits (the slower of "
                   f"`--all` and a value unchanged since the first commit) | < 500 ms "
                   f"| {fmt_ms(slowest['median_ms'])} "
                   f"| {verdict(slowest['median_ms'] < 500, *blame)} |")
    for key, goal, what in (("serve-cached-1", 5, "a cached comparison"),
                            ("serve-cold-1", 60, "a cold comparison")):
        served = r.row(key)
        if served and "skipped" not in served:
            out.append(f"| confdiff serve, {what} of {served['services']:,} services, p50 at one "
                       f"client | < {goal} ms | {fmt_ms(served['median_ms'])} (p99 "
                       f"{fmt_ms(served['p99_ms'])}, {served['rps']:.0f} requests/s) "
                       f"| {verdict(served['median_ms'] < goal, served)} |")
    fetch, local = r.ms("remote-fetch"), r.ms("remote-offline")
    if fetch is not None and local is not None:
        added = fetch - local
        out.append(f"| A fetch with nothing new adds | < 100 ms | {fmt_ms(added)} "
                   f"({fmt_ms(fetch)} with fetch vs {fmt_ms(local)} offline) "
                   f"| {verdict(added < 100, r.row('remote-fetch'), r.row('remote-offline'))} |")
    elif r.row("remote-fetch"):
        out.append(f"| A fetch with nothing new adds | < 100 ms | not measured: "
                   f"{r.row('remote-fetch').get('skipped', 'offline run missing')} | not measured |")
    return "\n".join(out)


def report(args):
    global QUICK
    with open(args.context) as f:
        ctx = json.load(f)
    QUICK = ctx["mode"] == "quick"
    with open(args.results) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    missing = [step for step in ctx["expected_steps"] if step not in {row["id"] for row in rows}]
    if missing:
        sys.exit(f"steps that neither ran nor were reported skipped: {', '.join(missing)}")

    body = table(rows)
    print(body)
    skipped = [row for row in rows if "skipped" in row]
    doc = [
        "# Benchmarks",
        "",
        f"Generated by `benches/run.sh{' --quick' if ctx['mode'] == 'quick' else ''}` on "
        f"{ctx['date']}: {ctx['cores']} cores ({ctx['cpu']}), {ctx['memory']}, "
        f"confdiff {ctx['version']} (commit {ctx['commit']}, {ctx['profile']} build), "
        f"{ctx['git']}, Python {ctx['python']} with PyYAML {ctx['pyyaml']}.",
        "",
    ]
    if ctx["mode"] == "quick":
        doc += ["**Quick mode: tiny sizes, few runs. These figures check that every step "
                "runs; they say nothing about speed.**", ""]
    doc += [
        "Each figure is the median of the runs after a warm-up run (wall clock, "
        "monotonic); the range shows the fastest and slowest run. Max RSS is the "
        "largest peak resident set of the measured process over its runs "
        + ("(`/usr/bin/time -f %M`; each run is started through it, which adds "
           "about a millisecond to every row alike)."
           if ctx["rss"] == "gnu-time" else
           "(`ru_maxrss` from `wait4`; /usr/bin/time is missing, and as Python "
           "starts children with vfork, no figure reads below the harness's own "
           "size, about 17 MB)."),
        "",
        "Other load is how many cores other processes kept busy, on average, "
        "while the row's runs went on (all CPU time in /proc/stat minus the "
        "measured processes' and the harness's own, over the wall time). "
        f"Rows above {DISTURBED} are marked ⚠: something else ran on the machine, "
        "and their times are pessimistic.",
        "",
        body,
        "",
        "## Targets",
        "",
        targets(rows, ctx),
        "",
    ]
    if skipped:
        doc += ["## Skipped steps", ""]
        doc += [f"- {row['label']} ({row['services']}): {row['skipped']}" for row in skipped]
        doc += [""]
    doc += ["## How it was measured", ""]
    doc += [f"- {note}" for note in ctx["notes"]]
    doc += [""]
    if args.analysis and os.path.exists(args.analysis):
        with open(args.analysis) as f:
            doc += [f.read().rstrip(), ""]
    with open(args.out, "w") as f:
        f.write("\n".join(doc))
    print(f"\nwrote {args.out}", file=sys.stderr)


def context(args):
    """Writes the facts about the machine and the run for the report."""
    def first_line(command):
        try:
            return subprocess.run(command, capture_output=True, text=True,
                                  check=True).stdout.strip().splitlines()[0]
        except (OSError, subprocess.CalledProcessError, IndexError):
            return "unknown"

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            memory = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = "unknown RAM"
    try:
        import yaml
        pyyaml = yaml.__version__ + (" (libyaml available)" if yaml.__with_libyaml__ else "")
    except ImportError:
        pyyaml = "missing"
    ctx = {
        "mode": args.mode,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "version": first_line([args.binary, "--version"]).removeprefix("confdiff "),
        "commit": first_line(["git", "-C", args.source, "rev-parse", "--short", "HEAD"]),
        "profile": args.profile,
        "git": first_line(["git", "--version"]),
        "python": sys.version.split()[0],
        "pyyaml": pyyaml,
        "seed_size": args.seed_size,
        "scale_size": args.scale_size,
        "rss_size": args.rss_size,
        "expected_steps": args.steps.split(),
        "rss": rss_method(),
        "notes": [line for line in open(args.notes).read().splitlines() if line.strip()],
    }
    with open(args.out, "w") as f:
        json.dump(ctx, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)

    def row_args(p):
        p.add_argument("--results", required=True)
        p.add_argument("--id", required=True)
        p.add_argument("--label", required=True)
        p.add_argument("--services", type=int, required=True)
        p.add_argument("--note")
        p.add_argument("--commits", type=int, help="commits in the history the row walks")

    p = sub.add_parser("measure")
    row_args(p)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--stdin")
    p.add_argument("--prepare", help="shell command run before each run, not timed")
    p.add_argument("--env", action="append")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(run=measure)

    p = sub.add_parser("selftimed")
    row_args(p)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(run=selftimed)

    p = sub.add_parser("rounds")
    p.add_argument("--results", required=True)
    p.add_argument("--services", type=int, required=True)
    p.add_argument("--spec", required=True, help="JSON: [{id, label, command, stdin?, selftimed?, note?}]")
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--warmup", type=int, default=1)
    p.set_defaults(run=rounds)

    p = sub.add_parser("load")
    row_args(p)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(run=load)

    p = sub.add_parser("skip")
    row_args(p)
    p.add_argument("--reason", required=True)
    p.set_defaults(run=skip)

    p = sub.add_parser("blobs")
    p.add_argument("--repo", required=True)
    p.add_argument("--file", default="configuration.yml")
    p.add_argument("--out", required=True)
    p.add_argument("left")
    p.add_argument("right")
    p.set_defaults(run=blobs)

    p = sub.add_parser("check")
    p.add_argument("--what", required=True)
    p.add_argument("--expected", required=True, help="JSON file")
    p.add_argument("--key", help="dotted path to the counts in --expected")
    p.add_argument("--actual", required=True)
    p.add_argument("--last-line", action="store_true", help="actual counts are its last line")
    p.set_defaults(run=check)

    p = sub.add_parser("tags")
    p.add_argument("--count", type=int, required=True)
    p.set_defaults(run=tags)

    p = sub.add_parser("freeport")
    p.set_defaults(run=freeport)

    p = sub.add_parser("waitport")
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=float, default=10)
    p.set_defaults(run=waitport)

    p = sub.add_parser("context")
    for name in ("mode", "binary", "source", "profile", "steps", "notes", "out"):
        p.add_argument("--" + name, required=True)
    for name in ("seed-size", "scale-size", "rss-size"):
        p.add_argument("--" + name, type=int, required=True)
    p.set_defaults(run=context)

    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--context", required=True)
    p.add_argument("--analysis", help="Markdown appended to BENCHMARKS.md")
    p.add_argument("--out", required=True)
    p.set_defaults(run=report)

    args = parser.parse_args()
    if getattr(args, "command", None) and args.command[:1] == ["--"]:
        args.command = args.command[1:]
    args.run(args)


if __name__ == "__main__":
    main()
