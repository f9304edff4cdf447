// An idle callback takes a pthread mutex (blocks) and also tries one
// (pthread_mutex_trylock never waits).
#include <pthread.h>
#include <uv.h>

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static long pending, published;

static void on_idle(uv_idle_t *h) {
  (void)h;
  if (pthread_mutex_trylock(&stats_mu) == 0) {
    published = pending;
    pthread_mutex_unlock(&stats_mu);
  }
  pthread_mutex_lock(&stats_mu); // EXPECT: evguard-blocking-call callee=pthread_mutex_lock roots=on_idle via=uv_idle_start
  pending++;
  pthread_mutex_unlock(&stats_mu);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_idle_t idle;
  uv_idle_init(loop, &idle);
  uv_idle_start(&idle, on_idle);
  return uv_run(loop, UV_RUN_DEFAULT);
}
