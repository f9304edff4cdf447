// The library: evguard sees its code, but it cannot be annotated.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void lib_panic(const char *why) {
  fprintf(stderr, "panic: %s\n", why); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fprintf justification=the_process_exits_right_after
  abort();
}

// Returns 0 in the child; the database says so (the fork is elsewhere).
int lib_fork(void);
