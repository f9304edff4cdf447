#include "job.hpp"
#include <uv.h>

static Job *job;

static void on_tick(uv_timer_t *) { job->run(); }

int main() {
  job = new DiskJob();
  uv_timer_t t;
  uv_timer_init(uv_default_loop(), &t);
  uv_timer_start(&t, on_tick, 10, 10);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
