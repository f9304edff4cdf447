// The project's own evguard::Loop: lambdas given to watch() and post() are
// handlers, a function object given to start_timer() too; offload()'s work
// runs on the pool (not followed), its done callback on the loop (a handler).
#include <chrono>
#include <evguard/loop.h>
#include <syslog.h>
#include <unistd.h>

using namespace std::chrono_literals;

struct Reaper {
  void operator()(evguard::TimerId) const {
    sync(); // EXPECT: evguard-blocking-call callee=sync roots=Reaper::operator() via=evguard::Loop::start_timer
  }
};

static void rebuild_cache() { sleep(2); }

int main() {
  evguard::Loop loop;
  (void)loop.watch(0, evguard::Io::readable, [](const evguard::IoEvent &ev) {
    syslog(LOG_INFO, "fd %d ready", ev.fd); // EXPECT: evguard-blocking-call callee=syslog via=evguard::Loop::watch
  });
  (void)loop.start_timer(1s, 1s, Reaper{});
  loop.offload([] { rebuild_cache(); }, [] {
    usleep(10); // EXPECT: evguard-blocking-call callee=usleep via=evguard::Loop::offload
  });
  loop.post([] {
    fsync(1); // EXPECT: evguard-blocking-call callee=fsync via=evguard::Loop::post
  });
  loop.run();
}
