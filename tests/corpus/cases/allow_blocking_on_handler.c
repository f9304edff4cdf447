// EVGUARD_ALLOW_BLOCKING on a handler itself accepts everything it reaches;
// another handler reaching the same helper is still reported (not suppressed).
#include <evguard/annotations.h>
#include <stdio.h>

static void write_report(const char *path) {
  FILE *f = fopen(path, "w"); // EXPECT: evguard-blocking-call callee=fopen
  if (f)
    fclose(f); // EXPECT: evguard-blocking-call callee=fclose
}

EVGUARD_HANDLER EVGUARD_ALLOW_BLOCKING("admin-only endpoint, rate limited to once a minute")
void on_admin_dump(void) {
  puts("dumping"); // EXPECT-SUPPRESSED: evguard-blocking-call callee=puts justification=admin-only_endpoint
  write_report("/var/tmp/admin.txt");
}

EVGUARD_HANDLER void on_periodic_report(void) { write_report("/var/tmp/periodic.txt"); }

int main(void) {
  on_admin_dump();
  on_periodic_report();
  return 0;
}
