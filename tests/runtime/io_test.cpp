#include "test_util.h"

#include <cerrno>
#include <cstdio>
#include <vector>

namespace evguard::test {
namespace {

TEST(Io, EmptyLoopRunReturnsAtOnce) {
  Loop loop;
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(loop.run());
}

TEST(Io, ReadableFiresAndLevelTriggerRepeatsUntilDrained) {
  Loop loop;
  Pipe p;
  p.put();
  int calls = 0;
  auto id = loop.watch(p.read_end, Io::readable, [&](const IoEvent &ev) {
    EXPECT_EQ(ev.fd, p.read_end);
    EXPECT_TRUE(any(ev.events & Io::readable));
    if (++calls == 3) {
      char c;
      ASSERT_EQ(read(ev.fd, &c, 1), 1);
      EXPECT_FALSE(loop.unwatch(ev.id));
    }
  });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(calls, 3); // level-triggered: fired on every iteration until read
  EXPECT_EQ(loop.unwatch(*id), Errc::stale_handle);
}

TEST(Io, EdgeTriggerFiresOncePerEdge) {
  Loop loop;
  Pipe p;
  int calls = 0;
  auto id = loop.watch(p.read_end, Io::readable | Io::edge,
                       [&](const IoEvent &) { ++calls; });
  ASSERT_TRUE(id);
  p.put();
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(calls, 1); // not re-reported although still readable
  p.put();
  ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(loop.unwatch(*id));
}

TEST(Io, WritableAndModify) {
  Loop loop;
  Pipe p;
  int writable = 0, readable = 0;
  WatchId wid;
  auto w = loop.watch(p.write_end, Io::writable, [&](const IoEvent &ev) {
    EXPECT_TRUE(any(ev.events & Io::writable));
    ++writable;
    EXPECT_FALSE(loop.modify(ev.id, Io::none)); // pause
  });
  ASSERT_TRUE(w);
  wid = *w;
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(writable, 1);
  EXPECT_FALSE(loop.modify(wid, Io::writable)); // resume
  ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(writable, 2);
  EXPECT_FALSE(loop.unwatch(wid));
  EXPECT_EQ(loop.modify(wid, Io::readable), Errc::stale_handle);
  (void)readable;
}

TEST(Io, PausedWatcherOnHungUpFdDoesNotSpin) {
  Loop loop;
  Pipe p;
  int calls = 0;
  auto id = loop.watch(p.read_end, Io::readable, [&](const IoEvent &ev) {
    ++calls;
    EXPECT_TRUE(any(ev.events & Io::hangup));
    EXPECT_FALSE(loop.modify(ev.id, Io::none));
  });
  ASSERT_TRUE(id);
  p.close_write(); // EPOLLHUP forever from now on
  for (int i = 0; i < 5; ++i)
    ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(loop.unwatch(*id));
}

TEST(Io, InvalidFdIsEbadf) {
  Loop loop;
  auto id = loop.watch(-1, Io::readable, [](const IoEvent &) {});
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error(), std::errc::bad_file_descriptor);
  EXPECT_FALSE(loop.alive()); // the failed registration left nothing behind
}

TEST(Io, RegularFileIsEperm) {
  Loop loop;
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  auto id = loop.watch(fileno(f), Io::readable, [](const IoEvent &) {});
  std::fclose(f);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error(), std::errc::operation_not_permitted);
}

TEST(Io, WatchingTheSameFdTwiceIsEexist) {
  Loop loop;
  Pipe p;
  auto a = loop.watch(p.read_end, Io::readable, [](const IoEvent &) {});
  ASSERT_TRUE(a);
  auto b = loop.watch(p.read_end, Io::readable, [](const IoEvent &) {});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), std::errc::file_exists);
  EXPECT_FALSE(loop.unwatch(*a));
}

TEST(Io, EmptyHandlerIsEinval) {
  Loop loop;
  Pipe p;
  IoHandler none;
  auto id = loop.watch(p.read_end, Io::readable, std::move(none));
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error(), std::errc::invalid_argument);
}

TEST(Io, FdClosedUnderAWatcher) {
  Loop loop;
  Pipe p;
  int calls = 0;
  auto id = loop.watch(p.read_end, Io::readable,
                       [&](const IoEvent &) { ++calls; });
  ASSERT_TRUE(id);
  p.put();
  p.close_read(); // closing the only reference removes it from epoll
  ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(calls, 0);
  std::error_code ec = loop.unwatch(*id);
  EXPECT_EQ(ec, std::errc::bad_file_descriptor); // said, not hidden
  EXPECT_FALSE(loop.alive());                    // but the slot is released
  EXPECT_EQ(loop.unwatch(*id), Errc::stale_handle);

  // The fd number can be watched again once reused.
  Pipe q;
  auto again = loop.watch(q.read_end, Io::readable, [](const IoEvent &) {});
  EXPECT_TRUE(again);
}

TEST(Io, CloseFromInsideOwnHandlerDestroysItAfterReturn) {
  Loop loop;
  Pipe p;
  p.put();
  auto state = std::make_shared<int>(0);
  std::weak_ptr<int> watch_state = state;
  auto id = loop.watch(p.read_end, Io::readable,
                       [&loop, state](const IoEvent &ev) {
                         EXPECT_FALSE(loop.unwatch(ev.id));
                         // Still alive: destruction waits for the return.
                         ++*state;
                         EXPECT_EQ(*state, 1);
                       });
  ASSERT_TRUE(id);
  state.reset();
  EXPECT_FALSE(watch_state.expired());
  EXPECT_FALSE(loop.run());
  EXPECT_TRUE(watch_state.expired());
}

TEST(Io, HandlerClosingAnotherReadyWatcherSuppressesItsEvent) {
  Loop loop;
  Pipe a, b;
  a.put();
  b.put();
  WatchId ida, idb;
  int calls = 0;
  auto h = [&](const IoEvent &ev) {
    ++calls;
    EXPECT_FALSE(loop.unwatch(ida));
    EXPECT_FALSE(loop.unwatch(idb));
    // Reusing the freed slot for a new watcher must not inherit the event.
    (void)ev;
  };
  ida = *loop.watch(a.read_end, Io::readable, h);
  idb = *loop.watch(b.read_end, Io::readable, h);
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(calls, 1);
}

TEST(Io, SlotReuseDoesNotInheritStaleEvents) {
  Loop loop;
  Pipe a, b, c;
  a.put();
  b.put();
  WatchId ida, idb;
  int a_calls = 0, b_calls = 0, c_calls = 0;
  ida = *loop.watch(a.read_end, Io::readable, [&](const IoEvent &) {
    ++a_calls;
    EXPECT_FALSE(loop.unwatch(ida));
    EXPECT_FALSE(loop.unwatch(idb));
    // c takes a freed slot while b's event is still in this batch.
    auto idc = loop.watch(c.read_end, Io::readable, [&](const IoEvent &ev) {
      ++c_calls;
      EXPECT_FALSE(loop.unwatch(ev.id));
    });
    EXPECT_TRUE(idc);
  });
  idb = *loop.watch(b.read_end, Io::readable, [&](const IoEvent &) { ++b_calls; });
  ASSERT_FALSE(loop.run_once(0ns));
  EXPECT_EQ(a_calls + b_calls, 1);
  EXPECT_EQ(c_calls, 0); // c is not readable: no stale event reached it
  c.put();
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(c_calls, 1);
}

TEST(Io, ReentrantRunIsRefused) {
  Loop loop;
  Pipe p;
  p.put();
  std::error_code inner;
  auto id = loop.watch(p.read_end, Io::readable, [&](const IoEvent &ev) {
    inner = loop.run();
    EXPECT_FALSE(loop.unwatch(ev.id));
  });
  ASSERT_TRUE(id);
  EXPECT_FALSE(loop.run());
  EXPECT_EQ(inner, Errc::reentrant_run);
  EXPECT_EQ(inner, std::errc::resource_deadlock_would_occur);
}

} // namespace
} // namespace evguard::test
