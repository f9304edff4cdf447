// The classic `if ((pid = fork()) == 0)` and `if (!pid)` forms: the child
// branch (up to execv/_exit) is not followed; the fork calls are findings.
#include <evguard/annotations.h>
#include <stdio.h>
#include <unistd.h>

EVGUARD_HANDLER void on_run_hook(char *const argv[]) {
  pid_t pid;
  if ((pid = fork()) == 0) { // EXPECT: evguard-blocking-call callee=fork roots=on_run_hook
    freopen("/dev/null", "w", stdout);
    execv(argv[0], argv);
    _exit(127);
  }
  pid_t second = fork(); // EXPECT: evguard-blocking-call callee=fork roots=on_run_hook
  if (!second) {
    sleep(1);
    _exit(0);
  }
}

int main(void) {
  char *argv[] = {"/bin/true", NULL};
  on_run_hook(argv);
  return 0;
}
