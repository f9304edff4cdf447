#!/usr/bin/env bash
# Measures evguard against what parsing alone costs, side by side in one run:
#   (a) clang-19 -fsyntax-only over every TU of BUILD_DIR/compile_commands.json,
#       with the database's flags, N TUs at a time (xargs -P N);
#   (b) the same commands on an empty source: clang's per-process start-up;
#   (c) evguard -p BUILD_DIR -j N.
# For each N it prints wall and CPU times (hyperfine, mean of --runs runs), the
# ratios evguard / (a) and evguard / (a - b), and the peak RSS of one run.
#
# Usage: bench/analysis/run.sh [-j "1 2"] [--runs R] [--evguard PATH] BUILD_DIR [-- EVGUARD_ARGS...]
#   e.g. python3 bench/analysis/gen_server.py /tmp/synth && bench/analysis/run.sh /tmp/synth
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jobs_list="1 2"
runs=5
evguard=${EVGUARD:-$here/../../build/tool/evguard/evguard}
clang=${CLANG:-clang-19}

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    -j) jobs_list=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --evguard) evguard=$2; shift 2 ;;
    -h|--help) usage ;;
    --) break ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *) build=$1; shift; break ;;
  esac
done
[[ ${1:-} == -- ]] && shift
extra_args=("$@")

[[ -n ${build:-} ]] || usage
[[ -d $build ]] || { echo "run.sh: $build is not a directory" >&2; exit 2; }
build=$(cd "$build" && pwd)
db=$build/compile_commands.json
for tool in hyperfine python3 "$clang"; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }
done
[[ -f $db ]] || { echo "run.sh: $db not found; generate one (CMake: -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, make: bear -- make)" >&2; exit 2; }
[[ -x $evguard ]] || { echo "run.sh: evguard not found at $evguard; pass --evguard PATH or set EVGUARD" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time not found (Debian package 'time')" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/evguard-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One shell command per TU, NUL-separated: cd to the entry's directory and
# parse with the entry's flags. Output and dependency-file flags are dropped
# (evguard's ClangTool drops them too), and -Wno-everything is added because
# evguard adds it: both sides then do the same diagnostics work.
python3 "$here/syntax_commands.py" "$db" "$clang" > "$work/cmds"
tus=$(tr -cd '\0' < "$work/cmds" | wc -c)
# evguard runs from the TUs' directory (the most common one): see
# docs/evaluation.md, parallel parses share the process working directory.
cwd=$(python3 "$here/syntax_commands.py" --common-dir "$db")

# One unmeasured run of each: warms the page cache and checks that every TU
# parses, so that neither side is timed doing less work than the other.
if ! xargs -0 -P 2 -n 1 sh -c < "$work/cmds" > "$work/syntax.log" 2>&1; then
  echo "run.sh: clang-19 -fsyntax-only fails on some TUs:" >&2; head -20 "$work/syntax.log" >&2; exit 1
fi
(cd "$cwd" && "$evguard" -p "$build" --exit-zero --format=json -o "$work/findings.json" "${extra_args[@]}") 2> "$work/evguard.log" || {
  echo "run.sh: evguard failed:" >&2; cat "$work/evguard.log" >&2; exit 1; }
failed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["failed_translation_units"])' "$work/findings.json")
[[ $failed == 0 ]] || echo "run.sh: warning: evguard failed to parse $failed TUs; its times are for less work" >&2

echo "# $tus TUs from $db; $runs runs each; evguard: $evguard ${extra_args[*]}"
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Wall time is what a user waits for; CPU time (user+sys, all processes) is
# the work done, and is the steadier number on a machine shared with others.
# The baseline runs one clang process per TU, as a build does; the same
# commands on an empty source measure clang's per-process start-up, so that
# "parsing" = syntax-only minus start-up (evguard starts once). evguard writes
# a real file: its -o replaces the target by rename, which would turn
# /dev/null into a regular file.
python3 "$here/syntax_commands.py" --startup "$work" "$db" "$clang" > "$work/startup"
for n in $jobs_list; do
  syntax_cmd="xargs -0 -P $n -n 1 sh -c < '$work/cmds' > /dev/null 2>&1"
  startup_cmd="xargs -0 -P $n -n 1 sh -c < '$work/startup' > /dev/null 2>&1"
  evguard_cmd="cd '$cwd' && '$evguard' -p '$build' -j $n --exit-zero -o '$work/report.json' ${extra_args[*]:-} 2> /dev/null"
  hyperfine --style none --runs "$runs" --export-json "$work/j$n.json" \
    -n "syntax-only -P $n" "$syntax_cmd" -n "start-up only -P $n" "$startup_cmd" \
    -n "evguard -j $n" "$evguard_cmd" > /dev/null
  # Peak RSS: for clang the largest single process; for evguard the one
  # process holding N parses.
  rss_clang=$( { /usr/bin/time -f '%M' sh -c "$syntax_cmd"; } 2>&1 | tail -1)
  rss_evg=$( { /usr/bin/time -f '%M' sh -c "$evguard_cmd"; } 2>&1 | tail -1)
  python3 - "$work/j$n.json" "$n" "$rss_clang" "$rss_evg" <<'EOF2'
import json, sys
syntax, startup, evg = json.load(open(sys.argv[1]))["results"]
n, rss_clang, rss_evg = sys.argv[2], int(sys.argv[3]) / 1024, int(sys.argv[4]) / 1024
cpu = lambda r: r["user"] + r["system"]
def row(what, get):
    s, u, e = get(syntax), get(startup), get(evg)
    print("-j%s %-5s syntax-only %7.2f s  start-up %6.2f s  evguard %7.2f s  "
          "evguard/syntax-only %5.2fx  evguard/(syntax-only - start-up) %5.2fx" %
          (n, what, s, u, e, e / s, e / (s - u)))
row("wall", lambda r: r["mean"])
row("CPU", cpu)
print("-j%s peak RSS: clang %.0f MiB (largest process), evguard %.0f MiB" % (n, rss_clang, rss_evg))
EOF2
done
