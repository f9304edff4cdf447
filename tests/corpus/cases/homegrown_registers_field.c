// A timer struct whose callback field is marked EVGUARD_REGISTERS_HANDLER:
// functions stored there by assignment or by a designated initializer are
// handlers.
#include <evguard/annotations.h>
#include <stdint.h>
#include <unistd.h>

struct timer {
  uint64_t due_ms;
  EVGUARD_REGISTERS_HANDLER void (*fire)(struct timer *t);
  struct timer *next;
};

void timer_add(struct timer *t); /* the loop's own code, not shown */

static void on_expire(struct timer *t) {
  (void)t;
  sleep(1); // EXPECT: evguard-blocking-call callee=sleep roots=on_expire
}

static void on_gc(struct timer *t) {
  (void)t;
  sync(); // EXPECT: evguard-blocking-call callee=sync roots=on_gc
}

static struct timer gc_timer = {.due_ms = 60000, .fire = on_gc};

int main(void) {
  static struct timer expiry;
  expiry.due_ms = 1000;
  expiry.fire = on_expire;
  timer_add(&expiry);
  timer_add(&gc_timer);
  return 0;
}
