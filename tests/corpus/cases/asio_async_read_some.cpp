// The completion lambda given to async_read_some is a handler; it sleeps.
#include <boost/asio.hpp>
#include <chrono>
#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;

static char inbox[4096];

int main() {
  asio::io_context io;
  tcp::socket sock(io);
  sock.async_read_some(asio::buffer(inbox), [](const boost::system::error_code &ec, std::size_t n) {
    if (!ec && n == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20)); // EXPECT: evguard-blocking-call callee=std::this_thread::sleep_for via=boost::asio::basic_stream_socket::async_read_some
  });
  io.run();
}
