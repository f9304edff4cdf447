// evconnlistener_new_bind's accept callback is a handler: it resolves the
// upstream's name synchronously (blocks).
#include <arpa/inet.h>
#include <netdb.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
                      struct sockaddr *peer, int peerlen, void *ctx) {
  (void)l, (void)peer, (void)peerlen, (void)ctx;
  struct hostent *up = gethostbyname("upstream.internal"); // EXPECT: evguard-blocking-call callee=gethostbyname roots=on_accept via=evconnlistener_new_bind
  (void)up;
  close(fd);
}

int main(void) {
  struct event_base *base = event_base_new();
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons(8080);
  struct evconnlistener *l = evconnlistener_new_bind(
      base, on_accept, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
      (struct sockaddr *)&sin, sizeof sin);
  if (!l)
    return 1;
  return event_base_dispatch(base);
}
