// The io_uring back end of the file operations. The ring's completions are
// signalled on an eventfd that sits in the loop's epoll set, so they wake the
// same epoll_wait as sockets and timers (no second loop, no thread); the
// submissions of one iteration go to the kernel together, in before_wait().
#include "file_ops.h"
#include "loop_impl.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#if defined(EVGUARD_HAVE_LIBURING)
#include <liburing.h>
#endif

namespace evguard::detail {

#if defined(EVGUARD_HAVE_LIBURING)
struct Ring {
  io_uring ring;
  int eventfd = -1;
  bool initialized = false;
  bool unsubmitted = false; // SQEs queued since the last io_uring_submit
};

namespace {

// user_data of cancel requests: generation 0 never names an operation.
constexpr std::uint64_t kCancelData = 0;

std::uint64_t op_data(std::uint32_t slot, std::uint32_t gen) {
  return (std::uint64_t(gen) << 32) | slot;
}

void prepare(io_uring_sqe *sqe, FileOp &op) {
  FileRequest &r = op.req;
  auto off = static_cast<__u64>(r.offset); // -1: the file position
  auto size = static_cast<unsigned>(r.buffer.size());
  auto n = static_cast<unsigned>(op.iov.size());
  switch (r.kind) {
  case FileOpKind::open:
    io_uring_prep_openat(sqe, AT_FDCWD, r.path.c_str(), r.flags | O_CLOEXEC,
                         r.mode);
    break;
  case FileOpKind::close:
    io_uring_prep_close(sqe, r.fd);
    break;
  case FileOpKind::read:
    io_uring_prep_read(sqe, r.fd, r.buffer.data(), size, off);
    break;
  case FileOpKind::write:
    io_uring_prep_write(sqe, r.fd, r.buffer.data(), size, off);
    break;
  case FileOpKind::readv:
    io_uring_prep_readv(sqe, r.fd, op.iov.data(), n, off);
    break;
  case FileOpKind::writev:
    io_uring_prep_writev(sqe, r.fd, op.iov.data(), n, off);
    break;
  case FileOpKind::fsync:
    io_uring_prep_fsync(sqe, r.fd, 0);
    break;
  case FileOpKind::fdatasync:
    io_uring_prep_fsync(sqe, r.fd, IORING_FSYNC_DATASYNC);
    break;
  case FileOpKind::fstat:
    io_uring_prep_statx(sqe, r.fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS,
                        op.stat.get());
    break;
  case FileOpKind::stat:
    io_uring_prep_statx(sqe, AT_FDCWD, r.path.c_str(), 0, STATX_BASIC_STATS,
                        op.stat.get());
    break;
  case FileOpKind::rename:
    io_uring_prep_renameat(sqe, AT_FDCWD, r.path.c_str(), AT_FDCWD,
                           r.path2.c_str(), 0);
    break;
  case FileOpKind::unlink:
    io_uring_prep_unlinkat(sqe, AT_FDCWD, r.path.c_str(), 0);
    break;
  case FileOpKind::mkdir:
    io_uring_prep_mkdirat(sqe, AT_FDCWD, r.path.c_str(), r.mode);
    break;
  }
}

/// A free SQE; when the queue is full this iteration's batch goes out early.
io_uring_sqe *get_sqe(Ring &ring) {
  io_uring_sqe *sqe = io_uring_get_sqe(&ring.ring);
  if (!sqe && io_uring_submit(&ring.ring) >= 0)
    sqe = io_uring_get_sqe(&ring.ring);
  return sqe;
}

} // namespace

std::error_code FileOps::init_ring(unsigned entries) {
  auto ring = std::make_unique<Ring>();
  int rc = io_uring_queue_init(entries ? entries : 1, &ring->ring, 0);
  if (rc < 0) {
    // ENOSYS: old kernel; EPERM: io_uring_disabled or seccomp.
    reason_ = rc == -ENOSYS ? "io_uring not in this kernel (ENOSYS)"
              : rc == -EPERM ? "io_uring forbidden (EPERM: io_uring_disabled "
                               "sysctl or seccomp)"
                             : "io_uring_queue_init failed";
    return errno_code(-rc);
  }
  ring->initialized = true;
  ring_ = std::move(ring);
  ring_->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (ring_->eventfd < 0) {
    std::error_code ec = last_error();
    close_ring();
    return ec;
  }
  rc = io_uring_register_eventfd(&ring_->ring, ring_->eventfd);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kRingToken;
  std::error_code ec =
      rc < 0 ? errno_code(-rc)
             : (epoll_ctl(loop_.epfd_, EPOLL_CTL_ADD, ring_->eventfd, &ev) < 0
                    ? last_error()
                    : std::error_code());
  if (ec) {
    reason_ = "io_uring eventfd could not be set up";
    close_ring();
  }
  return ec;
}

void FileOps::close_ring() noexcept {
  if (!ring_)
    return;
  if (ring_->eventfd >= 0)
    ::close(ring_->eventfd);
  if (ring_->initialized)
    io_uring_queue_exit(&ring_->ring);
  ring_.reset();
}

std::error_code FileOps::submit_ring(std::uint32_t slot, FileOp &op) {
  io_uring_sqe *sqe = get_sqe(*ring_);
  if (!sqe)
    return errno_code(EAGAIN);
  prepare(sqe, op);
  io_uring_sqe_set_data64(sqe, op_data(slot, ops_.at(slot).gen));
  op.in_ring = true;
  ring_->unsubmitted = true;
  return {};
}

std::error_code FileOps::cancel_ring(std::uint32_t slot, FileOp &op) {
  if (op.cancel_sent)
    return {};
  io_uring_sqe *sqe = get_sqe(*ring_);
  if (!sqe)
    return errno_code(EAGAIN);
  io_uring_prep_cancel64(sqe, op_data(slot, ops_.at(slot).gen), 0);
  io_uring_sqe_set_data64(sqe, kCancelData);
  op.cancel_sent = true;
  ring_->unsubmitted = true;
  return {};
}

void FileOps::before_wait() {
  if (!ring_ || !ring_->unsubmitted)
    return;
  // On failure (EBUSY/EAGAIN: completions must be reaped first) the SQEs
  // stay queued and go with the next iteration's submit.
  if (io_uring_submit(&ring_->ring) >= 0)
    ring_->unsubmitted = false;
}

void FileOps::on_ring_ready() {
  std::uint64_t count;
  while (::read(ring_->eventfd, &count, sizeof count) < 0 && errno == EINTR) {
  }
  // Only what is there now: completions of operations started by these
  // handlers wait for the next iteration, so disk I/O cannot starve sockets.
  reap_ring(io_uring_cq_ready(&ring_->ring));
  // Completions beyond the CQ's size wait in the kernel's overflow list and
  // do not signal the eventfd again: flush them and come back next iteration.
  if (io_uring_cq_has_overflow(&ring_->ring))
    (void)io_uring_get_events(&ring_->ring);
  if (io_uring_cq_ready(&ring_->ring) > 0) {
    std::uint64_t one = 1;
    (void)!::write(ring_->eventfd, &one, sizeof one);
  }
}

void FileOps::reap_ring(unsigned max) {
  for (unsigned i = 0; i < max; ++i) {
    io_uring_cqe *cqe;
    if (io_uring_peek_cqe(&ring_->ring, &cqe) != 0)
      return;
    std::uint64_t data = io_uring_cqe_get_data64(cqe);
    std::int64_t res = cqe->res;
    io_uring_cqe_seen(&ring_->ring, cqe);
    auto gen = static_cast<std::uint32_t>(data >> 32);
    auto slot = static_cast<std::uint32_t>(data);
    auto *entry = ops_.lookup(slot, gen);
    if (data == kCancelData || !entry)
      continue;
    entry->value->in_ring = false;
    complete(slot, res);
  }
}

// Everything is asked to stop; file reads already under way finish (the
// kernel does not cancel them), sockets and pipes stop at once.
void FileOps::shutdown_ring() {
  for (std::uint32_t slot = 0; slot < ops_.size(); ++slot) {
    FileOp *op = ops_.at(slot).value.get();
    if (op && op->in_ring)
      (void)cancel_ring(slot, *op);
  }
  while (undelivered_ > 0) {
    int rc = io_uring_submit_and_wait(&ring_->ring, 1);
    if (rc < 0 && rc != -EINTR && rc != -EBUSY)
      break;
    ring_->unsubmitted = false;
    reap_ring(io_uring_cq_ready(&ring_->ring));
  }
  if (undelivered_ == 0)
    return;
  // The ring failed: tearing it down makes the kernel finish or cancel what
  // it holds, after which the buffers are ours to hand back.
  close_ring();
  for (std::uint32_t slot = 0; slot < ops_.size(); ++slot) {
    FileOp *op = ops_.at(slot).value.get();
    if (op && op->in_ring) {
      op->in_ring = false;
      complete(slot, -ECANCELED);
    }
  }
}

#else // built without liburing: the pool is the only back end
struct Ring {};

std::error_code FileOps::init_ring(unsigned) {
  reason_ = "built without liburing";
  return errno_code(ENOSYS);
}
void FileOps::close_ring() noexcept {}
std::error_code FileOps::submit_ring(std::uint32_t, FileOp &) {
  return errno_code(ENOSYS);
}
std::error_code FileOps::cancel_ring(std::uint32_t, FileOp &) {
  return errno_code(ENOSYS);
}
void FileOps::before_wait() {}
void FileOps::on_ring_ready() {}
void FileOps::reap_ring(unsigned) {}
void FileOps::shutdown_ring() {}

#endif

FileOps::FileOps(LoopImpl &loop) : loop_(loop) {}
FileOps::~FileOps() { close_ring(); }

} // namespace evguard::detail
