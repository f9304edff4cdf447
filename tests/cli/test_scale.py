#!/usr/bin/env python3
"""End-to-end tests of incremental runs (--cache) and of the per-TU build
actions (evguard summarize / evguard link), through the real binary.

Usage: test_scale.py --evguard BIN [unittest args]
"""

import json
import os
import textwrap
import unittest

import test_cli
from test_cli import Project, run_evguard

HEADER = "int helper(int fd);\n"
HELPER = textwrap.dedent("""\
    #include <unistd.h>
    #include "helper.h"
    int helper(int fd) { return fsync(fd); }
    """)
SERVER = textwrap.dedent("""\
    #include <uv.h>
    #include "helper.h"

    static void on_timer(uv_timer_t *t) {
      (void)t;
      helper(3);
    }

    int main(void) {
      uv_loop_t *loop = uv_default_loop();
      uv_timer_t timer;
      uv_timer_init(loop, &timer);
      uv_timer_start(&timer, on_timer, 10, 0);
      return uv_run(loop, UV_RUN_DEFAULT);
    }
    """)
OTHER = "int unrelated(int x) { return x + 1; }\n"


def findings(report_text):
    doc = json.loads(report_text)
    return [(f["file"], f["line"], f["callee"], f.get("fingerprint"))
            for f in doc["findings"]]


class ScaleTest(unittest.TestCase):
    def setUp(self):
        self.proj = Project({"helper.h": HEADER, "helper.c": HELPER,
                             "server.c": SERVER, "other.c": OTHER})
        self.write_cdb()
        self.cache = self.proj.path("cache")

    def write_cdb(self):
        # The header sits next to the sources: -I that folder.
        self.proj.write_cdb()
        with open(os.path.join(self.proj.build, "compile_commands.json")) as f:
            entries = json.load(f)
        for e in entries:
            e["arguments"].insert(1, "-I" + self.proj.root)
        with open(os.path.join(self.proj.build, "compile_commands.json"), "w") as f:
            json.dump(entries, f)

    def tearDown(self):
        self.proj.cleanup()

    def run_cached(self, *args):
        r = self.proj.run("--format=json", "--cache", self.cache, "-v", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r

    def parsed(self, r):
        for line in r.stderr.splitlines():
            if line.startswith("evguard: cache: "):
                return int(line.split()[2])
        self.fail("no cache line under -v:\n" + r.stderr)

    def test_cache_warm_run_reuses_and_matches_cold(self):
        cold = self.proj.run("--format=json")
        self.assertEqual(cold.returncode, 1, cold.stderr)
        first = self.run_cached()
        self.assertEqual(self.parsed(first), 3)
        warm = self.run_cached()
        self.assertEqual(self.parsed(warm), 0)
        self.assertEqual(cold.stdout, first.stdout)
        self.assertEqual(cold.stdout, warm.stdout)
        self.assertEqual(findings(warm.stdout)[0][2], "fsync")

    def test_cache_keeps_cxx_tus(self):
        # The C++ standard library is reached through GCC's include paths,
        # full of "..": every such header must still be found to hash it.
        self.proj.files["lib.cpp"] = self.proj.write(
            "lib.cpp", "#include <string>\n#include <map>\n"
            "int count(const std::string &s) { std::map<int, int> m; return s.size() + m.size(); }\n")
        self.write_cdb()
        self.assertEqual(self.parsed(self.run_cached()), 4)
        r = self.run_cached()
        self.assertEqual(self.parsed(r), 0, r.stderr)

    def test_cache_reparses_what_changed(self):
        self.run_cached()
        # A source: only that TU.
        with open(self.proj.path("other.c"), "a") as f:
            f.write("int more(void) { return 2; }\n")
        self.assertEqual(self.parsed(self.run_cached()), 1)
        # A header: the two TUs that include it.
        with open(self.proj.path("helper.h"), "a") as f:
            f.write("int helper2(void);\n")
        r = self.run_cached()
        self.assertEqual(self.parsed(r), 2)
        self.assertEqual(self.parsed(self.run_cached()), 0)
        # A compile flag: that TU again.
        with open(os.path.join(self.proj.build, "compile_commands.json")) as f:
            entries = json.load(f)
        entries[0]["arguments"].append("-DSOMETHING=1")
        with open(os.path.join(self.proj.build, "compile_commands.json"), "w") as f:
            json.dump(entries, f)
        self.assertEqual(self.parsed(self.run_cached()), 1)
        # Another database: everything, and -v says why.
        db = self.proj.path("extra.json")
        with open(db, "w") as f:
            json.dump({"format": 1, "functions": [
                {"name": "unrelated", "blocking": {"category": "other", "reason": "test"}}]}, f)
        r = self.run_cached("--db", db)
        self.assertEqual(self.parsed(r), 3)
        self.assertIn("the database or the options changed", r.stderr)

    def test_cache_damaged_entry_is_rebuilt(self):
        self.run_cached()
        entries = [os.path.join(d, f) for d, _, fs in os.walk(self.cache) for f in fs]
        self.assertEqual(len(entries), 3)
        for e in entries:
            with open(e, "w") as f:
                f.write('{"evguard_cache": 1, "version": ')
        cold = self.proj.run("--format=json")
        r = self.run_cached()
        self.assertEqual(self.parsed(r), 3)
        self.assertIn("damaged cache entry", r.stderr)
        self.assertEqual(r.stdout, cold.stdout)
        # Written by another evguard: not trusted either.
        for e in entries:
            with open(e) as f:
                doc = json.load(f)
            doc["version"] = "0.0.0-elsewhere"
            doc["summary"]["functions"] = []  # would hide the finding if trusted
            with open(e, "w") as f:
                json.dump(doc, f)
        r = self.run_cached()
        self.assertEqual(self.parsed(r), 3)
        self.assertIn("written by another evguard (0.0.0-elsewhere)", r.stderr)
        self.assertEqual(r.stdout, cold.stdout)

    def test_summarize_and_link_match_whole_run(self):
        sums = self.proj.path("sums")
        os.mkdir(sums)
        for name in ("helper.c", "server.c", "other.c"):
            out = os.path.join(sums, name + ".evgsum.json")
            r = run_evguard([test_cli.EVGUARD, "summarize", "-p", self.proj.build,
                             self.proj.path(name), "-o", out, "--depfile", out + ".d"],
                            self.proj.root)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out + ".d") as f:
                dep = f.read()
            self.assertTrue(dep.startswith(out + ":"), dep)
            self.assertIn(self.proj.path(name), dep)
            if name != "other.c":
                self.assertIn(self.proj.path("helper.h"), dep)
        whole = self.proj.run("--format=sarif")
        linked = run_evguard([test_cli.EVGUARD, "link", "--format=sarif", sums],
                             self.proj.root)
        self.assertEqual(linked.returncode, whole.returncode, linked.stderr)

        def results(text):
            return [(r["ruleId"], r["partialFingerprints"], r["locations"])
                    for r in json.loads(text)["runs"][0]["results"]]
        self.assertEqual(results(linked.stdout), results(whole.stdout))
        self.assertTrue(results(whole.stdout))
        # --only limits the linked report as FILES do a whole run's.
        only = run_evguard([test_cli.EVGUARD, "link", "--format=json", "--only",
                            self.proj.path("other.c"), sums], self.proj.root)
        self.assertEqual(only.returncode, 0, only.stderr)
        self.assertEqual(findings(only.stdout), [])

    def test_summarize_with_flags_after_double_dash(self):
        out = self.proj.path("server.evgsum.json")
        r = run_evguard([test_cli.EVGUARD, "summarize", self.proj.path("server.c"),
                         "-o", out, "--", "-I" + self.proj.root], self.proj.root)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            self.assertEqual(json.load(f)["main_file"], self.proj.path("server.c"))

    def test_summarize_errors(self):
        def summarize(*args):
            return run_evguard([test_cli.EVGUARD, "summarize"] + list(args), self.proj.root)
        r = summarize("-p", self.proj.build, self.proj.path("server.c"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("needs -o FILE", r.stderr)
        stray = self.proj.path("stray.c")
        with open(stray, "w") as f:
            f.write("int x;\n")
        r = summarize("-p", self.proj.build, stray, "-o", self.proj.path("x.json"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not in the compilation database", r.stderr)
        broken = self.proj.path("broken.c")
        with open(broken, "w") as f:
            f.write("int x = ;\n")
        out = self.proj.path("broken.evgsum.json")
        r = summarize(broken, "-o", out, "--")
        self.assertEqual(r.returncode, 2)
        self.assertIn("failed to parse", r.stderr)
        self.assertFalse(os.path.exists(out))
        r = run_evguard([test_cli.EVGUARD, "link", self.proj.path("nothing-here")],
                        self.proj.root)
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    test_cli.main_with_evguard()
