#!/usr/bin/env python3
"""Turns a compile_commands.json into NUL-separated shell commands that run
`CLANG -fsyntax-only` on each TU with the entry's flags, from the entry's
directory (for bench/analysis/run.sh and xargs -0).

Usage: syntax_commands.py COMPILE_COMMANDS CLANG
       syntax_commands.py --common-dir COMPILE_COMMANDS   (prints the most common directory)
"""

import collections
import json
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


def main(argv):
    if len(argv) == 3 and argv[1] == "--common-dir":
        db = load(argv[2])
        print(collections.Counter(e["directory"] for e in db).most_common(1)[0][0])
        return
    if len(argv) != 3:
        sys.exit(__doc__)
    db, clang = load(argv[1]), argv[2]
    # One TU once, as evguard does with a file listed twice.
    seen = set()
    for e in db:
        key = (e["directory"], e["file"])
        if key in seen:
            continue
        seen.add(key)
        cmd = "cd %s && %s" % (shlex.quote(e["directory"]), shlex.join(syntax_args(e, clang)))
        sys.stdout.write(cmd + "\0")


if __name__ == "__main__":
    main(sys.argv)
