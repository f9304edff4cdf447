#include "test_util.h"

#include <csignal>
#include <pthread.h>

namespace evguard::test {
namespace {

bool blocked_here(int signo) {
  sigset_t cur;
  pthread_sigmask(SIG_SETMASK, nullptr, &cur);
  return sigismember(&cur, signo) == 1;
}

TEST(Signals, DeliveredThroughTheLoopAndMaskRestored) {
  ASSERT_FALSE(blocked_here(SIGUSR1));
  Loop loop;
  int got = 0;
  auto id = loop.watch_signal(SIGUSR1, [&](const SignalEvent &ev) {
    EXPECT_EQ(ev.signo, SIGUSR1);
    EXPECT_EQ(ev.sender_pid, getpid());
    if (++got == 2)
      EXPECT_FALSE(loop.unwatch_signal(ev.id)); // from inside its handler
    else
      raise(SIGUSR1);
  }, "usr1");
  ASSERT_TRUE(id);
  EXPECT_TRUE(blocked_here(SIGUSR1));
  raise(SIGUSR1); // blocked, so it waits in the signalfd
  arm_watchdog(loop);
  while (got < 2 && !loop.run_once(1s)) {
  }
  EXPECT_EQ(got, 2);
  EXPECT_FALSE(blocked_here(SIGUSR1)); // back to how it was
  EXPECT_EQ(loop.unwatch_signal(*id), Errc::stale_handle);
}

TEST(Signals, TwoSignalsOneLoop) {
  Loop loop;
  int usr1 = 0, usr2 = 0;
  auto a = loop.watch_signal(SIGUSR1, [&](const SignalEvent &) { ++usr1; });
  auto b = loop.watch_signal(SIGUSR2, [&](const SignalEvent &) { ++usr2; });
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  raise(SIGUSR2);
  raise(SIGUSR1);
  while ((usr1 == 0 || usr2 == 0) && !loop.run_once(1s)) {
  }
  EXPECT_EQ(usr1, 1);
  EXPECT_EQ(usr2, 1);
  EXPECT_FALSE(loop.unwatch_signal(*a));
  EXPECT_FALSE(loop.unwatch_signal(*b));
  EXPECT_FALSE(blocked_here(SIGUSR2));
}

TEST(Signals, DuplicateAndInvalidSignals) {
  Loop loop;
  auto a = loop.watch_signal(SIGUSR1, [](const SignalEvent &) {});
  ASSERT_TRUE(a);
  auto dup = loop.watch_signal(SIGUSR1, [](const SignalEvent &) {});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), Errc::signal_in_use);
  EXPECT_EQ(loop.watch_signal(0, [](const SignalEvent &) {}).error(),
            std::errc::invalid_argument);
  EXPECT_EQ(loop.watch_signal(SIGKILL, [](const SignalEvent &) {}).error(),
            std::errc::invalid_argument);
  EXPECT_EQ(loop.watch_signal(100000, [](const SignalEvent &) {}).error(),
            std::errc::invalid_argument);
  EXPECT_FALSE(loop.unwatch_signal(*a));
}

TEST(Signals, AlreadyBlockedSignalStaysBlocked) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &one, nullptr);
  {
    Loop loop;
    auto id = loop.watch_signal(SIGUSR2, [](const SignalEvent &) {});
    ASSERT_TRUE(id);
    EXPECT_FALSE(loop.unwatch_signal(*id));
    EXPECT_TRUE(blocked_here(SIGUSR2));
  }
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
}

} // namespace
} // namespace evguard::test
