// A function marked EVGUARD_NONBLOCKING whose body keeps the promise: the
// handler's walk stops there and its own check finds nothing.
#include <evguard/annotations.h>
#include <sys/socket.h>

EVGUARD_NONBLOCKING static long try_send(int fd, const char *buf, unsigned long len) {
  return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

EVGUARD_HANDLER void on_writable(int fd) {
  static const char greeting[] = "+OK\r\n";
  try_send(fd, greeting, sizeof greeting - 1);
}

int main(void) {
  on_writable(1);
  return 0;
}
