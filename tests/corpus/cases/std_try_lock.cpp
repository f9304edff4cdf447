// try_lock never waits; try_lock_for waits up to its timeout (blocks).
#include <chrono>
#include <evguard/annotations.h>
#include <mutex>

static std::mutex fast;
static std::timed_mutex slow;
static int hits;

EVGUARD_HANDLER void on_hit() {
  if (fast.try_lock()) {
    ++hits;
    fast.unlock();
  }
  if (slow.try_lock()) {
    ++hits;
    slow.unlock();
  }
  if (slow.try_lock_for(std::chrono::milliseconds(5))) { // EXPECT: evguard-blocking-call callee=std::timed_mutex::try_lock_for roots=on_hit
    ++hits;
    slow.unlock();
  }
}

int main() { on_hit(); }
