// The pointer fallback resolves a call with no visible value flow to every
// address-taken function of its type, but a function whose address is only
// handed to pthread_create (a thread's start routine) runs on that thread:
// it is not a candidate. A routine that is also stored elsewhere still is.
#include <evguard/annotations.h>
#include <pthread.h>
#include <unistd.h>

typedef void *(*job_fn)(void *);

job_fn job_lookup(const char *name);
void job_export(const char *name, job_fn fn);

static void *flush_worker(void *arg) {
  sleep(1); /* on its own thread: never reached from the handler */
  return arg;
}

static void *compact_worker(void *arg) {
  /* Started as a thread, and exported too: a candidate. */
  fsync(*(int *)arg); // EXPECT: evguard-blocking-call callee=fsync roots=on_job
  return arg;
}

EVGUARD_HANDLER void on_job(int *fd) {
  job_fn run = job_lookup("inline");
  if (run)
    run(fd);
}

int main(void) {
  static int fd = 3;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, flush_worker, &fd);
  pthread_create(&t2, NULL, &compact_worker, &fd);
  job_export("compact", compact_worker);
  on_job(&fd);
  return 0;
}
