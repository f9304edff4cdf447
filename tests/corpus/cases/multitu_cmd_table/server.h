#ifndef SERVER_H
#define SERVER_H

typedef struct client client;
typedef void redisCommandProc(client *c);

struct redisCommand {
  const char *name;
  redisCommandProc *proc;
  int arity;
};

struct client {
  int fd;
  int argc;
  const char *argv[8];
  struct redisCommand *cmd;
};

struct redisCommand *lookupCommand(const char *name);
void getCommand(client *c);
void saveCommand(client *c);
void pingCommand(client *c);

#endif
