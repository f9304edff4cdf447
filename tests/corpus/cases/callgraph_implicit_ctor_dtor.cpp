// Implicit constructors and destructors are calls: declaring a Session runs
// the implicit Session() that constructs its Journal member (opens a file),
// and leaving the scope runs the implicit ~Session() that closes it.
#include <cstdio>
#include <evguard/annotations.h>
#include <string>

class Journal {
public:
  Journal() : f_(std::fopen("/var/tmp/session.log", "a")) {} // EXPECT: evguard-blocking-call callee=fopen roots=on_connect
  ~Journal() {
    if (f_)
      std::fclose(f_); // EXPECT: evguard-blocking-call callee=fclose roots=on_connect
  }

private:
  std::FILE *f_;
};

struct Session {
  std::string user;
  Journal journal;
};

EVGUARD_HANDLER void on_connect(const char *user) {
  Session s;
  s.user = user;
}

int main() { on_connect("bob"); }
