// evguard::Loop: an epoll event loop (fd watchers, timers, cross-thread
// posts, signals, offload to a worker pool).
//
// Threading: a Loop belongs to the thread that runs it. Every member is for
// that thread only, except post() and stop(), which any thread may call.
// Handlers run on the loop thread, one at a time; a handler may register,
// modify or close anything, including itself.
//
// The parameters that take handlers carry evguard's annotations, so the
// evguard checker treats lambdas passed there as event handlers (and offload's
// `work` as off-loop code) without any annotation in user code.
#ifndef EVGUARD_LOOP_H
#define EVGUARD_LOOP_H

#include "evguard/annotations.h"
#include "evguard/callable.h"
#include "evguard/error.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

namespace evguard {

namespace detail {
class LoopImpl;
}

/// Readiness interest and readiness events of an fd watcher.
enum class Io : unsigned {
  none = 0,
  readable = 1u << 0,
  writable = 1u << 1,
  edge = 1u << 2,   ///< interest only: edge-triggered instead of level
  error = 1u << 3,  ///< event only: EPOLLERR
  hangup = 1u << 4, ///< event only: EPOLLHUP or the peer shut down writing
};
constexpr Io operator|(Io a, Io b) {
  return static_cast<Io>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr Io operator&(Io a, Io b) {
  return static_cast<Io>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
constexpr Io operator~(Io a) {
  return static_cast<Io>(~static_cast<unsigned>(a) & 0x1fu);
}
constexpr bool any(Io a) { return a != Io::none; }

/// A handle: an index into the loop's table plus a generation, so a handle
/// that outlives its watcher is detected (Errc::stale_handle), never reused.
template <class Tag> struct Handle {
  std::uint32_t slot = 0;
  std::uint32_t gen = 0; ///< 0 never names a live object
  explicit operator bool() const noexcept { return gen != 0; }
  friend bool operator==(Handle, Handle) = default;
};
using WatchId = Handle<struct WatchTag>;
using TimerId = Handle<struct TimerTag>;
using SignalId = Handle<struct SignalTag>;

struct IoEvent {
  WatchId id;
  int fd;
  Io events; ///< readable, writable, error, hangup
};

struct SignalEvent {
  SignalId id;
  int signo;
  int sender_pid; ///< ssi_pid: 0 for signals from the kernel
};

using IoHandler = Callable<void(const IoEvent &)>;
using TimerHandler = Callable<void(TimerId)>;
using SignalHandler = Callable<void(const SignalEvent &)>;
using Task = Callable<void(), kTaskInlineSize>;

struct LoopOptions {
  unsigned workers = 0;           ///< offload threads; 0 = min(4, #cpus)
  unsigned offload_queue = 1024;  ///< queued offload jobs before back-pressure
  unsigned events_per_wait = 256; ///< epoll events taken per wakeup
};

enum class RunMode {
  until_idle,    ///< return when stopped or nothing is left to wait for
  until_stopped, ///< return only when stop() is called (waits for posts)
};

class Loop {
public:
  /// Throws std::system_error if the kernel objects cannot be created
  /// (EMFILE, ENOMEM, ...); use create() to get an error_code instead.
  explicit Loop(const LoopOptions &options = {});
  static Result<std::unique_ptr<Loop>> create(const LoopOptions &options = {});
  /// Stops and joins the worker pool (running work finishes; queued work and
  /// pending `done` callbacks are dropped) and closes the loop's own fds.
  /// Watched fds are not closed: they belong to the caller.
  ~Loop();
  Loop(const Loop &) = delete;
  Loop &operator=(const Loop &) = delete;

  /// Calls `handler(IoEvent)` on the loop thread whenever `fd` is ready for
  /// `interest` (readable and/or writable, optionally Io::edge). Errors:
  /// EBADF (invalid fd), EPERM (fd not pollable, e.g. a regular file),
  /// EEXIST (fd already watched by this loop).
  template <class F>
  Result<WatchId> watch(int fd, Io interest,
                        EVGUARD_REGISTERS_HANDLER F &&handler,
                        const char *label = nullptr) {
    return watch_handler(fd, interest, IoHandler(std::forward<F>(handler)),
                         label);
  }
  /// Changes a watcher's interest (Io::none pauses it without closing it).
  std::error_code modify(WatchId id, Io interest);
  /// Stops watching; safe from inside the watcher's own handler (the handler
  /// is destroyed once it returns). The slot is released even on error:
  /// EBADF/ENOENT mean the fd was closed before unwatch (close it after).
  std::error_code unwatch(WatchId id);

  /// Calls `handler(TimerId)` once after `delay`, then every `repeat` if
  /// `repeat` > 0 (monotonic clock; fixed rate, missed ticks are skipped).
  template <class F>
  Result<TimerId> start_timer(std::chrono::nanoseconds delay,
                              std::chrono::nanoseconds repeat,
                              EVGUARD_REGISTERS_HANDLER F &&handler,
                              const char *label = nullptr) {
    return start_timer_handler(delay, repeat,
                               TimerHandler(std::forward<F>(handler)), label);
  }
  /// Re-arms a pending (or repeating) timer to fire `delay` from now.
  std::error_code restart_timer(TimerId id, std::chrono::nanoseconds delay);
  /// Cancels a timer; safe from inside its own handler. A one-shot timer is
  /// stale once its handler has returned.
  std::error_code cancel_timer(TimerId id);

  /// Calls `handler(SignalEvent)` on the loop thread when `signo` arrives,
  /// via signalfd. Blocks `signo` in the calling thread; block it in every
  /// other thread too (before creating them) or it may be delivered there.
  template <class F>
  Result<SignalId> watch_signal(int signo, EVGUARD_REGISTERS_HANDLER F &&handler,
                                const char *label = nullptr) {
    return watch_signal_handler(signo, SignalHandler(std::forward<F>(handler)),
                                label);
  }
  /// Stops watching the signal and restores its previous blocked state in the
  /// calling thread. Safe from inside its own handler.
  std::error_code unwatch_signal(SignalId id);

  /// Any thread: queues `fn` to run on the loop thread, in the order posted.
  /// Lock-free, never blocks, never full (queue nodes are pooled: no
  /// allocation in steady state).
  template <class F>
  std::error_code post(EVGUARD_REGISTERS_HANDLER F &&fn,
                       const char *label = nullptr) {
    return post_task(Task(std::forward<F>(fn)), label);
  }

  /// Runs `work` on the worker pool, then `done` on the loop thread (like
  /// uv_queue_work). Never blocks: when the pool's queue is full it returns
  /// Errc::offload_queue_full (std::errc::resource_unavailable_try_again) and
  /// neither callable runs; retry later (e.g. from a timer) or shed load.
  template <class W, class D>
  std::error_code offload(EVGUARD_OFFLOADED W &&work,
                          EVGUARD_REGISTERS_HANDLER D &&done,
                          const char *label = nullptr) {
    return offload_task(Task(std::forward<W>(work)), Task(std::forward<D>(done)),
                        label);
  }

  /// Runs the loop on the calling thread. Called from inside a handler of
  /// this loop it returns Errc::reentrant_run; from a handler of another loop
  /// it would stall that loop, hence the annotation.
  EVGUARD_BLOCKING("wait", "runs an event loop until it is stopped or idle")
  std::error_code run(RunMode mode = RunMode::until_idle);
  /// One iteration: waits at most `timeout` (negative = no limit) for events,
  /// dispatches what is ready (expired timers, posts, fd and signal events).
  EVGUARD_BLOCKING("wait", "waits for events in epoll_wait")
  std::error_code run_once(std::chrono::nanoseconds timeout =
                               std::chrono::nanoseconds(-1));
  /// Any thread: makes run() return after the current iteration.
  void stop() noexcept;

  /// The loop's cached monotonic time, updated once per iteration.
  std::chrono::nanoseconds now() const noexcept;
  /// True while something can still make run(until_idle) continue.
  bool alive() const noexcept;
  /// Offloaded jobs whose `done` has not yet run.
  std::size_t offloads_in_flight() const noexcept;

private:
  Result<WatchId> watch_handler(int fd, Io interest, IoHandler &&handler,
                                const char *label);
  Result<TimerId> start_timer_handler(std::chrono::nanoseconds delay,
                                      std::chrono::nanoseconds repeat,
                                      TimerHandler &&handler,
                                      const char *label);
  Result<SignalId> watch_signal_handler(int signo, SignalHandler &&handler,
                                        const char *label);
  std::error_code post_task(Task &&fn, const char *label);
  std::error_code offload_task(Task &&work, Task &&done, const char *label);

  explicit Loop(std::unique_ptr<detail::LoopImpl> impl) noexcept;
  std::unique_ptr<detail::LoopImpl> impl_;
};

} // namespace evguard

#endif
