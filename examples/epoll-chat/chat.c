/* The server: accept, read lines, dispatch commands from a table. */
#define _GNU_SOURCE
#include "chat.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CLIENTS 256
static struct client *clients[MAX_CLIENTS];
static FILE *history;

void send_line(struct client *c, const char *text) {
  /* Client sockets are non-blocking: a full buffer drops the line. */
  send(c->fd, text, strlen(text), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void broadcast(struct client *from, const char *text) {
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (clients[i] && clients[i] != from)
      send_line(clients[i], text);
  history_append(text);
}

void history_append(const char *line) {
  if (!history)
    history = fopen("history.log", "a"); // EXPECT: evguard-nonblocking-violation callee=fopen
  fputs(line, history); // EXPECT: evguard-nonblocking-violation callee=fputs
  fflush(history); /* the promise is broken here */ // EXPECT: evguard-nonblocking-violation callee=fflush
}

static void on_client_readable(struct loop *l, int fd, void *data) {
  struct client *c = data;
  ssize_t n = recv(fd, c->buf + c->len, sizeof c->buf - c->len - 1, MSG_DONTWAIT);
  if (n <= 0) {
    loop_del_fd(l, fd);
    clients[fd % MAX_CLIENTS] = NULL;
    close(fd);
    free(c);
    return;
  }
  c->len += (size_t)n;
  c->buf[c->len] = '\0';
  char *nl = strchr(c->buf, '\n');
  if (!nl)
    return;
  *nl = '\0';
  char *arg = strchr(c->buf, ' ');
  if (arg)
    *arg++ = '\0';
  const struct command *cmd = command_lookup(c->buf);
  if (cmd)
    cmd->proc(c, arg ? arg : "");
  else
    broadcast(c, c->buf);
  c->len = 0;
}

static void on_accept(struct loop *l, int fd, void *data) {
  (void)data;
  int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
  if (cfd < 0)
    return;
  struct client *c = calloc(1, sizeof *c);
  c->fd = cfd;
  snprintf(c->name, sizeof c->name, "guest%d", cfd);
  clients[cfd % MAX_CLIENTS] = c;
  loop_add_fd(l, cfd, on_client_readable, c);
}

static void on_housekeeping(struct loop *l, void *data) {
  (void)l, (void)data;
  /* Waits for exited children of /export: a blocking wait on the loop. */
  int status;
  while (waitpid(-1, &status, WNOHANG) > 0)
    ;
  sync(); /* flushes every dirty page of the machine */ // EXPECT: evguard-blocking-call callee=sync roots=on_housekeeping,timer_fired
}

int main(void) {
  struct loop *l = loop_new();
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(7001),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(lfd, (struct sockaddr *)&addr, sizeof addr);
  listen(lfd, 128);
  loop_add_fd(l, lfd, on_accept, NULL);
  loop_every(l, 5000, on_housekeeping, NULL);
  loop_run(l);
  return 0;
}
