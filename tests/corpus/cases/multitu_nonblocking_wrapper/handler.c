// The handler writes to both sessions: the client's socket was switched to
// non-blocking mode in another file, the monitor's never was.
#include <evguard/annotations.h>
#include <sys/socket.h>
#include "net.h"

EVGUARD_HANDLER void on_tick(void) {
  static const char ping[] = "ping\n";
  send(client.fd, ping, sizeof ping - 1, 0);
  send(monitor.fd, ping, sizeof ping - 1, 0); // EXPECT: evguard-blocking-call callee=send roots=on_tick
}

int main(void) {
  sessions_accept(3);
  on_tick();
  return 0;
}
