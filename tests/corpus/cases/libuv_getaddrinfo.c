// uv_getaddrinfo without a callback resolves synchronously (blocks); with one
// it does not, and the callback is a handler. The connect callback it chains
// to sleeps.
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uv_loop_t *loop;
static uv_getaddrinfo_t async_req, sync_req;
static uv_tcp_t conn;
static uv_connect_t connect_req;

static void on_connect(uv_connect_t *req, int status) {
  (void)req;
  if (status < 0)
    uv_sleep(100); // EXPECT: evguard-blocking-call callee=uv_sleep roots=on_connect via=uv_tcp_connect
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  (void)req;
  if (status < 0)
    return;
  uv_tcp_init(loop, &conn);
  uv_tcp_connect(&connect_req, &conn, res->ai_addr, on_connect);
  uv_freeaddrinfo(res);
}

static void on_timer(uv_timer_t *t) {
  (void)t;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  uv_getaddrinfo(loop, &async_req, on_resolved, "localhost", "6379", &hints);
  uv_getaddrinfo(loop, &sync_req, NULL, "localhost", "6380", &hints); // EXPECT: evguard-blocking-call callee=uv_getaddrinfo roots=on_timer
  if (sync_req.addrinfo)
    uv_freeaddrinfo(sync_req.addrinfo);
}

int main(void) {
  loop = uv_default_loop();
  uv_timer_t t;
  uv_timer_init(loop, &t);
  uv_timer_start(&t, on_timer, 0, 5000);
  return uv_run(loop, UV_RUN_DEFAULT);
}
