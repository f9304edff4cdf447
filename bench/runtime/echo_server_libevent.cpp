// The echo server on libevent: the same structure as
// examples/runtime-echo/echo_server.cpp (the evguard one),
// on libevent's event API (evconnlistener + a persistent EV_READ event per
// connection; the plain-event level the other two servers are written at,
// not bufferevents).
#include "echo_common.h"

#include <cerrno>
#include <cstring>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <unistd.h>

namespace {

char g_buf[echo_bench::kReadBuffer];

struct Conn {
  event *read_ev = nullptr;
  event *write_ev = nullptr;
  std::string pending;
};

void drop(evutil_socket_t fd, Conn *c) {
  event_free(c->read_ev);
  event_free(c->write_ev);
  delete c;
  close(fd);
}

void on_writable(evutil_socket_t fd, short, void *arg) {
  auto *c = static_cast<Conn *>(arg);
  ssize_t w = send(fd, c->pending.data(), c->pending.size(), MSG_NOSIGNAL);
  if (w < 0 && errno != EAGAIN && errno != EINTR) {
    drop(fd, c);
    return;
  }
  if (w > 0)
    c->pending.erase(0, static_cast<size_t>(w));
  if (!c->pending.empty())
    return;
  event_del(c->write_ev);
  event_add(c->read_ev, nullptr);
}

void on_readable(evutil_socket_t fd, short, void *arg) {
  auto *c = static_cast<Conn *>(arg);
  ssize_t n = read(fd, g_buf, sizeof g_buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0) {
    drop(fd, c);
    return;
  }
  ssize_t w = send(fd, g_buf, static_cast<size_t>(n), MSG_NOSIGNAL);
  if (w < 0 && errno != EAGAIN && errno != EINTR) {
    drop(fd, c);
    return;
  }
  size_t done = w > 0 ? static_cast<size_t>(w) : 0;
  if (done == static_cast<size_t>(n))
    return;
  c->pending.assign(g_buf + done, static_cast<size_t>(n) - done);
  event_del(c->read_ev);
  event_add(c->write_ev, nullptr);
}

void on_accept(evconnlistener *listener, evutil_socket_t fd, sockaddr *, int,
               void *) {
  event_base *base = evconnlistener_get_base(listener);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  auto *c = new Conn;
  c->read_ev = event_new(base, fd, EV_READ | EV_PERSIST, on_readable, c);
  c->write_ev = event_new(base, fd, EV_WRITE | EV_PERSIST, on_writable, c);
  event_add(c->read_ev, nullptr);
}

} // namespace

int main(int argc, char **argv) {
  int port = echo_bench::parse_port(argc, argv);
  event_base *base = event_base_new();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  evconnlistener *listener = evconnlistener_new_bind(
      base, on_accept, nullptr,
      LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 1024,
      reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  if (!base || !listener) {
    std::fprintf(stderr, "listen on 127.0.0.1:%d: %s\n", port, std::strerror(errno));
    return 1;
  }
  echo_bench::announce_ready("libevent", port);
  return event_base_dispatch(base) < 0 ? 1 : 0;
}
