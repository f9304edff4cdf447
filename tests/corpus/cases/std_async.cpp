// The function given to std::async(std::launch::async, ...) runs on another
// thread and is not followed; the handler keeps the future for later.
#include <evguard/annotations.h>
#include <future>
#include <unistd.h>

static int checksum_file(int fd) {
  char buf[4096];
  int sum = 0;
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    for (ssize_t i = 0; i < n; ++i)
      sum += buf[i];
  return sum;
}

static std::future<int> *inflight;

EVGUARD_HANDLER void on_verify(int fd) {
  if (inflight)
    return;
  inflight = new std::future<int>(std::async(std::launch::async, checksum_file, fd));
}

int main() { on_verify(0); }
