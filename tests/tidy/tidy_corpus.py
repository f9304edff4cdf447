#!/usr/bin/env python3
"""Runs one corpus case (tests/corpus/cases) through both front ends and
checks that they say the same thing.

  tidy_corpus.py CLANG_TIDY PLUGIN EVGUARD CASE PROJECT_ROOT

The CLI runs over the whole case (evguard -p BUILD --format=text). The
plugin runs the real clang-tidy binary with --load on each source of the
case:
  * a single file: `clang-tidy FILE -- FLAGS` (the TU alone);
  * a directory (a multi-TU program): the CLI first writes the summaries
    (--emit-summaries DIR), then `clang-tidy -p BUILD FILE` per source with
    SummaryDir=DIR, so that chains crossing TUs are found.
Both outputs are cut into findings (the warning line and its notes) and must
be equal: same rule, file, line, column, message and notes. The one known
difference is the level of an unknown-call finding (the CLI prints it as a
note, clang-tidy needs a warning to attach notes to), so primary levels are
compared as "finding".
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

SOURCE_EXT = (".c", ".cc", ".cpp")
DIAG = re.compile(r"^(?P<loc>[^ \t:][^:]*:\d+:\d+: )?(?P<level>warning|error|note): (?P<msg>.*)$")
RULE = re.compile(r" \[(evguard-[a-z-]+)\]$")
NON_STRICT = "evguard-blocking-call,evguard-page-fault,evguard-nonblocking-violation"


def sources(case):
    if os.path.isdir(case):
        return sorted(os.path.join(case, f) for f in os.listdir(case) if f.endswith(SOURCE_EXT))
    return [case]


def directives(case):
    run_args, cflags = [], []
    files = [os.path.join(case, f) for f in sorted(os.listdir(case))] if os.path.isdir(case) else [case]
    for path in files:
        if not path.endswith(SOURCE_EXT + (".h", ".hpp")):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.search(r"//\s*RUN-ARGS:\s*(.*)$", line)
                if m:
                    run_args += shlex.split(m.group(1))
                m = re.search(r"//\s*CFLAGS:\s*(.*)$", line)
                if m:
                    cflags += shlex.split(m.group(1))
    return run_args, cflags


def compile_args(src, case_dir, cflags, root):
    cxx = not src.endswith(".c")
    return (["-std=c++20" if cxx else "-std=gnu11", "-I" + os.path.join(root, "runtime", "include"),
             "-I" + case_dir] + [a.replace("$CASE", case_dir) for a in cflags])


def tidy_options(run_args, case_dir):
    """The CLI's arguments as CheckOptions; (checks, options)."""
    checks = "-*," + NON_STRICT
    opts = {}
    it = iter(run_args)
    for arg in it:
        if arg == "--strict":
            checks += ",evguard-unknown-call"
        elif arg == "--db":
            files = opts.get("evguard.AnnotationFiles", "")
            opts["evguard.AnnotationFiles"] = ";".join(
                x for x in (files, os.path.join(case_dir, next(it))) if x)
        elif arg == "--no-pointer-fallback":
            opts["evguard.PointerFallback"] = "false"
        elif arg.startswith("--categories="):
            opts["evguard.Categories"] = arg.split("=", 1)[1]
        elif arg.startswith("--chain-limit="):
            opts["evguard.ChainLimit"] = arg.split("=", 1)[1]
        else:
            raise SystemExit(f"tidy_corpus.py: no CheckOptions equivalent for RUN-ARGS '{arg}'; "
                             "teach tidy_options() about it")
    return checks, opts


def findings(text):
    """Cuts clang-style output into findings: (primary, (notes...)). A line
    ending in [evguard-...] starts a finding (the CLI prints unknown calls
    at level note, clang-tidy as a warning: the level is left out)."""
    out, cur = [], None
    for line in text.splitlines():
        m = DIAG.match(line)
        if not m:
            continue
        rule = RULE.search(line)
        if rule and m.group("level") == "note" and rule.group(1) != "evguard-unknown-call":
            # Not a finding: clang-tidy labels the notes of a warning that a
            # malformed NOLINT comment left half-suppressed this way.
            continue
        if rule:
            cur = ((m.group("loc") or "") + "finding: " + RULE.sub("", m.group("msg"))
                   + " [" + rule.group(1) + "]", [])
            out.append(cur)
        elif cur is not None and m.group("level") == "note":
            cur[1].append(line)
    return sorted((p, tuple(n)) for p, n in out)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    tidy, plugin, evguard, case, root = sys.argv[1:6]
    case = os.path.abspath(case)
    case_dir = case if os.path.isdir(case) else os.path.dirname(case)
    srcs = sources(case)
    run_args, cflags = directives(case)
    checks, opts = tidy_options(run_args, case_dir)
    cli_args = [os.path.join(case_dir, a) if a.endswith(".json") else a for a in run_args]

    with tempfile.TemporaryDirectory() as work:
        build = os.path.join(work, "build")
        os.mkdir(build)
        entries = [{"directory": build, "file": s,
                    "arguments": ["clang++" if not s.endswith(".c") else "clang"]
                    + compile_args(s, case_dir, cflags, root) + ["-c", s]} for s in srcs]
        with open(os.path.join(build, "compile_commands.json"), "w") as f:
            json.dump(entries, f)
        summaries = os.path.join(work, "summaries")
        cli = [evguard, "-p", build, "--format=text", "--exit-zero"] + cli_args
        if os.path.isdir(case):
            cli += ["--emit-summaries", summaries]
            opts["evguard.SummaryDir"] = summaries
        got_cli = run(cli, cwd=work)
        if got_cli.returncode != 0:
            print(f"evguard failed (exit {got_cli.returncode}): {shlex.join(cli)}\n{got_cli.stderr}")
            return 1

        config = json.dumps({"Checks": checks, "CheckOptions": opts})
        tidy_out = []
        for src in srcs:
            cmd = [tidy, "--load=" + plugin, "--config=" + config, "--quiet", src]
            if os.path.isdir(case):
                cmd[1:1] = ["-p", build]
            else:
                cmd += ["--"] + compile_args(src, case_dir, cflags, root)
            got = run(cmd, cwd=work)
            # clang-tidy's own check of NOLINT comments may reject a case's
            # prose (a comment naming "NOLINTBEGIN/NOLINTEND(...)"); that is
            # clang-tidy judging the file, not the plugin: say so and go on.
            nolint = [l for l in got.stdout.splitlines() if l.endswith("[clang-tidy-nolint]")]
            if nolint and got.returncode == 1 and "error:" not in got.stderr.replace(
                    "Error while processing", ""):
                print("note: clang-tidy rejects a NOLINT comment of this case:\n  " + "\n  ".join(nolint))
                got = subprocess.CompletedProcess(got.args, 0, got.stdout, got.stderr)
            if got.returncode != 0 or "error:" in got.stderr:
                print(f"clang-tidy failed (exit {got.returncode}): {shlex.join(cmd)}\n"
                      f"{got.stdout}\n{got.stderr}")
                return 1
            tidy_out.append(got.stdout)

    want = findings(got_cli.stdout)
    have = []
    for out in tidy_out:
        have += findings(out)
    # A finding in a header shared by two TUs is reported by both.
    have = sorted(set(have))
    if want == have:
        print(f"ok: {case}: {len(want)} finding(s), the same from evguard and clang-tidy")
        return 0
    print(f"FAILED: {case}: evguard and clang-tidy differ")
    for p, notes in want:
        if (p, notes) not in have:
            print("  only evguard:    " + p + "".join("\n      " + n for n in notes))
    for p, notes in have:
        if (p, notes) not in want:
            print("  only clang-tidy: " + p + "".join("\n      " + n for n in notes))
    return 1


if __name__ == "__main__":
    sys.exit(main())
