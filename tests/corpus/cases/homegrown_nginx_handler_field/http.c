// A user database's handler_fields entry: every function stored into
// ngx_event_s.handler is a handler, wherever the store happens.
// RUN-ARGS: --db nginx_db.json
#include "event.h"
#include <unistd.h>

static char file_buf[8192];

static void ngx_http_send_file(ngx_event_t *wev) {
  ngx_connection_t *c = wev->data;
  pread(c->fd, file_buf, sizeof file_buf, 0); // EXPECT: evguard-blocking-call callee=pread roots=ngx_http_send_file
}

static void ngx_http_wait_request_handler(ngx_event_t *rev) {
  ngx_connection_t *c = rev->data;
  c->write->handler = ngx_http_send_file;
  c->write->ready = 1;
}

void ngx_http_init_connection(ngx_connection_t *c) {
  c->read->handler = ngx_http_wait_request_handler;
}

int main(void) {
  ngx_process_events_and_timers();
  return 0;
}
