// A Redis-style static command table {"name", proc}: c->cmd->proc(c) reaches
// every function stored in the proc field; only the blocking command reports.
#include <evguard/annotations.h>
#include <string.h>
#include <unistd.h>

typedef struct client client;
typedef void redisCommandProc(client *c);

struct redisCommand {
  const char *name;
  redisCommandProc *proc;
  int arity;
};

struct client {
  int fd;
  const char *argv[4];
  struct redisCommand *cmd;
};

static void getCommand(client *c) { (void)c; }
static void pingCommand(client *c) { (void)c; }
static void bgrewriteaofCommand(client *c) {
  fsync(c->fd); // EXPECT: evguard-blocking-call callee=fsync roots=readQueryFromClient
}

static struct redisCommand commandTable[] = {
    {"get", getCommand, 2},
    {"ping", pingCommand, 1},
    {"bgrewriteaof", bgrewriteaofCommand, 1},
};

static struct redisCommand *lookupCommand(const char *name) {
  for (unsigned i = 0; i < sizeof commandTable / sizeof commandTable[0]; i++)
    if (!strcmp(commandTable[i].name, name))
      return &commandTable[i];
  return NULL;
}

EVGUARD_HANDLER void readQueryFromClient(client *c) {
  c->cmd = lookupCommand(c->argv[0]);
  if (c->cmd)
    c->cmd->proc(c);
}

int main(void) {
  static client c = {.fd = 1, .argv = {"ping"}};
  readQueryFromClient(&c);
  return 0;
}
