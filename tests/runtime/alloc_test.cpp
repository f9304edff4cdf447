// Steady state allocates nothing: this binary replaces the global operator
// new and counts calls while an echo ping-pong, a repeating timer, posts
// from the loop and from another thread, and offloads run on the loop.
#include "test_util.h"

#include <atomic>
#include <cstdlib>
#include <new>
#include <sys/socket.h>
#include <thread>

namespace {
std::atomic<long> g_allocations{0};
}

void *operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void *p = std::malloc(n ? n : 1))
    return p;
  throw std::bad_alloc();
}
void *operator new[](std::size_t n) { return operator new(n); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace evguard::test {
namespace {

TEST(Allocations, NoneInSteadyState) {
  LoopOptions options;
  options.workers = 1;
  Loop loop(options);
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);

  long round_trips = 0;
  long timer_ticks = 0, loop_posts = 0, offloads_done = 0;
  std::atomic<long> foreign_posted{0}, foreign_run{0};
  std::atomic<bool> producing{true};
  char msg[64] = {};

  // Server side echoes; client side sends the next message on each reply.
  ASSERT_TRUE(loop.watch(sv[0], Io::readable, [&](const IoEvent &ev) {
    char buf[256];
    ssize_t n = read(ev.fd, buf, sizeof buf);
    if (n > 0) {
      ASSERT_EQ(write(ev.fd, buf, n), n);
    }
  }));
  ASSERT_TRUE(loop.watch(sv[1], Io::readable, [&](const IoEvent &ev) {
    char buf[256];
    if (read(ev.fd, buf, sizeof buf) <= 0)
      return;
    ++round_trips;
    // Posts and offloads made from a handler, every few round trips.
    if (round_trips % 8 == 0) {
      ASSERT_FALSE(loop.post([&] { ++loop_posts; }));
    }
    if (round_trips % 64 == 0) {
      ASSERT_FALSE(loop.offload([] {}, [&] { ++offloads_done; }));
    }
    ASSERT_EQ(write(ev.fd, msg, sizeof msg), ssize_t(sizeof msg));
  }));
  ASSERT_TRUE(loop.start_timer(0ns, 100us, [&](TimerId) { ++timer_ticks; }));

  std::thread producer([&] {
    while (producing.load()) {
      // Stay well inside the lock-free ring: spilling over would allocate,
      // by design, and is not steady state.
      if (foreign_posted.load() - foreign_run.load() < 256) {
        ++foreign_posted;
        (void)loop.post([&] { ++foreign_run; });
      } else {
        std::this_thread::yield();
      }
    }
  });

  ASSERT_EQ(write(sv[1], msg, sizeof msg), ssize_t(sizeof msg));
  auto run_until = [&](long target) {
    while (round_trips < target)
      ASSERT_FALSE(loop.run_once(1s));
  };
  run_until(5000); // warm-up: slots, heap and pool threads exist now
  const long before = g_allocations.load();
  const long trips_before = round_trips, ticks_before = timer_ticks;
  const long foreign_before = foreign_run.load();
  run_until(trips_before + 50000);
  const long allocated = g_allocations.load() - before;

  producing = false;
  producer.join();
  EXPECT_EQ(allocated, 0) << "operator new called in steady state";
  // The window really exercised every path.
  EXPECT_GE(round_trips - trips_before, 50000);
  EXPECT_GT(timer_ticks, ticks_before);
  EXPECT_GT(foreign_run.load(), foreign_before);
  EXPECT_GT(loop_posts, 0);
  EXPECT_GT(offloads_done, 0);
  close(sv[0]);
  close(sv[1]);
}

} // namespace
} // namespace evguard::test
