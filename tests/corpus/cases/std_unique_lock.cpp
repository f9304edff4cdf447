// std::unique_lock: locking on construction or with lock() blocks; try_to_lock
// and defer_lock construction do not.
#include <evguard/annotations.h>
#include <mutex>

static std::mutex mu;
static int counter;

EVGUARD_HANDLER void on_sample() {
  {
    std::unique_lock<std::mutex> attempt(mu, std::try_to_lock);
    if (attempt.owns_lock()) {
      ++counter;
      return;
    }
  }
  std::unique_lock<std::mutex> later(mu, std::defer_lock);
  later.lock(); // EXPECT: evguard-blocking-call callee=std::unique_lock::lock roots=on_sample
  later.unlock();
  std::unique_lock<std::mutex> now(mu); // EXPECT: evguard-blocking-call callee=std::unique_lock::unique_lock roots=on_sample
  ++counter;
}

int main() { on_sample(); }
