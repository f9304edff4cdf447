// One finding per blocking call site, however many paths reach it: the site
// is reached twice from one handler and from a second handler that also calls
// the first; roots lists each handler once.
#include <evguard/annotations.h>
#include <unistd.h>

static void persist(int fd) {
  fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_write,on_batch
}

static void persist_twice(int fd) {
  persist(fd);
  persist(fd + 1);
}

EVGUARD_HANDLER void on_write(int fd) {
  persist(fd);
  persist_twice(fd);
}

EVGUARD_HANDLER void on_batch(int fd) {
  for (int i = 0; i < 3; i++)
    on_write(fd + i);
}

int main(void) {
  on_batch(3);
  return 0;
}
