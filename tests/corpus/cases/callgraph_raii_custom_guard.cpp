// A home-made RAII guard: its constructor takes a pthread mutex (blocks), its
// destructor releases it (does not). Temporaries and heap objects count too.
#include <evguard/annotations.h>
#include <pthread.h>
#include <unistd.h>

class MutexGuard {
public:
  explicit MutexGuard(pthread_mutex_t *m) : m_(m) {
    pthread_mutex_lock(m_); // EXPECT: evguard-blocking-call callee=pthread_mutex_lock roots=on_update,on_snapshot
  }
  ~MutexGuard() { pthread_mutex_unlock(m_); }

private:
  pthread_mutex_t *m_;
};

class Spill {
public:
  ~Spill() {
    fsync(fd_); // EXPECT: evguard-blocking-call callee=fsync roots=on_snapshot
  }
  int fd_ = 3;
};

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static int table[64];

EVGUARD_HANDLER void on_update(int slot, int v) {
  MutexGuard g(&table_mu);
  table[slot & 63] = v;
}

EVGUARD_HANDLER int on_snapshot(void) {
  MutexGuard{&table_mu};
  Spill *s = new Spill;
  delete s;
  return table[0];
}

int main() {
  on_update(1, 2);
  return on_snapshot();
}
