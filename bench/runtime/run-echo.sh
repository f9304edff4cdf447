#!/usr/bin/env bash
# TCP echo over loopback, 64-byte messages, 1 and 100 connections: the same
# client against the evguard, libuv and libevent echo servers, interleaved
# round by round in one run, median of the rounds; prints two tables with
# ratios: round trips per second (what the issue asks), and the server's own
# CPU time per round trip (from /proc, user + system), which a loaded
# machine disturbs much less than wall-clock throughput.
#
#   bench/runtime/run-echo.sh [--smoke] [BIN_DIR] [ROUNDS] [SECONDS]
#
# BIN_DIR is where the bench-echo-* programs are (default build-rt/bench/runtime;
# build them with `cmake --build build-rt --target bench-echo-client
# bench-echo-evguard bench-echo-libuv bench-echo-libevent`). --smoke runs
# one short round, only to prove the programs work.
set -euo pipefail

smoke=0
if [[ ${1:-} == --smoke ]]; then smoke=1; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build-rt/bench/runtime}
rounds=${2:-5}
secs=${3:-2}
if ((smoke)); then rounds=1; secs=0.2; fi
msg=64
conns_list=(1 100)

servers=()
for s in evguard libuv libevent; do
  if [[ -x $bin/bench-echo-$s ]]; then servers+=("$s"); else
    echo "note: $bin/bench-echo-$s not built; skipped" >&2; fi
done
[[ -x $bin/bench-echo-client ]] || { echo "error: $bin/bench-echo-client not found; build the bench-echo-* targets first" >&2; exit 2; }
[[ ${servers[0]:-} == evguard ]] || { echo "error: bench-echo-evguard not found in $bin" >&2; exit 2; }

port_base=$((20000 + RANDOM % 20000))
server_pid=
cleanup() { if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

# start_server NAME PORT: starts it and waits for its "ready" line.
start_server() {
  local out; out=$(mktemp)
  "$bin/bench-echo-$1" "$2" >"$out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    if grep -q ready "$out"; then rm -f "$out"; return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$out" >&2; rm -f "$out"; return 1; fi
    sleep 0.05
  done
  echo "error: $1 server did not start" >&2; cat "$out" >&2; rm -f "$out"; return 1
}

# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

declare -A results cpu
round=0
for ((r = 0; r < rounds; r++)); do
  for s in "${servers[@]}"; do
    port=$((port_base + round)); round=$((round + 1))
    start_server "$s" "$port"
    for c in "${conns_list[@]}"; do
      t0=$(cpu_ticks "$server_pid")
      v=$("$bin/bench-echo-client" "$port" "$c" "$secs" "$msg") ||
        { echo "error: the client failed against the $s server ($c connections)" >&2; exit 1; }
      t1=$(cpu_ticks "$server_pid")
      results[$s,$c]+="$v "
      # The client ran 0.3 s of warm-up before its measured seconds.
      cpu[$s,$c]+="$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v r="$v" -v s="$secs" \
        'BEGIN {printf "%.3f", t / hz * 1e6 / (r * (s + 0.3))}') "
    done
    cleanup; server_pid=
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# table TITLE ARRAY BETTER: one row per connection count; BETTER is "high"
# (ratio evguard / best other) or "low" (ratio best other / evguard), so a
# ratio above 1 always means evguard is ahead.
table() {
  local -n data=$2
  echo "$1"
  echo
  printf '| %-11s |' connections; for s in "${servers[@]}"; do printf ' %12s |' "$s"; done
  printf ' %-22s |\n' "evguard vs best other"
  printf '|%s|' -------------; for s in "${servers[@]}"; do printf '%s|' --------------; done; printf '%s|\n' ------------------------
  for c in "${conns_list[@]}"; do
    printf '| %-11s |' "$c"
    local best="" m
    declare -A med=()
    for s in "${servers[@]}"; do
      m=$(echo "${data[$s,$c]}" | median)
      med[$s]=$m
      printf ' %12s |' "$m"
      [[ $s == evguard ]] && continue
      if [[ -z $best ]] || awk -v a="$m" -v b="$best" -v h="$3" 'BEGIN {exit !(h == "high" ? a > b : a < b)}'; then best=$m; fi
    done
    if [[ -n $best ]]; then
      printf ' %-22s |\n' "$(awk -v e="${med[evguard]}" -v b="$best" -v h="$3" \
        'BEGIN {printf "%.2fx", h == "high" ? e / b : b / e}')"
    else
      printf ' %-22s |\n' "n/a"
    fi
  done
  echo
}

table "TCP echo, 127.0.0.1, ${msg}-byte messages, median of $rounds interleaved rounds of ${secs}s: round trips per second" results high
table "Server CPU time per round trip (µs, user + system, same runs)" cpu low
