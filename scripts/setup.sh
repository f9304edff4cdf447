#!/usr/bin/env bash
# Installs what evguard needs to build and test on Debian 12, and configures
# and builds it in build/. Idempotent: a second run only rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build git pkg-config python3 python3-jsonschema
  llvm-19-dev libclang-19-dev libclang-cpp19-dev clang-19 clang-tidy-19
  nlohmann-json3-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
  libuv1-dev libevent-dev libboost-dev libdw-dev liburing-dev
  hyperfine
  bazel-bootstrap
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> evguard: installing ${#missing[@]} Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "error: packages are missing and this is not root; run as root or install them: ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "==> evguard: all Debian packages present"
fi

build_dir=${EVGUARD_BUILD_DIR:-build}
echo "==> evguard: configuring in $build_dir"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm -DClang_DIR=/usr/lib/llvm-19/lib/cmake/clang >/dev/null
echo "==> evguard: building (this takes a few minutes the first time)"
cmake --build "$build_dir" -j "$(nproc)"
