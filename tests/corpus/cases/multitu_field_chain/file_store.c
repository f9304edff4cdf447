// The durable backend: writes and fsyncs (blocks). The memory backend does not.
#include "store.h"
#include <string.h>
#include <unistd.h>

static char ring[1 << 16];
static int ring_len;

int file_append(struct conn *c, const char *data, int len) {
  return (int)pwrite(c->log_fd, data, (size_t)len, 0); // EXPECT: evguard-blocking-call callee=pwrite roots=on_command
}

int file_flush(struct conn *c) {
  return fsync(c->log_fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_command
}

int mem_append(struct conn *c, const char *data, int len) {
  (void)c;
  if (ring_len + len > (int)sizeof ring)
    ring_len = 0;
  memcpy(ring + ring_len, data, (size_t)len);
  ring_len += len;
  return len;
}

int mem_flush(struct conn *c) {
  (void)c;
  return 0;
}
