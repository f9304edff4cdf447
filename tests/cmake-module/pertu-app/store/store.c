#include "store.h"
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1;

void store_put(const char *key, const char *value) {
  if (log_fd < 0)
    log_fd = open("/tmp/evguard-pertu-store.log", O_WRONLY | O_CREAT | O_APPEND, 0600);
  write(log_fd, key, strlen(key));
  write(log_fd, value, strlen(value));
  fsync(log_fd);
}
