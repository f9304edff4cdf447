// Command procs stored with designated initializers and by assignment are all
// reached through the field; a same-typed field of another struct (hooks) is
// a different field and is not.
#include <evguard/annotations.h>
#include <stdio.h>
#include <unistd.h>

typedef struct session session;
typedef int cmd_proc(session *s);

struct command {
  const char *name;
  cmd_proc *proc;
};

struct hook {
  const char *name;
  cmd_proc *proc;
};

struct session {
  int fd;
  const struct command *cmd;
};

static int quit_cmd(session *s) { return s->fd; }
static int flush_cmd(session *s) {
  return fsync(s->fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_line
}
static int debug_cmd(session *s) {
  return dprintf(s->fd, "debug\n"); // EXPECT: evguard-blocking-call callee=dprintf roots=on_line
}
static int audit_hook(session *s) {
  return fdatasync(s->fd);
}

static struct command commands[] = {
    {.name = "quit", .proc = quit_cmd},
    {.proc = flush_cmd, .name = "flush"},
    [2] = {.name = "debug"},
};

static struct hook hooks[] = {{.name = "audit", .proc = audit_hook}};

EVGUARD_HANDLER void on_line(session *s, int which) {
  s->cmd = &commands[which % 3];
  s->cmd->proc(s);
}

int main(void) {
  commands[2].proc = debug_cmd;
  static session s = {.fd = 1};
  hooks[0].proc(&s);
  on_line(&s, 0);
  return 0;
}
