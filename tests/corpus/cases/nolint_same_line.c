// NOLINT(evguard-blocking-call) on the call's line suppresses that finding; the
// text after it is kept as the justification.
#include <evguard/annotations.h>
#include <unistd.h>

EVGUARD_HANDLER void on_warmup(void) {
  // EXPECT-SUPPRESSED-NEXT-LINE: evguard-blocking-call callee=usleep justification=warm-up_runs_once_before_traffic
  usleep(500); // NOLINT(evguard-blocking-call): warm-up runs once before traffic
  usleep(500); // EXPECT: evguard-blocking-call callee=usleep roots=on_warmup
}

int main(void) {
  on_warmup();
  return 0;
}
