// Shared by every program of this build: a module table called through a
// function-pointer field.
struct module {
  const char *name;
  void (*run)(const char *arg);
};
void modules_run(struct module *m, const char *arg);
void stats_flush(void);
void stats_count(void);
void set_module(struct module *m);
