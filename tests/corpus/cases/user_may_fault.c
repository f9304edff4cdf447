// EVGUARD_MAY_FAULT user functions and the database's may-fault functions
// (mmap) are reported under evguard-page-fault; mlock, a database blocking
// entry in the page-fault category, stays an evguard-blocking-call.
#include <evguard/annotations.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

EVGUARD_MAY_FAULT("reads a memory-mapped index that may not be resident")
uint64_t index_lookup(const void *index, uint64_t key);

EVGUARD_HANDLER void on_get(int fd, uint64_t key) {
  void *idx = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, fd, 0); // EXPECT: evguard-page-fault callee=mmap roots=on_get
  index_lookup(idx, key); // EXPECT: evguard-page-fault callee=index_lookup roots=on_get
  mlock(idx, 4096); // EXPECT: evguard-blocking-call callee=mlock roots=on_get
}

int main(void) {
  on_get(3, 42);
  return 0;
}
