#!/usr/bin/env python3
"""Test: generates a synthetic server with gen_server.py, runs evguard on it,
and compares evguard's findings with the ones the generator computed from its
own call graph. Exit 0 when they match exactly, 1 otherwise (with the
difference), 2 when evguard itself failed.

Usage: check_synthetic.py --evguard PATH --out DIR [--tus N] [--seed S] [-- EVGUARD_ARGS...]
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evguard", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tus", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("evguard_args", nargs="*")
    args = ap.parse_args()

    subprocess.run([sys.executable, os.path.join(HERE, "gen_server.py"), args.out,
                    "--tus", str(args.tus), "--seed", str(args.seed)], check=True)
    report = os.path.join(args.out, "evguard-findings.json")
    # cwd = the TUs' directory: see docs/evaluation.md (parallel parses share
    # the process' working directory).
    try:
        run = subprocess.run([args.evguard, "-p", args.out, "--format=json", "--exit-zero",
                              "--source-root", args.out, "-o", report] + args.evguard_args,
                             cwd=args.out, capture_output=True, text=True)
    except OSError as e:
        print("cannot run evguard %s: %s" % (args.evguard, e))
        return 2
    if run.returncode != 0:
        print("evguard failed (exit %d):\n%s" % (run.returncode, run.stderr))
        return 2
    got_report = json.load(open(report))
    if got_report["stats"]["failed_translation_units"]:
        print("evguard could not parse every TU:", got_report["notifications"])
        return 1

    key = lambda f: (f["file"], f["line"], f["callee"])
    expected = {key(f): f for f in json.load(open(os.path.join(args.out, "expected-findings.json")))["findings"]}
    got = {key(f): f for f in got_report["findings"] if f["rule"] == "evguard-blocking-call"}
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    for k in missing:
        print("missing: %s:%d call to %s in %s" % (k + (expected[k]["function"],)))
    for k in extra:
        roots = ", ".join(got[k].get("roots", [])[:3])
        print("unexpected: %s:%d call to %s (from %s)" % (k + (roots,)))
    print("%d expected, %d reported, %d missing, %d unexpected" %
          (len(expected), len(got), len(missing), len(extra)))
    return 1 if missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
