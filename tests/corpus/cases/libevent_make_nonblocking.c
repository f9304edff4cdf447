// A socket accepted by hand is in blocking mode until something switches it:
// here libevent's evutil_make_socket_nonblocking (a database entry). The
// socket that nobody switches blocks in recv.
#include <event2/event.h>
#include <event2/util.h>
#include <sys/socket.h>
#include <unistd.h>

static int pending_fd = -1;

static void on_client(evutil_socket_t fd, short what, void *arg) {
  (void)what, (void)arg;
  char buf[256];
  recv(fd, buf, sizeof buf, 0);
  recv(pending_fd, buf, sizeof buf, 0); // EXPECT: evguard-blocking-call callee=recv roots=on_client
}

static void on_listener(evutil_socket_t lfd, short what, void *arg) {
  (void)what;
  struct event_base *base = arg;
  evutil_socket_t fd = accept(lfd, NULL, NULL);
  evutil_make_socket_nonblocking(fd);
  char hello[8];
  recv(fd, hello, sizeof hello, MSG_PEEK);
  pending_fd = accept(lfd, NULL, NULL);
  struct event *ev = event_new(base, fd, EV_READ | EV_PERSIST, on_client, NULL);
  event_add(ev, NULL);
}

int main(void) {
  struct event_base *base = event_base_new();
  struct event *ev = event_new(base, 3, EV_READ | EV_PERSIST, on_listener, base);
  event_add(ev, NULL);
  event_base_dispatch(base);
  return 0;
}
