// Signals through one signalfd per loop, created on the first watch. A
// watched signal is blocked in the calling thread (signalfd only sees
// blocked signals) and its prior blocked state restored on unwatch.
#include "loop_impl.h"

#include <cerrno>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace evguard::detail {

Result<SignalId> LoopImpl::watch_signal(int signo, SignalHandler &&handler,
                                        const char *label) {
  if (!handler || signo <= 0 || signo >= NSIG || signo == SIGKILL ||
      signo == SIGSTOP)
    return errno_code(EINVAL);
  if (signal_slot_[signo])
    return Errc::signal_in_use;

  sigset_t want = signal_mask_;
  sigaddset(&want, signo);
  int fd = signalfd(sigfd_, &want, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0)
    return last_error();
  if (sigfd_ < 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kSignalToken;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
      std::error_code ec = last_error();
      close(fd);
      return ec;
    }
    sigfd_ = fd;
  }

  sigset_t one, old;
  sigemptyset(&one);
  sigaddset(&one, signo);
  if (int err = pthread_sigmask(SIG_BLOCK, &one, &old)) {
    signalfd(sigfd_, &signal_mask_, 0); // back to the previous set
    return errno_code(err);
  }
  signal_mask_ = want;

  std::uint32_t slot = signals_.acquire();
  auto &entry = signals_.at(slot);
  entry.value.handler = std::move(handler);
  entry.value.label = label;
  entry.value.signo = signo;
  entry.value.was_blocked = sigismember(&old, signo) == 1;
  signal_slot_[signo] = slot + 1;
  return SignalId{slot, entry.gen};
}

// Undoes watch_signal's effects on the mask and the signalfd; the handler
// itself is destroyed by the caller (possibly later, if it is running).
void LoopImpl::release_signal(std::uint32_t slot) {
  SignalWatcher &s = signals_.at(slot).value;
  sigdelset(&signal_mask_, s.signo);
  if (sigfd_ >= 0)
    signalfd(sigfd_, &signal_mask_, 0);
  if (!s.was_blocked) {
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, s.signo);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  }
  signal_slot_[s.signo] = 0;
  if (signals_.lookup(slot, signals_.at(slot).gen))
    signals_.retire(slot);
}

std::error_code LoopImpl::unwatch_signal(SignalId id) {
  auto *entry = signals_.lookup(id.slot, id.gen);
  if (!entry)
    return Errc::stale_handle;
  release_signal(id.slot);
  if (!closing_running(HandlerKind::signal, id.slot)) {
    entry->value.handler.reset();
    signals_.recycle(id.slot);
  }
  return {};
}

void LoopImpl::on_signalfd() {
  signalfd_siginfo infos[16];
  for (;;) {
    ssize_t n = read(sigfd_, infos, sizeof infos);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return; // EAGAIN: drained
    for (ssize_t i = 0; i < n / ssize_t(sizeof infos[0]); ++i) {
      int signo = static_cast<int>(infos[i].ssi_signo);
      if (signo <= 0 || signo >= NSIG || !signal_slot_[signo])
        continue; // unwatched by an earlier handler in this batch
      std::uint32_t slot = signal_slot_[signo] - 1;
      SignalWatcher &s = signals_.at(slot).value;
      SignalEvent event{SignalId{slot, signals_.at(slot).gen}, signo,
                        static_cast<int>(infos[i].ssi_pid)};
      if (call_handler(HandlerKind::signal, slot, s.handler, s.label, event)) {
        s.handler.reset();
        signals_.recycle(slot);
      }
    }
  }
}

} // namespace evguard::detail
