// A function declared EVGUARD_NONBLOCKING without a body is trusted: calling
// it from a handler reports nothing, even though evguard cannot see inside.
#include <evguard/annotations.h>
#include <unistd.h>

EVGUARD_NONBLOCKING int ring_try_push(void *ring, const void *item);

EVGUARD_HANDLER void on_event(void *ring, const void *item) {
  if (ring_try_push(ring, item) != 0)
    usleep(100); // EXPECT: evguard-blocking-call callee=usleep roots=on_event
}

int main(void) {
  on_event(0, 0);
  return 0;
}
