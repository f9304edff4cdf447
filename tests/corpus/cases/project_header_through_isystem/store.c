// CFLAGS: -isystem$CASE/include
#include <store.h>
#include <string.h>
#include <unistd.h>

void store_put(int fd, const char *value) {
  write(fd, value, strlen(value));
  fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_timer
}
