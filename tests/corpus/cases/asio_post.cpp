// A function object posted to an io_context runs on its loop: a handler.
#include <boost/asio.hpp>
#include <unistd.h>

namespace asio = boost::asio;

struct FlushJournal {
  int fd;
  void operator()() const {
    fdatasync(fd); // EXPECT: evguard-blocking-call callee=fdatasync roots=FlushJournal::operator() via=boost::asio::post
  }
};

int main() {
  asio::io_context io;
  asio::post(io, FlushJournal{3});
  io.run();
}
