#include "test_util.h"

#include <random>
#include <vector>

namespace evguard::test {
namespace {

TEST(Timers, FireInDeadlineOrderAndFifoOnTies) {
  Loop loop;
  std::vector<int> order;
  auto at = [&](std::chrono::milliseconds d, int tag) {
    ASSERT_TRUE(loop.start_timer(d, 0ns, [&order, tag](TimerId) {
      order.push_back(tag);
    }));
  };
  at(30ms, 4);
  at(10ms, 1);
  at(20ms, 2);
  at(20ms, 3); // now() is cached per iteration: 2 and 3 tie, FIFO decides
  at(0ms, 0);
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Timers, ManyRandomDeadlinesComeOutSorted) {
  Loop loop;
  std::mt19937 rng(42);
  std::vector<std::int64_t> fired;
  std::vector<TimerId> ids;
  for (int i = 0; i < 2000; ++i) {
    auto d = std::chrono::microseconds(rng() % 20000);
    auto id = loop.start_timer(d, 0ns, [&fired, &loop](TimerId) {
      fired.push_back(loop.now().count());
    });
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  // Cancel every third one: erasing from the middle keeps the heap valid.
  int cancelled = 0;
  for (std::size_t i = 0; i < ids.size(); i += 3, ++cancelled)
    ASSERT_FALSE(loop.cancel_timer(ids[i]));
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(fired.size(), ids.size() - cancelled);
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

TEST(Timers, RepeatingTimerCancelledFromItsOwnHandler) {
  Loop loop;
  int ticks = 0;
  auto id = loop.start_timer(1ms, 1ms, [&](TimerId self) {
    if (++ticks == 5) {
      EXPECT_FALSE(loop.cancel_timer(self));
    }
  });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(ticks, 5);
  EXPECT_EQ(loop.cancel_timer(*id), Errc::stale_handle);
}

TEST(Timers, CancelledTimerNeverFires) {
  Loop loop;
  bool fired = false;
  auto id = loop.start_timer(1ms, 0ns, [&](TimerId) { fired = true; });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.cancel_timer(*id));
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(loop.run());
  EXPECT_FALSE(fired);
}

TEST(Timers, OneShotIsStaleAfterFiring) {
  Loop loop;
  TimerId seen;
  auto id = loop.start_timer(0ns, 0ns, [&](TimerId self) {
    seen = self;
    // Cancelling itself while running is allowed and harmless.
    EXPECT_FALSE(loop.cancel_timer(self));
  });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(seen, *id);
  EXPECT_EQ(loop.cancel_timer(*id), Errc::stale_handle);
  EXPECT_EQ(loop.restart_timer(*id, 1ms), Errc::stale_handle);
}

TEST(Timers, RestartPostponesAndCanRearmFromInside) {
  Loop loop;
  std::vector<int> order;
  auto late = loop.start_timer(1ms, 0ns, [&](TimerId) { order.push_back(2); });
  ASSERT_TRUE(late);
  ASSERT_TRUE(loop.start_timer(5ms, 0ns, [&](TimerId) { order.push_back(1); }));
  ASSERT_FALSE(loop.restart_timer(*late, 30ms));
  int rearmed = 0;
  ASSERT_TRUE(loop.start_timer(0ns, 0ns, [&](TimerId self) {
    if (++rearmed < 3) {
      EXPECT_FALSE(loop.restart_timer(self, 0ns)); // one-shot kept alive
    }
  }));
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(rearmed, 3);
}

TEST(Timers, ZeroDelayRearmDoesNotStarveIo) {
  Loop loop;
  Pipe p;
  p.put();
  bool io_ran = false;
  int timer_runs = 0;
  auto t = loop.start_timer(0ns, 0ns, [&](TimerId self) {
    ++timer_runs;
    if (!io_ran) {
      EXPECT_FALSE(loop.restart_timer(self, 0ns));
    }
  });
  ASSERT_TRUE(t);
  ASSERT_TRUE(loop.watch(p.read_end, Io::readable, [&](const IoEvent &ev) {
    io_ran = true;
    EXPECT_FALSE(loop.unwatch(ev.id));
  }));
  EXPECT_FALSE(loop.run());
  EXPECT_TRUE(io_ran);
  EXPECT_LE(timer_runs, 3);
}

TEST(Timers, NegativeDelayOrEmptyHandlerIsEinval) {
  Loop loop;
  auto a = loop.start_timer(-1ns, 0ns, [](TimerId) {});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), std::errc::invalid_argument);
  auto b = loop.start_timer(1ns, -1ns, [](TimerId) {});
  EXPECT_FALSE(b);
  TimerHandler none;
  EXPECT_FALSE(loop.start_timer(1ns, 0ns, std::move(none)));
}

TEST(Timers, ReleasedSlotsAreReusedWithNewGenerations) {
  Loop loop;
  auto a = loop.start_timer(1s, 0ns, [](TimerId) {});
  ASSERT_TRUE(a);
  ASSERT_FALSE(loop.cancel_timer(*a));
  auto b = loop.start_timer(1s, 0ns, [](TimerId) {});
  ASSERT_TRUE(b);
  EXPECT_EQ(a->slot, b->slot);
  EXPECT_NE(a->gen, b->gen);
  EXPECT_EQ(loop.cancel_timer(*a), Errc::stale_handle); // b is untouched
  EXPECT_FALSE(loop.cancel_timer(*b));
}

} // namespace
} // namespace evguard::test
