// `int debugmsg = 0; if (debugmsg) ...` with the local never changed is dead
// code (Redis' geo.c); a local that is changed, or a parameter, is not.
#include <evguard/annotations.h>
#include <stdio.h>
#include <unistd.h>

EVGUARD_HANDLER void on_query(int fd, int verbose) {
  int debugmsg = 0;
  if (debugmsg)
    fprintf(stderr, "query on %d\n", fd); // dead: not reported
  int trace = 0;
  if (fd > 100)
    trace = 1;
  if (trace)
    fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_query
  if (verbose)
    usleep(1); // EXPECT: evguard-blocking-call callee=usleep roots=on_query
}
