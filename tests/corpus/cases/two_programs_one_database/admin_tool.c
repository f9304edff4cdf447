// A command-line tool built from the same tree: blocking is fine here.
#include <unistd.h>

int main(void) {
  sleep(1);
  return 0;
}
