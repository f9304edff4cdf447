// A C++ class whose std::function member is marked EVGUARD_REGISTERS_HANDLER:
// lambdas and functions assigned to that member are handlers.
#include <evguard/annotations.h>
#include <functional>
#include <unistd.h>

struct Socket {
  int fd = -1;
  EVGUARD_REGISTERS_HANDLER std::function<void(Socket &)> on_close;
  std::function<void(Socket &)> on_debug; // not a registering field
};

static void log_close(Socket &s) {
  fsync(s.fd); // EXPECT: evguard-blocking-call callee=fsync roots=log_close
}

int main() {
  Socket a, b;
  a.on_close = log_close;
  b.on_close = [](Socket &s) {
    char buf[16];
    pread(s.fd, buf, sizeof buf, 0); // EXPECT: evguard-blocking-call callee=pread
  };
  b.on_debug = [](Socket &) { sleep(1); };
  b.on_debug(b);
}
