#!/usr/bin/env python3
"""Turns a compile_commands.json into NUL-separated shell commands that run
`CLANG -fsyntax-only` on each TU with the entry's flags, from the entry's
directory (for bench/analysis/run.sh and xargs -0).

Usage: syntax_commands.py COMPILE_COMMANDS CLANG
       syntax_commands.py --startup EMPTY_DIR COMPILE_COMMANDS CLANG
       syntax_commands.py --common-dir COMPILE_COMMANDS   (prints the most common directory)

--startup writes the same commands on an empty source (EMPTY_DIR/empty.c or
empty.cc, created): their time
is clang's per-process start-up, which a run of one process per TU pays once
per TU and evguard pays once. (Giving clang several sources does not avoid
it: the driver then runs one cc1 process per source.)
"""

import collections
import json
import os
import shlex
import sys

# Flags that make the compiler write something (or that take the next
# argument as an output path); -fsyntax-only writes nothing.
DROP = {"-c", "-S", "-E", "-M", "-MM", "-MD", "-MMD", "-MG", "-MP"}
DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ"}


def entry_args(entry):
    if "arguments" in entry:
        return list(entry["arguments"])
    return shlex.split(entry["command"])


def syntax_args(entry, clang):
    args = entry_args(entry)[1:]
    out, skip = [clang, "-fsyntax-only"], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in DROP:
            continue
        if a in DROP_WITH_VALUE:
            skip = True
            continue
        if a.startswith("-o") and len(a) > 2 or a.startswith(("-MF", "-MT", "-MQ")):
            continue
        out.append(a)
    out.append("-Wno-everything")
    return out


def load(path):
    try:
        with open(path) as f:
            db = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("syntax_commands.py: %s: %s" % (path, e))
    if not isinstance(db, list) or not db:
        sys.exit("syntax_commands.py: %s: expected a non-empty JSON array of compile commands" % path)
    for i, e in enumerate(db):
        if not isinstance(e, dict) or "directory" not in e or "file" not in e or \
                ("arguments" not in e and "command" not in e):
            sys.exit("syntax_commands.py: %s: entry %d lacks directory, file, or arguments/command" % (path, i))
    return db


def file_index(entry, args):
    """Where the entry's own source file is in its argument list."""
    want = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
    for i, a in enumerate(args):
        if not a.startswith("-") and os.path.normpath(os.path.join(entry["directory"], a)) == want:
            return i
    sys.exit("syntax_commands.py: entry for %s does not name its file in its arguments" % entry["file"])


def startup_args(entry, clang, empty_dir):
    """The entry's command with its source replaced by an empty one: what
    clang costs before parsing anything (process start-up, driver)."""
    args = syntax_args(entry, clang)
    i = file_index(entry, args)
    empty = os.path.join(empty_dir, "empty.c" if entry["file"].endswith(".c") else "empty.cc")
    if not os.path.exists(empty):
        open(empty, "w").close()
    return args[:i] + [empty] + args[i + 1:]


def unique(db):
    """One TU once, as evguard does with a file listed twice."""
    seen = set()
    for e in db:
        key = (e["directory"], e["file"])
        if key not in seen:
            seen.add(key)
            yield e


def main(argv):
    if len(argv) == 3 and argv[1] == "--common-dir":
        db = load(argv[2])
        print(collections.Counter(e["directory"] for e in db).most_common(1)[0][0])
        return
    empty_dir = None
    if len(argv) == 5 and argv[1] == "--startup":
        empty_dir = os.path.abspath(argv[2])
        argv = argv[2:]
    if len(argv) != 3:
        sys.exit(__doc__)
    db, clang = load(argv[1]), argv[2]
    for e in unique(db):
        args = startup_args(e, clang, empty_dir) if empty_dir else syntax_args(e, clang)
        cmd = "cd %s && %s" % (shlex.quote(e["directory"]), shlex.join(args))
        sys.stdout.write(cmd + "\0")


if __name__ == "__main__":
    main(sys.argv)
