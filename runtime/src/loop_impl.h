// The loop's private state. Each concern's members are implemented in its
// own file: loop.cpp (life cycle, run), io.cpp, timers.cpp, post.cpp,
// signals.cpp, offload.cpp.
#ifndef EVGUARD_RUNTIME_LOOP_IMPL_H
#define EVGUARD_RUNTIME_LOOP_IMPL_H

#include "evguard/loop.h"

#include "dispatch_hooks.h"
#include "post_node_pool.h"
#include "slot_table.h"
#include "timer_heap.h"

#include <array>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <memory>
#include <sys/epoll.h>
#include <vector>

namespace evguard::detail {

class WorkerPool;
class FileOps;

/// Which kind of handler is running, so that closing it from inside itself
/// defers its destruction until it returns.
enum class HandlerKind : std::uint8_t { none, watcher, timer, signal };

struct Watcher {
  IoHandler handler;
  const char *label = nullptr;
  int fd = -1;
  Io interest = Io::none;
};

struct Timer {
  TimerHandler handler;
  const char *label = nullptr;
  std::int64_t deadline = 0;
  std::int64_t repeat = 0;
  std::uint32_t heap_index = TimerHeap::npos;
};

struct SignalWatcher {
  SignalHandler handler;
  const char *label = nullptr;
  int signo = 0;
  bool was_blocked = false;
};


class LoopImpl {
public:
  static Result<std::unique_ptr<LoopImpl>> create(const LoopOptions &options);
  ~LoopImpl();

  // loop.cpp
  std::error_code run(RunMode mode);
  std::error_code run_once(std::int64_t timeout_ns);
  void stop() noexcept;
  bool alive() const noexcept;
  std::int64_t now() const noexcept { return now_ns_; }
  void update_time() noexcept;

  // io.cpp
  Result<WatchId> watch(int fd, Io interest, IoHandler &&handler,
                        const char *label);
  std::error_code modify(WatchId id, Io interest);
  std::error_code unwatch(WatchId id);
  void dispatch_io(std::uint32_t slot, std::uint32_t gen,
                   std::uint32_t epoll_events);

  // timers.cpp
  Result<TimerId> start_timer(std::int64_t delay_ns, std::int64_t repeat_ns,
                              TimerHandler &&handler, const char *label);
  std::error_code restart_timer(TimerId id, std::int64_t delay_ns);
  std::error_code cancel_timer(TimerId id);
  void run_timers();
  /// Nanoseconds until the next timer is due (0 if overdue), or -1 if none.
  std::int64_t next_timer_in() const noexcept;

  // post.cpp
  std::error_code post(Task &&fn, const char *label, bool offload_done);
  void wake() noexcept;
  void on_wakeup();
  bool posts_pending() const noexcept;

  // signals.cpp
  Result<SignalId> watch_signal(int signo, SignalHandler &&handler,
                                const char *label);
  std::error_code unwatch_signal(SignalId id);
  void on_signalfd();

  // offload.cpp
  std::error_code offload(Task &&work, Task &&done, const char *label);
  std::size_t offloads_in_flight() const noexcept { return offloads_in_flight_; }

  // file.cpp, uring.cpp
  FileOps &files() noexcept { return *files_; }
  void shutdown_files() noexcept;

  // epoll tokens of the loop's own fds (generation 0 never names a watcher).
  static constexpr std::uint64_t kWakeToken = 0;
  static constexpr std::uint64_t kSignalToken = 1;


private:
  explicit LoopImpl(const LoopOptions &options);
  std::error_code init();
  void release_timer(std::uint32_t slot);
  void release_signal(std::uint32_t slot);
  void drop_posts() noexcept;
  /// Marks the running handler, so a close of it from inside defers cleanup.
  bool closing_running(HandlerKind kind, std::uint32_t slot) noexcept;
  /// Runs a watcher's, timer's or signal's handler; true if it closed itself
  /// (its destruction was deferred to the caller).
  template <class Handler, class... Args>
  bool call_handler(HandlerKind kind, std::uint32_t slot, Handler &handler,
                    const char *label, Args &&...args);

  const LoopOptions options_;
  int epfd_ = -1;
  int wakefd_ = -1;
  int sigfd_ = -1;
  std::unique_ptr<epoll_event[]> events_;
  std::int64_t now_ns_ = 0;
  int depth_ = 0; // > 0 while run_once is on the stack

  // The handler running now; retired_running_ is set when it closed itself.
  HandlerKind running_kind_ = HandlerKind::none;
  std::uint32_t running_slot_ = 0;
  bool retired_running_ = false;
  friend class RunningHandler;
  friend class FileOps; // adds the ring's eventfd, joins the pool at shutdown

  SlotTable<Watcher> watchers_;
  SlotTable<Timer> timers_;
  TimerHeap heap_;
  std::uint64_t timer_seq_ = 0;
  SlotTable<SignalWatcher> signals_;
  std::array<std::uint32_t, NSIG> signal_slot_{}; // slot + 1; 0 = unwatched
  sigset_t signal_mask_;

  alignas(64) std::atomic<bool> wake_pending_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<PostNode *> incoming_{nullptr}; // newest first
  PostNode *batch_ = nullptr; // taken from incoming_, oldest first

  std::size_t offloads_in_flight_ = 0;
  std::unique_ptr<FileOps> files_;
  std::unique_ptr<WorkerPool> pool_; // last: joined before the rest dies
};

/// Brackets one handler call: the dispatch hooks, and the "which handler is
/// running" state that makes closing a handler from inside itself safe.
class RunningHandler {
public:
  RunningHandler(LoopImpl &loop, HandlerKind kind, std::uint32_t slot,
                 const DispatchTarget &target) noexcept
      : loop_(loop), scope_(target) {
    loop.running_kind_ = kind;
    loop.running_slot_ = slot;
    loop.retired_running_ = false;
  }
  ~RunningHandler() { loop_.running_kind_ = HandlerKind::none; }
  RunningHandler(const RunningHandler &) = delete;
  RunningHandler &operator=(const RunningHandler &) = delete;
  /// True if the handler closed itself while running.
  bool retired() const noexcept { return loop_.retired_running_; }

private:
  LoopImpl &loop_;
  DispatchScope scope_;
};

template <class Handler, class... Args>
bool LoopImpl::call_handler(HandlerKind kind, std::uint32_t slot,
                            Handler &handler, const char *label,
                            Args &&...args) {
  RunningHandler running(*this, kind, slot,
                         DispatchTarget{handler.code(), label});
  handler(std::forward<Args>(args)...);
  return running.retired();
}

std::error_code last_error() noexcept;

} // namespace evguard::detail

#endif
