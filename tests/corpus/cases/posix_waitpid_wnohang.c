// Reaping children from a SIGCHLD handler: waitpid with WNOHANG never waits,
// waitpid with 0 options and wait() do.
#include <evguard/annotations.h>
#include <sys/wait.h>

EVGUARD_HANDLER void on_sigchld(void) {
  int status;
  while (waitpid(-1, &status, WNOHANG) > 0) {
  }
  waitpid(-1, &status, WNOHANG | WUNTRACED);
  waitpid(-1, &status, 0); // EXPECT: evguard-blocking-call callee=waitpid roots=on_sigchld
  wait(&status); // EXPECT: evguard-blocking-call callee=wait roots=on_sigchld
}

int main(void) {
  on_sigchld();
  return 0;
}
