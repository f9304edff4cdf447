// Cross-thread post throughput: PRODUCERS threads hand COUNT callbacks in
// total to a loop thread. evguard: Loop::post. libuv, the idiomatic
// equivalent: a mutex-protected vector of (function, argument) pairs that
// the producers append to, plus uv_async_send; the async callback swaps the
// vector out and runs it. Time from the first post to the last callback.
// Two shapes: a burst (producers never wait, so the backlog grows to most of
// COUNT and the loop drains it from memory), and a window (each producer
// keeps at most 1,024 callbacks outstanding, as a producer with flow control
// would).
#include "bench_util.h"

#include "evguard/loop.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <uv.h>

namespace {

using namespace std::chrono_literals;

constexpr long kWindow = 1024;

/// Producers with a window wait (yielding) while too many of the callbacks
/// they posted have not run yet.
void wait_for_window(long window, long posted, const std::atomic<long> &ran,
                     int producers) {
  while (window && posted - ran.load(std::memory_order_relaxed) / producers > window)
    std::this_thread::yield();
}

double evguard_posts(long count, int producers, long window) {
  evguard::Loop loop;
  std::atomic<long> ran{0};
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, share = count / producers] {
      for (long i = 0; i < share; ++i) {
        wait_for_window(window, i, ran, producers);
        (void)loop.post([&] {
          if (ran.fetch_add(1, std::memory_order_relaxed) + 1 == count)
            loop.stop();
        });
      }
    });
  (void)loop.run(evguard::RunMode::until_stopped);
  double s = bench::seconds_since(t0);
  for (auto &t : threads)
    t.join();
  return s;
}

// Item is either a C-style (function, argument) pair, the cheapest possible,
// or a std::function holding the same closure evguard's side posts (three
// references), which is what C++ code on libuv would queue.
struct CItem {
  void (*fn)(void *);
  void *arg;
  void operator()() const { fn(arg); }
};
using ClosureItem = std::function<void()>;

template <class Item> struct UvQueue {
  std::mutex mutex;
  std::vector<Item> items, batch;
  uv_async_t async;
  std::atomic<long> ran{0};
  long count = 0;
};

template <class Item> void uv_step(void *arg) {
  auto *q = static_cast<UvQueue<Item> *>(arg);
  if (q->ran.fetch_add(1, std::memory_order_relaxed) + 1 == q->count)
    uv_close(reinterpret_cast<uv_handle_t *>(&q->async), nullptr);
}

template <class Item> void uv_drain(uv_async_t *a) {
  auto *q = static_cast<UvQueue<Item> *>(a->data);
  {
    std::lock_guard lock(q->mutex);
    q->batch.swap(q->items);
  }
  for (auto &item : q->batch)
    item();
  q->batch.clear();
}

template <class Item>
double libuv_posts(long count, int producers, long window) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  UvQueue<Item> q;
  q.count = count;
  uv_async_init(&loop, &q.async, uv_drain<Item>);
  q.async.data = &q;
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, share = count / producers] {
      for (long i = 0; i < share; ++i) {
        wait_for_window(window, i, q.ran, producers);
        {
          std::lock_guard lock(q.mutex);
          if constexpr (std::is_same_v<Item, CItem>)
            q.items.push_back({uv_step<Item>, &q});
          else
            q.items.push_back([&q, &count, &producers] {
              (void)count, (void)producers;
              uv_step<Item>(&q);
            });
        }
        uv_async_send(&q.async);
      }
    });
  uv_run(&loop, UV_RUN_DEFAULT);
  double s = bench::seconds_since(t0);
  for (auto &t : threads)
    t.join();
  uv_loop_close(&loop);
  return s;
}

} // namespace

int main(int argc, char **argv) {
  long count;
  int rounds;
  bench::parse_args(argc, argv, count, rounds, 2'000'000);
  bench::print_header("cross-thread post", count, rounds);
  for (long window : {0L, kWindow})
    for (int producers : {1, 2}) {
      long n = count - count % producers;
      std::vector<double> ev, uv, uvf;
      for (int r = 0; r < rounds; ++r) {
        ev.push_back(evguard_posts(n, producers, window));
        uv.push_back(libuv_posts<CItem>(n, producers, window));
        uvf.push_back(libuv_posts<ClosureItem>(n, producers, window));
      }
      char what[96];
      const char *shape = window ? "window of 1,024" : "burst";
      const char *s = producers > 1 ? "s" : "";
      std::snprintf(what, sizeof what, "%s, %d producer%s, libuv (fn, arg)",
                    shape, producers, s);
      bench::print_row(what, bench::median(ev), bench::median(uv));
      std::snprintf(what, sizeof what, "%s, %d producer%s, libuv std::function",
                    shape, producers, s);
      bench::print_row(what, bench::median(ev), bench::median(uvf));
    }
  return 0;
}
