// An EVGUARD_NONBLOCKING promise made in a header covers the definition in
// another TU: metrics_flush_if_due breaks it (reported as a violation, rooted
// at the marked function); metrics_incr keeps it. Callers in a third TU
// trust both.
#include "metrics.h"
#include <stdio.h>

static long counters[64];
static long since_flush;

static unsigned slot(const char *name) {
  unsigned h = 5381;
  while (*name)
    h = h * 33 + (unsigned char)*name++;
  return h % 64;
}

void metrics_incr(const char *name) {
  counters[slot(name)]++;
  since_flush++;
}

void metrics_flush_if_due(void) {
  if (since_flush < 1000)
    return;
  FILE *f = fopen("/var/tmp/metrics", "w"); // EXPECT: evguard-nonblocking-violation callee=fopen roots=metrics_flush_if_due
  if (!f)
    return;
  fwrite(counters, sizeof counters[0], 64, f); // EXPECT: evguard-nonblocking-violation callee=fwrite roots=metrics_flush_if_due
  fclose(f); // EXPECT: evguard-nonblocking-violation callee=fclose roots=metrics_flush_if_due
  since_flush = 0;
}
