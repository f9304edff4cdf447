// NOLINTNEXTLINE(evguard-blocking-call) suppresses the finding on the following
// line only.
#include <evguard/annotations.h>
#include <stdio.h>

EVGUARD_HANDLER void on_debug_dump(FILE *out) {
  // NOLINTNEXTLINE(evguard-blocking-call): debug endpoint, disabled in production
  fputs("state dump\n", out); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fputs justification=debug_endpoint
  fflush(out); // EXPECT: evguard-blocking-call callee=fflush roots=on_debug_dump
}

int main(void) {
  on_debug_dump(stderr);
  return 0;
}
