#!/usr/bin/env python3
"""Runs the real evguard on one annotated test case and compares its findings
with the expectations written next to the lines they are about.

A case is a source file (tests/corpus/cases/NAME.c or .cpp) or a directory of
them (a multi-TU program). In any source of the case:

  // EXPECT: evguard-blocking-call [callee=NAME] [category=C] [roots=A,B] [via=X]
          [program=P]
      a finding of that rule at this line (in program P: docs/analysis.md) (several may be joined with ';');
      quote a value with spaces: roots="main::(lambda at line 12:5)"
  // EXPECT-SUPPRESSED: evguard-blocking-call [justification=TEXT]
      a finding that is reported as suppressed (NOLINT, EVGUARD_ALLOW_BLOCKING)
  // EXPECT-NEXT-LINE: ...   (the same, for the following line, for lines
      that already carry a comment such as NOLINT)
  // RUN-ARGS: --strict      extra evguard arguments (--db paths are relative
      to the case)
  // CFLAGS: -DFOO           extra compiler flags for every file of the case
      ($CASE stands for the case's folder: -isystem$CASE/include)

Every finding evguard reports must be expected, and every expectation found.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

EXPECT = re.compile(r"//\s*EXPECT(-SUPPRESSED)?(-NEXT-LINE)?:\s*(.*)$")
SOURCE_EXT = (".c", ".cc", ".cpp")


def case_sources(case):
    if os.path.isdir(case):
        return sorted(os.path.join(case, f) for f in os.listdir(case)
                      if f.endswith(SOURCE_EXT))
    return [case]


def case_files(case):
    if os.path.isdir(case):
        return sorted(os.path.join(case, f) for f in os.listdir(case)
                      if os.path.isfile(os.path.join(case, f)))
    return [case]


def parse_expectations(case):
    expected, run_args, cflags = [], [], []
    for path in case_files(case):
        if not path.endswith(SOURCE_EXT + (".h", ".hpp")):
            continue
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = re.search(r"//\s*RUN-ARGS:\s*(.*)$", line)
                if m:
                    run_args += shlex.split(m.group(1))
                m = re.search(r"//\s*CFLAGS:\s*(.*)$", line)
                if m:
                    cflags += shlex.split(m.group(1))
                m = EXPECT.search(line)
                if not m:
                    continue
                suppressed = bool(m.group(1))
                target = lineno + 1 if m.group(2) else lineno
                for item in m.group(3).split(";"):
                    words = shlex.split(item)
                    if not words:
                        continue
                    attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
                    expected.append({"file": os.path.realpath(path), "line": target,
                                     "rule": words[0], "suppressed": suppressed,
                                     "attrs": attrs, "where": f"{path}:{lineno}"})
    return expected, run_args, cflags


def compile_commands(case, sources, cflags, project_root, build):
    include = os.path.join(project_root, "runtime", "include")
    case_dir = case if os.path.isdir(case) else os.path.dirname(case)
    entries = []
    for src in sources:
        cxx = not src.endswith(".c")
        args = ["clang++" if cxx else "clang", "-std=c++20" if cxx else "-std=gnu11",
                "-I" + include, "-I" + case_dir]
        args += [a.replace("$CASE", case_dir) for a in cflags] + ["-c", src]
        entries.append({"directory": build, "file": src, "arguments": args})
    with open(os.path.join(build, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


def matches(exp, finding):
    if finding["rule"] != exp["rule"] or finding["line"] != exp["line"]:
        return False
    if os.path.realpath(finding["abs"]) != exp["file"]:
        return False
    if bool(finding.get("suppression")) != exp["suppressed"]:
        return False
    attrs = exp["attrs"]
    if "callee" in attrs and finding["callee"] != attrs["callee"]:
        return False
    if "category" in attrs and finding["category"] != attrs["category"]:
        return False
    if "roots" in attrs and sorted(finding["roots"]) != sorted(attrs["roots"].split(",")):
        return False
    if "program" in attrs and finding.get("program") != attrs["program"]:
        return False
    if "justification" in attrs:
        just = (finding.get("suppression") or {}).get("justification", "")
        if attrs["justification"].replace("_", " ") not in just:
            return False
    if "via" in attrs:
        vias = [c.get("registered_via") for c in finding["chains"]]
        if attrs["via"] not in vias:
            return False
    return True


def main():
    evguard, case, project_root = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    sources = case_sources(case)
    expected, run_args, cflags = parse_expectations(case)
    case_dir = case if os.path.isdir(case) else os.path.dirname(case)
    run_args = [a if not a.endswith(".json") else os.path.join(case_dir, a) for a in run_args]
    with tempfile.TemporaryDirectory() as build:
        compile_commands(case, sources, cflags, project_root, build)
        cmd = [evguard, "-p", build, "--format=json", "--source-root", "/"] + run_args
        proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        print(f"evguard failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
        return 1
    report = json.loads(proc.stdout)
    findings = report["findings"]
    for f in findings:
        f["abs"] = f["file"] if f["file"].startswith("/") else "/" + f["file"]
    problems = []
    unmatched = list(findings)
    for exp in expected:
        hit = next((f for f in unmatched if matches(exp, f)), None)
        if hit is None:
            problems.append(f"{exp['where']}: expected {'suppressed ' if exp['suppressed'] else ''}"
                            f"{exp['rule']} {exp['attrs'] or ''} at line {exp['line']}: not reported")
        else:
            unmatched.remove(hit)
    for f in unmatched:
        problems.append(f"{f['abs']}:{f['line']}:{f['column']}: unexpected {f['rule']}"
                        f"{' (suppressed)' if f.get('suppression') else ''}: {f['message']} "
                        f"[roots: {', '.join(f['roots'])}]")
    for n in report.get("notifications", []):
        problems.append(f"notification: {n['message']}")
    if problems:
        print("\n".join(problems))
        print(f"FAILED: {case}: {len(problems)} problem(s)")
        return 1
    print(f"ok: {case}: {len(expected)} expected finding(s), all found, nothing else")
    return 0


if __name__ == "__main__":
    sys.exit(main())
