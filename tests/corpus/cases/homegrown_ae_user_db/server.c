// A user database file (--db) describes a Redis-ae-like library: the procs
// given to aeCreateFileEvent and aeCreateTimeEvent are handlers.
// RUN-ARGS: --db ae_db.json
#include "ae.h"
#include <sys/socket.h>
#include <unistd.h>

static int aof_fd = -1;

static void readQueryFromClient(aeEventLoop *loop, int fd, void *privdata, int mask) {
  (void)loop, (void)privdata, (void)mask;
  char query[1024];
  ssize_t n = recv(fd, query, sizeof query, MSG_DONTWAIT);
  if (n > 0)
    fsync(aof_fd); // EXPECT: evguard-blocking-call callee=fsync roots=readQueryFromClient via=aeCreateFileEvent
}

static int serverCron(aeEventLoop *loop, long long id, void *clientData) {
  (void)loop, (void)id, (void)clientData;
  usleep(1000); // EXPECT: evguard-blocking-call callee=usleep roots=serverCron via=aeCreateTimeEvent
  return 100;
}

static void cronFinalizer(aeEventLoop *loop, void *clientData) {
  (void)loop, (void)clientData;
  fdatasync(aof_fd); // EXPECT: evguard-blocking-call callee=fdatasync roots=cronFinalizer via=aeCreateTimeEvent
}

int main(void) {
  aeEventLoop *el = aeCreateEventLoop(1024);
  aeCreateFileEvent(el, 0, AE_READABLE, readQueryFromClient, NULL);
  aeCreateTimeEvent(el, 1, serverCron, NULL, cronFinalizer);
  aeMain(el);
  return 0;
}
