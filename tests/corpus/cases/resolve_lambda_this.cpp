// A lambda capturing `this`, registered from a member function, is a handler;
// the blocking call sits in the member function it calls.
#include <evguard/annotations.h>
#include <functional>
#include <netdb.h>
#include <string>

class Poller {
public:
  void every(int ms, EVGUARD_REGISTERS_HANDLER std::function<void()> fn);
};

class HealthChecker {
public:
  explicit HealthChecker(Poller &p) : poller_(p) {}
  void start() {
    poller_.every(1000, [this] { check(); });
  }

private:
  void check() {
    addrinfo *res = nullptr;
    if (getaddrinfo(host_.c_str(), "80", nullptr, &res) == 0) // EXPECT: evguard-blocking-call callee=getaddrinfo via=Poller::every
      freeaddrinfo(res);
  }
  Poller &poller_;
  std::string host_ = "localhost";
};

int main() {
  Poller p;
  HealthChecker h(p);
  h.start();
}
