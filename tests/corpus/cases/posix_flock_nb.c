// flock blocks unless LOCK_NB is among its flags.
#include <evguard/annotations.h>
#include <sys/file.h>

EVGUARD_HANDLER void on_rotate(int fd) {
  if (flock(fd, LOCK_EX | LOCK_NB) == 0)
    return;
  if (flock(fd, LOCK_SH | LOCK_NB) == 0)
    return;
  flock(fd, LOCK_EX); // EXPECT: evguard-blocking-call callee=flock roots=on_rotate
}

int main(void) {
  on_rotate(3);
  return 0;
}
