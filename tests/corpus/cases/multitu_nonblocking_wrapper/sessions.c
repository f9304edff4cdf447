// Sessions accept their sockets here; only the client's is switched.
#include <sys/socket.h>
#include "net.h"

struct session client;
struct monitor_link monitor;

void sessions_accept(int listener) {
  client.fd = accept(listener, 0, 0);
  net_nonblock(client.fd);
  monitor.fd = accept(listener, 0, 0);
}
