#!/usr/bin/env python3
"""Writes a synthetic libuv program with many findings, for measuring the
report stage (docs/performance.md, "Reports").

Usage: make_large_project.py OUTDIR FILES CALLS
  FILES files, each with a timer handler making CALLS blocking calls through
  a helper; OUTDIR/build/compile_commands.json lists them.
"""
import json
import os
import sys

BLOCKING = ["sleep(1)", "usleep(10)", "fsync(3)", "fdatasync(3)", "unlink(\"x\")",
            "rename(\"a\", \"b\")", "mkdir(\"d\", 0700)", "rmdir(\"d\")",
            "getaddrinfo(\"h\", 0, 0, 0)", "system(\"true\")"]


def main():
    out, files, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    out = os.path.abspath(out)
    os.makedirs(os.path.join(out, "build"), exist_ok=True)
    entries = []
    for i in range(files):
        body = "\n".join("  %s;" % BLOCKING[j % len(BLOCKING)] for j in range(calls))
        text = ("#include <netdb.h>\n#include <stdlib.h>\n#include <stdio.h>\n"
                "#include <sys/stat.h>\n#include <unistd.h>\n#include <uv.h>\n\n"
                "static void work_%d(void) {\n%s\n}\n\n"
                "static void on_timer_%d(uv_timer_t *t) {\n  (void)t;\n  work_%d();\n}\n\n"
                "void start_%d(uv_loop_t *loop, uv_timer_t *t) {\n"
                "  uv_timer_init(loop, t);\n  uv_timer_start(t, on_timer_%d, 1, 0);\n}\n"
                % (i, body, i, i, i, i))
        path = os.path.join(out, "f%04d.c" % i)
        with open(path, "w") as f:
            f.write(text)
        entries.append({"directory": os.path.join(out, "build"), "file": path,
                        "arguments": ["cc", "-c", path]})
    with open(os.path.join(out, "build", "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


if __name__ == "__main__":
    main()
