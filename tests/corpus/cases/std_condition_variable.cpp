// Waiting on a std::condition_variable in a handler blocks (and so does the
// unique_lock it needs); notifying does not.
#include <condition_variable>
#include <deque>
#include <evguard/annotations.h>
#include <mutex>

static std::mutex mu;
static std::condition_variable ready;
static std::deque<int> replies;

EVGUARD_HANDLER void on_request(int id) {
  std::unique_lock<std::mutex> lk(mu); // EXPECT: evguard-blocking-call callee=std::unique_lock::unique_lock roots=on_request
  ready.wait(lk, [] { return !replies.empty(); }); // EXPECT: evguard-blocking-call callee=std::condition_variable::wait roots=on_request
  replies.pop_front();
  (void)id;
}

EVGUARD_HANDLER void on_reply_ready() { ready.notify_one(); }

int main() {
  on_reply_ready();
  on_request(1);
}
