// evhttp_set_cb's request callback reads a status file with stdio (blocks);
// the generic callback only formats a reply.
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>

static void on_status(struct evhttp_request *req, void *arg) {
  (void)arg;
  char line[128] = "unknown";
  FILE *f = fopen("/run/app/status", "r"); // EXPECT: evguard-blocking-call callee=fopen roots=on_status via=evhttp_set_cb
  if (f) {
    fgets(line, sizeof line, f); // EXPECT: evguard-blocking-call callee=fgets roots=on_status
    fclose(f); // EXPECT: evguard-blocking-call callee=fclose roots=on_status
  }
  struct evbuffer *out = evbuffer_new();
  evbuffer_add_printf(out, "%s\n", line);
  evhttp_send_reply(req, HTTP_OK, "OK", out);
  evbuffer_free(out);
}

static void on_other(struct evhttp_request *req, void *arg) {
  (void)arg;
  evhttp_send_error(req, HTTP_NOTFOUND, NULL);
}

int main(void) {
  struct event_base *base = event_base_new();
  struct evhttp *http = evhttp_new(base);
  evhttp_set_cb(http, "/status", on_status, NULL);
  evhttp_set_gencb(http, on_other, NULL);
  evhttp_bind_socket(http, "127.0.0.1", 8080);
  return event_base_dispatch(base);
}
