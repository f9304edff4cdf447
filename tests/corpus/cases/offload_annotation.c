// A home-grown thread pool whose submit function marks its work parameter
// EVGUARD_OFFLOADED (not followed: the submitting handler stays clean) and its
// completion parameter EVGUARD_REGISTERS_HANDLER (a handler).
#include <evguard/annotations.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

typedef void (*work_fn)(void *arg);

int pool_submit(EVGUARD_OFFLOADED work_fn fn, void *arg,
                EVGUARD_REGISTERS_HANDLER work_fn done);

static void write_snapshot(void *arg) {
  int fd = open((const char *)arg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  fsync(fd);
  close(fd);
}

static void snapshot_done(void *arg) {
  printf("saved %s\n", (const char *)arg); // EXPECT: evguard-blocking-call callee=printf roots=snapshot_done via=pool_submit
}

EVGUARD_HANDLER void on_save_command(const char *path) {
  pool_submit(write_snapshot, (void *)path, snapshot_done);
}

int main(void) {
  on_save_command("/var/tmp/dump.rdb");
  return 0;
}
