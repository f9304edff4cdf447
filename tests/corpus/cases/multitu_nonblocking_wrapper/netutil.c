// The wrappers that switch a socket to non-blocking mode live here, two
// calls away from fcntl.
#include <fcntl.h>
#include "net.h"

int net_set_flags(int fd, int add) {
  int cur = fcntl(fd, F_GETFL, 0);
  return fcntl(fd, F_SETFL, cur | add);
}

int net_nonblock(int fd) { return net_set_flags(fd, O_NONBLOCK); }
