// Template instantiations are followed: the blocking call is inside a member
// of the class the template is instantiated with, and inside a function
// template's body.
#include <evguard/annotations.h>
#include <unistd.h>

struct FileSink {
  int fd;
  void flush() {
    fsync(fd); // EXPECT: evguard-blocking-call callee=fsync roots=on_batch
  }
};

struct NullSink {
  void flush() {}
};

template <class Sink> void drain(Sink &s, int n) {
  for (int i = 0; i < n; ++i)
    s.flush();
}

template <int Attempts> void retry_pause() {
  for (int i = 0; i < Attempts; ++i)
    usleep(100); // EXPECT: evguard-blocking-call callee=usleep roots=on_batch
}

EVGUARD_HANDLER void on_batch(int n) {
  FileSink f{3};
  NullSink z;
  drain(z, n);
  drain(f, n);
  retry_pause<3>();
}

int main() { on_batch(1); }
