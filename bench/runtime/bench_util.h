// Timing helpers shared by the timer and post benchmarks.
#ifndef EVGUARD_BENCH_UTIL_H
#define EVGUARD_BENCH_UTIL_H

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace bench {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

/// COUNT ROUNDS from argv, with defaults.
inline void parse_args(int argc, char **argv, long &count, int &rounds,
                       long default_count) {
  count = argc > 1 ? std::atol(argv[1]) : default_count;
  rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  if (count <= 0 || rounds <= 0) {
    std::fprintf(stderr, "usage: %s [COUNT] [ROUNDS]\n", argv[0]);
    std::exit(2);
  }
}

/// One table row: the evguard time, the libuv time, and libuv/evguard (> 1
/// means evguard is faster).
inline void print_row(const char *what, double evguard_s, double libuv_s) {
  std::printf("| %-52s | %10.1f | %10.1f | %6.2fx |\n", what, evguard_s * 1e3,
              libuv_s * 1e3, libuv_s / evguard_s);
}

inline void print_header(const char *title, long count, int rounds) {
  std::printf("%s: %ld operations, median of %d interleaved rounds\n\n", title,
              count, rounds);
  std::printf("| %-52s | %10s | %10s | %7s |\n", "case", "evguard ms",
              "libuv ms", "speedup");
  std::printf("|%s|%s|%s|%s|\n", std::string(54, '-').c_str(),
              std::string(12, '-').c_str(), std::string(12, '-').c_str(),
              std::string(9, '-').c_str());
}

} // namespace bench

#endif
