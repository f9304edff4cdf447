#include "job.hpp"
#include <unistd.h>

void DiskJob::run() {
  usleep(10); // EXPECT: evguard-blocking-call callee=usleep program=server roots=on_tick
}
