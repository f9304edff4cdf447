// event_base_once schedules a one-shot callback: a handler like any other.
#include <event2/event.h>
#include <sys/file.h>

static void on_deferred_gc(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  int lock_fd = *(int *)arg;
  flock(lock_fd, LOCK_EX); // EXPECT: evguard-blocking-call callee=flock roots=on_deferred_gc via=event_base_once
}

int main(void) {
  static int lock_fd = 3;
  struct event_base *base = event_base_new();
  struct timeval later = {5, 0};
  event_base_once(base, -1, EV_TIMEOUT, on_deferred_gc, &lock_fd, &later);
  return event_base_dispatch(base);
}
