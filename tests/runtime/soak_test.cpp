// Soak: 10,000 TCP connections over loopback, each echoing 4 KiB through a
// server on the loop; every byte is checked. The client runs in a forked
// process so each side has its own fd limit (10,000 sockets each). If the
// hard RLIMIT_NOFILE is too low for all of them at once, the client holds
// them in waves and the test says so on stdout.
#include "test_util.h"

#include "evguard/net.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <vector>

namespace evguard::test {
namespace {

constexpr int kConnections = 10000;
constexpr std::size_t kBytes = 4096;
constexpr int kConnectsInFlight = 256;

unsigned char pattern(int conn, std::size_t offset) {
  return static_cast<unsigned char>((conn * 131 + offset * 7 + offset / 251) & 0xff);
}

/// Raises the soft fd limit to the hard one; returns the usable count.
long raise_fd_limit() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return static_cast<long>(rl.rlim_cur);
}

// ---- client (child process) ----------------------------------------------

struct ClientConn {
  int fd = -1;
  WatchId id;
  std::size_t sent = 0;
  std::size_t received = 0;
};

class Client {
public:
  Client(std::uint16_t port, int wave_size) : port_(port), wave_size_(wave_size) {}

  /// 0 on success, otherwise a code naming the failure.
  int run() {
    conns_.resize(kConnections);
    for (wave_start_ = 0; wave_start_ < kConnections; wave_start_ += wave_size_) {
      wave_end_ = std::min(kConnections, wave_start_ + wave_size_);
      next_ = wave_start_;
      finished_ = 0;
      connect_more();
      if (failure_)
        return failure_;
      if (loop_.run(RunMode::until_stopped))
        return 2;
      if (failure_)
        return failure_;
      close_wave();
    }
    return 0;
  }

private:
  void connect_more() {
    while (next_ < wave_end_ && in_flight_ < kConnectsInFlight) {
      int index = next_++;
      auto fd = tcp_connect("127.0.0.1", port_);
      if (!fd) {
        std::fprintf(stderr, "connect %d: %s\n", index, fd.error().message().c_str());
        failure_ = 3;
        return;
      }
      ClientConn &c = conns_[index];
      c.fd = *fd;
      auto id = loop_.watch(c.fd, Io::writable, [this, index](const IoEvent &ev) {
        on_event(index, ev);
      });
      if (!id) {
        failure_ = 4;
        return;
      }
      c.id = *id;
      ++in_flight_;
    }
  }

  void on_event(int index, const IoEvent &ev) {
    ClientConn &c = conns_[index];
    if (c.sent < kBytes && any(ev.events & Io::writable)) {
      if (c.sent == 0) {
        if (socket_error(c.fd)) {
          fail(5, index, "connect failed");
          return;
        }
        --in_flight_;
        connect_more();
      }
      unsigned char buf[kBytes];
      for (std::size_t i = c.sent; i < kBytes; ++i)
        buf[i - c.sent] = pattern(index, i);
      auto n = write_some(c.fd, buf, kBytes - c.sent);
      if (!n && n.error() != std::errc::resource_unavailable_try_again) {
        fail(6, index, "write failed");
        return;
      }
      if (n)
        c.sent += *n;
      if (c.sent == kBytes)
        (void)loop_.modify(c.id, Io::readable);
      return;
    }
    unsigned char buf[kBytes];
    auto n = read_some(c.fd, buf, sizeof buf);
    if (!n) {
      if (n.error() != std::errc::resource_unavailable_try_again)
        fail(7, index, "read failed");
      return;
    }
    if (*n == 0) {
      fail(8, index, "server closed early");
      return;
    }
    for (std::size_t i = 0; i < *n; ++i)
      if (buf[i] != pattern(index, c.received + i)) {
        fail(9, index, "corrupted byte");
        return;
      }
    c.received += *n;
    if (c.received > kBytes)
      fail(10, index, "too many bytes");
    else if (c.received == kBytes) {
      (void)loop_.modify(c.id, Io::none); // kept open until the wave ends
      if (++finished_ == wave_end_ - wave_start_)
        loop_.stop();
    }
  }

  void fail(int code, int index, const char *what) {
    std::fprintf(stderr, "connection %d: %s\n", index, what);
    failure_ = code;
    loop_.stop();
  }

  void close_wave() {
    for (int i = wave_start_; i < wave_end_; ++i) {
      ClientConn &c = conns_[i];
      (void)loop_.unwatch(c.id);
      linger lg{1, 0}; // RST: no TIME_WAIT eating loopback ports across runs
      setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      close(c.fd);
      c.fd = -1;
    }
  }

  Loop loop_;
  std::uint16_t port_;
  int wave_size_;
  std::vector<ClientConn> conns_;
  int wave_start_ = 0, wave_end_ = 0, next_ = 0, finished_ = 0, in_flight_ = 0;
  int failure_ = 0;
};

// ---- server (test process) -----------------------------------------------

class Server {
public:
  explicit Server(int listen_fd) : listen_fd_(listen_fd) {}

  std::error_code start() {
    auto id = loop_.watch(listen_fd_, Io::readable,
                          [this](const IoEvent &) { accept_all(); }, "accept");
    if (!id)
      return id.error();
    auto sig = loop_.watch_signal(SIGCHLD, [this](const SignalEvent &) {
      // The client is gone: its last closes may still be queued; give them
      // a moment, then stop whatever the count.
      child_exited_ = true;
      (void)loop_.start_timer(std::chrono::seconds(10), 0ns,
                              [this](TimerId) { loop_.stop(); });
    });
    return sig ? std::error_code{} : sig.error();
  }
  std::error_code run() { return loop_.run(RunMode::until_stopped); }

  int accepted = 0, closed = 0, max_open = 0, open = 0;
  std::size_t echoed = 0;
  std::error_code accept_error;
  bool child_exited_ = false;

private:
  void accept_all() {
    for (;;) {
      auto fd = tcp_accept(listen_fd_);
      if (!fd) {
        if (fd.error() != std::errc::resource_unavailable_try_again)
          accept_error = fd.error();
        return;
      }
      int cfd = *fd;
      auto id = loop_.watch(cfd, Io::readable,
                            [this](const IoEvent &ev) { echo(ev); }, "echo");
      if (!id) {
        accept_error = id.error();
        close(cfd);
        return;
      }
      ++accepted;
      max_open = std::max(max_open, ++open);
    }
  }

  void echo(const IoEvent &ev) {
    unsigned char buf[16384];
    auto n = read_some(ev.fd, buf, sizeof buf);
    if (!n && n.error() == std::errc::resource_unavailable_try_again)
      return;
    if (!n || *n == 0) {
      (void)loop_.unwatch(ev.id);
      close(ev.fd);
      --open;
      if (++closed == kConnections)
        loop_.stop();
      return;
    }
    // 4 KiB never fills a fresh loopback socket buffer, so a short write
    // here would be a real error rather than flow control.
    auto w = write_some(ev.fd, buf, *n);
    if (w && *w == *n)
      echoed += *n;
  }

  Loop loop_;
  int listen_fd_;
};

TEST(Soak, TenThousandConnectionsEchoEveryByte) {
  long limit = raise_fd_limit();
  int wave = static_cast<int>(std::min<long>(kConnections, limit - 64));
  ASSERT_GT(wave, 0) << "RLIMIT_NOFILE too low: " << limit;
  if (wave < kConnections)
    std::printf("hard RLIMIT_NOFILE is %ld: client holds %d connections at a "
                "time, in %d waves\n",
                limit, wave, (kConnections + wave - 1) / wave);
  else
    std::printf("all %d connections open at once (RLIMIT_NOFILE %ld)\n",
                kConnections, limit);

  auto lfd = tcp_listen("127.0.0.1", 0, 4096);
  ASSERT_TRUE(lfd) << lfd.error().message();
  std::uint16_t port = *local_port(*lfd);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &chld, nullptr); // so no SIGCHLD is lost
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(90); // bounded even if something hangs
    close(*lfd);
    pthread_sigmask(SIG_UNBLOCK, &chld, nullptr);
    _exit(Client(port, wave).run());
  }

  alarm(100);
  Server server(*lfd);
  ASSERT_FALSE(server.start());
  EXPECT_FALSE(server.run());
  alarm(0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  close(*lfd);

  ASSERT_TRUE(WIFEXITED(status)) << "client killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "client failure code (see Client)";
  EXPECT_FALSE(server.accept_error) << server.accept_error.message();
  EXPECT_EQ(server.accepted, kConnections);
  EXPECT_EQ(server.closed, kConnections);
  EXPECT_EQ(server.echoed, kConnections * kBytes);
  EXPECT_EQ(server.max_open, wave);
  std::printf("server: %d accepted, at most %d open at once, %zu bytes echoed\n",
              server.accepted, server.max_open, server.echoed);
}

} // namespace
} // namespace evguard::test
