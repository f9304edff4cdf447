#!/usr/bin/env bash
# clang-tidy with the evguard checks vs. clang-tidy with one cheap stock check,
# on the same files, side by side in one hyperfine run (docs/performance.md).
#
#   bench/tidy/run-bench.sh BUILD_DIR [RUNS] [FILES...]
#
# BUILD_DIR: a configured and built evguard build (compile_commands.json and
# tool/tidy/libevguard-tidy.so). Default files: the event-loop code of this
# repository (runtime/src, bench/runtime, examples) as compiled there, i.e.
# real epoll/libuv/libevent server code, one clang-tidy process over all of it.
set -euo pipefail

build=${1:?usage: run-bench.sh BUILD_DIR [RUNS] [FILES...]}
runs=${2:-5}
shift $(( $# >= 2 ? 2 : 1 ))
build=$(cd "$build" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
plugin="$build/tool/tidy/libevguard-tidy.so"
tidy=${CLANG_TIDY:-clang-tidy-19}

for need in "$tidy" hyperfine python3; do
  command -v "$need" >/dev/null || { echo "run-bench.sh: '$need' not found (apt-get install ${need%%-19})" >&2; exit 2; }
done
[[ -f $plugin ]] || { echo "run-bench.sh: $plugin missing; build the evguard-tidy target" >&2; exit 2; }
[[ -f $build/compile_commands.json ]] || { echo "run-bench.sh: no $build/compile_commands.json" >&2; exit 2; }

if (( $# == 0 )); then
  mapfile -t files < <(python3 - "$build/compile_commands.json" "$root" <<'PY'
import json, os, sys
db, root = sys.argv[1], sys.argv[2]
dirs = [os.path.join(root, d) + os.sep for d in ("runtime/src", "bench/runtime", "examples")]
seen = sorted({os.path.normpath(os.path.join(e["directory"], e["file"])) for e in json.load(open(db))})
for f in seen:
    if any(f.startswith(d) for d in dirs):
        print(f)
PY
)
else
  files=("$@")
fi
(( ${#files[@]} )) || { echo "run-bench.sh: no files to analyze" >&2; exit 2; }
echo "run-bench.sh: ${#files[@]} files, $runs runs each" >&2

quoted=$(printf ' %q' "${files[@]}")
json=$(mktemp --suffix=.json)
trap 'rm -f "$json"' EXIT
hyperfine -i --warmup 1 --runs "$runs" --export-json "$json" \
  -n stock "$tidy --quiet -p $build --checks='-*,readability-braces-around-statements'$quoted" \
  -n evguard "$tidy --quiet -p $build --load=$plugin --checks='-*,evguard-*'$quoted" >&2

python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, e = r["stock"], r["evguard"]
print(f"stock   (readability-braces-around-statements): {s['mean']:.3f} s ± {s['stddev']:.3f}")
print(f"evguard (evguard-*):                            {e['mean']:.3f} s ± {e['stddev']:.3f}")
print(f"ratio evguard/stock: {e['mean'] / s['mean']:.3f}x (median {e['median'] / s['median']:.3f}x)")
PY
