#include "test_util.h"

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace evguard::test {
namespace {

TEST(Post, FromTheLoopThreadRunsInOrder) {
  Loop loop;
  std::vector<int> order;
  for (int i = 0; i < 10; ++i)
    ASSERT_FALSE(loop.post([&order, i] { order.push_back(i); }));
  EXPECT_TRUE(loop.alive()); // queued posts keep run() going
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

// Producers race each other and the loop's batches; each thread's posts must
// arrive complete and in order.
void post_from_threads(int kThreads) {
  constexpr int kPerThread = 20000;
  Loop loop;
  std::vector<int> next(kThreads, 0);
  int total = 0;
  bool in_order = true;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::error_code ec = loop.post([&, t, i] {
          in_order = in_order && next[t] == i;
          next[t] = i + 1;
          if (++total == kThreads * kPerThread)
            loop.stop();
        });
        ASSERT_FALSE(ec);
      }
    });
  arm_watchdog(loop, 60s);
  EXPECT_FALSE(loop.run(RunMode::until_stopped));
  for (auto &p : producers)
    p.join();
  EXPECT_EQ(total, kThreads * kPerThread);
  EXPECT_TRUE(in_order);
}

TEST(Post, FromOneOtherThread) { post_from_threads(1); }
TEST(Post, FromManyThreads) { post_from_threads(8); }

TEST(Post, StopFromAnotherThreadEndsUntilStopped) {
  Loop loop;
  std::thread t([&] { loop.stop(); });
  arm_watchdog(loop);
  EXPECT_FALSE(loop.run(RunMode::until_stopped));
  t.join();
}

TEST(Post, PostedCallbackMayPostAgainWithoutStarvingIo) {
  Loop loop;
  Pipe p;
  p.put();
  bool io_ran = false;
  int reposts = 0;
  std::function<void()> again = [&] {
    ++reposts;
    if (!io_ran) {
      ASSERT_FALSE(loop.post([&] { again(); }));
    }
  };
  ASSERT_FALSE(loop.post([&] { again(); }));
  ASSERT_TRUE(loop.watch(p.read_end, Io::readable, [&](const IoEvent &ev) {
    io_ran = true;
    EXPECT_FALSE(loop.unwatch(ev.id));
  }));
  EXPECT_FALSE(loop.run());
  EXPECT_TRUE(io_ran);
  EXPECT_LT(reposts, 100);
}

TEST(Post, EmptyCallableIsEinval) {
  Loop loop;
  Task none;
  EXPECT_EQ(loop.post(std::move(none)), std::errc::invalid_argument);
}

} // namespace
} // namespace evguard::test
