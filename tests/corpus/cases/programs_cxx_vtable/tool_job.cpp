// The other program's override: a virtual call in the server must not
// reach it, the server never links this TU.
#include "job.hpp"
#include <unistd.h>

void ToolJob::run() { sleep(1); }
