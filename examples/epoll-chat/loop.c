#include "loop.h"

#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_FDS 4096

struct watcher {
  fd_handler on_readable;
  void *data;
};

struct loop {
  int epfd;
  struct watcher fds[MAX_FDS];
};

struct loop *loop_new(void) {
  struct loop *l = calloc(1, sizeof *l);
  l->epfd = epoll_create1(EPOLL_CLOEXEC);
  return l;
}

int loop_add_fd(struct loop *l, int fd, fd_handler on_readable, void *data) {
  if (fd < 0 || fd >= MAX_FDS)
    return -1;
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  l->fds[fd].on_readable = on_readable;
  l->fds[fd].data = data;
  return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void loop_del_fd(struct loop *l, int fd) {
  epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
  l->fds[fd].on_readable = NULL;
}

struct timer {
  timer_handler on_tick;
  void *data;
};

static void timer_fired(struct loop *l, int fd, void *data) {
  struct timer *t = data;
  unsigned long long expirations;
  read(fd, &expirations, sizeof expirations); /* a timerfd that is readable */
  t->on_tick(l, t->data);
}

int loop_every(struct loop *l, int ms, timer_handler on_tick, void *data) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  struct itimerspec spec = {{ms / 1000, (ms % 1000) * 1000000L},
                            {ms / 1000, (ms % 1000) * 1000000L}};
  timerfd_settime(fd, 0, &spec, NULL);
  struct timer *t = malloc(sizeof *t);
  t->on_tick = on_tick;
  t->data = data;
  return loop_add_fd(l, fd, timer_fired, t);
}

void loop_run(struct loop *l) {
  struct epoll_event events[64];
  for (;;) {
    int n = epoll_wait(l->epfd, events, 64, -1);
    for (int i = 0; i < n; i++) {
      struct watcher *w = &l->fds[events[i].data.fd];
      if (w->on_readable)
        w->on_readable(l, events[i].data.fd, w->data);
    }
  }
}
