// bufferevent_setcb registers the read and event callbacks (the write one is
// NULL): the read callback appends to a log with stdio, the event callback
// resolves a host name. Draining the evbuffer does not block.
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netdb.h>
#include <stdio.h>

static FILE *wire_log;

static void on_read(struct bufferevent *bev, void *ctx) {
  (void)ctx;
  struct evbuffer *in = bufferevent_get_input(bev);
  char chunk[256];
  size_t n = evbuffer_remove(in, chunk, sizeof chunk);
  fwrite(chunk, 1, n, wire_log); // EXPECT: evguard-blocking-call callee=fwrite roots=on_read via=bufferevent_setcb
}

static void on_event(struct bufferevent *bev, short events, void *ctx) {
  (void)ctx;
  if (events & BEV_EVENT_CONNECTED) {
    struct addrinfo *res;
    getaddrinfo("backup.internal", "443", NULL, &res); // EXPECT: evguard-blocking-call callee=getaddrinfo roots=on_event via=bufferevent_setcb
    freeaddrinfo(res);
    return;
  }
  bufferevent_free(bev);
}

int main(void) {
  wire_log = fopen("wire.log", "a");
  struct event_base *base = event_base_new();
  struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
  bufferevent_enable(bev, EV_READ);
  return event_base_dispatch(base);
}
