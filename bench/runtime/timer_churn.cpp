// Timer churn: start COUNT timers with pseudo-random delays and cancel them,
// on evguard and on libuv, in interleaved rounds. Two shapes: all started
// then all cancelled (a heap of COUNT timers), and a rolling window where
// each start is matched by the cancel of the timer started 1,000 earlier.
// libuv's handles are uv_timer_init'ed before the clock starts (their
// registration cost is not counted); evguard's start_timer includes its own.
#include "bench_util.h"

#include "evguard/loop.h"

#include <random>
#include <uv.h>

namespace {

using namespace std::chrono_literals;
constexpr long kWindow = 1000;

std::vector<std::int64_t> make_delays(long count) {
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> d(count);
  for (auto &x : d)
    x = 1'000'000 + static_cast<std::int64_t>(rng() % 10'000'000'000ULL); // 1 ms..10 s
  return d;
}

double evguard_churn(const std::vector<std::int64_t> &delays, bool rolling) {
  evguard::Loop loop;
  std::vector<evguard::TimerId> ids(delays.size());
  long fired = 0;
  auto t0 = std::chrono::steady_clock::now();
  const long n = static_cast<long>(delays.size());
  for (long i = 0; i < n; ++i) {
    ids[i] = *loop.start_timer(std::chrono::nanoseconds(delays[i]), 0ns,
                               [&fired](evguard::TimerId) { ++fired; });
    if (rolling && i >= kWindow)
      (void)loop.cancel_timer(ids[i - kWindow]);
  }
  for (long i = rolling ? std::max(0L, n - kWindow) : 0; i < n; ++i)
    (void)loop.cancel_timer(ids[i]);
  double s = bench::seconds_since(t0);
  if (fired != 0 || loop.alive())
    std::abort();
  return s;
}

void uv_noop(uv_timer_t *) {}

double libuv_churn(const std::vector<std::int64_t> &delays, bool rolling) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  const long n = static_cast<long>(delays.size());
  std::vector<uv_timer_t> timers(n);
  for (auto &t : timers)
    uv_timer_init(&loop, &t);
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    uv_timer_start(&timers[i], uv_noop, static_cast<std::uint64_t>(delays[i] / 1'000'000), 0);
    if (rolling && i >= kWindow)
      uv_timer_stop(&timers[i - kWindow]);
  }
  for (long i = rolling ? std::max(0L, n - kWindow) : 0; i < n; ++i)
    uv_timer_stop(&timers[i]);
  double s = bench::seconds_since(t0);
  for (auto &t : timers)
    uv_close(reinterpret_cast<uv_handle_t *>(&t), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return s;
}

} // namespace

int main(int argc, char **argv) {
  long count;
  int rounds;
  bench::parse_args(argc, argv, count, rounds, 1'000'000);
  auto delays = make_delays(count);
  bench::print_header("timer churn (start + cancel)", count, rounds);
  for (bool rolling : {false, true}) {
    std::vector<double> ev, uv;
    for (int r = 0; r < rounds; ++r) {
      ev.push_back(evguard_churn(delays, rolling));
      uv.push_back(libuv_churn(delays, rolling));
    }
    bench::print_row(rolling ? "rolling window of 1,000 pending timers"
                             : "start all, then cancel all",
                     bench::median(ev), bench::median(uv));
  }
  return 0;
}
