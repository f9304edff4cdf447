// evguard::AllowBlocking in a program linked with the plain runtime: it must
// link (its entry points are weak references) and do nothing at run time.
#include "evguard/debug.h"
#include "evguard/loop.h"

#include <unistd.h>

int main() {
  if (evguard_debug_allow_blocking_begin || evguard_debug_allow_blocking_end)
    return 1; // The debug runtime's entry points leaked into the plain one.
  evguard::Loop Loop;
  bool Ran = false;
  auto T = Loop.start_timer(std::chrono::milliseconds(1),
                            std::chrono::nanoseconds(0),
                            [&Ran](evguard::TimerId) {
                              evguard::AllowBlocking Allowed{"test"};
                              usleep(100);
                              Ran = true;
                            });
  if (!T || Loop.run())
    return 1;
  return Ran ? 0 : 1;
}
