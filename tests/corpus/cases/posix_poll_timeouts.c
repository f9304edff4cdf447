// epoll_wait and poll with a constant 0 timeout only poll; any other constant
// timeout waits. Constants may come from a macro or an enumerator.
#include <evguard/annotations.h>
#include <poll.h>
#include <sys/epoll.h>

#define NO_WAIT 0
enum { kForever = -1, kImmediate = 0 };

EVGUARD_HANDLER void on_drain(int ep, int fd) {
  struct epoll_event evs[16];
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  epoll_wait(ep, evs, 16, 0);
  epoll_wait(ep, evs, 16, NO_WAIT);
  poll(&pfd, 1, kImmediate);
  epoll_wait(ep, evs, 16, 100); // EXPECT: evguard-blocking-call callee=epoll_wait roots=on_drain
  epoll_wait(ep, evs, 16, kForever); // EXPECT: evguard-blocking-call callee=epoll_wait roots=on_drain
  poll(&pfd, 1, -1); // EXPECT: evguard-blocking-call callee=poll roots=on_drain
}

int main(void) {
  on_drain(3, 4);
  return 0;
}
