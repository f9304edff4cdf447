// EVGUARD_NONBLOCKING is checked: a blocking call it reaches (two calls down)
// is reported under evguard-nonblocking-violation with the marked function as
// the root, and not as the handler's evguard-blocking-call.
#include <evguard/annotations.h>
#include <stdio.h>

static long cached_rss;

static void read_proc_status(void) {
  FILE *f = fopen("/var/lib/app/rss.txt", "r"); // EXPECT: evguard-nonblocking-violation callee=fopen roots=stats_snapshot
  if (f) {
    fscanf(f, "%*ld %ld", &cached_rss); // EXPECT: evguard-nonblocking-violation callee=fscanf roots=stats_snapshot
    fclose(f); // EXPECT: evguard-nonblocking-violation callee=fclose roots=stats_snapshot
  }
}

static void refresh(void) { read_proc_status(); }

EVGUARD_NONBLOCKING long stats_snapshot(void) {
  refresh();
  return cached_rss;
}

EVGUARD_HANDLER void on_stats_request(void) { (void)stats_snapshot(); }

int main(void) {
  on_stats_request();
  return 0;
}
