// EVGUARD_ALLOW_BLOCKING(reason) accepts the blocking calls reached through the
// marked function, including in its callees; they stay visible as suppressed
// findings carrying the reason.
#include <evguard/annotations.h>
#include <stdio.h>

static char config[4096];

static void slurp(FILE *f) {
  fread(config, 1, sizeof config - 1, f); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fread justification=reload_is_operator-triggered_and_reads_one_small_file
}

EVGUARD_ALLOW_BLOCKING("reload is operator-triggered and reads one small file")
static void reload_config(void) {
  FILE *f = fopen("/etc/app.conf", "r"); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fopen justification=reload_is_operator-triggered
  if (!f)
    return;
  slurp(f);
  fclose(f); // EXPECT-SUPPRESSED: evguard-blocking-call callee=fclose
}

EVGUARD_HANDLER void on_sighup(void) { reload_config(); }

int main(void) {
  on_sighup();
  return 0;
}
