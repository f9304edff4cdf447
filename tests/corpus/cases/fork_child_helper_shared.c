// A helper called both from a forked child and directly from another handler:
// its blocking call is reported with the direct handler as the only root.
#include <evguard/annotations.h>
#include <unistd.h>

static void write_checkpoint(int fd) {
  fdatasync(fd); // EXPECT: evguard-blocking-call callee=fdatasync roots=on_shutdown
}

EVGUARD_HANDLER void on_checkpoint(int fd) {
  if (fork() == 0) { // EXPECT: evguard-blocking-call callee=fork roots=on_checkpoint
    write_checkpoint(fd);
    _exit(0);
  }
}

EVGUARD_HANDLER void on_shutdown(int fd) { write_checkpoint(fd); }

int main(void) {
  on_checkpoint(3);
  on_shutdown(3);
  return 0;
}
