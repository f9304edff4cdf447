// std::this_thread::sleep_for and sleep_until block; yield does not.
#include <chrono>
#include <evguard/annotations.h>
#include <thread>

EVGUARD_HANDLER void on_backoff(int attempt) {
  std::this_thread::yield();
  if (attempt < 3)
    std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt)); // EXPECT: evguard-blocking-call callee=std::this_thread::sleep_for roots=on_backoff
  else
    std::this_thread::sleep_until(std::chrono::steady_clock::now() + std::chrono::seconds(1)); // EXPECT: evguard-blocking-call callee=std::this_thread::sleep_until roots=on_backoff
}

int main() { on_backoff(0); }
