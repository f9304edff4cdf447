// A NOLINT naming another check does not suppress evguard's finding; NOLINT
// for evguard-blocking-call does not suppress an evguard-page-fault finding.
#include <evguard/annotations.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

EVGUARD_HANDLER void on_map(int fd, size_t len) {
  // EXPECT-NEXT-LINE: evguard-blocking-call callee=sleep roots=on_map
  sleep(1); // NOLINT(bugprone-unused-return-value)
  // EXPECT-NEXT-LINE: evguard-page-fault callee=mmap roots=on_map
  void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0); // NOLINT(evguard-blocking-call)
  // EXPECT-SUPPRESSED-NEXT-LINE: evguard-page-fault callee=munmap
  munmap(p, len); // NOLINT(evguard-page-fault)
}

int main(void) {
  on_map(3, 4096);
  return 0;
}
