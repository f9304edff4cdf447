// evtimer_new and evsignal_new are macros over event_new: their callbacks are
// handlers like event_new's.
#include <event2/event.h>
#include <signal.h>
#include <unistd.h>

static void on_tick(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what, (void)arg;
  usleep(1000); // EXPECT: evguard-blocking-call callee=usleep roots=on_tick
}

static void on_hup(evutil_socket_t sig, short what, void *arg) {
  (void)sig, (void)what, (void)arg;
  sync(); // EXPECT: evguard-blocking-call callee=sync roots=on_hup
}

int main(void) {
  struct event_base *base = event_base_new();
  struct event *tick = evtimer_new(base, on_tick, NULL);
  struct event *hup = evsignal_new(base, SIGHUP, on_hup, NULL);
  struct timeval tv = {0, 100000};
  evtimer_add(tick, &tv);
  evsignal_add(hup, NULL);
  return event_base_dispatch(base);
}
