// std::bind over a member function (and std::function holding such a bind)
// passed to a registering parameter: the bound method is the handler.
#include <evguard/annotations.h>
#include <functional>
#include <unistd.h>

struct Reactor {
  void onReadable(int fd, EVGUARD_REGISTERS_HANDLER std::function<void(int)> cb);
};

class Connection {
public:
  void onData(int fd) {
    char buf[128];
    pread(fd, buf, sizeof buf, 0); // EXPECT: evguard-blocking-call callee=pread roots=Connection::onData via=Reactor::onReadable
  }
  void onError(int fd, int code) {
    (void)code;
    fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=Connection::onError via=Reactor::onReadable
  }
};

int main() {
  Reactor r;
  Connection c;
  using namespace std::placeholders;
  r.onReadable(0, std::bind(&Connection::onData, &c, _1));
  std::function<void(int)> err = std::bind(&Connection::onError, &c, _1, 104);
  r.onReadable(1, err);
}
