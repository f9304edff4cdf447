// Cross-TU command dispatch: c->cmd->proc(c) here, the static command table in
// commands.c, the blocking command body in rdb.c.
#include "server.h"
#include <evguard/annotations.h>

static void processCommand(client *c) {
  c->cmd = lookupCommand(c->argv[0]);
  if (c->cmd)
    c->cmd->proc(c);
}

EVGUARD_HANDLER void readQueryFromClient(client *c) { processCommand(c); }

int main(void) {
  static client c = {.argc = 1, .argv = {"ping"}};
  readQueryFromClient(&c);
  return 0;
}
