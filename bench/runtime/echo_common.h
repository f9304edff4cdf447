// What the libuv and libevent echo servers share: argument parsing and the
// "ready" line run-echo.sh waits for. The servers are written on each library
// the way examples/runtime-echo (the evguard one) is: one thread, accept
// everything, read into one 64 KiB buffer, write back at once, queue only
// what the socket refuses.
#ifndef EVGUARD_BENCH_ECHO_COMMON_H
#define EVGUARD_BENCH_ECHO_COMMON_H

#include <cstdio>
#include <cstdlib>

namespace echo_bench {

constexpr std::size_t kReadBuffer = 64 * 1024;

inline int parse_port(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT (listens on 127.0.0.1)\n", argv[0]);
    std::exit(2);
  }
  int port = std::atoi(argv[1]);
  if (port <= 0 || port > 65535) {
    std::fprintf(stderr, "%s: bad port '%s'\n", argv[0], argv[1]);
    std::exit(2);
  }
  return port;
}

inline void announce_ready(const char *name, int port) {
  std::printf("%s echo server ready on 127.0.0.1:%d\n", name, port);
  std::fflush(stdout);
}

} // namespace echo_bench

#endif
