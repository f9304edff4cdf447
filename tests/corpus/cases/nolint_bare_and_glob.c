// As in clang-tidy, a bare NOLINT suppresses every check on its line, and a
// glob such as NOLINT(evguard-*) suppresses every evguard rule.
#include <evguard/annotations.h>
#include <unistd.h>

EVGUARD_HANDLER void on_tick(int fd) {
  // EXPECT-SUPPRESSED-NEXT-LINE: evguard-blocking-call callee=fsync
  fsync(fd); // NOLINT
  // EXPECT-SUPPRESSED-NEXT-LINE: evguard-blocking-call callee=fdatasync
  fdatasync(fd); // NOLINT(evguard-*)
  sync(); // EXPECT: evguard-blocking-call callee=sync roots=on_tick
}

int main(void) {
  on_tick(3);
  return 0;
}
