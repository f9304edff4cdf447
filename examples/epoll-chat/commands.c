/* Chat commands. The table is what the loop dispatches through
 * `cmd->proc`: evguard follows every function stored in that field. */
#include "chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void cmd_nick(struct client *c, const char *arg) {
  snprintf(c->name, sizeof c->name, "%s", arg);
  send_line(c, "ok\n");
}

static void cmd_export(struct client *c, const char *arg) {
  (void)arg;
  /* The child writes the export; the parent goes on at once. */
  pid_t pid = fork(); // EXPECT: evguard-blocking-call callee=fork
  if (pid == 0) {
    FILE *f = fopen("export.txt", "w");
    fprintf(f, "exported by %s\n", c->name);
    fclose(f);
    _exit(0);
  }
  send_line(c, "exporting\n");
}

static void cmd_whois(struct client *c, const char *arg) {
  char path[128];
  snprintf(path, sizeof path, "/var/lib/chat/%s.profile", arg);
  FILE *f = fopen(path, "r"); // EXPECT: evguard-blocking-call callee=fopen
  if (!f) {
    send_line(c, "no such user\n");
    return;
  }
  char line[256];
  if (fgets(line, sizeof line, f)) // EXPECT: evguard-blocking-call callee=fgets
    send_line(c, line);
  fclose(f); // EXPECT: evguard-blocking-call callee=fclose
}

static void cmd_slow(struct client *c, const char *arg) {
  (void)arg;
  usleep(200 * 1000); /* "rate limiting" */ // EXPECT: evguard-blocking-call callee=usleep roots=on_client_readable
  send_line(c, "slowed\n");
}

static const struct command commands[] = {
    {"/nick", cmd_nick},
    {"/export", cmd_export},
    {"/whois", cmd_whois},
    {.name = "/slow", .proc = cmd_slow},
};

const struct command *command_lookup(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}
