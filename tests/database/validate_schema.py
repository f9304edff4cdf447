#!/usr/bin/env python3
"""Validates annotation files against annotations/schema.json (draft-07).

usage: validate_schema.py [--expect-invalid] SCHEMA FILE-OR-DIR...
A directory stands for its *.json files but schema.json. Exit 1 if any file
is invalid.

With --expect-invalid, every FILE must be rejected instead: that proves the
schema is not vacuous."""
import json
import os
import sys

import jsonschema


def main(argv):
    expect_invalid = "--expect-invalid" in argv
    args = [a for a in argv[1:] if a != "--expect-invalid"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    paths = []
    for arg in args[1:]:
        if os.path.isdir(arg):
            paths += sorted(os.path.join(arg, n) for n in os.listdir(arg)
                            if n.endswith(".json") and n != "schema.json")
        else:
            paths.append(arg)
    if not paths:
        print("error: no files to validate", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if expect_invalid:
            if not errors:
                print(f"{path}: error: the schema accepts this file, which it must reject")
                failed += 1
            continue
        for e in errors:
            where = "/" + "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: error: at {where}: {e.message}")
        failed += bool(errors)
    print(f"{len(paths)} file(s), {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
