// The caller sees only a declaration of spawn_child; the link step learns
// that it forks.
#include <evguard/annotations.h>
#include <unistd.h>

int spawn_child(int purpose);
int reserve_slot(void);

static void rewrite_log(int fd) { fsync(fd); }

EVGUARD_HANDLER void on_timer(int fd) {
  if (spawn_child(1) == 0) {
    rewrite_log(fd); // in the child: not reported
    _exit(0);
  }
  int slot;
  if ((slot = reserve_slot()) == 0)
    fdatasync(fd); // EXPECT: evguard-blocking-call callee=fdatasync roots=on_timer
}
