// Handlers whose blocking call is reached only through tail calls, compiled
// optimized (-O2, as RelWithDebInfo builds are): the calls leave no frame, so
// the backtrace alone would place the call at the loop's run() in main. The
// debug runtime must put them back from the debug info (DW_TAG_call_site).
#include "evguard/loop.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

namespace {

// Printed so the test compares the report with the compiler's line numbers.
constexpr int SleepLine = __LINE__ + 3;

__attribute__((noinline)) void sleepALittle() {
  usleep(2000); // A tail call at -O2: the function ends with it.
}

// Tail-calls sleepALittle, which tail-calls usleep: neither frame is left.
__attribute__((noinline)) void tailHandler(evguard::TimerId) { sleepALittle(); }

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 2 || std::string(Argv[1]) != "tail-calls") {
    std::fprintf(stderr, "usage: evguard-debug-tail-calls tail-calls (built "
                         "from " EVGUARD_TEST_CHECKOUT ")\n");
    return 2;
  }
  std::fprintf(stderr, "scenario: usleep at line %d\n", SleepLine);
  evguard::Loop Loop;
  auto T = Loop.start_timer(1ms, 0ns, tailHandler);
  return !T || Loop.run() ? 3 : 0;
}
