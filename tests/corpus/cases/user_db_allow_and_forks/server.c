// RUN-ARGS: --db db.json
// Database allow_blocking and forks entries, for code you cannot annotate.
#include <evguard/annotations.h>
#include <unistd.h>

void lib_panic(const char *why);
int lib_fork(void);

EVGUARD_HANDLER void on_command(int fd, int broken) {
  if (broken)
    lib_panic("broken command");
  if (lib_fork() == 0) {
    fsync(fd); // the child: not reported
    _exit(0);
  }
}
