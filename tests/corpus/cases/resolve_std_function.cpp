// std::function wrapping a plain function or a lambda, passed directly or
// first stored in a local, to a registering parameter: the wrapped callable
// is the handler.
#include <evguard/annotations.h>
#include <functional>
#include <unistd.h>

using Callback = std::function<void(int)>;

void on_signal(int signo, EVGUARD_REGISTERS_HANDLER Callback cb);

static void on_term(int signo) {
  (void)signo;
  sync(); // EXPECT: evguard-blocking-call callee=sync roots=on_term via=on_signal
}

static void on_usr1(int signo) {
  sleep(static_cast<unsigned>(signo)); // EXPECT: evguard-blocking-call callee=sleep roots=on_usr1 via=on_signal
}

static void never_registered(int signo) { sleep(static_cast<unsigned>(signo)); }

int main() {
  on_signal(15, Callback(on_term));
  Callback usr1 = on_usr1;
  on_signal(10, usr1);
  on_signal(12, std::function<void(int)>([](int) {
    usleep(1); // EXPECT: evguard-blocking-call callee=usleep via=on_signal
  }));
  Callback unused = never_registered;
  (void)unused;
}
