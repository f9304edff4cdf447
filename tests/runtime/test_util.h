// Shared helpers of the runtime tests.
#ifndef EVGUARD_TESTS_RUNTIME_TEST_UTIL_H
#define EVGUARD_TESTS_RUNTIME_TEST_UTIL_H

#include "evguard/loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fcntl.h>
#include <unistd.h>

namespace evguard::test {

using namespace std::chrono_literals;

/// A non-blocking pipe closed on scope exit (unless already closed).
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
      read_end = fds[0];
      write_end = fds[1];
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0)
      ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0)
      ::close(write_end);
    write_end = -1;
  }
  void put(char c = 'x') const { ASSERT_EQ(::write(write_end, &c, 1), 1); }
  Pipe(const Pipe &) = delete;
  Pipe &operator=(const Pipe &) = delete;
};

/// A watchdog: fails the test instead of hanging if the loop never stops.
/// Only for run_once loops and RunMode::until_stopped: the pending timer
/// keeps run(until_idle) going until it fires.
inline TimerId arm_watchdog(Loop &loop, std::chrono::nanoseconds after = 10s) {
  auto id = loop.start_timer(after, 0ns, [&loop](TimerId) {
    ADD_FAILURE() << "watchdog: the loop did not finish in time";
    loop.stop();
  });
  EXPECT_TRUE(id);
  return id ? *id : TimerId{};
}

} // namespace evguard::test

#endif
