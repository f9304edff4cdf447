#include "store.h"
#include <unistd.h>
#include <uv.h>

void on_timer(uv_timer_t *t) {
  (void)t;
  usleep(100);
  store_put("k", "v");
}
