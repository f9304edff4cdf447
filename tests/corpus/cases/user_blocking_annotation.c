// EVGUARD_BLOCKING marks user functions as blocking sources, with or without a
// body: the finding is at the call of the marked function, not inside it.
#include <evguard/annotations.h>
#include <unistd.h>

EVGUARD_BLOCKING("ipc", "round-trips to the license daemon over a UNIX socket")
int license_check(const char *user);

EVGUARD_BLOCKING("disk-io", "reads a whole blob from the cold store")
static long load_blob(int fd, char *dst, long len) {
  return read(fd, dst, (unsigned long)len);
}

static long cheap(long x) { return x * 2; }

EVGUARD_HANDLER void on_open_document(const char *user, int fd) {
  static char blob[1 << 16];
  if (license_check(user) != 0) // EXPECT: evguard-blocking-call callee=license_check roots=on_open_document
    return;
  cheap(load_blob(fd, blob, sizeof blob)); // EXPECT: evguard-blocking-call callee=load_blob roots=on_open_document
}

int main(void) {
  on_open_document("alice", 3);
  return 0;
}
