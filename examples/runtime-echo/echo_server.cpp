// The echo server on evguard's runtime.
#include "echo_common.h"

#include "evguard/loop.h"
#include "evguard/net.h"

#include <string>
#include <unistd.h>
#include <vector>

namespace {

struct Conn {
  evguard::WatchId id;
  std::string pending; // bytes the socket refused; flushed when writable
};

class EchoServer {
public:
  explicit EchoServer(evguard::Loop &loop) : loop_(loop) {}

  std::error_code listen(int port) {
    auto fd = evguard::tcp_listen("127.0.0.1", static_cast<std::uint16_t>(port));
    if (!fd)
      return fd.error();
    auto id = loop_.watch(*fd, evguard::Io::readable,
                          [this, lfd = *fd](const evguard::IoEvent &) { accept_all(lfd); });
    return id ? std::error_code{} : id.error();
  }

private:
  void accept_all(int lfd) {
    for (;;) {
      auto fd = evguard::tcp_accept(lfd);
      if (!fd)
        return; // EAGAIN, or EMFILE: retried on the next readiness
      if (static_cast<std::size_t>(*fd) >= conns_.size())
        conns_.resize(*fd + 1);
      auto id = loop_.watch(*fd, evguard::Io::readable,
                            [this](const evguard::IoEvent &ev) { on_io(ev); });
      if (!id) {
        close(*fd);
        continue;
      }
      conns_[*fd].id = *id;
    }
  }

  void on_io(const evguard::IoEvent &ev) {
    Conn &c = conns_[ev.fd];
    if (any(ev.events & evguard::Io::writable) && !flush(ev.fd, c))
      return;
    if (!c.pending.empty())
      return; // wait for the peer to drain before reading more
    auto n = evguard::read_some(ev.fd, buf_, sizeof buf_);
    if (!n) {
      if (n.error() != std::errc::resource_unavailable_try_again)
        drop(ev.fd, c);
      return;
    }
    if (*n == 0) {
      drop(ev.fd, c);
      return;
    }
    auto w = evguard::write_some(ev.fd, buf_, *n);
    std::size_t written = w ? *w : 0;
    if (!w && w.error() != std::errc::resource_unavailable_try_again) {
      drop(ev.fd, c);
      return;
    }
    if (written < *n) {
      c.pending.assign(buf_ + written, *n - written);
      (void)loop_.modify(c.id, evguard::Io::writable);
    }
  }

  bool flush(int fd, Conn &c) {
    auto w = evguard::write_some(fd, c.pending.data(), c.pending.size());
    if (!w) {
      if (w.error() != std::errc::resource_unavailable_try_again)
        drop(fd, c);
      return false;
    }
    c.pending.erase(0, *w);
    if (c.pending.empty())
      (void)loop_.modify(c.id, evguard::Io::readable);
    return c.pending.empty();
  }

  void drop(int fd, Conn &c) {
    (void)loop_.unwatch(c.id);
    c.pending.clear();
    close(fd);
  }

  evguard::Loop &loop_;
  std::vector<Conn> conns_;
  char buf_[echo_bench::kReadBuffer];
};

} // namespace

int main(int argc, char **argv) {
  int port = echo_bench::parse_port(argc, argv);
  evguard::Loop loop;
  auto server = std::make_unique<EchoServer>(loop);
  if (std::error_code ec = server->listen(port)) {
    std::fprintf(stderr, "listen on 127.0.0.1:%d: %s\n", port, ec.message().c_str());
    return 1;
  }
  echo_bench::announce_ready("evguard", port);
  std::error_code ec = loop.run();
  if (ec)
    std::fprintf(stderr, "run: %s\n", ec.message().c_str());
  return ec ? 1 : 0;
}
