// Lambdas called in place, and lambdas passed to standard algorithms, run
// inside the handler: their blocking calls are reported with the handler as
// root.
#include <algorithm>
#include <evguard/annotations.h>
#include <unistd.h>
#include <vector>

EVGUARD_HANDLER void on_checkpoint(const std::vector<int> &fds) {
  [&] {
    sync(); // EXPECT: evguard-blocking-call callee=sync roots=on_checkpoint
  }();
  std::for_each(fds.begin(), fds.end(), [](int fd) {
    fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_checkpoint
  });
  auto n = std::count_if(fds.begin(), fds.end(), [](int fd) { return fd > 2; });
  (void)n;
}

int main() { on_checkpoint({3, 4}); }
