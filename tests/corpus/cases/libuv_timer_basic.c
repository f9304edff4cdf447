// A libuv timer handler that sleeps, a helper two calls down that fsyncs,
// poll with a constant 0 timeout (never blocks), and offloaded work.
#include <poll.h>
#include <unistd.h>
#include <uv.h>

static void flush_log(void) {
  fsync(3); // EXPECT: evguard-blocking-call callee=fsync roots=on_timer
}
static void helper(void) { flush_log(); }

static void on_timer(uv_timer_t *t) {
  (void)t;
  sleep(1); // EXPECT: evguard-blocking-call callee=sleep via=uv_timer_start
  helper();
  poll(0, 0, 0);
  poll(0, 0, -1); // EXPECT: evguard-blocking-call callee=poll
}

static void work(uv_work_t *r) { (void)r; sleep(2); }
static void after(uv_work_t *r, int status) {
  (void)r, (void)status;
  usleep(5); // EXPECT: evguard-blocking-call roots=after
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_timer, 0, 0);
  uv_work_t req;
  uv_queue_work(loop, &req, work, after);
  sleep(3); // before the loop runs: not a handler
  return uv_run(loop, UV_RUN_DEFAULT);
}
