// The loop's file operations: one table of pending operations and two back
// ends behind it, io_uring (uring.cpp) and the worker pool (file.cpp).
#ifndef EVGUARD_RUNTIME_FILE_OPS_H
#define EVGUARD_RUNTIME_FILE_OPS_H

#include "evguard/loop.h"

#include "slot_table.h"

#include <atomic>
#include <memory>
#include <sys/stat.h>
#include <sys/uio.h>
#include <vector>

namespace evguard::detail {

class LoopImpl;
struct Ring;

/// Where a pool job stands; the worker and a cancel race on kQueued.
enum PoolState : int { kQueued, kRunning, kDone, kCancelled };

struct FileOp {
  explicit FileOp(FileRequest &&request) : req(std::move(request)) {}
  FileRequest req;
  FileHandler handler;
  const char *label = nullptr;
  std::unique_ptr<struct statx> stat; // fstat/stat only
  std::vector<iovec> iov;             // readv/writev only
  bool delivered = false;   // the handler has run (or is running)
  bool in_ring = false;     // io_uring: its completion has not been reaped
  bool cancel_sent = false; // io_uring: a cancel request is in the ring
  bool job_pending = false; // pool: the job's `done` has not come back
  WatchId watch;            // pool: waiting for a socket or pipe
  std::atomic<int> state{kQueued}; // pool: PoolState
  std::int64_t res = 0; // pool: result or -errno, written before kDone
};

class FileOps {
public:
  /// Chooses the back end (options, EVGUARD_FILE_BACKEND, what the kernel
  /// allows) and sets it up.
  static Result<std::unique_ptr<FileOps>> create(LoopImpl &loop,
                                                 const LoopOptions &options);
  ~FileOps();

  FileBackend backend() const noexcept { return backend_; }
  /// Why io_uring is not used ("" when it is).
  const char *fallback_reason() const noexcept { return reason_; }
  Result<OpId> start(FileRequest &&request, FileHandler &&handler,
                     const char *label);
  std::error_code cancel(OpId id);
  std::size_t in_flight() const noexcept { return undelivered_; }

  /// io_uring: hands this iteration's submissions to the kernel (one
  /// io_uring_enter for all of them).
  void before_wait();
  /// io_uring: the completion eventfd is readable.
  void on_ring_ready();
  /// Loop destruction: cancels what can be cancelled, waits for the rest and
  /// runs every pending handler once.
  void shutdown();

  static constexpr std::uint64_t kRingToken = 2; // epoll token of the eventfd

private:
  explicit FileOps(LoopImpl &loop);
  std::error_code init_ring(unsigned entries);
  void close_ring() noexcept;

  std::error_code submit_ring(std::uint32_t slot, FileOp &op);
  std::error_code cancel_ring(std::uint32_t slot, FileOp &op);
  void reap_ring(unsigned max);
  void shutdown_ring();

  std::error_code submit_pool(std::uint32_t slot, FileOp &op);
  std::error_code watch_descriptor(std::uint32_t slot, FileOp &op);
  void on_descriptor_ready(std::uint32_t slot);
  void on_job_done(std::uint32_t slot);
  void shutdown_pool();

  static const char *label_or(const char *label) noexcept;
  /// Runs the handler of `slot` with `res` (>= 0 result, < 0 -errno).
  void complete(std::uint32_t slot, std::int64_t res);
  /// Frees the operation once nothing (kernel, worker) refers to it.
  void release_if_idle(std::uint32_t slot);

  LoopImpl &loop_;
  FileBackend backend_ = FileBackend::pool;
  const char *reason_ = "";
  SlotTable<std::unique_ptr<FileOp>> ops_;
  std::size_t undelivered_ = 0;
  bool shutting_down_ = false;
  std::unique_ptr<Ring> ring_;
};

/// Performs the operation with a blocking system call: the pool's work.
std::int64_t perform_blocking(FileOp &op) noexcept;

} // namespace evguard::detail

#endif
