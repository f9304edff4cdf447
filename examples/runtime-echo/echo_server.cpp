// An echo server on evguard's runtime: one thread, one loop, every
// connection a watcher. It is also the evguard server of the echo benchmark
// (bench/runtime/run-echo.sh), so it is written for speed as well: one read
// buffer shared by all connections, an immediate write back, and a
// per-connection buffer only for what the socket refuses.
//
//   runtime-echo PORT [ADDRESS]     (ADDRESS defaults to 127.0.0.1)
//
// SIGINT/SIGTERM stop it cleanly (through the loop's signalfd).
#include "evguard/loop.h"
#include "evguard/net.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
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
  ~EchoServer() {
    for (std::size_t fd = 0; fd < conns_.size(); ++fd)
      if (conns_[fd].id)
        drop(static_cast<int>(fd), conns_[fd]);
    if (listen_fd_ >= 0)
      close(listen_fd_);
  }

  std::error_code listen(const char *address, std::uint16_t port) {
    auto fd = evguard::tcp_listen(address, port);
    if (!fd)
      return fd.error();
    listen_fd_ = *fd;
    auto id = loop_.watch(listen_fd_, evguard::Io::readable,
                          [this](const evguard::IoEvent &) { accept_all(); },
                          "echo.accept");
    if (!id)
      return id.error();
    listener_ = *id;
    return {};
  }

  /// Stops accepting and closes every connection: run() then returns.
  void shutdown() {
    (void)loop_.unwatch(listener_);
    for (std::size_t fd = 0; fd < conns_.size(); ++fd)
      if (conns_[fd].id)
        drop(static_cast<int>(fd), conns_[fd]);
  }

private:
  void accept_all() {
    for (;;) {
      auto fd = evguard::tcp_accept(listen_fd_);
      if (!fd) {
        if (fd.error() != std::errc::resource_unavailable_try_again)
          pause_accepting(fd.error());
        return;
      }
      if (static_cast<std::size_t>(*fd) >= conns_.size())
        conns_.resize(*fd + 1);
      auto id = loop_.watch(*fd, evguard::Io::readable,
                            [this](const evguard::IoEvent &ev) { on_io(ev); },
                            "echo.conn");
      if (!id) {
        close(*fd);
        continue;
      }
      conns_[*fd].id = *id;
    }
  }

  // Out of fds (EMFILE) the listener stays readable: rather than spin on
  // it, stop watching for a moment and let connections close.
  void pause_accepting(std::error_code ec) {
    std::fprintf(stderr, "accept: %s; pausing accepts for 100 ms\n",
                 ec.message().c_str());
    (void)loop_.modify(listener_, evguard::Io::none);
    (void)loop_.start_timer(
        std::chrono::milliseconds(100), std::chrono::nanoseconds(0),
        [this](evguard::TimerId) {
          (void)loop_.modify(listener_, evguard::Io::readable);
        },
        "echo.resume-accept");
  }

  void on_io(const evguard::IoEvent &ev) {
    Conn &c = conns_[ev.fd];
    if (any(ev.events & evguard::Io::writable) && !flush(ev.fd, c))
      return;
    if (!c.pending.empty())
      return; // the peer is not reading: stop reading until it drains
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
    if (!w && w.error() != std::errc::resource_unavailable_try_again) {
      drop(ev.fd, c);
      return;
    }
    std::size_t written = w ? *w : 0;
    if (written < *n) {
      c.pending.assign(buf_ + written, *n - written);
      (void)loop_.modify(c.id, evguard::Io::writable);
    }
  }

  /// Writes what is pending; true once nothing is left.
  bool flush(int fd, Conn &c) {
    auto w = evguard::write_some(fd, c.pending.data(), c.pending.size());
    if (!w) {
      if (w.error() != std::errc::resource_unavailable_try_again)
        drop(fd, c);
      return false;
    }
    c.pending.erase(0, *w);
    if (!c.pending.empty())
      return false;
    (void)loop_.modify(c.id, evguard::Io::readable);
    return true;
  }

  void drop(int fd, Conn &c) {
    (void)loop_.unwatch(c.id);
    c.id = {};
    c.pending.clear();
    close(fd);
  }

  evguard::Loop &loop_;
  int listen_fd_ = -1;
  evguard::WatchId listener_;
  std::vector<Conn> conns_; // indexed by fd
  char buf_[64 * 1024];
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s PORT [ADDRESS]\n", argv[0]);
    return 2;
  }
  char *end = nullptr;
  long port = std::strtol(argv[1], &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) {
    std::fprintf(stderr, "%s: bad port '%s' (1-65535)\n", argv[0], argv[1]);
    return 2;
  }
  const char *address = argc == 3 ? argv[2] : "127.0.0.1";

  auto loop = evguard::Loop::create();
  if (!loop) {
    std::fprintf(stderr, "cannot create the loop: %s\n",
                 loop.error().message().c_str());
    return 1;
  }
  auto server = std::make_unique<EchoServer>(**loop);
  if (std::error_code ec = server->listen(address, static_cast<std::uint16_t>(port))) {
    std::fprintf(stderr, "listen on %s:%ld: %s\n", address, port, ec.message().c_str());
    return 1;
  }
  for (int sig : {SIGINT, SIGTERM}) {
    auto id = (*loop)->watch_signal(sig, [&](const evguard::SignalEvent &ev) {
      server->shutdown();
      (void)(*loop)->unwatch_signal(ev.id);
      (*loop)->stop();
    });
    if (!id) {
      std::fprintf(stderr, "watch signal %d: %s\n", sig, id.error().message().c_str());
      return 1;
    }
  }
  std::printf("evguard echo server ready on %s:%ld\n", address, port);
  std::fflush(stdout);
  if (std::error_code ec = (*loop)->run()) {
    std::fprintf(stderr, "run: %s\n", ec.message().c_str());
    return 1;
  }
  return 0;
}
