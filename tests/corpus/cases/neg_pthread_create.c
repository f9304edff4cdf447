// Negative: the start routine of a thread created with pthread_create runs off
// the loop thread and is not followed.
#include <evguard/annotations.h>
#include <pthread.h>
#include <unistd.h>

static void *archive_worker(void *arg) {
  int fd = *(int *)arg;
  sleep(1);
  fsync(fd);
  return NULL;
}

EVGUARD_HANDLER void on_archive(int *fd) {
  pthread_t t;
  if (pthread_create(&t, NULL, archive_worker, fd) == 0)
    pthread_detach(t);
}

int main(void) {
  static int fd = 3;
  on_archive(&fd);
  return 0;
}
