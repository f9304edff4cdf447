#!/usr/bin/env python3
"""Hostile inputs through the real binary: none may kill a run (exit 134) or
read as a result. Each got exit 134 or 1 before its fix (issue 17).

Usage: test_inputs.py --evguard BIN [unittest args]
"""

import json
import os
import subprocess
import unittest

import test_cli
from test_cli import SERVER, Project, run_evguard


class InputTest(unittest.TestCase):
    def setUp(self):
        self.proj = Project({"server.c": SERVER})

    def tearDown(self):
        self.proj.cleanup()

    def assertError(self, r, *texts):
        self.assertEqual(r.returncode, 2, "exit %d\n%s" % (r.returncode, r.stderr))
        self.assertNotIn("terminate called", r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    def test_number_too_large_in_discovered_config(self):
        self.proj.write(".evguard.json", '{\n  "version": 1e400\n}\n')
        self.assertError(self.proj.run(), ".evguard.json:2:14: error:", "number overflow")

    def test_number_too_large_in_config_option(self):
        path = self.proj.write("c.json", '{"version": 1, "chain_limit": 1e999}')
        self.assertError(self.proj.run("--config", path), "c.json:1:31: error:")

    def test_number_too_large_in_database(self):
        path = self.proj.write("db.json", '{"format": 1,\n "functions": [{"name": "f", "x": 1e400}]}')
        self.assertError(self.proj.run("--db", path), "db.json:2:35: error:", "number overflow")

    def test_number_too_large_in_baseline(self):
        path = self.proj.write("b.sarif", '{"version": "2.1.0", "runs": [{"results": [], "x": -1e999}]}')
        self.assertError(self.proj.run("--baseline", path), "b.sarif:1:52: error:")

    def test_nesting_too_deep(self):
        path = self.proj.write("deep.json", '{"a":' * 100000 + "1" + "}" * 100000)
        r = self.proj.run("--db", path)
        self.assertError(r, "deep.json:1:1281: error:", "nested more than 256 levels")
        r = self.proj.run("--config", path)
        self.assertError(r, "nested more than 256 levels")

    def test_missing_directory_fails_only_that_tu(self):
        other = self.proj.write("other.c", "int other(void) { return 1; }\n")
        self.proj.write_cdb()
        cdb = os.path.join(self.proj.build, "compile_commands.json")
        with open(cdb) as f:
            entries = json.load(f)
        for e in entries:
            if e["file"] == other:
                e["directory"] = "/nonexistent/evguard-test"
        with open(cdb, "w") as f:
            json.dump(entries, f)
        r = self.proj.run("--format=json")
        self.assertError(r)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["stats"]["failed_translation_units"], 1)
        self.assertTrue(any("/nonexistent/evguard-test" in n["message"] for n in doc["notifications"]))
        self.assertEqual([f["callee"] for f in doc["findings"]], ["sleep"])

    def test_write_error_on_stdout(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        with open("/dev/full", "w") as full:
            p = subprocess.run([test_cli.EVGUARD, "-p", self.proj.build], cwd=self.proj.root,
                               stdout=full, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("cannot write the report to standard output", p.stderr)


if __name__ == "__main__":
    test_cli.main_with_evguard()
