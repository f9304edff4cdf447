#!/usr/bin/env python3
"""The result must not depend on -j or on the order of compile_commands.json:
analyzes every multi-TU case with -j1 and -j2, in file order and reversed,
and compares the JSON reports."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from run_case import case_sources, compile_commands, parse_expectations  # noqa: E402


def report(evguard, build, jobs):
    out = subprocess.run([evguard, "-p", build, "--format=json", "-j", str(jobs),
                          "--source-root", "/"], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"evguard failed: {out.stderr}")
    return json.dumps(json.loads(out.stdout)["findings"], sort_keys=True)


def main():
    evguard, cases_dir, root = sys.argv[1:4]
    cases = [os.path.join(cases_dir, c) for c in sorted(os.listdir(cases_dir))
             if os.path.isdir(os.path.join(cases_dir, c))]
    checked = 0
    for case in cases:
        sources = case_sources(case)
        cflags = parse_expectations(case)[2]
        runs = []
        for order in (sources, list(reversed(sources))):
            with tempfile.TemporaryDirectory() as build:
                compile_commands(case, order, cflags, root, build)
                for jobs in (1, 2):
                    runs.append(report(evguard, build, jobs))
        if len(set(runs)) != 1:
            print(f"FAILED: {case}: the report changes with -j or file order")
            return 1
        if runs[0] == "[]":
            print(f"note: {case} has no findings (determinism checked anyway)")
        checked += 1
    if checked == 0:
        print("FAILED: no multi-TU case found")
        return 1
    print(f"ok: {checked} multi-TU cases give the same report for -j1/-j2 and any file order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
