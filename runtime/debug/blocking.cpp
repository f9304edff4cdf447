// The blocking-call detector's decisions, shared by every generated
// interposer (see interpose.h for the call path).
#include "config.h"
#include "fd_cache.h"
#include "interpose.h"
#include "report.h"
#include "state.h"

#include <execinfo.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <threads.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace evguard::debug {
namespace {

/// What kind of descriptor `Fd` is, with raw syscalls so that nothing here
/// is itself interposed.
std::string describeFd(int Fd) {
  struct stat St;
  if (syscall(SYS_fstat, Fd, &St) != 0)
    return "fd " + std::to_string(Fd) + " (not an open descriptor)";
  std::string Kind;
  switch (St.st_mode & S_IFMT) {
  case S_IFREG: return "fd " + std::to_string(Fd) + " is a regular file: disk I/O, which O_NONBLOCK does not make non-blocking";
  case S_IFDIR: return "fd " + std::to_string(Fd) + " is a directory: file-system access";
  case S_IFBLK: return "fd " + std::to_string(Fd) + " is a block device: disk I/O";
  case S_IFSOCK: Kind = "socket"; break;
  case S_IFIFO: Kind = "pipe"; break;
  case S_IFCHR: Kind = "character device"; break;
  case 0: Kind = "anonymous-inode descriptor (eventfd, timerfd, signalfd, epoll)"; break;
  default: Kind = "descriptor";
  }
  return "fd " + std::to_string(Fd) + " is a " + Kind +
         " in blocking mode (no O_NONBLOCK)";
}

std::string whyText(const CallSpec &Spec, const char *Why, int64_t WaitedNs,
                    int Fd) {
  if (!Why)
    return policyIsMay()
               ? "policy may: every blocking-class call in a handler is "
                 "reported"
               : std::string("a ") + categoryName(Spec.Cat) +
                     " call always blocks the thread";
  std::string W = Why;
  if (W == "waited") {
    char Buf[64];
    std::snprintf(Buf, sizeof(Buf), "%.2f ms", WaitedNs / 1e6);
    return std::string("it waited ") + Buf + " (policy did reports waits of " +
           std::to_string(waitMinNs() / 1000) +
           " us or more: EVGUARD_WAIT_MIN_US)";
  }
  if (W == "contended")
    return "the lock was held by someone else (its non-blocking twin - "
           "trylock, sem_trywait, LOCK_NB - failed), so the thread waited "
           "for it";
  if (W == "blocking-fd")
    return describeFd(Fd);
  return W;
}

void abortIfAsked() {
  if (config().OnBlockAction != OnBlock::Abort)
    return;
  std::fprintf(stderr, "evguard: aborting (EVGUARD_ON_BLOCK=abort)\n");
  finalizeReports(false);
  std::abort();
}

} // namespace

const char *categoryName(Category C) noexcept {
  switch (C) {
  case Category::Sleep: return "sleep";
  case Category::Lock: return "lock";
  case Category::Wait: return "wait";
  case Category::DiskIo: return "disk-io";
  case Category::NetworkIo: return "network-io";
  case Category::Dns: return "dns";
  case Category::Process: return "process";
  case Category::Ipc: return "ipc";
  case Category::PageFault: return "page-fault";
  case Category::Other: return "other";
  }
  return "other";
}

bool policyIsMay() noexcept { return config().Policy == BlockPolicy::May; }

int64_t waitMinNs() noexcept { return config().WaitMinNs; }

bool pathUnder(const char *Path,
               std::initializer_list<const char *> Prefixes) noexcept {
  if (std::strstr(Path, "/.."))
    return false;
  for (const char *P : Prefixes)
    if (std::strncmp(Path, P, std::strlen(P)) == 0)
      return true;
  return false;
}

static bool onPseudoFileSystem(int Fd) noexcept {
  struct statfs Fs;
  if (syscall(SYS_fstatfs, Fd, &Fs) != 0)
    return false;
  return Fs.f_type == PROC_SUPER_MAGIC || Fs.f_type == SYSFS_MAGIC;
}

bool fdIsNonBlocking(int Fd) noexcept {
  if (fdCachedNonBlocking(Fd))
    return true;
  FdCacheTicket Ticket = fdCacheTicket(Fd);
  struct stat St;
  if (syscall(SYS_fstat, Fd, &St) != 0)
    return false;
  switch (St.st_mode & S_IFMT) {
  case S_IFREG:
    // A /proc or /sys file is made in memory when read (the database's
    // path_prefix condition, checked on the descriptor).
    if (onPseudoFileSystem(Fd)) {
      fdCacheRemember(Fd, Ticket);
      return true;
    }
    return false;
  case S_IFDIR:
  case S_IFBLK:
    return false; // Disk I/O: O_NONBLOCK does not apply.
  default:
    break; // Sockets, pipes, terminals, eventfd/timerfd/signalfd/epoll.
  }
  long Flags = syscall(SYS_fcntl, Fd, F_GETFL);
  if (Flags < 0 || !(Flags & O_NONBLOCK))
    return false;
  fdCacheRemember(Fd, Ticket);
  return true;
}

bool tryFailedBusy(int Rc, TryConvention Conv) noexcept {
  switch (Conv) {
  case TryConvention::ErrorNumber:
    return Rc == EBUSY;
  case TryConvention::MinusOneErrno:
    return Rc == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                        errno == EBUSY || errno == EACCES);
  case TryConvention::C11:
    return Rc == thrd_busy;
  }
  return false;
}

void reportBlockingCall(const CallSpec &Spec, const char *Why,
                        int64_t WaitedNs, int Fd) noexcept {
  int SavedErrno = errno;
  {
    InternalScope Guard;
    Event E;
    E.R = Rule::BlockingCall;
    E.Code = TLS.Code;
    E.Label = TLS.Label;
    E.Function = Spec.Name;
    E.Title = std::string("blocking call in a handler: ") + Spec.Name +
              " (" + categoryName(Spec.Cat) + ")";
    E.DurationNs = WaitedNs;
    if (recordRepeat(E)) {
      abortIfAsked();
      errno = SavedErrno;
      return;
    }
    // A first report symbolizes (and reads debug info): not the handler's
    // time or page faults.
    OwnWorkScope Own;
    void *Frames[MaxBacktrace];
    int N = backtrace(Frames, MaxBacktrace);
    E.Detail = std::string("  why it blocks: ") + Spec.Reason + "\n  " +
               whyText(Spec, Why, WaitedNs, Fd) + "\n";
    E.Advice = "move the call into offloaded work (Loop::offload) or use a "
               "non-blocking equivalent; if it is intended, wrap it in "
               "evguard::AllowBlocking with the reason";
    E.Frames = Frames;
    E.NFrames = N;
    E.Callee = Spec.Name;
    record(E);
    abortIfAsked();
  }
  errno = SavedErrno;
}

} // namespace evguard::debug
