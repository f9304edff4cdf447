// Socket I/O in a handler is trusted to be on one of the loop's non-blocking
// sockets, unless evguard sees the socket created in blocking mode
// (socket() without SOCK_NONBLOCK, accept()) and never switched with
// fcntl(F_SETFL, O_NONBLOCK), ioctl(FIONBIO), a function that does that, or
// a function evguard cannot look into.
#define _GNU_SOURCE
#include <evguard/annotations.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Descriptors in fields are tracked per field, like callables: a field is
   switched when any store into it is. */
struct conn {
  int fd;
};
struct admin_link {
  int fd;
};

static int make_nonblocking(int fd, int on) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (on)
    flags |= O_NONBLOCK;
  else
    flags &= ~O_NONBLOCK;
  return fcntl(fd, F_SETFL, flags);
}

static int net_nonblock(int fd) { return make_nonblocking(fd, 1); }

/* Defined in a library evguard does not see: it may switch the socket. */
int tune_socket(int fd);

static void to_blocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) & ~O_NONBLOCK);
}

static struct conn peer;
static struct admin_link admin;

static void pair_sockets(int listener) {
  peer.fd = accept(listener, 0, 0);
  net_nonblock(peer.fd);
  admin.fd = accept(listener, 0, 0);
}

EVGUARD_HANDLER void on_accept(int listener) {
  char buf[64];
  int c1 = accept(listener, 0, 0);
  recv(c1, buf, sizeof buf, 0); // EXPECT: evguard-blocking-call callee=recv roots=on_accept
  int c2 = accept4(listener, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
  recv(c2, buf, sizeof buf, 0);
  int c3 = accept(listener, 0, 0);
  net_nonblock(c3);
  send(c3, buf, 4, 0);
  int c4 = accept(listener, 0, 0);
  tune_socket(c4);
  send(c4, buf, 4, 0);
  pair_sockets(listener);
}

EVGUARD_HANDLER void on_connect(const struct sockaddr_in *to) {
  int a = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(a, (const struct sockaddr *)to, sizeof *to);
  int b = socket(AF_INET, SOCK_STREAM, 0);
  fcntl(b, F_SETFL, fcntl(b, F_GETFL, 0) | O_NONBLOCK);
  connect(b, (const struct sockaddr *)to, sizeof *to);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  ioctl(c, FIONBIO, &on);
  connect(c, (const struct sockaddr *)to, sizeof *to);
  int d = socket(AF_INET, SOCK_STREAM, 0);
  to_blocking(d);
  connect(d, (const struct sockaddr *)to, sizeof *to); // EXPECT: evguard-blocking-call callee=connect roots=on_connect
}

/* A descriptor that comes in as a parameter is one of the loop's. */
EVGUARD_HANDLER void on_readable(int fd) {
  char buf[64];
  recv(fd, buf, sizeof buf, 0);
  send(peer.fd, buf, 4, 0);
  send(admin.fd, buf, 4, 0); // EXPECT: evguard-blocking-call callee=send roots=on_readable
}

int main(void) {
  struct sockaddr_in to = {0};
  on_accept(3);
  on_connect(&to);
  on_readable(4);
  return 0;
}
