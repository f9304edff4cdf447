#!/usr/bin/env bash
# How evguard's cost grows with the program, and what incremental runs save,
# side by side with clang-19 -fsyntax-only over the same TUs in the same run.
# For each language and size: generates the program (gen_server.py for C,
# gen_server_cxx.py for C++), then measures once each
#   syntax   clang-19 -fsyntax-only over every TU, 2 at a time (CPU, wall, peak RSS of the largest process)
#   cold     evguard -p -j 2 --cache (empty cache)
#   link     evguard link over the summaries alone (link + reachability + report)
#   touch-c  evguard --cache after touching one .c file
#   touch-h  evguard --cache after touching a header included by 10% of the TUs (C++ only: module headers)
# and the size of one TU's summary. Prints one table row per program.
#
# Usage: bench/analysis/scale.sh [--evguard PATH] [--sizes "150 600 2400"] [--langs "c c++"] [--work DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
evguard=${EVGUARD:-$here/../../build/tool/evguard/evguard}
sizes="150 600 2400"
langs="c c++"
work=
while [[ $# -gt 0 ]]; do
  case $1 in
    --evguard) evguard=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --langs) langs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[[ -x $evguard ]] || { echo "scale.sh: evguard not found at $evguard" >&2; exit 2; }
[[ -n $work ]] || { work=$(mktemp -d "${TMPDIR:-/tmp}/evguard-scale.XXXXXX"); trap 'rm -rf "$work"' EXIT; }

# "user+sys wall maxrss_kib" of a command, from GNU time.
measure() { /usr/bin/time -f '%U %S %e %M' -o "$work/time" "$@" > /dev/null 2>&1 || true
            awk '{printf "%.2f %.2f %d\n", $1 + $2, $3, $4}' "$work/time"; }

printf '# %s cores, load %s; evguard %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$evguard"
printf '%-4s %5s | %9s %7s %8s | %9s %7s %8s %6s | %7s | %7s %7s | %6s %8s\n' lang TUs \
  syntaxCPU wall rssMiB coldCPU wall rssMiB ratio link touchC touchH sumKiB largest
for lang in $langs; do
  for n in $sizes; do
    dir=$work/$lang-$n
    rm -rf "$dir"
    if [[ $lang == c ]]; then
      python3 "$here/gen_server.py" "$dir" --tus "$n" > /dev/null
    else
      python3 "$here/gen_server_cxx.py" "$dir" --tus "$n" > /dev/null
    fi
    python3 "$here/syntax_commands.py" "$dir/compile_commands.json" clang-19 > "$work/cmds"
    read -r s_cpu s_wall s_rss < <(measure sh -c "xargs -0 -P 2 -n 1 sh -c < '$work/cmds'")
    cache=$dir/.evguard-cache sums=$dir/.summaries
    read -r c_cpu c_wall c_rss < <(cd "$dir" && measure "$evguard" -p . -j 2 --cache "$cache" \
      --emit-summaries "$sums" --exit-zero --format=json -o "$dir/cold.json")
    read -r l_cpu l_wall _ < <(cd "$dir" && measure "$evguard" link "$sums" --exit-zero --format=json -o "$dir/link.json")
    cmp -s <(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["findings"])' "$dir/cold.json") \
           <(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["findings"])' "$dir/link.json") \
      || echo "scale.sh: warning: link report differs from the whole run ($lang $n)" >&2
    one=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[len(json.load(open(sys.argv[1])))//2]["file"])' "$dir/compile_commands.json")
    echo "// touched" >> "$one"
    read -r _ tc_wall _ < <(cd "$dir" && measure "$evguard" -p . -j 2 --cache "$cache" --exit-zero --format=json -o "$dir/warm.json")
    th_wall=-
    if [[ $lang == c++ ]]; then
      echo "// touched" >> "$dir/include/mod_0.hpp"
      read -r _ th_wall _ < <(cd "$dir" && measure "$evguard" -p . -j 2 --cache "$cache" --exit-zero --format=json -o "$dir/warm2.json")
      cmp -s "$dir/warm2.json" "$dir/cold.json" || echo "scale.sh: note: warm report differs after the header touch (line numbers moved?)" >&2
    fi
    sum_kib=$(du -sk "$sums" | awk -v n="$n" '{printf "%.1f", $1 / n}')
    largest=$(ls -S "$sums" | head -1 | xargs -I{} du -k "$sums/{}" | cut -f1)
    ratio=$(awk -v a="$c_cpu" -v b="$s_cpu" 'BEGIN{printf "%.2fx", a / b}')
    printf '%-4s %5s | %9s %7s %8d | %9s %7s %8d %6s | %7s | %7s %7s | %6s %8s\n' "$lang" "$n" \
      "$s_cpu" "$s_wall" $((s_rss / 1024)) "$c_cpu" "$c_wall" $((c_rss / 1024)) "$ratio" \
      "$l_wall" "$tc_wall" "$th_wall" "$sum_kib" "${largest}K"
  done
done
