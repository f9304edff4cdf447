// Completion-style file operations of evguard::Loop: the types they use.
//
// A file operation is started on the loop thread, runs without blocking the
// loop (on io_uring, or on the worker pool where io_uring is unavailable),
// and calls its handler exactly once, on the loop thread, with a FileEvent.
// Ownership is explicit: a Buffer handed to an operation belongs to the
// operation until it completes and comes back in the FileEvent, so nothing
// the kernel or a worker still writes into can be freed or reused early.
#ifndef EVGUARD_FILE_H
#define EVGUARD_FILE_H

#include "evguard/callable.h"
#include "evguard/handle.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

struct statx;

namespace evguard {

using OpId = Handle<struct OpTag>;

namespace detail {
struct AlignedFree {
  std::size_t alignment = alignof(std::max_align_t);
  void operator()(std::byte *p) const noexcept {
    ::operator delete(p, std::align_val_t(alignment));
  }
};
} // namespace detail

/// An owned, optionally aligned byte buffer (O_DIRECT wants 512 or 4096).
class Buffer {
public:
  Buffer() = default;
  explicit Buffer(std::size_t size,
                  std::size_t alignment = alignof(std::max_align_t))
      : data_(allocate(size, alignment), Free{alignment}), size_(size),
        capacity_(size) {}
  static Buffer copy_of(std::string_view bytes) {
    Buffer b(bytes.size());
    if (!bytes.empty())
      std::memcpy(b.data(), bytes.data(), bytes.size());
    return b;
  }

  std::byte *data() noexcept { return data_.get(); }
  const std::byte *data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  /// Shrinks or regrows the visible size within the allocation.
  void resize(std::size_t size) noexcept {
    size_ = size < capacity_ ? size : capacity_;
  }
  std::span<std::byte> span() noexcept { return {data(), size_}; }
  std::string_view view() const noexcept {
    return {reinterpret_cast<const char *>(data()), size_};
  }

private:
  using Free = detail::AlignedFree;
  static std::byte *allocate(std::size_t size, std::size_t alignment) {
    return static_cast<std::byte *>(
        ::operator new(size ? size : 1, std::align_val_t(alignment)));
  }
  std::unique_ptr<std::byte, Free> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// Which mechanism runs the loop's file operations (chosen at loop creation).
enum class FileBackend : std::uint8_t {
  automatic, ///< LoopOptions only: io_uring if the kernel allows it, else pool
  io_uring,  ///< submissions batched per iteration, completions via epoll
  pool,      ///< each operation is a job on the loop's worker pool
};

/// The completion of a file operation. `error` is an errno value
/// (std::system_category), ECANCELED if cancel() took effect.
struct FileEvent {
  OpId id;
  std::error_code error;
  /// Bytes transferred (read/write: may be short; 0 = end of file), or the
  /// new descriptor (open); 0 for the others.
  std::int64_t result = 0;
  Buffer buffer;                ///< read/write: the buffer handed in, returned
  std::vector<Buffer> buffers;  ///< readv/writev: the buffers handed in
  const struct statx *stat = nullptr; ///< fstat/stat: valid during the handler
};

using FileHandler = Callable<void(FileEvent &)>;

enum class FileOpKind : std::uint8_t {
  open, close, read, write, readv, writev, fsync, fdatasync, fstat, stat,
  rename, unlink, mkdir,
};

/// What a file operation is asked to do (built by the Loop members).
struct FileRequest {
  explicit FileRequest(FileOpKind kind, int fd = -1) : kind(kind), fd(fd) {}
  FileOpKind kind;
  int fd;
  int flags = 0;
  unsigned mode = 0;
  std::int64_t offset = -1; ///< -1: the descriptor's current position
  bool any_descriptor = false; ///< Loop::read/write: sockets and pipes too
  std::string path, path2;
  Buffer buffer;
  std::vector<Buffer> buffers;
};

const char *to_string(FileBackend backend) noexcept;

} // namespace evguard

#endif
