// A fork() wrapper in its own file, like Redis' redisFork(): callers that
// test its result for 0 run the child branch off the loop thread.
#include <sys/types.h>
#include <unistd.h>

int spawn_child(int purpose) {
  pid_t child;
  if ((child = fork()) == 0) { // EXPECT: evguard-blocking-call callee=fork roots=on_timer
    (void)purpose;
    return 0;
  }
  return child;
}

// Same name shape, no fork: its zero result is not a child.
int reserve_slot(void) { return 0; }
