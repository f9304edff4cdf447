// Links against the shared libevguard-runtime: a timer, a post and an
// offload round trip through the public headers only.
#include "evguard/loop.h"

#include <cstdio>

int main() {
  using namespace std::chrono_literals;
  auto loop = evguard::Loop::create();
  if (!loop) {
    std::fprintf(stderr, "Loop::create: %s\n", loop.error().message().c_str());
    return 1;
  }
  int steps = 0;
  evguard::Loop &l = **loop;
  if (!l.start_timer(1ms, 0ns, [&](evguard::TimerId) { ++steps; }) ||
      l.post([&] { ++steps; }) || l.offload([] {}, [&] { ++steps; })) {
    std::fprintf(stderr, "registration failed\n");
    return 1;
  }
  if (std::error_code ec = l.run()) {
    std::fprintf(stderr, "run: %s\n", ec.message().c_str());
    return 1;
  }
  if (steps != 3) {
    std::fprintf(stderr, "expected 3 callbacks, got %d\n", steps);
    return 1;
  }
  return 0;
}
