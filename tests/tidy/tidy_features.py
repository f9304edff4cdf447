#!/usr/bin/env python3
"""End-to-end tests of the evguard clang-tidy plugin inside clang-tidy's own
workflow, each running the real clang-tidy binary:

  tidy_features.py TEST CLANG_TIDY PLUGIN EVGUARD

TEST is one of the functions named test_* below (without the prefix).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
ROOT = os.path.dirname(os.path.dirname(HERE))
ALL = "-*,evguard-*"


class Failure(Exception):
    pass


def check(cond, what, output=""):
    if not cond:
        raise Failure(what + ("\n--- output ---\n" + output if output else ""))


def run(cmd, cwd=None, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=full_env)


def warnings(text, rule=None):
    """(file basename, line, column, rule) of every warning line."""
    out = []
    for m in re.finditer(r"^(\S+):(\d+):(\d+): warning: .* \[([a-z-]+)\]$", text, re.M):
        if rule is None or m.group(4) == rule:
            out.append((os.path.basename(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)))
    return out


def line_of(path, text, nth=1):
    with open(path, encoding="utf-8") as f:
        hits = [i for i, line in enumerate(f, 1) if text in line]
    return hits[nth - 1]


class Env:
    def __init__(self, tidy, plugin, evguard, work):
        self.tidy, self.plugin, self.evguard, self.work = tidy, plugin, evguard, work

    def tidy_cmd(self, *args, checks=ALL):
        cmd = [self.tidy, "--load=" + self.plugin]
        if checks:
            cmd.append("--checks=" + checks)
        return cmd + list(args)

    def copy(self, name):
        dest = os.path.join(self.work, name)
        src = os.path.join(FIXTURES, name)
        if os.path.isdir(src):
            shutil.copytree(src, dest)
        else:
            shutil.copy(src, dest)
        return dest

    def compdb(self, sources, build):
        os.makedirs(build, exist_ok=True)
        entries = [{"directory": build, "file": s,
                    "arguments": ["clang", "-std=gnu11", "-c", s]} for s in sources]
        with open(os.path.join(build, "compile_commands.json"), "w") as f:
            json.dump(entries, f)


def test_load(env):
    """The plugin loads into the stock binary and registers its checks."""
    got = run(env.tidy_cmd("--list-checks"))
    check(got.returncode == 0, "clang-tidy --list-checks failed", got.stderr)
    for name in ("evguard-blocking-call", "evguard-page-fault",
                 "evguard-nonblocking-violation", "evguard-unknown-call"):
        check(re.search(r"^\s+" + name + r"$", got.stdout, re.M), name + " not listed", got.stdout)


def test_finding_and_notes(env):
    src = env.copy("server.cpp")
    got = run(env.tidy_cmd(src, "--", "-std=c++20"), cwd=env.work)
    check(got.returncode == 0, "clang-tidy failed", got.stdout + got.stderr)
    line = line_of(src, "sleep(1)")
    check(warnings(got.stdout) == [("server.cpp", line, 3, "evguard-blocking-call")],
          "expected exactly the sleep(1) finding", got.stdout)
    check("warning: call to 'sleep' may block the event loop" in got.stdout, "message", got.stdout)
    check(re.search(r"server\.cpp:\d+:\d+: note: handler 'on_timer' registered at server\.cpp:\d+:\d+ via uv_timer_start",
                    got.stdout), "handler note", got.stdout)
    check(re.search(r"note: 'on_timer' calls 'sleep'", got.stdout), "chain step note", got.stdout)


def test_nolint(env):
    src = env.copy("nolint.c")
    got = run(env.tidy_cmd(src, "--", "-std=gnu11"), cwd=env.work)
    check(got.returncode == 0, "clang-tidy failed", got.stdout + got.stderr)
    want = [("nolint.c", line_of(src, "sleep(1)"), 3, "evguard-blocking-call"),
            ("nolint.c", line_of(src, "sleep(7)"), 3, "evguard-blocking-call")]
    check(sorted(warnings(got.stdout)) == want, f"expected {want}", got.stdout)
    check("Suppressed 5 warnings (5 NOLINT)" in got.stderr,
          "clang-tidy's NOLINT count should include the evguard findings", got.stderr)


def test_quiet(env):
    """--quiet drops clang-tidy's suppression statistics, not the findings."""
    src = env.copy("nolint.c")
    loud = run(env.tidy_cmd(src, "--", "-std=gnu11"), cwd=env.work)
    quiet = run(env.tidy_cmd("--quiet", src, "--", "-std=gnu11"), cwd=env.work)
    check("Suppressed 5 warnings (5 NOLINT)" in loud.stderr, "without --quiet the statistics print",
          loud.stderr)
    check("Suppressed" not in quiet.stderr, "--quiet prints no statistics", quiet.stderr)
    check(len(warnings(quiet.stdout)) == 2 and warnings(quiet.stdout) == warnings(loud.stdout),
          "--quiet prints the same findings", quiet.stdout)


def test_export_fixes(env):
    src = env.copy("server.cpp")
    yaml_path = os.path.join(env.work, "fixes.yaml")
    got = run(env.tidy_cmd("--export-fixes=" + yaml_path, src, "--", "-std=c++20"), cwd=env.work)
    check(got.returncode == 0 and os.path.exists(yaml_path), "no --export-fixes file", got.stderr)
    with open(yaml_path, encoding="utf-8") as f:
        text = f.read()
    check("DiagnosticName:  evguard-blocking-call" in text, "diagnostic name in YAML", text)
    check("call to ''sleep'' may block the event loop" in text, "message in YAML", text)
    check(re.search(r"Notes:\s*\n\s*- Message:\s+'handler ''on_timer''", text), "notes in YAML", text)
    check("FilePath:        '" + src + "'" in text, "file path in YAML", text)


def test_dot_clang_tidy(env):
    """CheckOptions from a .clang-tidy; AnnotationFiles relative to it, found
    from a run started in another directory; Strict=false silences
    evguard-unknown-call although evguard-* enabled it."""
    proj = env.copy("project")
    src = os.path.join(proj, "src", "main.c")
    got = run(env.tidy_cmd(src, "--", "-std=gnu11", checks=None), cwd=env.work)
    check(got.returncode == 0, "clang-tidy failed", got.stdout + got.stderr)
    check(warnings(got.stdout) == [("main.c", line_of(src, "project_flush();"), 3, "evguard-blocking-call")],
          "expected the project_flush finding only", got.stdout)
    check("(disk-io: writes the journal synchronously)" in got.stdout, "reason from the project database",
          got.stdout)
    dump = run(env.tidy_cmd("--dump-config", src, checks=None), cwd=env.work)
    check("evguard-blocking-call.AnnotationFiles: 'db/project.json'" in dump.stdout
          and "evguard-unknown-call.Strict: 'false'" in dump.stdout
          and "evguard-page-fault.ChainLimit: '3'" in dump.stdout,
          "--dump-config shows the checks' options", dump.stdout)


def test_strict_default(env):
    """Enabling evguard-unknown-call implies Strict."""
    proj = env.copy("project")
    src = os.path.join(proj, "src", "main.c")
    config = json.dumps({"Checks": "-*,evguard-unknown-call"})
    got = run(env.tidy_cmd("--config=" + config, src, "--", "-std=gnu11", checks=None), cwd=env.work)
    check(warnings(got.stdout) == [("main.c", line_of(src, "project_flush();"), 3, "evguard-unknown-call"),
                                   ("main.c", line_of(src, "mystery();"), 3, "evguard-unknown-call")],
          "expected the two unknown calls", got.stdout)


def test_bad_options(env):
    src = env.copy("server.cpp")
    config = json.dumps({"Checks": ALL, "CheckOptions": {"evguard.Categories": "sleep,bogus"}})
    got = run(env.tidy_cmd("--config=" + config, src, "--", "-std=c++20", checks=None), cwd=env.work)
    check("invalid configuration value 'sleep,bogus' for option 'evguard.Categories': unknown category 'bogus'"
          in got.stdout + got.stderr, "unknown category reported", got.stdout + got.stderr)
    check((got.stdout + got.stderr).count("unknown category 'bogus'") == 1, "reported once",
          got.stdout + got.stderr)
    missing = json.dumps({"Checks": ALL, "CheckOptions": {"evguard.AnnotationFiles": "/nonexistent/x.json"}})
    got = run(env.tidy_cmd("--config=" + missing, src, "--", "-std=c++20", checks=None), cwd=env.work)
    check("annotation database file '/nonexistent/x.json' does not exist" in got.stdout + got.stderr,
          "missing database file reported", got.stdout + got.stderr)
    check(got.returncode != 0, "a missing database file fails the run", got.stdout + got.stderr)
    nodir = json.dumps({"Checks": ALL, "CheckOptions": {"evguard.SummaryDir": "/nonexistent/dir"}})
    got = run(env.tidy_cmd("--config=" + nodir, src, "--", "-std=c++20", checks=None), cwd=env.work)
    check("SummaryDir '/nonexistent/dir' is not a directory" in got.stdout + got.stderr
          and got.returncode != 0, "missing SummaryDir reported", got.stdout + got.stderr)


def xtu_setup(env):
    xtu = env.copy("xtu")
    build = os.path.join(env.work, "build")
    srcs = [os.path.join(xtu, "loop.c"), os.path.join(xtu, "work.c")]
    env.compdb(srcs, build)
    summaries = os.path.join(env.work, "summaries")
    got = run([env.evguard, "-p", build, "--emit-summaries", summaries, "--exit-zero"], cwd=env.work)
    check(got.returncode == 0, "evguard --emit-summaries failed", got.stdout + got.stderr)
    return xtu, build, summaries, srcs


def test_cross_tu(env):
    """A chain leaving the TU is found only with SummaryDir; the live AST of
    the current file wins over its stored summary; the four checks share one
    analysis per TU."""
    xtu, build, summaries, srcs = xtu_setup(env)
    loop = srcs[0]
    line = line_of(loop, "usleep(100)")
    alone = run(env.tidy_cmd("-p", build, loop, checks=ALL + ",-evguard-unknown-call"), cwd=env.work)
    check(warnings(alone.stdout) == [], "without SummaryDir the chain is not visible", alone.stdout)
    # ... only that dispatch() is a call evguard cannot see into.
    strict = run(env.tidy_cmd("-p", build, loop), cwd=env.work)
    check(warnings(strict.stdout) == [("loop.c", line_of(loop, "dispatch();"), 3, "evguard-unknown-call")],
          "without SummaryDir, evguard-unknown-call reports the call leaving the TU", strict.stdout)

    config = json.dumps({"Checks": ALL, "CheckOptions": {"evguard.SummaryDir": summaries}})
    got = run(env.tidy_cmd("-p", build, "--config=" + config, loop, checks=None), cwd=env.work,
              env={"EVGUARD_TIDY_TRACE": "1"})
    check(warnings(got.stdout) == [("loop.c", line, 3, "evguard-blocking-call")],
          "with SummaryDir the chain through work.c is found", got.stdout + got.stderr)
    check(re.search(r"note: 'dispatch' calls 'slow_path'", got.stdout), "the step in work.c is a note",
          got.stdout)
    traces = re.findall(r"^evguard-tidy: analyzed .*loop\.c \((\d+) TUs linked", got.stderr, re.M)
    check(traces == ["2"], "one analysis for the four checks, linking loop.c (live) and work.c",
          got.stderr)

    # work.c's own run: the finding is in loop.c, not in this TU.
    other = run(env.tidy_cmd("-p", build, "--config=" + config, srcs[1], checks=None), cwd=env.work)
    check(warnings(other.stdout) == [], "findings outside the TU are left to their TU", other.stdout)

    # Edit loop.c after the summaries were written: the stored loop.c still
    # has the call, the live one does not, and the live one wins.
    with open(loop, encoding="utf-8") as f:
        text = f.read()
    with open(loop, "w", encoding="utf-8") as f:
        f.write(text.replace("usleep(100);", "(void)0;"))
    edited = run(env.tidy_cmd("-p", build, "--config=" + config, loop, checks=None), cwd=env.work)
    check(edited.returncode == 0 and warnings(edited.stdout) == [],
          "the live AST replaces the stored summary", edited.stdout + edited.stderr)


def test_one_analysis_per_tu(env):
    """Two files in one clang-tidy run: one analysis each, with all checks."""
    xtu, build, summaries, srcs = xtu_setup(env)
    got = run(env.tidy_cmd("-p", build, *srcs), cwd=env.work, env={"EVGUARD_TIDY_TRACE": "1"})
    traces = re.findall(r"^evguard-tidy: analyzed (\S+)", got.stderr, re.M)
    check(sorted(os.path.basename(t) for t in traces) == ["loop.c", "work.c"],
          "exactly one analysis per TU", got.stderr)


def test_run_clang_tidy(env):
    runner = shutil.which("run-clang-tidy-19")
    check(runner, "run-clang-tidy-19 is not installed (Debian package clang-tidy-19)")
    xtu, build, summaries, srcs = xtu_setup(env)
    config = json.dumps({"Checks": ALL, "CheckOptions": {"evguard.SummaryDir": summaries}})
    got = run([runner, "-clang-tidy-binary", env.tidy, "-load", env.plugin, "-config", config,
               "-p", build, "-j", "2", "-quiet"], cwd=env.work)
    check(got.returncode == 0, "run-clang-tidy failed", got.stdout + got.stderr)
    check(warnings(got.stdout) == [("loop.c", line_of(srcs[0], "usleep(100)"), 3, "evguard-blocking-call")],
          "run-clang-tidy reports the cross-TU finding once", got.stdout)


def test_cmake_clang_tidy(env):
    cmake = shutil.which("cmake")
    check(cmake, "cmake not found")
    proj = os.path.join(env.work, "tiny")
    os.mkdir(proj)
    shutil.copy(os.path.join(FIXTURES, "server.cpp"), proj)
    with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
        f.write("cmake_minimum_required(VERSION 3.20)\nproject(tiny CXX)\n"
                "add_library(tiny OBJECT server.cpp)\n")
    build = os.path.join(env.work, "tiny-build")
    tidy = ";".join([env.tidy, "--load=" + env.plugin, "--checks=" + ALL])
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    got = run([cmake, "-S", proj, "-B", build, *gen, "-DCMAKE_CXX_CLANG_TIDY=" + tidy])
    check(got.returncode == 0, "configure failed", got.stdout + got.stderr)
    got = run([cmake, "--build", build])
    out = got.stdout + got.stderr
    check(got.returncode == 0, "build failed", out)
    check(re.search(r"server\.cpp:\d+:3: warning: call to 'sleep' may block the event loop .* "
                    r"\[evguard-blocking-call\]", out), "the build prints the evguard warning", out)


def test_install(env):
    """cmake --install puts the plugin in <prefix>/lib/evguard, and from there
    it reads the database installed in <prefix>/share/evguard/annotations."""
    prefix = os.path.join(env.work, "prefix")
    script = os.path.join(os.path.dirname(env.plugin), "cmake_install.cmake")
    got = run(["cmake", "-DCMAKE_INSTALL_PREFIX=" + prefix, "-P", script])
    check(got.returncode == 0, "cmake install script failed", got.stdout + got.stderr)
    installed = os.path.join(prefix, "lib", "evguard", "libevguard-tidy.so")
    check(os.path.exists(installed), "plugin not at <prefix>/lib/evguard", got.stdout)
    # The share/ part is installed by the root project; lay it out the same
    # way, plus one entry only this copy has, to see which copy is read.
    share = os.path.join(prefix, "share", "evguard", "annotations")
    shutil.copytree(os.path.join(ROOT, "annotations"), share)
    shutil.copy(os.path.join(FIXTURES, "project", "db", "project.json"), share)
    proj = env.copy("project")
    src = os.path.join(proj, "src", "main.c")
    env_vars = {k: v for k, v in os.environ.items() if k != "EVGUARD_DATA_DIR"}
    got = subprocess.run([env.tidy, "--load=" + installed, "--config={Checks: '-*,evguard-blocking-call'}",
                          src, "--", "-std=gnu11"], capture_output=True, text=True, cwd=env.work,
                         env=env_vars)
    check(warnings(got.stdout) == [("main.c", line_of(src, "project_flush();"), 3, "evguard-blocking-call")],
          "the installed plugin reads the installed database", got.stdout + got.stderr)


def main():
    name, tidy, plugin, evguard = sys.argv[1:5]
    test = globals().get("test_" + name.replace("-", "_"))
    if test is None:
        print(f"tidy_features.py: no test named '{name}'")
        return 2
    with tempfile.TemporaryDirectory() as work:
        try:
            test(Env(tidy, plugin, evguard, os.path.realpath(work)))
        except Failure as e:
            print(f"FAILED: {name}: {e}")
            return 1
    print(f"ok: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
