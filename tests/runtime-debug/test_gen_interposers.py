#!/usr/bin/env python3
"""Checks gen_interposers.py on a small database: what it interposes, what it
skips and why, how it forwards variadic functions and conditions, and that
its output compiles.

Usage: test_gen_interposers.py GENERATOR CXX INCLUDE_DIR WORK_DIR
"""

import json
import os
import subprocess
import sys
import unittest

GEN, CXX, INCLUDE, WORK = sys.argv[1:5]

DATABASE = {
    "format": 1,
    "functions": [
        {"name": "usleep", "blocking": {"category": "sleep", "reason": "sleeps",
                                        "unless": [{"arg": 0, "equals": 0}]}},
        {"name": "recv", "blocking": {"category": "network-io", "reason": "r",
                                      "unless": [{"arg": 3, "has_flag": "MSG_DONTWAIT", "value": 64}]}},
        {"name": "read", "blocking": {"category": "disk-io", "reason": "r",
                                      "unless": [{"arg": 0, "not_regular_file": True}]}},
        {"name": "getaddrinfo", "blocking": {"category": "dns", "reason": "r",
                                             "unless": [{"arg": 3, "non_null": True}]}},
        {"name": "open", "blocking": {"category": "disk-io", "reason": "opens"}},
        {"name": "printf", "blocking": {"category": "disk-io", "reason": "stdout"}},
        {"name": "execl", "blocking": {"category": "process", "reason": "variadic list"}},
        {"name": "pthread_mutex_lock", "blocking": {"category": "lock", "reason": "locks"}},
        {"name": "vfork", "blocking": {"category": "process", "reason": "forks"}},
        {"name": "evguard_no_such_function", "blocking": {"category": "other", "reason": "x"}},
        {"name": "poll", "blocking": {"category": "wait", "reason": "w",
                                      "unless": [{"arg": 7, "equals": 0}]}},
        {"name": "mmap", "may_fault": {"reason": "not blocking: no interposer"}},
        {"name": "std::this_thread::sleep_for", "blocking": {"category": "sleep", "reason": "C++"}},
        {"name": "sleep", "blocking": {"category": "sleep", "reason": "removed below"}},
        {"name": "sleep", "remove": True},
        {"name": "fclose", "blocking": {"category": "disk-io", "reason": "flushes"}},
    ],
}


def generate():
    os.makedirs(WORK, exist_ok=True)
    db = os.path.join(WORK, "db.json")
    with open(db, "w") as f:
        json.dump(DATABASE, f)
    out = os.path.join(WORK, "interposers.cpp")
    res = subprocess.run([sys.executable, GEN, "--cxx", CXX, "--include", INCLUDE,
                          "--workdir", os.path.join(WORK, "probe"), "--out", out, db],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if res.returncode != 0:
        raise AssertionError("generator failed: " + res.stderr)
    with open(out) as f:
        return out, f.read()


class GeneratorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path, cls.text = generate()

    def definition(self, name):
        marker = 'extern "C" Ret<decltype(::%s)> %s(' % (name, name)
        start = self.text.find(marker)
        self.assertNotEqual(start, -1, "no interposer for " + name)
        return self.text[start:self.text.index("\n}\n", start)]

    def test_interposes_blocking_libc_functions(self):
        for name in ("usleep", "recv", "read", "getaddrinfo", "open", "printf",
                     "pthread_mutex_lock"):
            self.definition(name)

    def test_never_a_prototype_written_out(self):
        self.assertIn("Arg<decltype(::usleep), 0> a0", self.definition("usleep"))

    def test_conditions_on_actual_arguments(self):
        self.assertIn("argEquals(a0, 0LL)", self.definition("usleep"))
        self.assertIn("argHasFlag(a3, 64ULL)", self.definition("recv"))
        self.assertIn("argNonBlockingFd(a0)", self.definition("read"))
        self.assertIn("argNonNull(a3)", self.definition("getaddrinfo"))

    def test_fast_path_checks_the_flag_first(self):
        self.assertIn("if (__builtin_expect(!armed()", self.definition("usleep"))

    def test_variadic_forwarding(self):
        self.assertIn("va_arg(ap, unsigned long)", self.definition("open"))
        self.assertIn("real_vprintf()", self.definition("printf"))

    def test_try_lock_first(self):
        self.assertIn("real_pthread_mutex_trylock()", self.definition("pthread_mutex_lock"))

    def test_descriptor_cache_effects(self):
        # Interposed whether or not the database lists them, and run on
        # every call (not only in handlers).
        self.assertIn("OnReturn Effect{[&]() noexcept { fdCacheForget(a0); }}",
                      self.definition("close"))
        self.assertNotIn("armed()", self.definition("close"))
        self.assertIn("fdCacheForget(a1)", self.definition("dup2"))
        self.assertIn("if (a1 == F_SETFL) fdCacheForgetAll()", self.definition("fcntl"))
        self.assertIn("if (a1 == FIONBIO) fdCacheForgetAll()", self.definition("ioctl"))
        fclose = self.definition("fclose")
        self.assertIn("int Fd = streamFd(a0);", fclose)
        self.assertIn("fdCacheForget(Fd)", fclose)
        self.assertIn("intercept(spec_fclose", fclose)

    def test_skips_with_reasons(self):
        skipped = self.text[:self.text.index("#include")]
        self.assertIn("execl: variadic", skipped)
        self.assertIn("vfork: the vfork child", skipped)
        self.assertIn("evguard_no_such_function: not declared", skipped)
        self.assertIn("poll: condition on argument 7", skipped)

    def test_ignores_non_blocking_cxx_and_removed_entries(self):
        self.assertNotIn("Ret<decltype(::mmap)> mmap(", self.text)
        self.assertNotIn("sleep_for", self.text)
        self.assertNotIn("Ret<decltype(::sleep)> sleep(", self.text)

    def test_output_compiles(self):
        res = subprocess.run([CXX, "-std=c++20", "-fsyntax-only", "-U_FORTIFY_SOURCE",
                              "-I", INCLUDE, self.path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        self.assertEqual(res.returncode, 0, res.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
