#!/usr/bin/env python3
"""The comparison a user might write instead of confdiff.

Walks two implementation folders of a checked-out work tree, loads each
service's configuration.yml with PyYAML, compares the two documents with a
plain recursive dict walk, prints every difference, then one summary line
of JSON. One process, one thread: the straightforward way.

    python3 benches/pyyaml_compare.py WORKTREE/implementation_1 WORKTREE/implementation_2
    python3 benches/pyyaml_compare.py --libyaml ...   # PyYAML's C loader

The benchmark uses it as the baseline confdiff must beat.
"""

import argparse
import json
import math
import os
import sys

import yaml


def walk(a, b, path, out):
    if type(a) is not type(b):
        out.append((path, "type_changed", a, b))
    elif isinstance(a, dict):
        for key, value in a.items():
            if key in b:
                walk(value, b[key], path + [key], out)
            else:
                out.append((path + [key], "removed", value, None))
        for key, value in b.items():
            if key not in a:
                out.append((path + [key], "added", None, value))
    elif isinstance(a, list):
        for i in range(min(len(a), len(b))):
            walk(a[i], b[i], path + [i], out)
        for i in range(len(b), len(a)):
            out.append((path + [i], "removed", a[i], None))
        for i in range(len(a), len(b)):
            out.append((path + [i], "added", None, b[i]))
    elif a != b and not (isinstance(a, float) and math.isnan(a) and math.isnan(b)):
        out.append((path, "changed", a, b))


def services(folder, name):
    try:
        entries = os.listdir(folder)
    except FileNotFoundError:
        return set()
    return {e for e in entries if os.path.isfile(os.path.join(folder, e, name))}


def load(path, loader):
    with open(path, "rb") as f:
        return yaml.load(f, Loader=loader)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("left")
    parser.add_argument("right")
    parser.add_argument("--file", default="configuration.yml")
    parser.add_argument("--libyaml", action="store_true", help="use yaml.CSafeLoader")
    args = parser.parse_args()
    loader = yaml.CSafeLoader if args.libyaml else yaml.SafeLoader

    left, right = services(args.left, args.file), services(args.right, args.file)
    summary = {"services": 0, "identical": 0, "different": 0, "missing_left": 0,
               "missing_right": 0, "errors": 0, "differences": 0}
    out = sys.stdout
    for service in sorted(left | right):
        summary["services"] += 1
        if service not in right:
            summary["missing_right"] += 1
            out.write(f"{service}: missing on the right\n")
            continue
        if service not in left:
            summary["missing_left"] += 1
            out.write(f"{service}: missing on the left\n")
            continue
        try:
            a = load(os.path.join(args.left, service, args.file), loader)
            b = load(os.path.join(args.right, service, args.file), loader)
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            summary["errors"] += 1
            out.write(f"{service}: error: {e}\n")
            continue
        differences = []
        walk(a, b, [], differences)
        if not differences:
            summary["identical"] += 1
            continue
        summary["different"] += 1
        summary["differences"] += len(differences)
        for path, kind, x, y in differences:
            out.write(f"{service}: {kind} {'.'.join(map(str, path))}: {x!r} -> {y!r}\n")
    out.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
