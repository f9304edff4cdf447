#!/usr/bin/env bash
# Quick start (a): set up, build, and run evguard on the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${EVGUARD_BUILD_DIR:-build}
evguard="$build_dir/tool/evguard/evguard"

status=0
for example in libuv-kv epoll-chat; do
  demo_build="$build_dir/demo/$example"
  echo
  echo "==> evguard: configuring examples/$example (for its compile_commands.json)"
  cmake -S "examples/$example" -B "$demo_build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
  echo "==> evguard: $evguard -p $demo_build"
  # Exit code 1 means "findings": that is what the examples are for.
  "$evguard" -p "$demo_build" || rc=$?
  rc=${rc:-0}
  if [ "$rc" -gt 1 ]; then
    echo "error: evguard failed on examples/$example (exit $rc)" >&2
    status=$rc
  fi
  unset rc
done
echo
echo "==> evguard: done. Try --format=sarif -o report.sarif, or see docs/."
exit "$status"
