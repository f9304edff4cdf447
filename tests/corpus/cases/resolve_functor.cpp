// Objects with operator() passed to a registering parameter, as a temporary
// or as a named object: their call operators are handlers.
#include <cstdio>
#include <evguard/annotations.h>
#include <unistd.h>

struct EventLoop {
  template <class F> void every(int ms, EVGUARD_REGISTERS_HANDLER F &&fn) { (void)ms, (void)fn; }
};

struct Compactor {
  int fd;
  void operator()() const {
    fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=Compactor::operator() via=EventLoop::every
  }
};

struct Reporter {
  void operator()() const {
    std::puts("tick"); // EXPECT: evguard-blocking-call callee=puts roots=Reporter::operator() via=EventLoop::every
  }
};

int main() {
  EventLoop loop;
  loop.every(1000, Compactor{3});
  Reporter r;
  loop.every(5000, r);
}
