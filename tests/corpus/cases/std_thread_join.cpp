// Joining a thread from a handler waits for it (blocks); detaching does not.
#include <evguard/annotations.h>
#include <thread>

static void rebuild_index() {}

EVGUARD_HANDLER void on_reindex(bool wait) {
  std::thread worker(rebuild_index);
  if (wait)
    worker.join(); // EXPECT: evguard-blocking-call callee=std::thread::join roots=on_reindex
  else
    worker.detach();
}

int main() { on_reindex(false); }
