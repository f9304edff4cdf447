#!/usr/bin/env python3
"""Keeps the compile_commands.json entries of one program: the TUs whose
objects appear on that program's link line in a verbose build log. A build
that makes several programs (redis-server, redis-cli, ...) has one `main` and
one set of handlers per program, and evguard analyzes one program at a time.

Usage: filter_db.py COMPILE_COMMANDS BUILD_LOG PROGRAM OUT_DIR
  e.g. filter_db.py redis/compile_commands.json build.log redis-server /work/fetched/redis-server-db
"""

import json
import os
import shlex
import sys


def link_objects(log_path, program):
    """Absolute paths of the link line's objects; make's "Entering directory"
    lines say where relative ones are."""
    dirs = [os.path.dirname(os.path.abspath(log_path))]
    with open(log_path, errors="replace") as f:
        for line in f:
            for verb in ("Entering", "Leaving"):
                if verb + " directory '" in line:
                    d = line.split(verb + " directory '", 1)[1].rsplit("'", 1)[0]
                    if verb == "Entering":
                        dirs.append(d)
                    elif d in dirs[1:]:
                        del dirs[len(dirs) - 1 - dirs[::-1].index(d)]
            cwd = dirs[-1]
            try:
                words = shlex.split(line)
            except ValueError:
                continue
            for i, w in enumerate(words[:-1]):
                if w == "-o" and os.path.basename(words[i + 1]) == program:
                    objs = {os.path.normpath(os.path.join(cwd, o)) for o in words if o.endswith(".o")}
                    if objs:
                        return objs
    sys.exit("filter_db.py: %s: no link command '-o %s ... *.o' (build with V=1 or VERBOSE=1)" %
             (log_path, program))


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    db_path, log_path, program, out_dir = argv[1:]
    try:
        with open(db_path) as f:
            db = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("filter_db.py: %s: %s" % (db_path, e))
    objs = link_objects(log_path, program)
    def obj(e):
        out = e.get("output") or os.path.splitext(e["file"])[0] + ".o"
        return os.path.normpath(os.path.join(e["directory"], out))
    keep = [e for e in db if obj(e) in objs]
    if not keep:
        sys.exit("filter_db.py: no entry of %s matches the %d objects of %s" % (db_path, len(objs), program))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "compile_commands.json"), "w") as f:
        json.dump(keep, f, indent=1)
    print("filter_db.py: %d of %d entries (%d objects on the link line) -> %s" %
          (len(keep), len(db), len(objs), out_dir))


if __name__ == "__main__":
    main(sys.argv)
