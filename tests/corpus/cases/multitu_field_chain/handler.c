// Cross-TU chain: the handler (this file) calls through a struct field, the
// functions stored in it are set in wiring.c, and the blocking calls live in
// file_store.c, two files away.
#include "store.h"
#include <evguard/annotations.h>

EVGUARD_HANDLER void on_command(struct conn *c, const char *data, int len) {
  c->ops->append(c, data, len);
  c->ops->flush(c);
}

int main(void) {
  static struct conn c;
  wire_storage(&c, 1);
  on_command(&c, "SET k v", 7);
  return 0;
}
