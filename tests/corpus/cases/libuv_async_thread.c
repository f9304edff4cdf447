// uv_thread_create's entry runs on its own thread (not followed, even though
// it blocks); the uv_async_init callback it wakes runs on the loop (a handler).
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

static uv_async_t wakeup;
static FILE *results;

static void producer(void *arg) {
  (void)arg;
  for (int i = 0; i < 3; i++) {
    sleep(1);
    uv_async_send(&wakeup);
  }
}

static void on_wakeup(uv_async_t *h) {
  (void)h;
  fflush(results); // EXPECT: evguard-blocking-call callee=fflush roots=on_wakeup via=uv_async_init
}

int main(void) {
  results = fopen("results.txt", "w");
  uv_loop_t *loop = uv_default_loop();
  uv_async_init(loop, &wakeup, on_wakeup);
  uv_thread_t tid;
  uv_thread_create(&tid, producer, NULL);
  int rc = uv_run(loop, UV_RUN_DEFAULT);
  uv_thread_join(&tid);
  return rc;
}
