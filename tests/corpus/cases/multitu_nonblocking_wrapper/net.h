#ifndef NET_H
#define NET_H
struct session {
  int fd;
};
struct monitor_link {
  int fd;
};
extern struct session client;
extern struct monitor_link monitor;
int net_set_flags(int fd, int add);
int net_nonblock(int fd);
void sessions_accept(int listener);
#endif
