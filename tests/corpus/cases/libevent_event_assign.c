// event_assign registers its callback on a caller-owned struct event; the
// callback takes an exclusive flock (blocks) after a non-blocking attempt.
#include <event2/event.h>
#include <event2/event_struct.h>
#include <sys/file.h>

struct job {
  struct event ev;
  int lock_fd;
};

static void on_job(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  struct job *j = arg;
  if (flock(j->lock_fd, LOCK_EX | LOCK_NB) == 0)
    return;
  flock(j->lock_fd, LOCK_EX); // EXPECT: evguard-blocking-call callee=flock roots=on_job via=event_assign
}

int main(void) {
  struct event_base *base = event_base_new();
  static struct job j;
  j.lock_fd = 3;
  event_assign(&j.ev, base, -1, EV_PERSIST, on_job, &j);
  struct timeval tv = {1, 0};
  event_add(&j.ev, &tv);
  return event_base_dispatch(base);
}
