// Captureless lambdas converted to libuv's C callback types are handlers,
// passed directly or first stored in a local variable.
#include <chrono>
#include <thread>
#include <unistd.h>
#include <uv.h>

int main() {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t timer;
  uv_timer_init(loop, &timer);
  uv_timer_start(&timer, [](uv_timer_t *) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // EXPECT: evguard-blocking-call callee=std::this_thread::sleep_for via=uv_timer_start
  }, 100, 100);

  auto on_check = [](uv_check_t *) {
    fdatasync(1); // EXPECT: evguard-blocking-call callee=fdatasync via=uv_check_start
  };
  uv_check_t check;
  uv_check_init(loop, &check);
  uv_check_start(&check, on_check);

  auto unused = [](uv_idle_t *) { sleep(1); }; // never registered: not a handler
  (void)unused;
  return uv_run(loop, UV_RUN_DEFAULT);
}
