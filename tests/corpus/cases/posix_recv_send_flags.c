// recv/send/sendto on a socket created in blocking mode block unless their
// flags carry MSG_DONTWAIT (alone or combined with other flags).
#include <evguard/annotations.h>
#include <sys/socket.h>

EVGUARD_HANDLER void on_socket(void) {
  char buf[512];
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  recv(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK);
  recv(fd, buf, sizeof buf, 0); // EXPECT: evguard-blocking-call callee=recv roots=on_socket
  recv(fd, buf, sizeof buf, MSG_PEEK); // EXPECT: evguard-blocking-call callee=recv roots=on_socket
  send(fd, buf, 4, MSG_NOSIGNAL | MSG_DONTWAIT);
  send(fd, buf, 4, MSG_NOSIGNAL); // EXPECT: evguard-blocking-call callee=send roots=on_socket
  sendto(fd, buf, 4, MSG_DONTWAIT, 0, 0);
}

int main(void) {
  on_socket();
  return 0;
}
