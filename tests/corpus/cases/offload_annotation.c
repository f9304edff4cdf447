// A home-grown thread pool whose submit function marks its work parameter
// EVGUARD_OFFLOADED: the work is not followed; the handler that submits it
// stays clean.
#include <evguard/annotations.h>
#include <fcntl.h>
#include <unistd.h>

typedef void (*work_fn)(void *arg);

int pool_submit(EVGUARD_OFFLOADED work_fn fn, void *arg);

static void write_snapshot(void *arg) {
  int fd = open((const char *)arg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  fsync(fd);
  close(fd);
}

EVGUARD_HANDLER void on_save_command(const char *path) {
  pool_submit(write_snapshot, (void *)path);
}

int main(void) {
  on_save_command("/var/tmp/dump.rdb");
  return 0;
}
