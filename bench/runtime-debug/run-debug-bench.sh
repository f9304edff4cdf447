#!/usr/bin/env bash
# Cost of the runtime debug mode, measured side by side in one run:
#  1. echo throughput (64-byte messages, 1 and 100 connections, the runtime's
#     echo server and client from bench/runtime): the server linked with the
#     plain runtime, with the debug runtime and all detectors on (default
#     settings, and with the perf fault counter, EVGUARD_FAULT_COUNTER=perf,
#     which falls back to getrusage where perf_event_open is not allowed),
#     and with the debug runtime and EVGUARD_DETECT=none; rounds
#     interleaved, median.
#     Besides round trips/s it reports the server's CPU time per round trip
#     (all its threads, from /proc/PID/task/*/schedstat), which a machine
#     shared with other jobs disturbs far less than throughput;
#  2. an interposed libc call made outside a handler vs the same libc call
#     made directly, one dispatch with each detector, and a sleep and
#     wake-up of a thread with each fault counter (Google Benchmark).
#
#   bench/runtime-debug/run-debug-bench.sh [BUILD_DIR] [ROUNDS] [SECONDS]
#
# Build first: cmake --build BUILD_DIR --target bench-echo-client
#   evguard-debug-bench-echo-plain evguard-debug-bench-echo-debug
#   evguard-debug-bench-interpose
set -euo pipefail

build=${1:-build-dbg}
rounds=${2:-5}
secs=${3:-2}
dbg=$build/bench/runtime-debug
client=$build/bench/runtime/bench-echo-client
for f in "$client" "$dbg/evguard-debug-bench-echo-plain" "$dbg/evguard-debug-bench-echo-debug" "$dbg/evguard-debug-bench-interpose"; do
  [[ -x $f ]] || { echo "error: $f not built; see the header of $0" >&2; exit 2; }
done

port_base=$((20000 + RANDOM % 20000))
server_pid=
cleanup() { if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; server_pid=; }
trap cleanup EXIT

# start_server BINARY PORT SETTINGS: starts it with the EVGUARD_* settings
# (comma-separated VAR=VALUE, or -) and waits for its "ready" line.
start_server() {
  local out; out=$(mktemp)
  local settings=()
  [[ $3 == - ]] || IFS=, read -r -a settings <<<"$3"
  env "${settings[@]}" "$1" "$2" >"$out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    if grep -q ready "$out"; then rm -f "$out"; return 0; fi
    sleep 0.05
  done
  echo "error: $1 did not start" >&2; cat "$out" >&2; rm -f "$out"; exit 1
}

configs=("plain:$dbg/evguard-debug-bench-echo-plain:-"
         "debug-all:$dbg/evguard-debug-bench-echo-debug:EVGUARD_DETECT=all"
         "all-perf:$dbg/evguard-debug-bench-echo-debug:EVGUARD_DETECT=all,EVGUARD_FAULT_COUNTER=perf"
         "debug-none:$dbg/evguard-debug-bench-echo-debug:EVGUARD_DETECT=none")
# CPU time of every thread of the server so far, in ns.
server_cpu_ns() {
  cat /proc/"$server_pid"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s}'
}

declare -A results cpu
n=0
for ((r = 0; r < rounds; r++)); do
  for cfg in "${configs[@]}"; do
    IFS=: read -r name bin settings <<<"$cfg"
    port=$((port_base + n)); n=$((n + 1))
    start_server "$bin" "$port" "$settings"
    for c in 1 100; do
      before=$(server_cpu_ns)
      rate=$("$client" "$port" "$c" "$secs" 64)
      after=$(server_cpu_ns)
      results[$name,$c]+="$rate "
      # The client measures after a 0.3 s warm-up the server also serves.
      cpu[$name,$c]+="$(awk "BEGIN {printf \"%.0f\", ($after - $before) / ($rate * ($secs + 0.3))}") "
    done
    cleanup
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { tr ' ' '\n' | grep -v '^$' | sort -n | head -1; }
echo "echo round trips/s, 64-byte messages, median of $rounds rounds of ${secs}s"
printf "%-12s %14s %14s\n" server "1 conn" "100 conns"
declare -A med mcpu lcpu
for cfg in "${configs[@]}"; do
  name=${cfg%%:*}
  for c in 1 100; do
    med[$name,$c]=$(echo "${results[$name,$c]}" | median)
    mcpu[$name,$c]=$(echo "${cpu[$name,$c]}" | median)
    lcpu[$name,$c]=$(echo "${cpu[$name,$c]}" | minimum)
  done
  printf "%-12s %14s %14s\n" "$name" "${med[$name,1]}" "${med[$name,100]}"
done
for name in debug-all all-perf debug-none; do
  printf "plain/%-10s %9.3fx %13.3fx   (throughput slowdown; target <= 1.10x)\n" "$name" \
    "$(awk "BEGIN {print ${med[plain,1]} / ${med[$name,1]}}")" \
    "$(awk "BEGIN {print ${med[plain,100]} / ${med[$name,100]}}")"
done
echo
echo "server CPU ns per round trip: median (min) of the rounds"
printf "%-12s %20s %20s\n" server "1 conn" "100 conns"
for cfg in "${configs[@]}"; do
  name=${cfg%%:*}
  printf "%-12s %12s (%5s) %12s (%5s)\n" "$name" "${mcpu[$name,1]}" "${lcpu[$name,1]}" \
    "${mcpu[$name,100]}" "${lcpu[$name,100]}"
done
for name in debug-all all-perf debug-none; do
  printf "%-10s/plain %8.3fx (%5.3fx) %8.3fx (%5.3fx)   (CPU cost ratio)\n" "$name" \
    "$(awk "BEGIN {print ${mcpu[$name,1]} / ${mcpu[plain,1]}}")" \
    "$(awk "BEGIN {print ${lcpu[$name,1]} / ${lcpu[plain,1]}}")" \
    "$(awk "BEGIN {print ${mcpu[$name,100]} / ${mcpu[plain,100]}}")" \
    "$(awk "BEGIN {print ${lcpu[$name,100]} / ${lcpu[plain,100]}}")"
done
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "interposed call outside a handler vs direct libc call; one dispatch per detector"
"$dbg/evguard-debug-bench-interpose" --benchmark_filter=Lock --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true 2>/dev/null | grep -E "median|Benchmark"
for d in none stall faults blocking all "all EVGUARD_FAULT_COUNTER=perf"; do
  env EVGUARD_DETECT=$d "$dbg/evguard-debug-bench-interpose" --benchmark_filter=Dispatch \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null | grep median
done
echo "a sleep and wake-up of the thread (pipe round trip to another thread) with each fault counter"
for c in rusage perf; do
  EVGUARD_DETECT=all EVGUARD_FAULT_COUNTER=$c "$dbg/evguard-debug-bench-interpose" --benchmark_filter=SleepWake \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null | grep median
done
