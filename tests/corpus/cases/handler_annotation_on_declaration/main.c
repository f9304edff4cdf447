#include "handlers.h"
#include <signal.h>

int main(void) {
  signal(SIGHUP, on_rotate_logs);
  return 0;
}
