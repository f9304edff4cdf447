// switch (fork()): the case 0 branch runs in the child only (not followed);
// the fork itself and the parent's branches are on the loop thread.
#include <evguard/annotations.h>
#include <stdio.h>
#include <unistd.h>

static int children;

EVGUARD_HANDLER void on_bgsave(void) {
  switch (fork()) { // EXPECT: evguard-blocking-call callee=fork roots=on_bgsave
  case -1:
    return;
  case 0: {
    FILE *f = fopen("dump.rdb", "w");
    fputs("REDIS0011", f);
    fclose(f);
    _exit(0);
  }
  default:
    children++;
    break;
  }
  fflush(stdout); // EXPECT: evguard-blocking-call callee=fflush roots=on_bgsave
}

int main(void) {
  on_bgsave();
  return 0;
}
