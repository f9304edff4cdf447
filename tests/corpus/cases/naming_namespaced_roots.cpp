// Roots and callees are named by qualified name: namespaces and classes are
// kept, anonymous namespaces are left out.
#include <evguard/annotations.h>
#include <unistd.h>

namespace net {
namespace {
void flush_all() {
  sync(); // EXPECT: evguard-blocking-call callee=sync roots=net::Server::onAccept,net::admin::onShutdown
}
} // namespace

class Server {
public:
  EVGUARD_HANDLER void onAccept(int fd) {
    (void)fd;
    flush_all();
  }
};

namespace admin {
EVGUARD_HANDLER void onShutdown() { flush_all(); }
} // namespace admin
} // namespace net

int main() {
  net::Server s;
  s.onAccept(3);
  net::admin::onShutdown();
}
