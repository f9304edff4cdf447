// &Class::method passed to a registering parameter: the method is the
// handler.
#include <evguard/annotations.h>
#include <unistd.h>

class Server;
using ServerHandler = void (Server::*)(int fd);

class Dispatcher {
public:
  void add(int fd, EVGUARD_REGISTERS_HANDLER ServerHandler h, Server *target);
};

class Server {
public:
  void onReadable(int fd) {
    char buf[256];
    pread(fd, buf, sizeof buf, 0); // EXPECT: evguard-blocking-call callee=pread roots=Server::onReadable via=Dispatcher::add
  }
  void onIdle(int fd) { (void)fd; }
  void start(Dispatcher &d) { d.add(0, &Server::onReadable, this); }
};

int main() {
  Dispatcher d;
  Server s;
  s.start(d);
}
