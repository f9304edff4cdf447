// The parent returns early (pid > 0) and the child carries on after the if
// up to its _exit: that child-only code is not followed.
#include <evguard/annotations.h>
#include <sys/types.h>
#include <unistd.h>

static int workers;

EVGUARD_HANDLER void on_scale_up(void) {
  pid_t pid = fork(); // EXPECT: evguard-blocking-call callee=fork roots=on_scale_up
  if (pid < 0)
    return;
  if (pid > 0) {
    workers++;
    return;
  }
  setsid();
  sleep(5);
  fsync(1);
  _exit(0);
}

int main(void) {
  on_scale_up();
  return 0;
}
