// A descriptor is not a constant: connect() and recv() on a socket created in
// blocking mode (no SOCK_NONBLOCK) may block; recv with MSG_DONTWAIT does not.
#include <arpa/inet.h>
#include <evguard/annotations.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

EVGUARD_HANDLER void on_health_check(void) {
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons(6379);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  connect(fd, (struct sockaddr *)&sin, sizeof sin); // EXPECT: evguard-blocking-call callee=connect roots=on_health_check
  char pong[8];
  recv(fd, pong, sizeof pong, MSG_DONTWAIT);
  recv(fd, pong, sizeof pong, 0); // EXPECT: evguard-blocking-call callee=recv roots=on_health_check
  close(fd);
}

int main(void) {
  on_health_check();
  return 0;
}
