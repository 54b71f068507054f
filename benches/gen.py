#!/usr/bin/env python3
"""Deterministic synthetic platform repository, as a `git fast-import` stream.

Writes N services x 2 implementations of realistic microservice configs:

    implementation_1/<service>/configuration.yml
    implementation_2/<service>/configuration.yml

Every service is one of three kinds, in controlled shares:

- identical: both implementations hold the same blob;
- cosmetic:  the second implementation writes the same document differently
             (comments, key order, quoting, indentation, flow style, aliases
             written out) -- a semantic comparison must call it identical;
- semantic:  the second implementation changes 1-4 values (changed, added,
             removed, type changed).

With --history M, M more commits follow, each editing ~2 % of the config
files (mostly a "hot" 5 % of them, as in real repositories), with an
annotated tag every --tag-every commits and on the first commit.

The same arguments always give the same bytes. A manifest (JSON) says what
was made, so a comparison's counts can be checked against it.

Usage:
    mkdir repo && git -C repo init -q
    python3 benches/gen.py --services 1000 --manifest m.json | git -C repo fast-import --quiet

Only the Python standard library is used.
"""

import argparse
import json
import multiprocessing
import os
import random
import re
import sys

FILE = "configuration.yml"
SIDES = ("implementation_1", "implementation_2")
EPOCH = 1767225600  # 2026-01-01T00:00:00Z: commits get fixed dates.
IDENT = b"Platform Bot <platform@example.com>"

TEAMS = ["payments", "identity", "search", "catalog", "checkout", "ledger",
         "notifications", "shipping", "pricing", "analytics", "media", "edge"]
NOUNS = ["api", "worker", "gateway", "scheduler", "indexer", "store", "proxy",
         "router", "sync", "billing", "auth", "feed", "cache", "reporter"]
WORDS = ["requests", "are", "served", "from", "the", "primary", "region", "and",
         "replicated", "to", "standby", "clusters", "every", "few", "seconds",
         "while", "metrics", "flow", "into", "shared", "dashboards", "owned",
         "by", "team", "on", "call", "rotation", "with", "alerts", "paging"]
ENV_NAMES = ["LOG_LEVEL", "LOG_FORMAT", "HTTP_TIMEOUT", "MAX_CONNECTIONS",
             "CACHE_TTL", "FEATURE_SET", "REGION", "TRACING_ENDPOINT",
             "METRICS_PORT", "QUEUE_NAME", "RETRY_BUDGET", "GC_PERCENT",
             "POOL_SIZE", "UPSTREAM_URL", "SECRET_REF", "JAVA_OPTS"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
FLAGS = ["newCheckout", "betaSearch", "darkLaunch", "asyncWrites", "strictAuth",
         "shadowTraffic", "compression", "http3", "auditTrail", "fastPath"]

# Strings that a YAML 1.1 or 1.2 loader could read as something else.
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
PLAIN_UNIT = re.compile(r"[0-9]+(Mi|Gi|Ki|m|s|ms)\Z")


class Block:
    """A block scalar: `|` keeps the lines, `>` folds them."""

    __slots__ = ("indicator", "lines")

    def __init__(self, indicator, lines):
        self.indicator = indicator
        self.lines = lines


class Anchored:
    """A value written with `&name` where it first appears."""

    __slots__ = ("name", "value")

    def __init__(self, name, value):
        self.name = name
        self.value = value


class Alias:
    """`*name`: the value of an Anchored, written again."""

    __slots__ = ("target",)

    def __init__(self, target):
        self.target = target


MERGE = "<<"


# --------------------------------------------------------------------------
# Documents


class Dice:
    """random.Random with the few draws the generator needs, made cheap."""

    __slots__ = ("rng", "r")

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.r = self.rng.random

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def between(self, low, high):
        return low + int(self.r() * (high - low + 1))

    def chance(self, p):
        return self.r() < p

    def words(self, n):
        return " ".join(self.rng.choices(WORDS, k=n))

    def sample(self, seq, n):
        return self.rng.sample(seq, n)


def words(rng, n):
    return " ".join(rng.choices(WORDS, k=n))


def build(seed, index, kb):
    """The document of service `index`: a tree of dicts, lists and scalars."""
    rng = Dice(seed * 1_000_003 + index)
    team = TEAMS[index % len(TEAMS)]
    name = service_name(index)
    port = rng.pick([8080, 8443, 9000, 3000, 5000])
    doc = {
        "apiVersion": "platform.example.com/v2",
        "kind": "ServiceConfig",
        "metadata": {
            "name": name,
            "namespace": team,
            "revision": 0,
            "labels": {
                "app.kubernetes.io/name": name,
                "app.kubernetes.io/part-of": team,
                "tier": rng.pick(["frontend", "backend", "batch"]),
            },
            "annotations": {
                "platform.example.com/owner": f"{team}@example.com",
                "platform.example.com/runbook": f"https://runbooks.example.com/{team}/{name}",
            },
        },
        "description": Block("|", [rng.words(rng.between(6, 10)) for _ in range(rng.between(2, 4))]),
        "spec": {
            "replicas": rng.between(1, 12),
            "image": {
                "repository": f"registry.example.com/{team}/{name}",
                "tag": f"{rng.between(1, 4)}.{rng.between(0, 30)}.{rng.between(0, 9)}",
                "pullPolicy": rng.pick(["IfNotPresent", "Always"]),
            },
            "resources": {
                "requests": {"cpu": f"{rng.pick([100, 250, 500])}m",
                             "memory": f"{rng.pick([256, 512, 768])}Mi"},
                "limits": {"cpu": str(rng.pick([1, 2, 4])),
                           "memory": f"{rng.pick([1, 2, 4])}Gi"},
            },
            "ports": [
                {"name": "http", "containerPort": port, "protocol": "TCP"},
                {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
            ],
            "env": [
                {"name": "RELEASE", "value": "stable"},
                {"name": "LOG_LEVEL", "value": rng.pick(["info", "debug", "warn"])},
            ],
            "probes": {
                "liveness": {"path": "/healthz", "port": port,
                             "initialDelaySeconds": rng.between(0, 30),
                             "timeoutSeconds": rng.pick([0.5, 1.5, 2.5]),
                             "enabled": True},
                "readiness": {"path": "/ready", "port": port,
                              "periodSeconds": rng.between(5, 20),
                              "enabled": rng.chance(0.8)},
            },
            "autoscaling": {
                "enabled": rng.chance(0.5),
                "minReplicas": 1,
                "maxReplicas": rng.between(4, 40),
                "targetCPUUtilization": rng.pick([0.6, 0.7, 0.75, 0.8]),
            },
            "args": ["--port", str(port), "--graceful-shutdown", "30s"],
        },
        "features": {flag: rng.chance(0.5) for flag in rng.sample(FLAGS, rng.between(3, 6))},
        "notice": Block(">", [rng.words(rng.between(5, 9)) for _ in range(2)]),
    }
    for i in range(rng.between(2, 4)):
        env_name = ENV_NAMES[(index + i) % (len(ENV_NAMES) - 2) + 2]
        doc["spec"]["env"].append({"name": env_name, "value": env_value(rng, env_name)})

    pool = Anchored("pool", {"min": rng.between(1, 4), "max": rng.between(10, 50),
                             "idleTimeout": "30s"})
    doc["database"] = {
        "host": f"{team}-db.internal",
        "port": 5432,
        "name": name.replace("-", "_"),
        "user": "svc_" + team,
        "password": None,
        "sslMode": "verify-full",
        "pool": pool,
        "replicaPool": Alias(pool),
        "statementTimeoutSeconds": rng.pick([1.5, 5.0, 30.0]),
    }
    # Merge keys, in a quarter of the services.
    defaults = None
    if index % 4 == 0:
        defaults = Anchored("defaults", {"timeoutMs": 3000, "retries": 2})
        doc["routeDefaults"] = defaults

    doc["routes"] = []
    budget = kb * 1024 - 1850  # the part above renders to about this many bytes
    r = 0
    while budget > 0:
        route = {
            "path": f"/api/v{rng.between(1, 3)}/{rng.pick(NOUNS)}/{r}",
            "methods": rng.sample(METHODS, rng.between(1, 3)),
            "upstream": f"http://{name}.{team}.svc:{port}",
        }
        if defaults is not None and rng.chance(0.5):
            route[MERGE] = Alias(defaults)
        else:
            route["timeoutMs"] = rng.pick([500, 1000, 3000, 10000])
            route["retries"] = rng.between(0, 3)
        route["rateLimit"] = (None if rng.chance(0.3) else
                              {"rps": rng.pick([10, 50, 100, 500]),
                               "burst": rng.pick([1.5, 2.0, 3.0])})
        route["auth"] = rng.pick(["none", "jwt", "mtls"])
        route["note"] = rng.words(4) + ": " + rng.words(2)
        doc["routes"].append(route)
        budget -= 260
        r += 1
    return doc


def env_value(rng, name):
    if name in ("HTTP_TIMEOUT", "CACHE_TTL"):
        return f"{rng.pick([5, 10, 30])}s"
    if name in ("MAX_CONNECTIONS", "POOL_SIZE", "METRICS_PORT", "GC_PERCENT"):
        return str(rng.between(10, 500))  # env values are strings: quoted
    if name == "JAVA_OPTS":
        return "-Xmx512m -XX:+UseG1GC"
    return rng.pick(["json", "eu-west-1", "enabled", "standard", "jobs.default",
                       "http://collector:4317", "vault:secret/data/app"])


def mutate(doc, rng):
    """1-4 semantic changes that never touch what history edits change."""
    spec = doc["spec"]
    changes = [
        lambda: spec.__setitem__("replicas", spec["replicas"] + rng.randint(1, 5)),
        lambda: spec["image"].__setitem__("tag", spec["image"]["tag"] + "-rc1"),
        lambda: spec["ports"][0].__setitem__("containerPort", str(spec["ports"][0]["containerPort"])),
        lambda: spec["env"].append({"name": "EXTRA_FLAG", "value": "on"}),
        lambda: doc["features"].pop(next(iter(doc["features"]))),
        lambda: spec["autoscaling"].__setitem__("targetCPUUtilization",
                                                spec["autoscaling"]["targetCPUUtilization"] + 0.05),
        lambda: spec["probes"]["liveness"].__setitem__("enabled", False),
        lambda: doc["database"].__setitem__("password", "vault:secret/db"),
        lambda: doc["description"].lines.append("changed " + words(rng, 3)),
        lambda: doc["routes"][0].__setitem__("auth", "oidc"),
    ]
    for change in rng.sample(changes, rng.randint(1, 4)):
        change()


def edit(doc, commit):
    """What history commit `commit` changes in a file it edits."""
    doc["metadata"]["revision"] = commit
    doc["metadata"]["annotations"]["platform.example.com/change"] = f"CHG-{commit:05d}"


def service_name(index):
    return f"{NOUNS[index % len(NOUNS)]}-{TEAMS[index % len(TEAMS)]}-{index:05d}"


# --------------------------------------------------------------------------
# Writing YAML in a given style


class Style:
    """How one file is written. Two styles of one document load equal.

    Most choices are made node by node from the style's own random stream,
    so a cosmetic copy differs all over, not in one place."""

    __slots__ = ("r", "indent", "seq_indent", "reorder", "quote", "comment", "flow",
                 "expand_aliases", "null_token", "header", "rng")

    def __init__(self, rng, indent, seq_indent, reorder, quote, comment, flow,
                 expand_aliases, null_token, header):
        self.rng = rng
        self.r = rng.random
        self.indent = indent
        self.seq_indent = seq_indent
        self.reorder = reorder
        self.quote = quote
        self.comment = comment
        self.flow = flow
        self.expand_aliases = expand_aliases
        self.null_token = null_token
        self.header = header


def first_style(seed, index):
    rng = random.Random(seed * 7_000_003 + index)
    return Style(rng, indent=rng.choice([2, 2, 2, 4]), seq_indent=rng.random() < 0.7,
                 reorder=0.0, quote=0.05, comment=0.02, flow=rng.choice([0.0, 0.3]),
                 expand_aliases=False, null_token="null",
                 header=f"# Configuration of {service_name(index)}\n")


def second_style(seed, index):
    """A cosmetic rewrite: same document, different text."""
    rng = random.Random(seed * 9_000_011 + index)
    base = first_style(seed, index)
    return Style(rng, indent=6 - base.indent if rng.random() < 0.5 else base.indent,
                 seq_indent=not base.seq_indent if rng.random() < 0.5 else base.seq_indent,
                 reorder=0.3, quote=0.3, comment=0.1, flow=0.5 - base.flow,
                 expand_aliases=rng.random() < 0.5, null_token="~",
                 header=f"# {service_name(index)}: copied from implementation_1, reformatted\n")


SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))
NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_safe_cache = {}


def plain_safe(text):
    """Whether `text` reads back as the same string when written unquoted,
    under YAML 1.2 (confdiff) and YAML 1.1 (PyYAML) alike."""
    safe = _safe_cache.get(text)
    if safe is None:
        safe = bool(PLAIN_UNIT.match(text)) or (
            bool(PLAIN_WORD.match(text)) and text.lower() not in RESERVED)
        if len(_safe_cache) < 100_000:
            _safe_cache[text] = safe
    return safe


def scalar(value, style):
    kind = type(value)
    if kind is str:
        quote = style.quote
        if plain_safe(value):
            if quote:
                roll = style.r()
                if roll < quote:
                    return "'" + value + "'" if roll < quote / 2 else '"' + value + '"'
            return value
        if quote and "'" not in value and style.r() < quote:
            return "'" + value + "'"
        if NEEDS_ESCAPE.search(value):
            return json.dumps(value, ensure_ascii=False)
        return '"' + value + '"'
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return style.null_token
    return repr(value)


def flowable(value):
    if type(value) is dict:
        return 0 < len(value) <= 3 and all(type(v) in SCALAR_TYPES for v in value.values())
    if type(value) is list:
        return 0 < len(value) <= 4 and all(type(v) in SCALAR_TYPES for v in value)
    return False


def flow(value, style):
    if type(value) is dict:
        items = list(value.items())
        if style.reorder and style.r() < style.reorder:
            style.rng.shuffle(items)
        return "{" + ", ".join(k + ": " + scalar(v, style) for k, v in items) + "}"
    return "[" + ", ".join(scalar(v, style) for v in value) + "]"


def pinned(value):
    """Anchors and aliases keep their places, so an alias never comes first."""
    if type(value) in (Anchored, Alias):
        return True
    return type(value) is list and any(
        type(item) is dict and any(type(v) is Alias for v in item.values())
        for item in value)


def shuffle_unpinned(items, style):
    free = [n for n, (_, value) in enumerate(items) if not pinned(value)]
    moved = [items[n] for n in free]
    style.rng.shuffle(moved)
    for n, item in zip(free, moved):
        items[n] = item


def comment_text(style):
    return WORDS[int(style.r() * len(WORDS))]


def emit_mapping(mapping, indent, style, out, lead=None):
    """Block mapping; `lead` replaces the first line's indent (`- ` in a list)."""
    items = mapping.items()
    if style.reorder and style.r() < style.reorder:
        items = list(items)
        shuffle_unpinned(items, style)
    pad = " " * indent
    r = style.r
    comment = style.comment
    key_quote = style.quote / 3
    head = pad if lead is None else lead
    for key, value in items:
        if key_quote and key != MERGE and r() < key_quote:
            key = '"' + key + '"'
        if type(value) in SCALAR_TYPES:
            if comment and r() < comment:
                out.append(f"{head}{key}: {scalar(value, style)}  # {comment_text(style)}\n")
            else:
                out.append(f"{head}{key}: {scalar(value, style)}\n")
        else:
            out.append(f"{head}{key}:")
            emit_node(value, indent, style, out)
        if comment and r() < comment:
            out.append(f"{pad}# {comment_text(style)} {comment_text(style)}\n")
        head = pad


def emit_sequence(items, indent, style, out):
    pad = " " * indent
    dash = pad + "- "
    for item in items:
        kind = type(item)
        if kind in SCALAR_TYPES:
            out.append(dash + scalar(item, style) + "\n")
        elif kind is dict:
            if style.flow and flowable(item) and style.r() < style.flow:
                out.append(dash + flow(item, style) + "\n")
            else:
                emit_mapping(item, indent + 2, style, out, dash)
        else:
            out.append(pad + "-")
            emit_node(item, indent, style, out)


def emit_node(value, indent, style, out):
    """What follows `key:` or `-` for anything but a plain scalar: inline
    text then a newline, or a newline then an indented block."""
    prefix = ""
    kind = type(value)
    if kind is Anchored:
        if not style.expand_aliases:
            prefix = " &" + value.name
        value = value.value
    elif kind is Alias:
        if not style.expand_aliases:
            out.append(f" *{value.target.name}\n")
            return
        value = value.target.value
    kind = type(value)
    if kind is Block:
        step = " " * (indent + style.indent)
        out.append(f"{prefix} {value.indicator}\n")
        out.append("".join(step + line + "\n" for line in value.lines))
    elif kind in SCALAR_TYPES:
        out.append(f"{prefix} {scalar(value, style)}\n")
    elif style.flow and flowable(value) and style.r() < style.flow:
        out.append(f"{prefix} {flow(value, style)}\n")
    elif kind is dict:
        out.append(prefix + "\n")
        emit_mapping(value, indent + style.indent, style, out)
    else:
        out.append(prefix + "\n")
        emit_sequence(value, indent + (style.indent if style.seq_indent else 0), style, out)


def render(doc, style):
    out = [style.header]
    emit_mapping(doc, 0, style, out)
    return "".join(out).encode()


# --------------------------------------------------------------------------
# The repository


class Stream:
    """A git fast-import stream with marks."""

    def __init__(self, sink):
        self.sink = sink
        self.next_mark = 1
        self.parts = []
        self.size = 0

    def mark(self):
        mark = self.next_mark
        self.next_mark += 1
        return mark

    def write(self, data):
        self.parts.append(data)
        self.size += len(data)
        if self.size > 1 << 20:
            self.flush()

    def flush(self):
        self.sink.write(b"".join(self.parts))
        self.parts = []
        self.size = 0

    def blob(self, data):
        mark = self.mark()
        self.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
        return mark

    def commit(self, number, message, parent, files):
        mark = self.mark()
        when = b"%d +0000" % (EPOCH + number * 3600)
        message = message.encode()
        head = [b"commit refs/heads/main\nmark :%d\n" % mark,
                b"author %s %s\ncommitter %s %s\n" % (IDENT, when, IDENT, when),
                b"data %d\n%s\n" % (len(message), message)]
        if parent:
            head.append(b"from :%d\n" % parent)
        self.write(b"".join(head))
        self.write(b"".join(b"M 100644 :%d %s\n" % (blob, path.encode()) for path, blob in files))
        self.write(b"\n")
        return mark

    def tag(self, name, commit_mark, number):
        when = b"%d +0000" % (EPOCH + number * 3600 + 60)
        message = f"Release {name}\n".encode()
        self.write(b"tag %s\nfrom :%d\ntagger %s %s\ndata %d\n%s\n"
                   % (name.encode(), commit_mark, IDENT, when, len(message), message))


def categories(n, identical, cosmetic, seed):
    """Each service's kind; the shares are exact (rounded), the order shuffled."""
    n_identical = round(n * identical)
    n_cosmetic = min(round(n * cosmetic), n - n_identical)
    kinds = (["identical"] * n_identical + ["cosmetic"] * n_cosmetic
             + ["semantic"] * (n - n_identical - n_cosmetic))
    random.Random(seed).shuffle(kinds)
    return kinds


class Platform:
    """The files' states. A file's text follows from its service, its side
    and the history commit that last edited it, so any file can be rendered
    on its own, in any process."""

    def __init__(self, args):
        self.args = args
        self.kinds = categories(args.services, args.identical, args.cosmetic, args.seed)
        # last_edit[side][i]: the history commit that last edited the file (0: none).
        self.last_edit = [[0] * args.services, [0] * args.services]

    def text(self, side, index, last_edit):
        args = self.args
        doc = build(args.seed, index, args.kb)
        kind = self.kinds[index]
        if side == 1 and kind == "semantic":
            mutate(doc, random.Random(args.seed * 5_000_011 + index))
        if last_edit:
            edit(doc, last_edit)
        if side == 1 and kind != "identical":
            style = second_style(args.seed, index)
        else:
            style = first_style(args.seed, index)
        return render(doc, style)

    def path(self, side, index):
        return f"{SIDES[side]}/{service_name(index)}/{FILE}"

    def same_document(self, index):
        return (self.kinds[index] != "semantic"
                and self.last_edit[0][index] == self.last_edit[1][index])


_platform = None  # the Platform of a rendering worker process


def _render_task(task):
    side, index, last_edit = task
    if side is None:  # both sides of a first-commit service
        left = _platform.text(0, index, 0)
        if _platform.kinds[index] == "identical":
            return left, None
        return left, _platform.text(1, index, 0)
    return _platform.text(side, index, last_edit)


def _start_worker(platform):
    global _platform
    _platform = platform


def rendered(platform, tasks, jobs):
    """Texts of `tasks`, in order, rendered by `jobs` processes."""
    _start_worker(platform)
    if jobs <= 1:
        yield from map(_render_task, tasks)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(platform,)) as pool:
        yield from pool.imap(_render_task, tasks, chunksize=64)


def history_plan(args):
    """For each history commit, the (side, service) files it edits."""
    n = args.services
    rng = random.Random(args.seed * 3_000_017)
    everything = [(side, i) for side in (0, 1) for i in range(n)]
    hot = rng.sample(everything, max(1, len(everything) // 20))
    per_commit = min(max(1, round(len(everything) * args.edit_share)), len(everything))
    plan = []
    for _ in range(args.history):
        chosen = set()
        while len(chosen) < per_commit:
            pool = hot if rng.random() < args.hot_weight else everything
            chosen.add(pool[int(rng.random() * len(pool))])
        plan.append(sorted(chosen))
    return plan


def generate(args, sink):
    platform = Platform(args)
    stream = Stream(sink)
    n = args.services
    plan = history_plan(args)
    tasks = [(None, i, 0) for i in range(n)]
    tasks.extend((side, i, number)
                 for number, edits in enumerate(plan, start=1) for side, i in edits)
    texts = rendered(platform, tasks, args.jobs)

    files = []
    for side_dir in SIDES:
        readme = f"# {side_dir}\n\nOne folder per service, each with {FILE}.\n".encode()
        files.append((f"{side_dir}/README.md", stream.blob(readme)))
    for i in range(n):
        left, right = next(texts)
        left_mark = stream.blob(left)
        files.append((platform.path(0, i), left_mark))
        files.append((platform.path(1, i), left_mark if right is None else stream.blob(right)))
    head = stream.commit(0, f"Import {n} services\n", None, files)
    tags = []
    tag_name = lambda k: f"v1.{k}.0"
    stream.tag(tag_name(0), head, 0)
    tags.append({"name": tag_name(0), "commit": 0, "last_edit": [list(s) for s in platform.last_edit]})

    for number, edits in enumerate(plan, start=1):
        changed = []
        for side, i in edits:
            platform.last_edit[side][i] = number
            changed.append((platform.path(side, i), stream.blob(next(texts))))
        head = stream.commit(number, f"Change {len(changed)} configs (CHG-{number:05d})\n", head, changed)
        if number % args.tag_every == 0:
            name = tag_name(number // args.tag_every)
            stream.tag(name, head, number)
            tags.append({"name": name, "commit": number,
                         "last_edit": [list(s) for s in platform.last_edit]})
    stream.write(b"done\n")
    stream.flush()
    return manifest(args, platform, tags)


def manifest(args, platform, tags):
    n = args.services
    kinds = platform.kinds
    identical = sum(1 for i in range(n) if platform.same_document(i))
    result = {
        "generator": "benches/gen.py",
        "seed": args.seed,
        "services": n,
        "kb": args.kb,
        "file": FILE,
        "sides": list(SIDES),
        "commits": args.history + 1,
        "kinds": {kind: kinds.count(kind) for kind in ("identical", "cosmetic", "semantic")},
        # What `compare implementation_1 implementation_2` must find at HEAD.
        "expected_head": {"services": n, "identical": identical, "different": n - identical,
                          "missing_left": 0, "missing_right": 0, "errors": 0},
        "service_kinds": {service_name(i): kinds[i] for i in range(n)},
        "tags": [],
    }
    for tag in tags:
        entry = {"name": tag["name"], "commit": tag["commit"]}
        # Services of each implementation that changed since the first tag.
        first = tags[0]["last_edit"]
        entry["changed_since_first_tag"] = {
            SIDES[side]: sum(1 for i in range(n) if tag["last_edit"][side][i] != first[side][i])
            for side in (0, 1)}
        result["tags"].append(entry)
    return result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=150, help="services per implementation")
    parser.add_argument("--kb", type=int, default=3, help="approximate size of each config, KB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--identical", type=float, default=0.3,
                        help="share of services whose two configs are the same blob")
    parser.add_argument("--cosmetic", type=float, default=0.2,
                        help="share written differently but equal; the rest differ")
    parser.add_argument("--history", type=int, default=0, metavar="M",
                        help="commits after the first, each editing --edit-share of the configs")
    parser.add_argument("--edit-share", type=float, default=0.02)
    parser.add_argument("--hot-weight", type=float, default=0.95,
                        help="chance that an edit goes to the hot 5%% of the configs")
    parser.add_argument("--tag-every", type=int, default=25, help="tag every N history commits")
    parser.add_argument("--manifest", help="write the manifest JSON here")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="rendering processes (the output does not depend on it)")
    args = parser.parse_args(argv)
    if args.services < 1 or args.kb < 1 or args.tag_every < 1 or args.history < 0:
        parser.error("--services, --kb and --tag-every must be positive, --history not negative")
    if not (0 <= args.identical <= 1 and 0 <= args.cosmetic <= 1):
        parser.error("--identical and --cosmetic are shares between 0 and 1")
    return args


def main(argv):
    args = parse_args(argv)
    result = generate(args, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    if args.manifest:
        with open(args.manifest, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
