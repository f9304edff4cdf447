// EVGUARD_HANDLER on a header declaration makes the function a handler even
// though its definition (in another file than its caller) is not annotated.
#include "handlers.h"
#include <stdio.h>

void on_rotate_logs(int signo) {
  (void)signo;
  freopen("/var/log/app.log", "a", stderr); // EXPECT: evguard-blocking-call callee=freopen roots=on_rotate_logs
}
