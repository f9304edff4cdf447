// fork() in a handler is a finding; the child branch (pid == 0, up to exec and
// _exit) is not on the loop thread; the parent's blocking waitpid is.
#include <evguard/annotations.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

EVGUARD_HANDLER void on_spawn_helper(const char *prog) {
  pid_t pid = fork(); // EXPECT: evguard-blocking-call callee=fork roots=on_spawn_helper
  if (pid == 0) {
    int fd = open("/dev/null", O_RDWR);
    dup2(fd, 0);
    sleep(1);
    execlp(prog, prog, (char *)0);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, WNOHANG);
  waitpid(pid, &status, 0); // EXPECT: evguard-blocking-call callee=waitpid roots=on_spawn_helper
}

int main(void) {
  on_spawn_helper("true");
  return 0;
}
