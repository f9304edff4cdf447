// fd watchers: epoll registrations whose data word is the watcher's handle,
// so a stale event (its watcher closed earlier in the same batch) is
// recognised by its generation and dropped.
#include "loop_impl.h"

namespace evguard::detail {
namespace {

std::uint32_t to_epoll(Io interest) {
  std::uint32_t ev = 0;
  if (any(interest & Io::readable))
    ev |= EPOLLIN | EPOLLRDHUP;
  if (any(interest & Io::writable))
    ev |= EPOLLOUT;
  if (any(interest & Io::edge))
    ev |= EPOLLET;
  return ev;
}

Io from_epoll(std::uint32_t ev) {
  Io io = Io::none;
  if (ev & (EPOLLIN | EPOLLPRI))
    io = io | Io::readable;
  if (ev & EPOLLOUT)
    io = io | Io::writable;
  if (ev & EPOLLERR)
    io = io | Io::error;
  if (ev & (EPOLLHUP | EPOLLRDHUP))
    io = io | Io::hangup;
  return io;
}

std::uint64_t token(std::uint32_t slot, std::uint32_t gen) {
  return (std::uint64_t(gen) << 32) | slot;
}

} // namespace

Result<WatchId> LoopImpl::watch(int fd, Io interest, IoHandler &&handler,
                                const char *label) {
  if (!handler)
    return errno_code(EINVAL);
  std::uint32_t slot = watchers_.acquire();
  auto &entry = watchers_.at(slot);
  epoll_event ev{};
  ev.events = to_epoll(interest);
  ev.data.u64 = token(slot, entry.gen);
  // Even a watcher created paused is added once, so a bad fd fails here.
  int rc = epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
  if (rc == 0 && interest == Io::none)
    rc = epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  if (rc < 0) {
    std::error_code ec = last_error();
    watchers_.retire(slot);
    watchers_.recycle(slot);
    return ec;
  }
  entry.value.handler = std::move(handler);
  entry.value.label = label;
  entry.value.fd = fd;
  entry.value.interest = interest;
  return WatchId{slot, entry.gen};
}

// Io::none takes the fd out of epoll altogether: epoll reports EPOLLHUP and
// EPOLLERR even for an empty interest set, which would make a paused watcher
// on a hung-up socket fire forever.
std::error_code LoopImpl::modify(WatchId id, Io interest) {
  auto *entry = watchers_.lookup(id.slot, id.gen);
  if (!entry)
    return Errc::stale_handle;
  Watcher &w = entry->value;
  bool was_registered = w.interest != Io::none;
  bool registered = interest != Io::none;
  int rc = 0;
  if (!registered) {
    if (was_registered)
      rc = epoll_ctl(epfd_, EPOLL_CTL_DEL, w.fd, nullptr);
  } else {
    epoll_event ev{};
    ev.events = to_epoll(interest);
    ev.data.u64 = token(id.slot, id.gen);
    rc = epoll_ctl(epfd_, was_registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, w.fd,
                   &ev);
  }
  if (rc < 0)
    return last_error();
  w.interest = interest;
  return {};
}

std::error_code LoopImpl::unwatch(WatchId id) {
  auto *entry = watchers_.lookup(id.slot, id.gen);
  if (!entry)
    return Errc::stale_handle;
  std::error_code ec;
  if (entry->value.interest != Io::none &&
      epoll_ctl(epfd_, EPOLL_CTL_DEL, entry->value.fd, nullptr) < 0)
    ec = last_error();
  watchers_.retire(id.slot);
  if (!closing_running(HandlerKind::watcher, id.slot)) {
    entry->value.handler.reset();
    watchers_.recycle(id.slot);
  }
  return ec;
}

void LoopImpl::dispatch_io(std::uint32_t slot, std::uint32_t gen,
                           std::uint32_t epoll_events) {
  auto *entry = watchers_.lookup(slot, gen);
  if (!entry)
    return;
  Watcher &w = entry->value;
  IoEvent event{WatchId{slot, gen}, w.fd, from_epoll(epoll_events)};
  if (call_handler(HandlerKind::watcher, slot, w.handler, w.label, event)) {
    w.handler.reset();
    watchers_.recycle(slot);
  }
}

} // namespace evguard::detail
