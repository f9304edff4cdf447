// A blocking call reached both from a handler directly and from an
// EVGUARD_NONBLOCKING function: one finding of each rule at the same site.
#include <evguard/annotations.h>
#include <unistd.h>

static void append_journal(int fd, const char *rec, unsigned long len) {
  pwrite(fd, rec, len, 0); // EXPECT: evguard-blocking-call callee=pwrite roots=on_command; evguard-nonblocking-violation callee=pwrite roots=fast_path
}

EVGUARD_NONBLOCKING void fast_path(int fd) { append_journal(fd, "x", 1); }

EVGUARD_HANDLER void on_command(int fd) {
  fast_path(fd);
  append_journal(fd, "SET", 3);
}

int main(void) {
  on_command(3);
  return 0;
}
