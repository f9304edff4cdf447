#ifndef CHAT_CHAT_H
#define CHAT_CHAT_H
#include "loop.h"
#include <stddef.h>

struct client {
  int fd;
  char name[32];
  char buf[512];
  size_t len;
};

/* A command: the table in commands.c is dispatched through `proc`. */
struct command {
  const char *name;
  void (*proc)(struct client *c, const char *arg);
};

const struct command *command_lookup(const char *name);
void broadcast(struct client *from, const char *text);
void send_line(struct client *c, const char *text);

/* Promised not to block: evguard checks the promise. */
EVGUARD_NONBLOCKING void history_append(const char *line);

#endif
