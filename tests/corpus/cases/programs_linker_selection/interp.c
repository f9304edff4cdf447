// A vendored interpreter: its eval blocks, and it is stored into the same
// module field the server calls through. Linked into the interpreter's own
// program only, where nothing runs on an event loop.
#include "module.h"
#include <unistd.h>

static void interp_eval(const char *arg) {
  (void)arg;
  sleep(1);
}

struct module interp_module = {"interp", interp_eval};

void interp_init(void) { set_module(&interp_module); }
