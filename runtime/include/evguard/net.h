// Small non-blocking socket helpers for programs on the loop: every fd they
// return is O_NONBLOCK and O_CLOEXEC; EINTR is retried; "would block" comes
// back as an error equal to std::errc::resource_unavailable_try_again.
#ifndef EVGUARD_NET_H
#define EVGUARD_NET_H

#include "evguard/error.h"

#include <cstddef>
#include <cstdint>

namespace evguard {

/// A listening TCP socket on a numeric IPv4/IPv6 address ("127.0.0.1",
/// "::1", "0.0.0.0"); port 0 picks a free port (see local_port()).
Result<int> tcp_listen(const char *address, std::uint16_t port,
                       int backlog = 1024);
/// Starts a non-blocking connect; the socket turns writable when the
/// connection is up (check socket_error() then).
Result<int> tcp_connect(const char *address, std::uint16_t port);
/// Accepts one pending connection (TCP_NODELAY set). EMFILE/ENFILE come back
/// as errors: stop watching the listener for a while rather than spin.
Result<int> tcp_accept(int listen_fd);
/// The port a socket is bound to.
Result<std::uint16_t> local_port(int fd);
/// SO_ERROR of a socket: the outcome of a non-blocking connect.
std::error_code socket_error(int fd);

/// read(2)/write(2) with EINTR retried; 0 from read_some means end of file.
Result<std::size_t> read_some(int fd, void *buf, std::size_t len);
Result<std::size_t> write_some(int fd, const void *buf, std::size_t len);

} // namespace evguard

#endif
