// File operations: the table of pending operations, completion, and the pool
// back end (each operation a job on the loop's worker pool; a socket or pipe
// given to Loop::read/write is waited for with an internal watcher instead,
// so it never occupies a worker).
#include "file_ops.h"
#include "loop_impl.h"
#include "worker_pool.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace evguard {

const char *to_string(FileBackend backend) noexcept {
  switch (backend) {
  case FileBackend::automatic:
    return "automatic";
  case FileBackend::io_uring:
    return "io_uring";
  case FileBackend::pool:
    return "pool";
  }
  return "?";
}

} // namespace evguard

namespace evguard::detail {
namespace {

std::int64_t result_of(long rc) noexcept { return rc < 0 ? -errno : rc; }

bool is_regular(int fd, std::error_code &ec) {
  struct stat st;
  if (fstat(fd, &st) < 0) {
    ec = last_error();
    return false;
  }
  return S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
}

/// EVGUARD_FILE_BACKEND overrides the options; only "pool" can be forced on
/// a loop that asked for io_uring (the variable exists to force the fallback).
Result<FileBackend> requested_backend(const LoopOptions &options) {
  const char *env = std::getenv("EVGUARD_FILE_BACKEND");
  if (!env || !*env)
    return options.file_backend;
  if (std::strcmp(env, "pool") == 0)
    return FileBackend::pool;
  if (std::strcmp(env, "io_uring") == 0)
    return FileBackend::io_uring;
  if (std::strcmp(env, "automatic") == 0)
    return options.file_backend;
  return errno_code(EINVAL);
}

} // namespace

std::int64_t perform_blocking(FileOp &op) noexcept {
  FileRequest &r = op.req;
  auto *data = r.buffer.data();
  std::size_t size = r.buffer.size();
  int n = static_cast<int>(op.iov.size());
  switch (r.kind) {
  case FileOpKind::open:
    return result_of(
        openat(AT_FDCWD, r.path.c_str(), r.flags | O_CLOEXEC, r.mode));
  case FileOpKind::close:
    return result_of(::close(r.fd));
  case FileOpKind::read:
    return result_of(r.offset < 0 ? ::read(r.fd, data, size)
                                  : pread(r.fd, data, size, r.offset));
  case FileOpKind::write:
    return result_of(r.offset < 0 ? ::write(r.fd, data, size)
                                  : pwrite(r.fd, data, size, r.offset));
  case FileOpKind::readv:
    return result_of(r.offset < 0 ? readv(r.fd, op.iov.data(), n)
                                  : preadv(r.fd, op.iov.data(), n, r.offset));
  case FileOpKind::writev:
    return result_of(r.offset < 0 ? writev(r.fd, op.iov.data(), n)
                                  : pwritev(r.fd, op.iov.data(), n, r.offset));
  case FileOpKind::fsync:
    return result_of(fsync(r.fd));
  case FileOpKind::fdatasync:
    return result_of(fdatasync(r.fd));
  case FileOpKind::fstat:
    return result_of(
        statx(r.fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, op.stat.get()));
  case FileOpKind::stat:
    return result_of(
        statx(AT_FDCWD, r.path.c_str(), 0, STATX_BASIC_STATS, op.stat.get()));
  case FileOpKind::rename:
    return result_of(
        renameat(AT_FDCWD, r.path.c_str(), AT_FDCWD, r.path2.c_str()));
  case FileOpKind::unlink:
    return result_of(unlinkat(AT_FDCWD, r.path.c_str(), 0));
  case FileOpKind::mkdir:
    return result_of(mkdirat(AT_FDCWD, r.path.c_str(), r.mode));
  }
  return -EINVAL;
}

Result<std::unique_ptr<FileOps>> FileOps::create(LoopImpl &loop,
                                                 const LoopOptions &options) {
  auto wanted = requested_backend(options);
  if (!wanted)
    return wanted.error();
  std::unique_ptr<FileOps> ops(new FileOps(loop));
  if (*wanted == FileBackend::pool) {
    ops->reason_ = "pool requested";
    return ops;
  }
  std::error_code ec = ops->init_ring(options.ring_entries);
  if (!ec) {
    ops->backend_ = FileBackend::io_uring;
    return ops;
  }
  if (*wanted == FileBackend::io_uring)
    return ec;
  return ops; // reason_ says why io_uring could not be set up
}

Result<OpId> FileOps::start(FileRequest &&request, FileHandler &&handler,
                            const char *label) {
  if (!handler)
    return errno_code(EINVAL);
  if (shutting_down_)
    return errno_code(ECANCELED);
  auto op = std::make_unique<FileOp>(std::move(request));
  op->handler = std::move(handler);
  op->label = label;
  FileOpKind kind = op->req.kind;
  if (kind == FileOpKind::fstat || kind == FileOpKind::stat)
    op->stat = std::make_unique<struct statx>();
  if (kind == FileOpKind::readv || kind == FileOpKind::writev)
    for (Buffer &b : op->req.buffers)
      op->iov.push_back(iovec{b.data(), b.size()});

  std::uint32_t slot = ops_.acquire();
  auto &entry = ops_.at(slot);
  entry.value = std::move(op);
  std::error_code ec = backend_ == FileBackend::io_uring
                           ? submit_ring(slot, *entry.value)
                           : submit_pool(slot, *entry.value);
  if (ec) {
    // Not started: the handler will not run, the request's buffers go back
    // to the caller's side of the ledger by being destroyed here.
    entry.value.reset();
    ops_.retire(slot);
    ops_.recycle(slot);
    return ec;
  }
  ++undelivered_;
  return OpId{slot, entry.gen};
}

std::error_code FileOps::cancel(OpId id) {
  auto *entry = ops_.lookup(id.slot, id.gen);
  if (!entry)
    return Errc::stale_handle;
  FileOp &op = *entry->value;
  if (backend_ == FileBackend::io_uring)
    return cancel_ring(id.slot, op);
  if (op.watch) {
    (void)loop_.unwatch(op.watch);
    op.watch = {};
  } else {
    int expected = kQueued;
    if (!op.state.compare_exchange_strong(expected, kCancelled))
      return {}; // already running: it completes with its own result
  }
  // Delivered from the loop, not from inside cancel(): the handler never
  // runs re-entrantly inside its canceller.
  return loop_.post(
      [this, slot = id.slot, gen = id.gen] {
        auto *e = ops_.lookup(slot, gen);
        if (e && !e->value->delivered)
          complete(slot, -ECANCELED);
      },
      label_or(op.label), false);
}

const char *FileOps::label_or(const char *label) noexcept {
  return label ? label : "evguard file operation";
}

void FileOps::complete(std::uint32_t slot, std::int64_t res) {
  auto &entry = ops_.at(slot);
  FileOp &op = *entry.value;
  FileEvent event;
  event.id = OpId{slot, entry.gen};
  if (res < 0)
    event.error = errno_code(static_cast<int>(-res));
  else
    event.result = res;
  event.buffer = std::move(op.req.buffer);
  event.buffers = std::move(op.req.buffers);
  if (res >= 0)
    event.stat = op.stat.get();
  op.delivered = true;
  --undelivered_;
  ops_.retire(slot); // cancel() from now on says stale_handle
  FileHandler handler = std::move(op.handler);
  struct Release {
    FileOps &ops;
    std::uint32_t slot;
    ~Release() { ops.release_if_idle(slot); }
  } release{*this, slot};
  DispatchScope scope(DispatchTarget{handler.code(), op.label});
  handler(event);
}

void FileOps::release_if_idle(std::uint32_t slot) {
  auto &entry = ops_.at(slot);
  FileOp *op = entry.value.get();
  if (!op || !op->delivered || op->in_ring || op->job_pending)
    return;
  entry.value.reset();
  ops_.recycle(slot);
}

std::error_code FileOps::submit_pool(std::uint32_t slot, FileOp &op) {
  if (op.req.any_descriptor) {
    std::error_code ec;
    bool regular = is_regular(op.req.fd, ec);
    if (ec)
      return ec;
    if (!regular)
      return watch_descriptor(slot, op);
  }
  op.job_pending = true;
  std::error_code ec = loop_.offload(
      [op = &op] {
        int expected = kQueued;
        if (!op->state.compare_exchange_strong(expected, kRunning))
          return; // cancelled before a worker took it
        op->res = perform_blocking(*op);
        op->state.store(kDone, std::memory_order_release);
      },
      [this, slot] { on_job_done(slot); }, label_or(op.label));
  if (ec)
    op.job_pending = false;
  return ec;
}

void FileOps::on_job_done(std::uint32_t slot) {
  FileOp &op = *ops_.at(slot).value;
  op.job_pending = false;
  if (op.delivered) {
    release_if_idle(slot);
    return;
  }
  bool done = op.state.load(std::memory_order_acquire) == kDone;
  complete(slot, done ? op.res : -ECANCELED);
}

std::error_code FileOps::watch_descriptor(std::uint32_t slot, FileOp &op) {
  Io interest = op.req.kind == FileOpKind::read ? Io::readable : Io::writable;
  auto id = loop_.watch(
      op.req.fd, interest,
      [this, slot](const IoEvent &) { on_descriptor_ready(slot); }, op.label);
  if (!id)
    return id.error();
  op.watch = *id;
  return {};
}

// The descriptor is ready, so the call does not wait: a blocking-mode socket
// with data (or room) returns at once, and MSG_DONTWAIT covers the rest.
void FileOps::on_descriptor_ready(std::uint32_t slot) {
  FileOp &op = *ops_.at(slot).value;
  FileRequest &r = op.req;
  long rc;
  if (r.kind == FileOpKind::read) {
    rc = recv(r.fd, r.buffer.data(), r.buffer.size(), MSG_DONTWAIT);
    if (rc < 0 && errno == ENOTSOCK)
      rc = ::read(r.fd, r.buffer.data(), r.buffer.size());
  } else {
    rc = send(r.fd, r.buffer.data(), r.buffer.size(),
              MSG_DONTWAIT | MSG_NOSIGNAL);
    if (rc < 0 && errno == ENOTSOCK)
      rc = ::write(r.fd, r.buffer.data(), r.buffer.size());
  }
  if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return; // spurious readiness: keep waiting
  std::int64_t res = result_of(rc);
  (void)loop_.unwatch(op.watch);
  op.watch = {};
  complete(slot, res);
}

// Queued jobs are cancelled, running ones finish (joining the pool waits for
// them), then every handler still owed runs once.
void FileOps::shutdown_pool() {
  for (std::uint32_t slot = 0; slot < ops_.size(); ++slot) {
    FileOp *op = ops_.at(slot).value.get();
    if (!op || op->delivered)
      continue;
    if (op->watch) {
      (void)loop_.unwatch(op->watch);
      op->watch = {};
    }
    int expected = kQueued;
    op->state.compare_exchange_strong(expected, kCancelled);
  }
  loop_.pool_.reset();
  for (std::uint32_t slot = 0; slot < ops_.size(); ++slot) {
    FileOp *op = ops_.at(slot).value.get();
    if (!op)
      continue;
    op->job_pending = false; // its `done` will never run now
    if (op->delivered) {
      release_if_idle(slot);
      continue;
    }
    bool done = op->state.load(std::memory_order_acquire) == kDone;
    complete(slot, done ? op->res : -ECANCELED);
  }
}

void FileOps::shutdown() {
  if (shutting_down_)
    return;
  shutting_down_ = true;
  if (backend_ == FileBackend::io_uring)
    shutdown_ring();
  else
    shutdown_pool();
}

} // namespace evguard::detail
