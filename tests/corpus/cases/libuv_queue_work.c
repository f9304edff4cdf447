// uv_queue_work: the work callback runs on the thread pool (not followed), the
// after-work callback on the loop (a handler). persist() is reached from both
// the work callback and a timer: only the timer is a root.
#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t *loop;
static char snapshot[4096];

static void persist(void) {
  int fd = open("/var/tmp/snapshot", O_WRONLY | O_CREAT, 0600); // EXPECT: evguard-blocking-call callee=open roots=on_timer
  write(fd, snapshot, sizeof snapshot); // EXPECT: evguard-blocking-call callee=write roots=on_timer
  fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_timer
  close(fd);
}

static void do_work(uv_work_t *req) {
  (void)req;
  persist();
  sleep(1);
}

static void after_work(uv_work_t *req, int status) {
  (void)req, (void)status;
  syslog(LOG_INFO, "snapshot written"); // EXPECT: evguard-blocking-call callee=syslog roots=after_work via=uv_queue_work
}

static uv_work_t work_req;

static void on_timer(uv_timer_t *t) {
  if (t->repeat == 0) {
    persist();
    return;
  }
  uv_queue_work(loop, &work_req, do_work, after_work);
}

int main(void) {
  loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_timer, 0, 60000);
  return uv_run(loop, UV_RUN_DEFAULT);
}
