// future::get and shared_future::get wait for a result (block); setting a
// promise's value does not.
#include <evguard/annotations.h>
#include <future>

static std::promise<int> answer;
static std::future<int> pending = answer.get_future();
static std::shared_future<int> config;

EVGUARD_HANDLER void on_query() {
  int v = pending.get(); // EXPECT: evguard-blocking-call callee=std::future::get roots=on_query
  int c = config.get(); // EXPECT: evguard-blocking-call callee=std::shared_future::get roots=on_query
  (void)v, (void)c;
}

EVGUARD_HANDLER void on_answer(int v) { answer.set_value(v); }

int main() {
  on_answer(42);
  on_query();
}
