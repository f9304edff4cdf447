// A helper reached through an EVGUARD_ALLOW_BLOCKING function from one handler
// and directly from another: the direct path is not allowed, so the finding
// is reported (not suppressed).
#include <evguard/annotations.h>
#include <unistd.h>

static void persist(int fd) {
  fsync(fd); // EXPECT: evguard-blocking-call callee=fsync
}

EVGUARD_ALLOW_BLOCKING("shutdown may take its time")
static void shutdown_flush(int fd) { persist(fd); }

EVGUARD_HANDLER void on_shutdown(int fd) { shutdown_flush(fd); }
EVGUARD_HANDLER void on_write(int fd) { persist(fd); }

int main(void) {
  on_write(3);
  on_shutdown(3);
  return 0;
}
