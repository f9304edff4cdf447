#include "handlers.h"
#include <netdb.h>

int resolve_upstream(const char *host) {
  struct addrinfo *res = NULL;
  int rc = getaddrinfo(host, "443", NULL, &res); // EXPECT: evguard-blocking-call callee=getaddrinfo roots=on_refresh,on_reload
  if (res)
    freeaddrinfo(res);
  return rc;
}
