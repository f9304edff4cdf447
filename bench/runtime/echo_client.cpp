// The one client for all three echo servers: N connections over loopback,
// each keeping one 64-byte message in flight (send, wait for the whole echo,
// send again). Plain epoll, so the client is the same whatever the server.
// Prints the round trips per second measured after a warm-up.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::size_t received = 0;
};

[[noreturn]] void die(const char *what) {
  std::fprintf(stderr, "echo_client: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
    die("connect");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s PORT CONNECTIONS SECONDS MESSAGE_BYTES\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int nconn = std::atoi(argv[2]);
  const double seconds = std::atof(argv[3]);
  const std::size_t msg = static_cast<std::size_t>(std::atoi(argv[4]));
  if (port <= 0 || nconn <= 0 || seconds <= 0 || msg == 0 || msg > 65536) {
    std::fprintf(stderr, "echo_client: bad arguments\n");
    return 2;
  }

  int ep = epoll_create1(0);
  std::vector<Conn> conns(nconn);
  std::vector<char> out(msg, 'x'), in(65536);
  for (int i = 0; i < nconn; ++i) {
    conns[i].fd = connect_to(port);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0)
      die("epoll_ctl");
  }
  for (Conn &c : conns)
    if (write(c.fd, out.data(), msg) != static_cast<ssize_t>(msg))
      die("write");

  const auto warmup_end = Clock::now() + std::chrono::milliseconds(300);
  const auto end = warmup_end + std::chrono::duration<double>(seconds);
  long trips = 0;
  bool measuring = false;
  std::vector<epoll_event> events(nconn);
  for (;;) {
    // A loaded machine can stall a process for a while; 10 s of silence
    // means the server is gone or lost a message.
    int n = epoll_wait(ep, events.data(), nconn, 10'000);
    if (n < 0 && errno != EINTR)
      die("epoll_wait");
    if (n == 0) {
      std::fprintf(stderr, "echo_client: no reply for 10 s: server gone or a message lost\n");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      Conn &c = conns[events[i].data.u32];
      ssize_t r = read(c.fd, in.data(), in.size());
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN)
          continue;
        die(r == 0 ? "server closed a connection" : "read");
      }
      c.received += static_cast<std::size_t>(r);
      if (c.received < msg)
        continue;
      c.received -= msg;
      if (measuring)
        ++trips;
      if (write(c.fd, out.data(), msg) != static_cast<ssize_t>(msg))
        die("write");
    }
    auto now = Clock::now();
    if (!measuring && now >= warmup_end)
      measuring = true;
    if (now >= end)
      break;
  }
  std::printf("%.0f\n", trips / seconds);
  return 0;
}
