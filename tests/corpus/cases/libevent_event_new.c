// event_new's callback is a handler: it reads without waiting, then backs off
// with usleep (blocks).
#include <event2/event.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_readable(evutil_socket_t fd, short what, void *arg) {
  (void)what, (void)arg;
  char buf[512];
  if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
    return;
  usleep(1000); // EXPECT: evguard-blocking-call callee=usleep roots=on_readable via=event_new
}

int main(void) {
  struct event_base *base = event_base_new();
  struct event *ev = event_new(base, 0, EV_READ | EV_PERSIST, on_readable, NULL);
  event_add(ev, NULL);
  return event_base_dispatch(base);
}
