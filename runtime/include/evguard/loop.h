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
#include "evguard/file.h"
#include "evguard/handle.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

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
  /// File operations' back end; EVGUARD_FILE_BACKEND=pool in the
  /// environment forces the pool whatever this says.
  FileBackend file_backend = FileBackend::automatic;
  unsigned ring_entries = 256; ///< io_uring submission queue size
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

  // File operations (evguard/file.h). Each starts at once and calls
  // `handler(FileEvent &)` exactly once on the loop thread: with the result,
  // with the errno of a failure, or with ECANCELED after cancel(). Buffers
  // are moved in and come back in the event. Errors returned here mean the
  // operation did not start and the handler will not run.
  /// openat(AT_FDCWD, path, flags | O_CLOEXEC, mode); event.result is the fd.
  template <class F>
  Result<OpId> open_file(std::string_view path, int flags, unsigned mode,
                         EVGUARD_REGISTERS_HANDLER F &&handler,
                         const char *label = nullptr) {
    FileRequest r{FileOpKind::open};
    r.path = path, r.flags = flags, r.mode = mode;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> close_file(int fd, EVGUARD_REGISTERS_HANDLER F &&handler,
                          const char *label = nullptr) {
    return fd_op(FileOpKind::close, fd, std::forward<F>(handler), label);
  }
  /// pread into `buffer` (its whole size) at `offset` (-1: current position).
  template <class F>
  Result<OpId> read_file(int fd, Buffer buffer, std::int64_t offset,
                         EVGUARD_REGISTERS_HANDLER F &&handler,
                         const char *label = nullptr) {
    return rw_op(FileOpKind::read, fd, std::move(buffer), offset, false,
                 std::forward<F>(handler), label);
  }
  template <class F>
  Result<OpId> write_file(int fd, Buffer buffer, std::int64_t offset,
                          EVGUARD_REGISTERS_HANDLER F &&handler,
                          const char *label = nullptr) {
    return rw_op(FileOpKind::write, fd, std::move(buffer), offset, false,
                 std::forward<F>(handler), label);
  }
  template <class F>
  Result<OpId> readv_file(int fd, std::vector<Buffer> buffers,
                          std::int64_t offset,
                          EVGUARD_REGISTERS_HANDLER F &&handler,
                          const char *label = nullptr) {
    FileRequest r{FileOpKind::readv, fd};
    r.buffers = std::move(buffers), r.offset = offset;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> writev_file(int fd, std::vector<Buffer> buffers,
                           std::int64_t offset,
                           EVGUARD_REGISTERS_HANDLER F &&handler,
                           const char *label = nullptr) {
    FileRequest r{FileOpKind::writev, fd};
    r.buffers = std::move(buffers), r.offset = offset;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> fsync_file(int fd, EVGUARD_REGISTERS_HANDLER F &&handler,
                          const char *label = nullptr) {
    return fd_op(FileOpKind::fsync, fd, std::forward<F>(handler), label);
  }
  template <class F>
  Result<OpId> fdatasync_file(int fd, EVGUARD_REGISTERS_HANDLER F &&handler,
                              const char *label = nullptr) {
    return fd_op(FileOpKind::fdatasync, fd, std::forward<F>(handler), label);
  }
  /// statx of an open descriptor; event.stat points at the result.
  template <class F>
  Result<OpId> fstat_file(int fd, EVGUARD_REGISTERS_HANDLER F &&handler,
                          const char *label = nullptr) {
    return fd_op(FileOpKind::fstat, fd, std::forward<F>(handler), label);
  }
  /// statx of a path (following symlinks); event.stat points at the result.
  template <class F>
  Result<OpId> stat_file(std::string_view path,
                         EVGUARD_REGISTERS_HANDLER F &&handler,
                         const char *label = nullptr) {
    FileRequest r{FileOpKind::stat};
    r.path = path;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> rename_file(std::string_view from, std::string_view to,
                           EVGUARD_REGISTERS_HANDLER F &&handler,
                           const char *label = nullptr) {
    FileRequest r{FileOpKind::rename};
    r.path = from, r.path2 = to;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> unlink_file(std::string_view path,
                           EVGUARD_REGISTERS_HANDLER F &&handler,
                           const char *label = nullptr) {
    FileRequest r{FileOpKind::unlink};
    r.path = path;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> make_directory(std::string_view path, unsigned mode,
                              EVGUARD_REGISTERS_HANDLER F &&handler,
                              const char *label = nullptr) {
    FileRequest r{FileOpKind::mkdir};
    r.path = path, r.mode = mode;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }
  /// Completion-style read of any descriptor (socket, pipe, file) at its
  /// current position: completes when some bytes (or end of file) arrived.
  /// On the pool back end a socket or pipe is waited for with an internal
  /// watcher, so it must not be watch()ed at the same time (EEXIST).
  template <class F>
  Result<OpId> read(int fd, Buffer buffer, EVGUARD_REGISTERS_HANDLER F &&handler,
                    const char *label = nullptr) {
    return rw_op(FileOpKind::read, fd, std::move(buffer), -1, true,
                 std::forward<F>(handler), label);
  }
  /// Completion-style write to any descriptor; may be short, like write(2).
  template <class F>
  Result<OpId> write(int fd, Buffer buffer,
                     EVGUARD_REGISTERS_HANDLER F &&handler,
                     const char *label = nullptr) {
    return rw_op(FileOpKind::write, fd, std::move(buffer), -1, true,
                 std::forward<F>(handler), label);
  }
  /// Asks a pending file operation to stop. Its handler still runs once:
  /// with ECANCELED if it was stopped in time, else with its own result.
  std::error_code cancel(OpId id);
  /// The back end chosen at creation: FileBackend::io_uring or ::pool.
  FileBackend file_backend() const noexcept;
  /// File operations whose handler has not run yet.
  std::size_t file_ops_in_flight() const noexcept;

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
  Result<OpId> file_op(FileRequest &&request, FileHandler &&handler,
                       const char *label);
  template <class F>
  Result<OpId> fd_op(FileOpKind kind, int fd, F &&handler, const char *label) {
    return file_op(FileRequest{kind, fd},
                   FileHandler(std::forward<F>(handler)), label);
  }
  template <class F>
  Result<OpId> rw_op(FileOpKind kind, int fd, Buffer &&buffer,
                     std::int64_t offset, bool any_descriptor, F &&handler,
                     const char *label) {
    FileRequest r{kind, fd};
    r.buffer = std::move(buffer), r.offset = offset;
    r.any_descriptor = any_descriptor;
    return file_op(std::move(r), FileHandler(std::forward<F>(handler)), label);
  }

  explicit Loop(std::unique_ptr<detail::LoopImpl> impl) noexcept;
  std::unique_ptr<detail::LoopImpl> impl_;
};

} // namespace evguard

#endif
