// Socket helpers. Addresses are numeric only: name resolution blocks, and a
// loop thread must not do it (offload getaddrinfo if you need it).
#include "evguard/net.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace evguard {
namespace {

std::error_code last_errno() { return errno_code(errno); }

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
};

Result<SockAddr> parse_address(const char *address, std::uint16_t port) {
  SockAddr a;
  auto *v4 = reinterpret_cast<sockaddr_in *>(&a.storage);
  if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len = sizeof *v4;
    return a;
  }
  auto *v6 = reinterpret_cast<sockaddr_in6 *>(&a.storage);
  if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.len = sizeof *v6;
    return a;
  }
  return std::make_error_code(std::errc::invalid_argument);
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

} // namespace

Result<int> tcp_listen(const char *address, std::uint16_t port, int backlog) {
  auto addr = parse_address(address, port);
  if (!addr)
    return addr.error();
  int fd = socket(addr->storage.ss_family,
                  SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return last_errno();
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr *>(&addr->storage), addr->len) < 0 ||
      listen(fd, backlog) < 0) {
    std::error_code ec = last_errno();
    close(fd);
    return ec;
  }
  return fd;
}

Result<int> tcp_connect(const char *address, std::uint16_t port) {
  auto addr = parse_address(address, port);
  if (!addr)
    return addr.error();
  int fd = socket(addr->storage.ss_family,
                  SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return last_errno();
  set_nodelay(fd);
  int rc;
  do
    rc = connect(fd, reinterpret_cast<sockaddr *>(&addr->storage), addr->len);
  while (rc < 0 && errno == EINTR);
  if (rc < 0 && errno != EINPROGRESS) {
    std::error_code ec = last_errno();
    close(fd);
    return ec;
  }
  return fd;
}

Result<int> tcp_accept(int listen_fd) {
  int fd;
  do
    fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return last_errno();
  set_nodelay(fd);
  return fd;
}

Result<std::uint16_t> local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) < 0)
    return last_errno();
  if (ss.ss_family == AF_INET)
    return ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port);
  return std::make_error_code(std::errc::address_family_not_supported);
}

std::error_code socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    return last_errno();
  return err ? errno_code(err) : std::error_code{};
}

Result<std::size_t> read_some(int fd, void *buf, std::size_t len) {
  ssize_t n;
  do
    n = read(fd, buf, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return last_errno();
  return static_cast<std::size_t>(n);
}

Result<std::size_t> write_some(int fd, const void *buf, std::size_t len) {
  ssize_t n;
  do
    n = send(fd, buf, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == ENOTSOCK) {
    do
      n = write(fd, buf, len);
    while (n < 0 && errno == EINTR);
  }
  if (n < 0)
    return last_errno();
  return static_cast<std::size_t>(n);
}

} // namespace evguard
