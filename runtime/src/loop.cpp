// The loop's life cycle and its run cycle: wait in epoll, dispatch fd events
// (the wakeup eventfd drains posts, the signalfd dispatches signals), then
// the timers that are due.
#include "file_ops.h"
#include "loop_impl.h"
#include "worker_pool.h"

#include <cerrno>
#include <ctime>
#include <sys/eventfd.h>
#include <unistd.h>

namespace evguard::detail {

std::error_code last_error() noexcept { return errno_code(errno); }

LoopImpl::LoopImpl(const LoopOptions &options)
    : options_(options) {
  sigemptyset(&signal_mask_);
}

Result<std::unique_ptr<LoopImpl>> LoopImpl::create(const LoopOptions &options) {
  std::unique_ptr<LoopImpl> loop(new LoopImpl(options));
  if (std::error_code ec = loop->init())
    return ec;
  return loop;
}

std::error_code LoopImpl::init() {
  unsigned n = options_.events_per_wait ? options_.events_per_wait : 1;
  events_ = std::make_unique<epoll_event[]>(n);
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0)
    return last_error();
  wakefd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakefd_ < 0)
    return last_error();
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) < 0)
    return last_error();
  auto files = FileOps::create(*this, options_);
  if (!files)
    return files.error();
  files_ = std::move(*files);
  update_time();
  return {};
}

void LoopImpl::shutdown_files() noexcept {
  if (files_)
    files_->shutdown();
}

LoopImpl::~LoopImpl() {
  shutdown_files(); // every pending file handler runs once, buffers return
  pool_.reset(); // joins the workers before the post queue goes away
  drop_posts();
  for (int sig = 1; sig < NSIG; ++sig)
    if (signal_slot_[sig])
      release_signal(signal_slot_[sig] - 1);
  if (sigfd_ >= 0)
    close(sigfd_);
  if (wakefd_ >= 0)
    close(wakefd_);
  if (epfd_ >= 0)
    close(epfd_);
}

void LoopImpl::update_time() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  now_ns_ = std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool LoopImpl::alive() const noexcept {
  return watchers_.live() || timers_.live() || signals_.live() ||
         offloads_in_flight_ || posts_pending() ||
         (files_ && files_->in_flight());
}

bool LoopImpl::closing_running(HandlerKind kind, std::uint32_t slot) noexcept {
  if (running_kind_ != kind || running_slot_ != slot)
    return false;
  retired_running_ = true;
  return true;
}

void LoopImpl::stop() noexcept {
  stop_requested_.store(true, std::memory_order_seq_cst); // see wake()
  wake();
}

std::error_code LoopImpl::run(RunMode mode) {
  if (depth_ > 0)
    return Errc::reentrant_run;
  for (;;) {
    if (stop_requested_.exchange(false, std::memory_order_acq_rel))
      return {};
    if (mode == RunMode::until_idle && !alive())
      return {};
    if (std::error_code ec = run_once(-1))
      return ec;
  }
}

namespace {

int wait_for_events(int epfd, epoll_event *events, int max,
                    std::int64_t timeout_ns) {
  if (timeout_ns < 0)
    return epoll_pwait2(epfd, events, max, nullptr, nullptr);
  timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
              static_cast<long>(timeout_ns % 1'000'000'000)};
  return epoll_pwait2(epfd, events, max, &ts, nullptr);
}

/// Keeps depth_ right even if a handler throws out of run_once.
struct DepthGuard {
  int &depth;
  explicit DepthGuard(int &d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
};

} // namespace

std::error_code LoopImpl::run_once(std::int64_t timeout_ns) {
  if (depth_ > 0)
    return Errc::reentrant_run;
  DepthGuard guard(depth_);

  std::int64_t next_timer = next_timer_in();
  if (next_timer >= 0 && (timeout_ns < 0 || next_timer < timeout_ns))
    timeout_ns = next_timer;
  // The checks that make post() wakeups reliable (see wake()).
  if (stop_requested_.load(std::memory_order_seq_cst))
    timeout_ns = 0;
  else if (posts_pending())
    wake(); // have the eventfd bring us to them at once

  files_->before_wait(); // this iteration's io_uring submissions, at once
  int max = static_cast<int>(options_.events_per_wait ? options_.events_per_wait : 1);
  int n = wait_for_events(epfd_, events_.get(), max, timeout_ns);
  if (n < 0 && errno == ENOSYS) // kernels before 5.11: millisecond timeouts
    n = epoll_wait(epfd_, events_.get(), max,
                   timeout_ns < 0 ? -1
                                  : static_cast<int>((timeout_ns + 999'999) /
                                                     1'000'000));
  if (n < 0 && errno != EINTR)
    return last_error();
  update_time();

  for (int i = 0; i < n; ++i) {
    std::uint64_t token = events_[i].data.u64;
    auto gen = static_cast<std::uint32_t>(token >> 32);
    auto slot = static_cast<std::uint32_t>(token);
    if (gen != 0)
      dispatch_io(slot, gen, events_[i].events);
    else if (token == kWakeToken)
      on_wakeup();
    else if (token == kSignalToken)
      on_signalfd();
    else if (token == FileOps::kRingToken)
      files_->on_ring_ready();
  }
  run_timers();
  return {};
}

} // namespace evguard::detail

namespace evguard {

using detail::LoopImpl;

namespace {
std::unique_ptr<LoopImpl> make_impl_or_throw(const LoopOptions &options) {
  auto impl = LoopImpl::create(options);
  if (!impl)
    throw std::system_error(impl.error(), "evguard::Loop");
  return std::move(*impl);
}
} // namespace

Loop::Loop(const LoopOptions &options) : impl_(make_impl_or_throw(options)) {}
Loop::Loop(std::unique_ptr<LoopImpl> impl) noexcept : impl_(std::move(impl)) {}
// The file handlers still owed run while the whole loop is still usable.
Loop::~Loop() { impl_->shutdown_files(); }

Result<std::unique_ptr<Loop>> Loop::create(const LoopOptions &options) {
  auto impl = LoopImpl::create(options);
  if (!impl)
    return impl.error();
  return std::unique_ptr<Loop>(new Loop(std::move(*impl)));
}

std::error_code Loop::run(RunMode mode) { return impl_->run(mode); }
std::error_code Loop::run_once(std::chrono::nanoseconds timeout) {
  return impl_->run_once(timeout.count());
}
void Loop::stop() noexcept { impl_->stop(); }
std::chrono::nanoseconds Loop::now() const noexcept {
  return std::chrono::nanoseconds(impl_->now());
}
bool Loop::alive() const noexcept { return impl_->alive(); }
std::size_t Loop::offloads_in_flight() const noexcept {
  return impl_->offloads_in_flight();
}

Result<WatchId> Loop::watch_handler(int fd, Io interest, IoHandler &&handler,
                                    const char *label) {
  return impl_->watch(fd, interest, std::move(handler), label);
}
std::error_code Loop::modify(WatchId id, Io interest) {
  return impl_->modify(id, interest);
}
std::error_code Loop::unwatch(WatchId id) { return impl_->unwatch(id); }

Result<TimerId> Loop::start_timer_handler(std::chrono::nanoseconds delay,
                                          std::chrono::nanoseconds repeat,
                                          TimerHandler &&handler,
                                          const char *label) {
  return impl_->start_timer(delay.count(), repeat.count(), std::move(handler),
                            label);
}
std::error_code Loop::restart_timer(TimerId id, std::chrono::nanoseconds delay) {
  return impl_->restart_timer(id, delay.count());
}
std::error_code Loop::cancel_timer(TimerId id) { return impl_->cancel_timer(id); }

Result<SignalId> Loop::watch_signal_handler(int signo, SignalHandler &&handler,
                                            const char *label) {
  return impl_->watch_signal(signo, std::move(handler), label);
}
std::error_code Loop::unwatch_signal(SignalId id) {
  return impl_->unwatch_signal(id);
}

Result<OpId> Loop::file_op(FileRequest &&request, FileHandler &&handler,
                           const char *label) {
  return impl_->files().start(std::move(request), std::move(handler), label);
}
std::error_code Loop::cancel(OpId id) { return impl_->files().cancel(id); }
FileBackend Loop::file_backend() const noexcept {
  return impl_->files().backend();
}
std::size_t Loop::file_ops_in_flight() const noexcept {
  return impl_->files().in_flight();
}

std::error_code Loop::post_task(Task &&fn, const char *label) {
  return impl_->post(std::move(fn), label, false);
}
std::error_code Loop::offload_task(Task &&work, Task &&done, const char *label) {
  return impl_->offload(std::move(work), std::move(done), label);
}

} // namespace evguard
