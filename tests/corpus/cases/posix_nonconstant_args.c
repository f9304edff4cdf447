// Argument conditions need constants: a timeout, flags or options that come
// from a parameter or a mutable global may block.
#include <evguard/annotations.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

int recv_flags = MSG_DONTWAIT;

static void drain(int fd, int timeout_ms, int wait_opts) {
  char buf[256];
  int probe = socket(AF_INET, SOCK_DGRAM, 0);
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  poll(&pfd, 1, timeout_ms); // EXPECT: evguard-blocking-call callee=poll roots=on_tick
  recv(probe, buf, sizeof buf, recv_flags); // EXPECT: evguard-blocking-call callee=recv roots=on_tick
  int st;
  waitpid(-1, &st, wait_opts); // EXPECT: evguard-blocking-call callee=waitpid roots=on_tick
}

EVGUARD_HANDLER void on_tick(int fd) { drain(fd, 0, WNOHANG); }

int main(void) {
  on_tick(0);
  return 0;
}
