// Dispatching the base again from inside a callback blocks; a single
// EVLOOP_NONBLOCK pass does not.
#include <event2/event.h>

static void on_tick(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct event_base *base = arg;
  event_base_loop(base, EVLOOP_NONBLOCK);
  event_base_loop(base, EVLOOP_ONCE); // EXPECT: evguard-blocking-call callee=event_base_loop roots=on_tick
  event_base_dispatch(base); // EXPECT: evguard-blocking-call callee=event_base_dispatch roots=on_tick
}

int main(void) {
  struct event_base *base = event_base_new();
  struct event *ev = event_new(base, -1, EV_PERSIST, on_tick, base);
  struct timeval tv = {1, 0};
  event_add(ev, &tv);
  return event_base_dispatch(base);
}
