// Input for evguard's end-to-end tests: a program on the runtime, checked
// with no annotation of its own. The same blocking call (usleep) appears in
// an fd handler, in a timer handler, in offloaded work and in offload's done
// callback. The runtime's headers (EVGUARD_REGISTERS_HANDLER /
// EVGUARD_OFFLOADED on Loop's parameters, and annotations/evguard-runtime.json)
// tell the checker which is which: the handlers' calls are findings, the
// offloaded one is not.
#include "evguard/loop.h"

#include <unistd.h>

namespace {

// Reached from the timer and the post handler: reported once, here, with
// both chains in the notes.
void slow_step() {
  usleep(1000); // EXPECT: evguard-blocking-call
}

void register_handlers(evguard::Loop &loop, int fd) {
  (void)loop.watch(fd, evguard::Io::readable, [](const evguard::IoEvent &) {
    usleep(1000); // EXPECT: evguard-blocking-call
  });

  (void)loop.start_timer(std::chrono::milliseconds(5),
                         std::chrono::nanoseconds(0), [](evguard::TimerId) {
                           slow_step(); // reported at slow_step's usleep
                         });

  (void)loop.offload(
      [] {
        usleep(1000); // off the loop thread: no finding here
      },
      [] {
        usleep(1000); // EXPECT: evguard-blocking-call
      });

  (void)loop.post([] {
    slow_step(); // reported at slow_step's usleep
  });
}

} // namespace

int main() {
  auto loop = evguard::Loop::create();
  if (!loop)
    return 1;
  register_handlers(**loop, 0);
  return (*loop)->run() ? 1 : 0;
}
