// A program on the real event loop, linked with libevguard-runtime-debug. Each
// scenario (argv[1]) makes one kind of handler misbehave, or makes the same
// calls where they must not be reported; the GoogleTest driver runs it with
// different EVGUARD_* settings and checks what the debug runtime reports.
#include "evguard/debug.h"
#include "evguard/loop.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace {

pthread_mutex_t Mutex = PTHREAD_MUTEX_INITIALIZER;
std::atomic<bool> HolderHasLock{false};

// The blocking operations, shared by handlers, offloaded work and threads so
// that only where they run differs.
void doUsleep() { usleep(2000); }

void doFsync() {
  char Path[] = "/tmp/evguard-debug-XXXXXX";
  int Fd = mkstemp(Path);
  if (Fd < 0) {
    std::perror("mkstemp");
    std::exit(3);
  }
  unlink(Path);
  if (write(Fd, "x", 1) != 1)
    std::exit(3);
  fsync(Fd);
  close(Fd);
}

void doGetaddrinfo() {
  addrinfo Hints{};
  Hints.ai_family = AF_INET;
  addrinfo *Res = nullptr;
  if (getaddrinfo("localhost", nullptr, &Hints, &Res) == 0)
    freeaddrinfo(Res);
}

/// Locks the mutex while another thread holds it (it lets go 20 ms later).
void doContendedLock() {
  std::thread Holder([] {
    pthread_mutex_lock(&Mutex);
    HolderHasLock = true;
    std::this_thread::sleep_for(20ms);
    pthread_mutex_unlock(&Mutex);
  });
  while (!HolderHasLock)
    std::this_thread::yield();
  pthread_mutex_lock(&Mutex);
  pthread_mutex_unlock(&Mutex);
  Holder.join();
  HolderHasLock = false;
}

void doUncontendedLock() {
  pthread_mutex_lock(&Mutex);
  pthread_mutex_unlock(&Mutex);
}

void doAll() {
  doUsleep();
  doFsync();
  doGetaddrinfo();
  doContendedLock();
}

// Handlers: plain functions, so the report must name them.
void usleepHandler(evguard::TimerId) { doUsleep(); }
void fsyncHandler(evguard::TimerId) { doFsync(); }
void getaddrinfoHandler(evguard::TimerId) { doGetaddrinfo(); }
void mutexHandler(evguard::TimerId) { doContendedLock(); }
void uncontendedHandler(evguard::TimerId) { doUncontendedLock(); }
void emptyHandler(evguard::TimerId) {}

void allowedHandler(evguard::TimerId) {
  evguard::AllowBlocking Allowed{"the test allows it"};
  doUsleep();
}

void conditionsHandler(evguard::TimerId) {
  // The database's conditions: a zero timeout only polls, MSG_DONTWAIT
  // never waits.
  poll(nullptr, 0, 0);
  int Fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, Fds) != 0)
    std::exit(3);
  char C;
  recv(Fds[0], &C, 1, MSG_DONTWAIT);
  close(Fds[0]);
  close(Fds[1]);
  // /proc files are made in memory: neither the open nor the read waits.
  int Proc = open("/proc/self/statm", O_RDONLY);
  char Statm[128];
  if (Proc < 0 || read(Proc, Statm, sizeof Statm) <= 0)
    std::exit(4);
  close(Proc);
}

/// Reads from a blocking socket (data is there, so it returns at once): the
/// descriptor could block, which is what `did` reports for I/O.
void blockingSocketHandler(evguard::TimerId) {
  int Fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, Fds) != 0 || write(Fds[1], "x", 1) != 1)
    std::exit(3);
  char C;
  if (read(Fds[0], &C, 1) != 1)
    std::exit(3);
  close(Fds[0]);
  close(Fds[1]);
}

/// poll with a timeout: on a ready descriptor it returns at once (silent
/// under `did`), on an idle one it waits 100 ms (reported under `did`).
void pollHandler(evguard::TimerId) {
  int Fds[2];
  if (pipe(Fds) != 0 || write(Fds[1], "x", 1) != 1)
    std::exit(3);
  pollfd Ready{Fds[0], POLLIN, 0};
  poll(&Ready, 1, 1000);
  pollfd Idle{Fds[1], 0, 0};
  poll(&Idle, 1, 100);
  close(Fds[0]);
  close(Fds[1]);
}

void faultHandler(evguard::TimerId) {
  const size_t Size = 64u << 20;
  void *P = mmap(nullptr, Size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (P == MAP_FAILED)
    std::exit(3);
  // One fault per 4 KiB page, whatever the transparent-huge-page setting.
  madvise(P, Size, MADV_NOHUGEPAGE);
  for (size_t I = 0; I < Size; I += 4096)
    static_cast<volatile char *>(P)[I] = 1;
  munmap(P, Size);
}

__attribute__((noinline)) void busyComputeFor50ms() {
  auto End = std::chrono::steady_clock::now() + 50ms;
  volatile unsigned long X = 0;
  while (std::chrono::steady_clock::now() < End)
    X = X + 1;
}

void busyHandler(evguard::TimerId) { busyComputeFor50ms(); }

void sleepyHandler(evguard::TimerId) {
  struct timespec Ts = {0, 60 * 1000 * 1000};
  while (nanosleep(&Ts, &Ts) != 0) {
  }
}

/// Stuck for 1.3 s, long enough for the watchdog's in-progress notice.
void stuckHandler(evguard::TimerId) {
  struct timespec Ts = {1, 300 * 1000 * 1000};
  while (nanosleep(&Ts, &Ts) != 0) {
  }
}

/// A healthy echo over a non-blocking socket pair: silent under `did`.
void healthyEcho(evguard::Loop &Loop) {
  static int Fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, Fds) != 0)
    std::exit(3);
  static int Rounds = 0;
  auto Res = Loop.watch(Fds[1], evguard::Io::readable,
                        [&Loop](const evguard::IoEvent &E) {
                          char Buf[64];
                          ssize_t N = read(E.fd, Buf, sizeof(Buf));
                          if (N > 0 && write(E.fd, Buf, N) != N)
                            std::exit(3);
                          (void)Loop;
                        });
  if (!Res)
    std::exit(3);
  auto Client = Loop.watch(Fds[0], evguard::Io::readable,
                           [&Loop, Id = evguard::WatchId{}](
                               const evguard::IoEvent &E) mutable {
                             char Buf[64];
                             if (read(E.fd, Buf, sizeof(Buf)) <= 0)
                               return;
                             if (++Rounds == 1000) {
                               Loop.stop();
                               return;
                             }
                             if (write(E.fd, "ping", 4) != 4)
                               std::exit(3);
                             (void)Id;
                           });
  if (!Client || write(Fds[0], "ping", 4) != 4)
    std::exit(3);
}

// --- The blocking detector's descriptor cache ---------------------------------
// A read on a non-blocking descriptor is checked once and then cached; these
// change what the descriptor is between two handlers and expect the second
// read reported. Each handler runs in its own run() of the loop.

int CachedFd = -1;

/// Reads one byte (written just before) in a handler: silent when CachedFd
/// is non-blocking, reported when it blocks.
void readCachedFdHandler(evguard::TimerId) {
  char C;
  if (read(CachedFd, &C, 1) != 1)
    std::exit(3);
}

void feed(int WriteFd) {
  if (write(WriteFd, "x", 1) != 1)
    std::exit(3);
}

int runOnce(evguard::Loop &Loop, void (*Handler)(evguard::TimerId));

/// A non-blocking socket read silently, then switched to blocking mode
/// through a dup (the flag belongs to the shared open file description),
/// outside any handler: the next read is reported.
int runFdModeChange(evguard::Loop &Loop) {
  int Fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, Fds) != 0)
    return 3;
  CachedFd = Fds[0];
  for (int Round = 0; Round < 2; ++Round) {
    feed(Fds[1]);
    if (runOnce(Loop, readCachedFdHandler))
      return 3;
  }
  std::fprintf(stderr, "scenario: now blocking\n");
  int Dup = dup(Fds[0]);
  int Flags = fcntl(Dup, F_GETFL);
  if (Dup < 0 || Flags < 0 || fcntl(Dup, F_SETFL, Flags & ~O_NONBLOCK) != 0)
    return 3;
  feed(Fds[1]);
  return runOnce(Loop, readCachedFdHandler);
}

/// A non-blocking socket read silently, closed, and its number reused by a
/// blocking pipe (with `ViaDup2`: the pipe dup2'ed onto the open number).
int runFdReuse(evguard::Loop &Loop, bool ViaDup2) {
  int Fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, Fds) != 0)
    return 3;
  CachedFd = Fds[0];
  feed(Fds[1]);
  if (runOnce(Loop, readCachedFdHandler))
    return 3;
  int Pipe[2];
  if (!ViaDup2) {
    close(Fds[0]);
    close(Fds[1]);
    if (pipe(Pipe) != 0 || Pipe[0] != CachedFd)
      return 4; // The lowest free number must be the socket's.
  } else if (pipe(Pipe) != 0 || dup2(Pipe[0], CachedFd) != CachedFd) {
    return 3;
  }
  std::fprintf(stderr, "scenario: now a pipe\n");
  feed(Pipe[1]);
  return runOnce(Loop, readCachedFdHandler);
}

int openFds() {
  int N = 0;
  for (int Fd = 0; Fd < 4096; ++Fd)
    N += fcntl(Fd, F_GETFD) >= 0;
  return N;
}

/// Twenty threads in turn, each running a loop with one handler: what the
/// debug runtime opens per thread (perf counters) must be closed when the
/// thread exits.
int runLoopThreads() {
  int Before = openFds();
  for (int I = 0; I < 20; ++I) {
    int Rc = 0;
    std::thread T([&Rc] {
      evguard::Loop Inner;
      Rc = runOnce(Inner, emptyHandler);
    });
    T.join();
    if (Rc)
      return Rc;
  }
  std::fprintf(stderr, "scenario: %d descriptors opened and not closed\n",
               openFds() - Before);
  return 0;
}

int runOnce(evguard::Loop &Loop, void (*Handler)(evguard::TimerId)) {
  auto T = Loop.start_timer(1ms, 0ns, Handler);
  if (!T) {
    std::fprintf(stderr, "start_timer failed\n");
    return 3;
  }
  auto Ec = Loop.run();
  return Ec ? 3 : 0;
}

/// Runs a second loop inside a handler: its epoll_wait waits 5 ms for its
/// timer, which is a nested loop stalling the outer one.
void nestedLoopHandler(evguard::TimerId) {
  evguard::Loop Inner;
  auto T = Inner.start_timer(5ms, 0ns, [](evguard::TimerId) {});
  if (!T || Inner.run())
    std::exit(3);
}

/// usleep at a line the scenario prints (from main: a print in a handler
/// is a blocking call itself), so the test can check the report's file:line
/// against what the compiler says.
constexpr int ReportedLine = __LINE__ + 2;
void reportedLineHandler(evguard::TimerId) {
  usleep(2000);
}

/// One plain usleep (no EINTR retry loop) of 20 ms, the default threshold,
/// and of 50 ms.
void sleep20Handler(evguard::TimerId) { usleep(20000); }
void sleep50Handler(evguard::TimerId) { usleep(50000); }

/// A lambda handler that takes many page faults: its result must point at
/// the lambda, not at the runtime's invoker.
int runLambdaFaults(evguard::Loop &Loop) {
  std::fprintf(stderr, "scenario: handler at line %d\n", __LINE__ + 1);
  auto T = Loop.start_timer(1ms, 0ns, [](evguard::TimerId Id) {
    faultHandler(Id);
  });
  return !T || Loop.run() ? 3 : 0;
}

/// The same blocking call 100 times in one handler.
void repeatHandler(evguard::TimerId) {
  for (int I = 0; I < 100; ++I)
    usleep(10);
}

/// A lambda handler: the report names the lambda through the runtime's
/// type-erased invoker.
int runLambda(evguard::Loop &Loop) {
  auto T = Loop.start_timer(1ms, 0ns, [](evguard::TimerId) { doUsleep(); });
  return !T || Loop.run() ? 3 : 0;
}

int runOffloaded(evguard::Loop &Loop) {
  auto Ec = Loop.offload([] { doAll(); }, [] {});
  if (Ec)
    return 3;
  return Loop.run() ? 3 : 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: evguard-debug-scenario SCENARIO (built from "
               EVGUARD_TEST_CHECKOUT ")\n"
               "  usleep fsync getaddrinfo mutex uncontended allowed "
               "conditions blocking-socket poll repeat nested-loop faults busy sleepy stuck healthy offloaded thread "
               "before-run usleep-then-term lambda fd-mode-change fd-reuse "
               "fd-dup2 loop-threads reported-line sleep-20ms sleep-50ms "
               "lambda-faults\n");
  return 2;
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 2)
    return usage();
  std::string S = Argv[1];
  evguard::Loop Loop;
  struct Entry {
    const char *Name;
    void (*Handler)(evguard::TimerId);
  };
  const Entry Handlers[] = {
      {"usleep", usleepHandler},         {"fsync", fsyncHandler},
      {"getaddrinfo", getaddrinfoHandler}, {"mutex", mutexHandler},
      {"uncontended", uncontendedHandler}, {"allowed", allowedHandler},
      {"conditions", conditionsHandler},   {"faults", faultHandler},
      {"busy", busyHandler},             {"sleepy", sleepyHandler},
      {"stuck", stuckHandler},           {"blocking-socket", blockingSocketHandler},
      {"poll", pollHandler},             {"repeat", repeatHandler},
      {"nested-loop", nestedLoopHandler}, {"reported-line", reportedLineHandler},
      {"sleep-20ms", sleep20Handler},    {"sleep-50ms", sleep50Handler},
  };
  if (S == "reported-line")
    std::fprintf(stderr, "scenario: usleep at line %d\n", ReportedLine);
  for (const Entry &E : Handlers)
    if (S == E.Name)
      return runOnce(Loop, E.Handler);
  if (S == "offloaded")
    return runOffloaded(Loop);
  if (S == "lambda")
    return runLambda(Loop);
  if (S == "lambda-faults")
    return runLambdaFaults(Loop);
  if (S == "loop-threads")
    return runLoopThreads();
  if (S == "fd-mode-change")
    return runFdModeChange(Loop);
  if (S == "fd-reuse")
    return runFdReuse(Loop, false);
  if (S == "fd-dup2")
    return runFdReuse(Loop, true);
  if (S == "thread") {
    std::thread T(doAll);
    T.join();
    return 0;
  }
  if (S == "before-run") {
    doAll();
    return runOnce(Loop, emptyHandler);
  }
  if (S == "usleep-then-term") {
    // A finding, then death by SIGTERM: the report must still be written.
    int Rc = runOnce(Loop, usleepHandler);
    raise(SIGTERM);
    return Rc;
  }
  if (S == "healthy") {
    healthyEcho(Loop);
    return Loop.run(evguard::RunMode::until_stopped) ? 3 : 0;
  }
  return usage();
}
