// Synchronous socket reads and name resolution inside an Asio handler block,
// even though the handler itself was registered asynchronously.
#include <boost/asio.hpp>

namespace asio = boost::asio;
using asio::ip::tcp;

struct Probe {
  asio::io_context &io;
  tcp::socket sock;
  asio::steady_timer timer;
  char buf[512];

  explicit Probe(asio::io_context &ctx) : io(ctx), sock(ctx), timer(ctx) {}

  void onTimer(const boost::system::error_code &ec) {
    if (ec)
      return;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve("localhost", "6379"); // EXPECT: evguard-blocking-call callee=boost::asio::ip::basic_resolver::resolve roots=Probe::onTimer
    (void)endpoints;
    sock.read_some(asio::buffer(buf)); // EXPECT: evguard-blocking-call callee=boost::asio::basic_stream_socket::read_some roots=Probe::onTimer
  }

  void start() {
    timer.expires_after(std::chrono::seconds(5));
    timer.async_wait(std::bind(&Probe::onTimer, this, std::placeholders::_1));
  }
};

int main() {
  asio::io_context io;
  Probe p(io);
  p.start();
  io.run();
}
