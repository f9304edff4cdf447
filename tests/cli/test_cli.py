#!/usr/bin/env python3
"""End-to-end tests of the evguard command line: options, exit codes,
formats, SARIF validation, fingerprints, baselines, config errors.

Each test builds a small C project in a temporary directory (sources and a
compile_commands.json with absolute paths) and runs the real binary.

Usage: test_cli.py --evguard BIN --validator validate-sarif [unittest args]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

EVGUARD = None
VALIDATOR = None

# A libuv timer callback that sleeps: the database knows uv_timer_start
# registers its second argument as a handler and that sleep blocks.
SERVER = textwrap.dedent("""\
    #include <uv.h>
    #include <unistd.h>

    static void on_timer(uv_timer_t *t) {
      (void)t;
      sleep(1);
    }

    int main(void) {
      uv_loop_t *loop = uv_default_loop();
      uv_timer_t timer;
      uv_timer_init(loop, &timer);
      uv_timer_start(&timer, on_timer, 10, 0);
      return uv_run(loop, UV_RUN_DEFAULT);
    }
    """)

CLEAN = textwrap.dedent("""\
    #include <uv.h>

    static int ticks;
    static void on_timer(uv_timer_t *t) {
      (void)t;
      ++ticks;
    }

    int main(void) {
      uv_loop_t *loop = uv_default_loop();
      uv_timer_t timer;
      uv_timer_init(loop, &timer);
      uv_timer_start(&timer, on_timer, 10, 0);
      return uv_run(loop, UV_RUN_DEFAULT);
    }
    """)


def sleep_line(text):
    return text.splitlines().index("  sleep(1);") + 1


class Project:
    """A directory with C sources, a build/ dir and compile_commands.json."""

    def __init__(self, files):
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="evguard-cli-"))
        os.mkdir(os.path.join(self.root, ".git"))  # the default source root
        self.build = os.path.join(self.root, "build")
        os.mkdir(self.build)
        self.files = {}
        for name, text in files.items():
            self.write(name, text)

    def path(self, name):
        return os.path.join(self.root, name)

    def write(self, name, text):
        full = self.path(name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
        if name.endswith(".c"):
            self.files[name] = full
            self.write_cdb()
        return full

    def write_cdb(self):
        entries = [{"directory": self.build, "file": full,
                    "arguments": ["cc", "-c", full, "-o",
                                  os.path.basename(full) + ".o"]}
                   for full in sorted(self.files.values())]
        with open(os.path.join(self.build, "compile_commands.json"), "w") as f:
            json.dump(entries, f, indent=1)

    def run(self, *args, cwd=None):
        cmd = [EVGUARD, "-p", self.build, "-j", "1"] + list(args)
        return run_evguard(cmd, cwd or self.root)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def run_evguard(cmd, cwd):
    env = dict(os.environ)
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=300)
    return p


def validate(test, sarif_path):
    if not os.path.isfile(VALIDATOR):
        test.fail("the SARIF validator %s is missing: ../shared/sarif must sit "
                  "next to the project" % VALIDATOR)
    p = subprocess.run([sys.executable, VALIDATOR, "--strict", sarif_path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    test.assertEqual(p.returncode, 0, "validate-sarif --strict failed:\n" + p.stdout)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.projects = []

    def tearDown(self):
        for p in self.projects:
            p.cleanup()

    def project(self, files):
        p = Project(files)
        self.projects.append(p)
        return p

    def sarif(self, proj, *args):
        out = proj.path("out-%d.sarif" % len(os.listdir(proj.root)))
        r = proj.run("--format=sarif", "-o", out, *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        validate(self, out)
        with open(out) as f:
            return json.load(f), r

    def assertExit(self, r, code):
        self.assertEqual(r.returncode, code,
                         "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                         % (r.returncode, code, r.stdout, r.stderr))

    # -- options and exit codes ------------------------------------------

    def test_version(self):
        r = run_evguard([EVGUARD, "--version"], ".")
        self.assertExit(r, 0)
        self.assertRegex(r.stdout, r"evguard \d+\.\d+\.\d+")

    def test_help(self):
        r = run_evguard([EVGUARD, "--help"], ".")
        self.assertExit(r, 0)
        for flag in ("-p", "--format", "--baseline", "--config", "--db",
                     "--keep-going", "--source-root", "--chain-limit"):
            self.assertIn(flag, r.stdout)

    def test_bad_flag_is_a_usage_error(self):
        r = run_evguard([EVGUARD, "--no-such-flag"], ".")
        self.assertExit(r, 2)
        r = run_evguard([EVGUARD, "--format=xml", "-p", "."], ".")
        self.assertExit(r, 2)
        r = run_evguard([EVGUARD, "--chain-limit=lots", "-p", "."], ".")
        self.assertExit(r, 2)

    def test_missing_build_dir_or_database(self):
        r = run_evguard([EVGUARD], ".")
        self.assertExit(r, 2)
        self.assertIn("pass -p BUILD_DIR", r.stderr)
        empty = tempfile.mkdtemp(prefix="evguard-cli-")
        try:
            r = run_evguard([EVGUARD, "-p", empty], empty)
            self.assertExit(r, 2)
            self.assertIn("compile_commands.json' does not exist", r.stderr)
            with open(os.path.join(empty, "compile_commands.json"), "w") as f:
                f.write("[{]")
            r = run_evguard([EVGUARD, "-p", empty], empty)
            self.assertExit(r, 2)
            self.assertIn("cannot read", r.stderr)
        finally:
            shutil.rmtree(empty)

    def test_findings_exit_1_clean_exit_0(self):
        p = self.project({"server.c": SERVER})
        self.assertExit(p.run(), 1)
        q = self.project({"server.c": CLEAN})
        r = q.run()
        self.assertExit(r, 0)
        self.assertIn("0 findings from 0 of 1 handler; 1 TU analyzed", r.stdout)

    def test_exit_zero(self):
        p = self.project({"server.c": SERVER})
        self.assertExit(p.run("--exit-zero"), 0)

    # -- formats -----------------------------------------------------------

    def test_text_is_clang_style(self):
        p = self.project({"server.c": SERVER})
        r = p.run()
        self.assertExit(r, 1)
        line = sleep_line(SERVER)
        # Relative to the current directory, which is the project root.
        self.assertRegex(r.stdout, r"(?m)^server\.c:%d:3: warning: .*'sleep'.* "
                         r"\[evguard-blocking-call\]$" % line)
        self.assertRegex(r.stdout, r"(?m)^server\.c:\d+:\d+: note: handler "
                         r"'on_timer' registered at server\.c:13:\d+ via "
                         r"uv_timer_start$")
        self.assertRegex(r.stdout, r"(?m)^server\.c:%d:3: note: 'on_timer' "
                         r"calls 'sleep'$" % line)
        self.assertRegex(r.stdout, r"(?m)^1 finding \(1 blocking-call\) from 1 "
                         r"of 1 handler; 1 TU analyzed$")
        # From elsewhere, paths are absolute.
        r = p.run(cwd=p.build)
        self.assertIn(p.path("server.c") + ":%d:3: warning:" % line, r.stdout)

    def test_json(self):
        p = self.project({"server.c": SERVER})
        r = p.run("--format=json")
        self.assertExit(r, 1)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["version"], 1)
        self.assertEqual(doc["tool"]["name"], "evguard")
        self.assertEqual(len(doc["findings"]), 1)
        f = doc["findings"][0]
        self.assertEqual(f["rule"], "evguard-blocking-call")
        self.assertEqual(f["file"], "server.c")
        self.assertEqual(f["line"], sleep_line(SERVER))
        self.assertEqual(f["callee"], "sleep")
        self.assertEqual(f["category"], "sleep")
        self.assertEqual(f["function"], "on_timer")
        self.assertEqual(f["roots"], ["on_timer"])
        self.assertEqual(f["chains"][0]["registered_via"], "uv_timer_start")
        self.assertIsNone(f["suppression"])
        self.assertEqual(doc["stats"]["translation_units"], 1)
        self.assertIn("1 finding", r.stderr)  # the summary goes to stderr

    def test_sarif_validates_and_describes_the_finding(self):
        p = self.project({"server.c": SERVER})
        doc, r = self.sarif(p)
        self.assertExit(r, 1)
        run = doc["runs"][0]
        self.assertEqual(run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
                         "file://" + p.root + "/")
        res = run["results"][0]
        loc = res["locations"][0]["physicalLocation"]
        self.assertEqual(loc["artifactLocation"],
                         {"uri": "server.c", "uriBaseId": "%SRCROOT%"})
        self.assertEqual(loc["region"]["startLine"], sleep_line(SERVER))
        self.assertEqual(res["properties"]["callee"], "sleep")
        self.assertEqual(res["properties"]["category"], "sleep")
        self.assertEqual(res["properties"]["handlers"], ["on_timer"])
        self.assertEqual(len(res["codeFlows"]), 1)
        self.assertTrue(run["invocations"][0]["executionSuccessful"])

    def test_source_root(self):
        p = self.project({"src/server.c": SERVER})
        doc, _ = self.sarif(p, "--source-root", p.path("src"))
        uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"]["uri"]
        self.assertEqual(uri, "server.c")
        doc, _ = self.sarif(p)
        uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"]["uri"]
        self.assertEqual(uri, "src/server.c")
        r = p.run("--source-root", p.path("nowhere"))
        self.assertExit(r, 2)

    # -- fingerprints and baselines --------------------------------------

    def fingerprints(self, doc):
        return [(r["properties"]["callee"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"],
                 r["partialFingerprints"]["evguard/v1"],
                 r["partialFingerprints"]["primaryLocationLineHash"])
                for r in doc["runs"][0]["results"]]

    def test_fingerprints_survive_lines_inserted_above(self):
        p = self.project({"server.c": SERVER})
        before, _ = self.sarif(p)
        p.write("server.c", "/* a licence header */\n\n#include <stdio.h>\n" +
                SERVER)
        after, _ = self.sarif(p)
        (c1, l1, fp1, lh1), = self.fingerprints(before)
        (c2, l2, fp2, lh2), = self.fingerprints(after)
        self.assertEqual(l2, l1 + 3)
        self.assertEqual(fp1, fp2)
        self.assertEqual(lh1, lh2)

    def test_fingerprints_differ_between_findings(self):
        two = SERVER.replace("  sleep(1);\n", "  sleep(1);\n  fsync(3);\n  sleep(1);\n")
        p = self.project({"server.c": two})
        doc, _ = self.sarif(p)
        prints = self.fingerprints(doc)
        self.assertEqual(len(prints), 3)
        self.assertEqual(len({fp for _, _, fp, _ in prints}), 3)
        self.assertEqual(len({lh for _, _, _, lh in prints}), 3)

    def test_baseline_flow(self):
        p = self.project({"server.c": SERVER})
        baseline = p.path("baseline.sarif")
        r = p.run("--format=sarif", "-o", baseline)
        self.assertExit(r, 1)
        validate(self, baseline)
        # Nothing new: the old finding is known debt.
        r = p.run("--baseline", baseline)
        self.assertExit(r, 0)
        self.assertNotIn("warning:", r.stdout)
        self.assertIn("0 findings from 0 of 1 handler; 1 TU analyzed; "
                      "1 in baseline, 0 fixed since", r.stdout)
        # Lines moved and a new blocking call: only the new one counts.
        p.write("server.c", "// moved\n" + SERVER.replace(
            "  sleep(1);\n", "  sleep(1);\n  fsync(3);\n"))
        r = p.run("--baseline", baseline)
        self.assertExit(r, 1)
        self.assertIn("'fsync'", r.stdout)
        self.assertNotIn("'sleep' may", r.stdout)
        self.assertIn("1 finding (1 blocking-call)", r.stdout)
        doc, r = self.sarif(p, "--baseline", baseline)
        self.assertExit(r, 1)
        states = {res["properties"]["callee"]: res["baselineState"]
                  for res in doc["runs"][0]["results"]}
        self.assertEqual(states, {"sleep": "unchanged", "fsync": "new"})
        # Fixing the old one: it is counted as absent, the exit is still 1.
        p.write("server.c", SERVER.replace("  sleep(1);\n", "  fsync(3);\n"))
        r = p.run("--baseline", baseline)
        self.assertExit(r, 1)
        self.assertIn("0 in baseline, 1 fixed since", r.stdout)

    def test_baseline_errors(self):
        p = self.project({"server.c": SERVER})
        bad = p.write("bad.sarif", "{\"runs\": 3}")
        r = p.run("--baseline", bad)
        self.assertExit(r, 2)
        self.assertIn("bad.sarif: error: not a SARIF file", r.stderr)
        r = p.run("--baseline", p.path("missing.sarif"))
        self.assertExit(r, 2)

    # -- suppressions ------------------------------------------------------

    def test_nolint_is_kept_not_dropped(self):
        p = self.project({"server.c": SERVER.replace(
            "  sleep(1);", "  sleep(1); // NOLINT(evguard-blocking-call)")})
        r = p.run()
        self.assertExit(r, 0)
        self.assertIn("1 suppressed", r.stdout)
        r = p.run("--show-suppressed")
        self.assertIn("(suppressed)", r.stdout)
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual(doc["findings"][0]["suppression"]["kind"], "nolint")
        sarif, _ = self.sarif(p)
        self.assertEqual(sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
                         "inSource")

    # -- output --------------------------------------------------------------

    def test_output_into_missing_directory_leaves_nothing(self):
        p = self.project({"server.c": SERVER})
        target = p.path("no/such/report.sarif")
        r = p.run("--format=sarif", "-o", target)
        self.assertExit(r, 2)
        self.assertIn("cannot write '%s'" % target, r.stderr)
        self.assertFalse(os.path.exists(p.path("no")))

    def test_output_to_a_pipe_writes_in_place(self):
        # -o /dev/null or a FIFO must not be replaced by a renamed file.
        import stat
        import threading
        p = self.project({"server.c": SERVER})
        fifo = p.path("report.fifo")
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
        reader.start()
        r = p.run("-o", fifo)
        reader.join(timeout=60)
        self.assertExit(r, 1)
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        self.assertTrue(got and got[0].startswith("server.c:"), got)

    def test_output_replaces_a_file_whole(self):
        p = self.project({"server.c": SERVER})
        target = p.write("report.txt", "x" * 100000)
        r = p.run("-o", target)
        self.assertExit(r, 1)
        with open(target) as f:
            text = f.read()
        self.assertTrue(text.startswith("server.c:"), text[:200])
        self.assertEqual([n for n in os.listdir(p.root) if "tmp" in n], [])

    # -- input errors --------------------------------------------------------

    def test_parse_failure(self):
        p = self.project({"server.c": SERVER,
                          "broken.c": "int helper(void) { return undeclared; }\n"})
        r = p.run()
        self.assertExit(r, 2)
        self.assertIn("broken.c", r.stdout + r.stderr)
        self.assertIn("1 TU failed to parse", r.stdout)
        r = p.run("--keep-going")
        self.assertExit(r, 1)
        doc, _ = self.sarif(p, "--keep-going")
        inv = doc["runs"][0]["invocations"][0]
        self.assertFalse(inv["executionSuccessful"])
        self.assertTrue(inv["toolExecutionNotifications"])
        # The config can say it; a flag can say otherwise.
        p.write(".evguard.json", json.dumps({"keep_going": True}))
        self.assertExit(p.run(), 1)
        self.assertExit(p.run("--keep-going=false"), 2)

    def test_bad_database_file(self):
        p = self.project({"server.c": SERVER})
        db = p.write("extra.json", "{\n  \"format\": 1,\n  \"functions\": [{\"nam\": \"x\"}]\n}\n")
        r = p.run("--db", db)
        self.assertExit(r, 2)
        self.assertRegex(r.stderr, r"extra\.json:\d+:\d+: error: ")

    def test_print_database(self):
        r = run_evguard([EVGUARD, "--print-database"], ".")
        self.assertExit(r, 0)
        doc = json.loads(r.stdout)
        names = {f["name"] for f in doc["functions"]}
        self.assertIn("uv_timer_start", names)
        self.assertIn("sleep", names)
        r = run_evguard([EVGUARD, "--print-database", "--no-default-db"], ".")
        self.assertExit(r, 0)
        self.assertEqual(json.loads(r.stdout).get("functions", []), [])

    def test_extra_database_adds_a_blocking_function(self):
        p = self.project({"server.c": CLEAN.replace("++ticks;", "my_flush();")
                          .replace("static int ticks;", "void my_flush(void);")})
        self.assertExit(p.run(), 0)
        db = p.write("mine.json", json.dumps({"format": 1, "functions": [
            {"name": "my_flush", "blocking": {"category": "disk-io",
                                              "reason": "writes the journal"}}]}))
        r = p.run("--db", db)
        self.assertExit(r, 1)
        self.assertIn("'my_flush'", r.stdout)

    # -- file selection --------------------------------------------------

    def test_only_files(self):
        other = SERVER.replace("on_timer", "on_tick").replace("int main(void)",
                                                               "int main2(void)")
        p = self.project({"a.c": SERVER, "b.c": other})
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual(sorted(f["file"] for f in doc["findings"]), ["a.c", "b.c"])
        doc = json.loads(p.run("--format=json", p.path("b.c")).stdout)
        self.assertEqual([f["file"] for f in doc["findings"]], ["b.c"])
        r = p.run(p.path("nope.c"))
        self.assertExit(r, 2)

    def test_categories_flag(self):
        p = self.project({"server.c": SERVER})
        self.assertExit(p.run("--categories", "disk-io,lock"), 0)
        self.assertExit(p.run("--categories", "sleep"), 1)
        r = p.run("--categories", "slep")
        self.assertExit(r, 2)
        self.assertIn("unknown category 'slep'", r.stderr)

    def test_emit_summaries(self):
        p = self.project({"server.c": SERVER})
        out = p.path("summaries")
        os.mkdir(out)
        self.assertExit(p.run("--emit-summaries", out), 1)
        self.assertTrue(os.listdir(out))

    # -- configuration ---------------------------------------------------

    def test_config_is_found_walking_up_and_applied(self):
        p = self.project({"src/server.c": SERVER})
        p.write(".evguard.json", json.dumps({"levels": {"sleep": "error"}}))
        os.makedirs(p.path("src/deep"))
        r = p.run(cwd=p.path("src/deep"))
        self.assertExit(r, 1)
        self.assertRegex(r.stdout, r"server\.c:\d+:\d+: error: ")
        # From outside the tree it is found from the sources.
        outside = tempfile.mkdtemp(prefix="evguard-cli-")
        try:
            r = p.run(cwd=outside)
            self.assertRegex(r.stdout, r"server\.c:\d+:\d+: error: ")
        finally:
            shutil.rmtree(outside)

    def test_config_excludes_categories_and_flag_override(self):
        p = self.project({"third_party/lib.c": SERVER})
        p.write(".evguard.json", json.dumps({"exclude": ["third_party/*"]}))
        self.assertExit(p.run(), 0)
        p.write(".evguard.json", json.dumps({"categories": ["disk-io"]}))
        self.assertExit(p.run(), 0)
        # The command line wins over the file.
        self.assertExit(p.run("--categories", "sleep"), 1)
        p.write(".evguard.json", json.dumps({"levels": {"sleep": "note"}}))
        self.assertExit(p.run(), 0)  # notes do not fail a run

    def test_config_database_is_relative_to_the_config(self):
        p = self.project({"server.c": CLEAN.replace("++ticks;", "my_flush();")
                          .replace("static int ticks;", "void my_flush(void);")})
        p.write("conf/mine.json", json.dumps({"format": 1, "functions": [
            {"name": "my_flush", "blocking": {"category": "disk-io",
                                              "reason": "writes the journal"}}]}))
        conf = p.write("conf/evguard.json", json.dumps({"database": ["mine.json"]}))
        self.assertExit(p.run("--config", conf), 1)

    def test_config_errors_have_positions(self):
        p = self.project({"server.c": SERVER})
        conf = p.write(".evguard.json", '{\n  "strict": true,\n  "chain_limt": 2\n}\n')
        r = p.run()
        self.assertExit(r, 2)
        self.assertIn(conf + ":3:3: error: unknown key 'chain_limt'", r.stderr)
        p.write(".evguard.json", '{"levels": {"sleep": "loud"}}')
        r = p.run()
        self.assertExit(r, 2)
        self.assertIn(".evguard.json:1:22: error: expected \"error\", \"warning\" "
                      "or \"note\"", r.stderr)
        r = p.run("--config", p.path("missing.json"))
        self.assertExit(r, 2)
        self.assertIn("cannot read config file", r.stderr)

    def test_chain_limit(self):
        many = SERVER.replace(
            "int main(void) {",
            "static void on_b(uv_timer_t *t) { on_timer(t); }\n"
            "static void on_c(uv_timer_t *t) { on_timer(t); }\n"
            "int main(void) {").replace(
            "  uv_timer_start(&timer, on_timer, 10, 0);\n",
            "  uv_timer_start(&timer, on_timer, 10, 0);\n"
            "  uv_timer_start(&timer, on_b, 10, 0);\n"
            "  uv_timer_start(&timer, on_c, 10, 0);\n")
        p = self.project({"server.c": many})
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual(len(doc["findings"][0]["roots"]), 3)
        self.assertEqual(len(doc["findings"][0]["chains"]), 3)
        doc = json.loads(p.run("--format=json", "--chain-limit", "1").stdout)
        self.assertEqual(len(doc["findings"][0]["roots"]), 3)
        self.assertEqual(len(doc["findings"][0]["chains"]), 1)

    # -- one program at a time -------------------------------------------

    def two_programs(self):
        lib = textwrap.dedent("""\
            #include <unistd.h>
            void flush_stats(void) {
              usleep(10);
            }
            """)
        main_of = lambda name: textwrap.dedent("""\
            #include <uv.h>
            void flush_stats(void);
            static void on_%s(uv_timer_t *t) { (void)t; flush_stats(); }
            int main(void) {
              uv_timer_t timer;
              uv_timer_init(uv_default_loop(), &timer);
              uv_timer_start(&timer, on_%s, 10, 0);
              return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
            }
            """) % (name, name)
        return self.project({"lib.c": lib, "server.c": main_of("server"),
                             "bench.c": main_of("bench")})

    def test_programs_sections_and_program_flag(self):
        p = self.two_programs()
        r = p.run()
        self.assertExit(r, 1)
        self.assertIn("program 'bench' (main in bench.c; 2 TUs, 1 handler):",
                      r.stdout)
        self.assertIn("program 'server' (main in server.c; 2 TUs, 1 handler):",
                      r.stdout)
        self.assertLess(r.stdout.index("program 'bench'"),
                        r.stdout.index("program 'server'"))
        self.assertIn("2 findings (2 blocking-call) from 2 of 2 handlers; "
                      "3 TUs analyzed in 2 programs", r.stdout)
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual([(f["program"], f["roots"]) for f in doc["findings"]],
                         [("bench", ["on_bench"]), ("server", ["on_server"])])
        self.assertEqual([(x["name"], x["main_file"], x["translation_units"])
                          for x in doc["programs"]],
                         [("bench", "bench.c", 2), ("server", "server.c", 2)])
        self.assertNotEqual(doc["findings"][0]["fingerprint"],
                            doc["findings"][1]["fingerprint"])
        sarif, _ = self.sarif(p)
        self.assertEqual([res["properties"]["program"]
                          for res in sarif["runs"][0]["results"]],
                         ["bench", "server"])
        for pick in ("server", p.path("server.c")):
            doc = json.loads(p.run("--format=json", "--program", pick).stdout)
            self.assertEqual([f["program"] for f in doc["findings"]], ["server"])
        r = p.run("--program", "nope")
        self.assertExit(r, 2)
        self.assertIn("--program 'nope' matches no program; the programs are "
                      "bench, server", r.stderr)

    def test_library_without_main_is_one_program(self):
        lib = SERVER.replace("int main(void)", "int start(void)")
        p = self.project({"lib.c": lib, "util.c": "int util(void) { return 1; }\n"})
        r = p.run()
        self.assertExit(r, 1)
        self.assertNotIn("program '", r.stdout)
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual(doc["findings"][0]["program"], None)
        self.assertEqual(doc["programs"][0]["translation_units"], 2)
        r = p.run("--program", "lib")
        self.assertExit(r, 2)
        self.assertIn("no translation unit defines main", r.stderr)

    def test_cmake_file_api_decides_what_is_linked(self):
        cmake = shutil.which("cmake")
        if not cmake:
            self.fail("cmake is needed (scripts/setup.sh installs it)")
        uv = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "runtime", "include")
        p = self.project({
            # Two definitions of helper(): the nearest to srv/ is the other
            # program's; CMake says the server links common/'s.
            "srv/main_server.c": SERVER.replace("sleep(1);", "helper();")
                .replace("#include <unistd.h>", "void helper(void);"),
            "srv/helper_tool.c": "void helper(void) {}\n",
            "tool/main.c": "void helper(void);\nint main(void) { helper(); return 0; }\n",
            "common/helper.c": "#include <unistd.h>\nvoid helper(void) { sleep(1); }\n",
        })
        with open(p.path("CMakeLists.txt"), "w") as f:
            f.write(textwrap.dedent("""\
                cmake_minimum_required(VERSION 3.16)
                project(t C)
                add_library(common STATIC common/helper.c)
                add_executable(server srv/main_server.c)
                target_link_libraries(server common)
                add_executable(tool tool/main.c srv/helper_tool.c)
                """))
        shutil.rmtree(p.build)
        def configure():
            c = subprocess.run([cmake, "-S", p.root, "-B", p.build, "-G", "Ninja",
                                "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                                "-DCMAKE_C_FLAGS=-I" + uv],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True)
            self.assertEqual(c.returncode, 0, c.stdout)
        configure()
        # Without link information the nearest definition is taken.
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual([f["program"] for f in doc["findings"]], [])
        os.makedirs(os.path.join(p.build, ".cmake", "api", "v1", "query"))
        open(os.path.join(p.build, ".cmake", "api", "v1", "query",
                          "codemodel-v2"), "w").close()
        configure()
        doc = json.loads(p.run("--format=json").stdout)
        self.assertEqual([(f["program"], f["file"], f["line"])
                          for f in doc["findings"]],
                         [("server", "common/helper.c", 2)])
        self.assertEqual([x["name"] for x in doc["programs"]], ["server", "tool"])
        # An unreadable reply is an error, not a silent guess.
        reply = os.path.join(p.build, ".cmake", "api", "v1", "reply")
        model = [f for f in os.listdir(reply) if f.startswith("codemodel-v2")][0]
        with open(os.path.join(reply, model), "w") as f:
            f.write("{")
        r = p.run()
        self.assertExit(r, 2)
        self.assertIn(model + ": error: unreadable CMake file API reply", r.stderr)

    # -- like every Clang tool -------------------------------------------

    def test_extra_arg_and_extra_arg_before(self):
        src = "#ifndef NEEDED\n#error build with -DNEEDED\n#endif\n" + SERVER
        p = self.project({"server.c": src})
        self.assertExit(p.run(), 2)
        self.assertExit(p.run("--extra-arg=-DNEEDED"), 1)
        self.assertExit(p.run("--extra-arg-before=-DNEEDED"), 1)
        # Before the command's own arguments, after them: -U undoes a -D
        # given earlier, not one given later.
        self.assertExit(p.run("--extra-arg-before=-UNEEDED",
                              "--extra-arg=-DNEEDED"), 1)
        self.assertExit(p.run("--extra-arg-before=-DNEEDED",
                              "--extra-arg=-UNEEDED"), 2)

    def test_summary_counts_handlers_without_findings(self):
        both = SERVER.replace("int main(void) {",
                              "static void on_quiet(uv_timer_t *t) { (void)t; }\n"
                              "int main(void) {").replace(
            "  uv_timer_start(&timer, on_timer, 10, 0);\n",
            "  uv_timer_start(&timer, on_timer, 10, 0);\n"
            "  uv_timer_start(&timer, on_quiet, 10, 0);\n")
        r = self.project({"server.c": both}).run()
        self.assertIn("1 finding (1 blocking-call) from 1 of 2 handlers; "
                      "1 TU analyzed", r.stdout)


def main_with_evguard():
    """main() of the other test files, which need only --evguard: runs the
    unittest classes of the script being run."""
    global EVGUARD
    ap = argparse.ArgumentParser()
    ap.add_argument("--evguard", required=True)
    args, rest = ap.parse_known_args()
    EVGUARD = os.path.abspath(args.evguard)
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)


def main():
    global EVGUARD, VALIDATOR
    ap = argparse.ArgumentParser()
    ap.add_argument("--evguard", required=True)
    ap.add_argument("--validator", required=True)
    args, rest = ap.parse_known_args()
    EVGUARD = os.path.abspath(args.evguard)
    VALIDATOR = os.path.abspath(args.validator)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
