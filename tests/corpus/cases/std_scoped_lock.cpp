// std::scoped_lock over two mutexes blocks; adopting a mutex already taken
// with try_lock does not.
#include <evguard/annotations.h>
#include <mutex>

struct Account {
  std::mutex mu;
  long balance = 0;
};

EVGUARD_HANDLER void on_transfer(Account &from, Account &to, long amount) {
  if (from.mu.try_lock()) {
    std::scoped_lock adopted(std::adopt_lock, from.mu);
    from.balance -= amount;
  }
  std::scoped_lock both(from.mu, to.mu); // EXPECT: evguard-blocking-call callee=std::scoped_lock::scoped_lock roots=on_transfer
  to.balance += amount;
}

int main() {
  Account a, b;
  on_transfer(a, b, 10);
}
