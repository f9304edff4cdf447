// A steady_timer's async_wait lambda is a handler; it takes a std::mutex
// through lock_guard (blocks).
#include <boost/asio.hpp>
#include <chrono>
#include <mutex>

namespace asio = boost::asio;

static std::mutex stats_mu;
static long ticks;

int main() {
  asio::io_context io;
  asio::steady_timer timer(io, std::chrono::seconds(1));
  timer.async_wait([](const boost::system::error_code &ec) {
    if (ec)
      return;
    std::lock_guard<std::mutex> g(stats_mu); // EXPECT: evguard-blocking-call callee=std::lock_guard::lock_guard via=boost::asio::basic_waitable_timer::async_wait
    ++ticks;
  });
  io.run();
}
