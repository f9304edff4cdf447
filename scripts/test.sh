#!/usr/bin/env bash
# Quick start (b): set up, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${EVGUARD_BUILD_DIR:-build}
echo "==> evguard: running the tests"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
