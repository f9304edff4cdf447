// Cross-thread post throughput: PRODUCERS threads hand COUNT callbacks in
// total to a loop thread. evguard: Loop::post. libuv, the idiomatic
// equivalent: a mutex-protected vector of (function, argument) pairs that
// the producers append to, plus uv_async_send; the async callback swaps the
// vector out and runs it. Time from the first post to the last callback.
#include "bench_util.h"

#include "evguard/loop.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <uv.h>

namespace {

using namespace std::chrono_literals;

double evguard_posts(long count, int producers) {
  evguard::Loop loop;
  long ran = 0;
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, share = count / producers] {
      for (long i = 0; i < share; ++i)
        (void)loop.post([&] {
          if (++ran == count)
            loop.stop();
        });
    });
  (void)loop.run(evguard::RunMode::until_stopped);
  double s = bench::seconds_since(t0);
  for (auto &t : threads)
    t.join();
  return s;
}

struct UvQueue {
  struct Item {
    void (*fn)(void *);
    void *arg;
  };
  std::mutex mutex;
  std::vector<Item> items, batch;
  uv_async_t async;
  long ran = 0, count = 0;
};

void uv_step(void *arg) {
  auto *q = static_cast<UvQueue *>(arg);
  if (++q->ran == q->count)
    uv_close(reinterpret_cast<uv_handle_t *>(&q->async), nullptr);
}

void uv_drain(uv_async_t *a) {
  auto *q = static_cast<UvQueue *>(a->data);
  {
    std::lock_guard lock(q->mutex);
    q->batch.swap(q->items);
  }
  for (auto &item : q->batch)
    item.fn(item.arg);
  q->batch.clear();
}

double libuv_posts(long count, int producers) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  UvQueue q;
  q.count = count;
  uv_async_init(&loop, &q.async, uv_drain);
  q.async.data = &q;
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, share = count / producers] {
      for (long i = 0; i < share; ++i) {
        {
          std::lock_guard lock(q.mutex);
          q.items.push_back({uv_step, &q});
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
  for (int producers : {1, 2}) {
    long n = count - count % producers;
    std::vector<double> ev, uv;
    for (int r = 0; r < rounds; ++r) {
      ev.push_back(evguard_posts(n, producers));
      uv.push_back(libuv_posts(n, producers));
    }
    char what[64];
    std::snprintf(what, sizeof what, "%d producer thread%s", producers,
                  producers > 1 ? "s" : "");
    bench::print_row(what, bench::median(ev), bench::median(uv));
  }
  return 0;
}
