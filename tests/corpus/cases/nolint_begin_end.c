// A NOLINT block (BEGIN ... END markers naming evguard-blocking-call)
// suppresses every finding inside it; a call after the block is reported.
#include <evguard/annotations.h>
#include <stdio.h>

EVGUARD_HANDLER void on_report(void) {
  // NOLINTBEGIN(evguard-blocking-call): the report is written by an operator command
  FILE *f = fopen("/var/tmp/report.txt", "w"); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fopen
  fputs("report\n", f); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fputs
  fclose(f); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fclose
  // NOLINTEND(evguard-blocking-call)
  puts("report written"); // EXPECT: evguard-blocking-call callee=puts roots=on_report
}

int main(void) {
  on_report();
  return 0;
}
