// A home-grown loop whose registration function marks its callback parameter
// with EVGUARD_REGISTERS_HANDLER: callables passed there are handlers; the
// dispatch loop itself (called from main) is not.
#include <evguard/annotations.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <syslog.h>

typedef void (*io_cb)(int fd, void *arg);

struct watcher {
  io_cb cb;
  void *arg;
};

static struct watcher watchers[1024];
static int epfd;

int loop_watch(int fd, EVGUARD_REGISTERS_HANDLER io_cb cb, void *arg) {
  if (fd < 0 || fd >= 1024)
    return -1;
  watchers[fd].cb = cb;
  watchers[fd].arg = arg;
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void loop_run(void) {
  struct epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(epfd, evs, 64, -1);
    for (int i = 0; i < n; i++) {
      struct watcher *w = &watchers[evs[i].data.fd];
      w->cb(evs[i].data.fd, w->arg);
    }
  }
}

static void on_client(int fd, void *arg) {
  (void)arg;
  syslog(LOG_INFO, "client on fd %d", fd); // EXPECT: evguard-blocking-call callee=syslog roots=on_client via=loop_watch
}

int main(void) {
  epfd = epoll_create1(0);
  loop_watch(0, on_client, 0);
  loop_run();
  return 0;
}
