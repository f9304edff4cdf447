// Negative: handlers that only use non-blocking calls (non-blocking reads,
// polling with a 0 timeout, memory and string work) report nothing.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

static char line[1024];
static size_t used;

static void on_poll(uv_poll_t *h, int status, int events) {
  (void)status, (void)events;
  int fd;
  uv_fileno((uv_handle_t *)h, &fd);
  for (;;) {
    ssize_t n = recv(fd, line + used, sizeof line - used, MSG_DONTWAIT);
    if (n <= 0)
      break;
    used += (size_t)n;
    char *nl = memchr(line, '\n', used);
    if (nl) {
      size_t rest = used - (size_t)(nl + 1 - line);
      memmove(line, nl + 1, rest);
      used = rest;
    }
  }
  if (errno == EAGAIN)
    uv_poll_start(h, UV_READABLE, on_poll);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_poll_t p;
  uv_poll_init_socket(loop, &p, 0);
  uv_poll_start(&p, UV_READABLE, on_poll);
  return uv_run(loop, UV_RUN_DEFAULT);
}
