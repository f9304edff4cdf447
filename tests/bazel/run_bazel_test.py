#!/usr/bin/env python3
"""The Bazel aspect and report rule (bazel/evguard.bzl), run by real Bazel on
this machine with no network: a three-TU program (a cc_library whose headers
Bazel hands out through -isystem, a cc_binary), one summarize action per TU,
one link action. The report must equal `evguard -p` over the same TUs (same
findings, same fingerprints), and changing one source must re-run only that
TU's action.

Bazel 4 loads @rules_cc and @rules_java for its own C++ and Java toolchain
definitions and would download them; bazel/offline/ holds forwarders to the
built-in rules, passed with --override_repository.

Usage: run_bazel_test.py --evguard BIN --project-root DIR
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

BUILD = """\
load("@evguard//:evguard.bzl", "evguard_report")

cc_library(
    name = "store",
    srcs = ["store/store.c"],
    hdrs = ["include/store.h"],
    includes = ["include"],
)

cc_binary(
    name = "kv",
    srcs = ["src/main.c", "src/handlers.c"],
    deps = [":store"],
    linkopts = ["-luv"],
)

evguard_report(name = "kv_evguard", deps = [":kv"])
"""


def results(path):
    with open(path) as f:
        doc = json.load(f)
    return sorted(json.dumps([r["ruleId"], r["partialFingerprints"], r["locations"]],
                             sort_keys=True)
                  for r in doc["runs"][0]["results"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evguard", required=True)
    ap.add_argument("--project-root", required=True)
    args = ap.parse_args()
    root = os.path.abspath(args.project_root)
    evguard = os.path.abspath(args.evguard)
    bazel = shutil.which("bazel")
    if not bazel:
        sys.exit("FAIL: bazel is not installed (scripts/setup.sh installs bazel-bootstrap)")

    work = os.path.realpath(tempfile.mkdtemp(prefix="evguard-bazel-"))
    try:
        # @evguard as the install lays it out: the rules, a link to the
        # executable and the annotation database.
        repo = os.path.join(work, "evguard")
        shutil.copytree(os.path.join(root, "bazel"), repo)
        os.symlink(evguard, os.path.join(repo, "evguard"))
        os.symlink(os.path.join(root, "annotations"), os.path.join(repo, "annotations"))

        ws = os.path.join(work, "ws")
        app = os.path.join(root, "tests", "cmake-module", "pertu-app")
        for sub in ("src", "store", "include"):
            shutil.copytree(os.path.join(app, sub), os.path.join(ws, sub))
        with open(os.path.join(ws, "WORKSPACE"), "w") as f:
            f.write('local_repository(name = "evguard", path = "%s")\n' % repo)
        with open(os.path.join(ws, "BUILD"), "w") as f:
            f.write(BUILD)

        def bazel_build():
            cmd = [bazel, "--batch", "--output_user_root=" + os.path.join(work, "bazel-root"),
                   "build", "--repo_env=CC=clang-19",
                   "--override_repository=rules_cc=" + os.path.join(repo, "offline", "rules_cc"),
                   "--override_repository=rules_java=" + os.path.join(repo, "offline", "rules_java"),
                   "//:kv_evguard"]
            p = subprocess.run(cmd, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, timeout=900)
            if p.returncode != 0:
                sys.exit("FAIL: bazel build failed (%d):\n%s" % (p.returncode, p.stdout[-6000:]))
            return p.stdout

        bazel_build()
        bin_dir = os.path.join(ws, "bazel-bin")
        report = os.path.join(bin_dir, "kv_evguard.sarif")
        summaries = {tu: os.path.join(bin_dir, target + ".evguard", tu + ".evgsum.json")
                     for target, tu in (("kv", "src/main.c"), ("kv", "src/handlers.c"),
                                        ("store", "store/store.c"))}
        for tu, path in summaries.items():
            if not os.path.isfile(path):
                sys.exit("FAIL: no summary action ran for %s (%s)" % (tu, path))

        # The same TUs through evguard -p.
        cdb = [{"directory": ws, "file": os.path.join(ws, tu),
                "arguments": ["clang-19", "-Iinclude", "-c", tu]} for tu in summaries]
        build = os.path.join(work, "cdb")
        os.mkdir(build)
        with open(os.path.join(build, "compile_commands.json"), "w") as f:
            json.dump(cdb, f)
        whole = os.path.join(work, "whole.sarif")
        p = subprocess.run([evguard, "-p", build, "--source-root", ws, "--format=sarif",
                            "-o", whole, "--exit-zero"], cwd=ws,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if p.returncode != 0:
            sys.exit("FAIL: evguard -p failed:\n" + p.stdout)
        got, want = results(report), results(whole)
        if not want or not any("store/store.c" in r for r in want):
            sys.exit("FAIL: evguard -p found nothing in store/store.c: %s" % want)
        if got != want:
            sys.exit("FAIL: the Bazel report differs from evguard -p\nbazel: %s\n-p:    %s"
                     % (got, want))

        # A changed source re-runs its own summary action and the link only.
        before = {tu: os.stat(p).st_mtime_ns for tu, p in summaries.items()}
        with open(os.path.join(ws, "src", "handlers.c"), "a") as f:
            f.write("// changed\n")
        bazel_build()
        rerun = sorted(tu for tu, p in summaries.items() if os.stat(p).st_mtime_ns != before[tu])
        if rerun != ["src/handlers.c"]:
            sys.exit("FAIL: after changing src/handlers.c these summaries were rebuilt: %s" % rerun)
        print("PASS: Bazel aspect and report match evguard -p (%d findings); "
              "one changed source re-ran one summary" % len(want))
    finally:
        subprocess.run([bazel, "--batch", "--output_user_root=" + os.path.join(work, "bazel-root"),
                        "clean", "--expunge"], cwd=os.path.join(work, "ws"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
