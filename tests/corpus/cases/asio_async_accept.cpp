// The move-accept completion lambda given to async_accept is a handler; it
// appends to an access log through a std::ofstream (blocks).
#include <boost/asio.hpp>
#include <fstream>

namespace asio = boost::asio;
using asio::ip::tcp;

int main() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 8443));
  acceptor.async_accept([](const boost::system::error_code &ec, tcp::socket peer) {
    if (ec)
      return;
    std::ofstream log("/var/tmp/access.log", std::ios::app); // EXPECT: evguard-blocking-call callee=std::basic_ofstream::basic_ofstream via=boost::asio::basic_socket_acceptor::async_accept
    log << peer.remote_endpoint().port() << '\n';
  });
  io.run();
}
