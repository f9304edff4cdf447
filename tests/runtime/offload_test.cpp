#include "test_util.h"

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

namespace evguard::test {
namespace {

TEST(Offload, WorkOffLoopDoneOnLoop) {
  Loop loop;
  const auto loop_thread = std::this_thread::get_id();
  std::thread::id work_thread;
  int done_calls = 0;
  ASSERT_FALSE(loop.offload(
      [&] { work_thread = std::this_thread::get_id(); },
      [&] {
        EXPECT_EQ(std::this_thread::get_id(), loop_thread);
        ++done_calls;
      },
      "job"));
  EXPECT_EQ(loop.offloads_in_flight(), 1u);
  EXPECT_TRUE(loop.alive()); // an offload in flight keeps run() going
  arm_watchdog(loop);
  while (done_calls == 0 && !loop.run_once(1s)) {
  }
  EXPECT_EQ(done_calls, 1);
  EXPECT_NE(work_thread, std::thread::id{});
  EXPECT_NE(work_thread, loop_thread);
  EXPECT_EQ(loop.offloads_in_flight(), 0u);
}

TEST(Offload, ManyJobsAllComplete) {
  LoopOptions options;
  options.workers = 3;
  options.offload_queue = 4096;
  Loop loop(options);
  std::atomic<int> worked{0};
  int done = 0;
  for (int i = 0; i < 2000; ++i)
    ASSERT_FALSE(loop.offload([&] { ++worked; }, [&] { ++done; }));
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(worked.load(), 2000);
  EXPECT_EQ(done, 2000);
}

TEST(Offload, FullQueueIsBackPressureNotBlocking) {
  LoopOptions options;
  options.workers = 1;
  options.offload_queue = 2;
  Loop loop(options);
  std::latch release(1);
  std::latch first_started(1);
  int done = 0;
  // The single worker takes job 0 and blocks in it; jobs 1 and 2 fill the
  // queue; job 3 must be refused at once.
  ASSERT_FALSE(loop.offload(
      [&] {
        first_started.count_down();
        release.wait();
      },
      [&] { ++done; }));
  first_started.wait();
  ASSERT_FALSE(loop.offload([] {}, [&] { ++done; }));
  ASSERT_FALSE(loop.offload([] {}, [&] { ++done; }));
  std::error_code ec = loop.offload([] {}, [&] { ++done; });
  EXPECT_EQ(ec, Errc::offload_queue_full);
  EXPECT_EQ(ec, std::errc::resource_unavailable_try_again);
  EXPECT_EQ(loop.offloads_in_flight(), 3u);
  release.count_down();
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(done, 3); // the refused job never ran
  // With room again, offload succeeds.
  EXPECT_FALSE(loop.offload([] {}, [&] { ++done; }));
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(done, 4);
}

TEST(Offload, LoopDestroyedWithWorkRunningJoinsCleanly) {
  std::atomic<bool> work_ran{false};
  int done = 0;
  {
    LoopOptions options;
    options.workers = 1;
    Loop loop(options);
    std::latch started(1);
    ASSERT_FALSE(loop.offload(
        [&] {
          started.count_down();
          std::this_thread::sleep_for(20ms);
          work_ran = true;
        },
        [&] { ++done; }));
    started.wait();
  } // ~Loop waits for the running work and drops its done
  EXPECT_TRUE(work_ran.load());
  EXPECT_EQ(done, 0);
}

TEST(Offload, EmptyCallablesAreEinval) {
  Loop loop;
  Task none;
  EXPECT_EQ(loop.offload(std::move(none), [] {}), std::errc::invalid_argument);
  Task none2;
  EXPECT_EQ(loop.offload([] {}, std::move(none2)), std::errc::invalid_argument);
}

} // namespace
} // namespace evguard::test
