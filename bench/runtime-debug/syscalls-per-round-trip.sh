#!/usr/bin/env bash
# System calls the echo server makes per round trip, plain runtime against the
# debug runtime with all detectors (and with the perf fault counter):
# where the debug mode's cost goes, counted rather than timed, so a busy
# machine does not blur it. Needs root (or perf_event_paranoid <= 1) and
# tracefs for perf's raw_syscalls tracepoint:
#   mount -t tracefs nodev /sys/kernel/tracing   (if it is not mounted)
#
#   bench/runtime-debug/syscalls-per-round-trip.sh [BUILD_DIR] [CONNECTIONS]
#
# Build first: the targets listed in run-debug-bench.sh.
set -euo pipefail

build=${1:-build-dbg}
conns=${2:-100}
dbg=$build/bench/runtime-debug
client=$build/bench/runtime/bench-echo-client
command -v perf >/dev/null || { echo "error: perf not installed (apt-get install linux-perf)" >&2; exit 2; }
for f in "$client" "$dbg/evguard-debug-bench-echo-plain" "$dbg/evguard-debug-bench-echo-debug"; do
  [[ -x $f ]] || { echo "error: $f not built; see the header of run-debug-bench.sh" >&2; exit 2; }
done
unistd=$(echo '#include <sys/syscall.h>' | cc -E -dM - | grep -E '^#define __NR_' || true)
name_of() { awk -v n="$1" '$3 == n {sub("__NR_", "", $2); print $2; exit}' <<<"$unistd"; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# profile NAME BINARY SETTINGS: per-round-trip counts of each system call.
profile() {
  local port=$((20000 + RANDOM % 20000))
  local settings=()
  [[ $3 == - ]] || read -r -a settings <<<"$3"
  env "${settings[@]}" "$2" "$port" >"$work/server.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q ready "$work/server.out" && break; sleep 0.05; done
  # Only the server's own calls; the client's warm-up is inside the window.
  perf record -q -o "$work/perf.data" -e raw_syscalls:sys_enter -p "$server_pid" -- sleep 2 \
    >/dev/null 2>"$work/perf.err" &
  local perf_pid=$!
  sleep 0.2
  "$client" "$port" "$conns" 1 64 >/dev/null
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" || true
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  perf script -i "$work/perf.data" -F trace 2>/dev/null |
    sed -nE 's/.*NR ([0-9]+).*/\1/p' | sort -n | uniq -c >"$work/counts"
  if [[ ! -s $work/counts ]]; then
    echo "error: perf recorded nothing:" >&2; cat "$work/perf.err" >&2; exit 1
  fi
  # Round trips = the server's reads that returned data, ~ its read calls.
  local reads; reads=$(awk '$2 == 0 {print $1}' "$work/counts")
  echo "$1 ($3):"
  sort -rn "$work/counts" | while read -r n nr; do
    awk -v n="$n" -v r="$reads" 'BEGIN {exit !(n / r >= 0.01)}' || continue
    printf "  %-16s %6.2f per round trip\n" "$(name_of "$nr")" "$(awk "BEGIN {print $n / $reads}")"
  done
}

echo "system calls per round trip of the echo server, $conns connections (per read call)"
profile plain "$dbg/evguard-debug-bench-echo-plain" "-"
profile debug-all "$dbg/evguard-debug-bench-echo-debug" "EVGUARD_DETECT=all"
profile all-perf "$dbg/evguard-debug-bench-echo-debug" "EVGUARD_DETECT=all EVGUARD_FAULT_COUNTER=perf"
