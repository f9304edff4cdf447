// A std::lock_guard constructed in a handler locks a std::mutex (RAII: the
// constructor is the blocking call). The same code outside any handler is not
// reported.
#include <evguard/annotations.h>
#include <map>
#include <mutex>
#include <string>

class SessionTable {
public:
  EVGUARD_HANDLER void onLogin(const std::string &user, int fd) {
    std::lock_guard<std::mutex> guard(mu_); // EXPECT: evguard-blocking-call callee=std::lock_guard::lock_guard roots=SessionTable::onLogin
    sessions_[user] = fd;
  }
  void loadAtStartup() {
    std::lock_guard<std::mutex> guard(mu_);
    sessions_.clear();
  }

private:
  std::mutex mu_;
  std::map<std::string, int> sessions_;
};

int main() {
  SessionTable t;
  t.loadAtStartup();
}
