// A lambda first stored in a local variable and then passed to a registering
// parameter is a handler; so is one passed inline. A lambda only called
// from main is not.
#include <evguard/annotations.h>
#include <unistd.h>

template <class F> void on_readable(int fd, EVGUARD_REGISTERS_HANDLER F handler) { (void)fd, (void)handler; }

int main() {
  int log_fd = 3;
  auto flush = [log_fd](int fd) {
    (void)fd;
    fdatasync(log_fd); // EXPECT: evguard-blocking-call callee=fdatasync via=on_readable
  };
  on_readable(0, flush);
  on_readable(1, [](int fd) {
    char c;
    pread(fd, &c, 1, 0); // EXPECT: evguard-blocking-call callee=pread via=on_readable
  });
  auto setup = [] { sleep(1); };
  setup();
}
