// Errors of the evguard runtime: every fallible call returns a
// std::error_code (errno values in std::system_category, the runtime's own
// conditions in evguard::runtime_category()) or a Result<T> carrying one.
#ifndef EVGUARD_ERROR_H
#define EVGUARD_ERROR_H

#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

namespace evguard {

/// Conditions the runtime itself detects (errno values use system_category).
enum class Errc {
  stale_handle = 1, ///< the handle was closed, already fired, or never valid
  signal_in_use,    ///< a watcher for that signal already exists on this loop
  reentrant_run,    ///< run()/run_once() called from inside this loop's handler
  offload_queue_full, ///< back-pressure: the worker pool's queue is full
  wrong_thread,       ///< a loop-thread-only call made from another thread
};

const std::error_category &runtime_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), runtime_category()};
}

/// An errno value as a std::error_code.
inline std::error_code errno_code(int err) noexcept {
  return {err, std::system_category()};
}

/// A value or the error_code saying why there is none.
template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(std::error_code ec) : error_(ec) {}
  Result(Errc e) : error_(make_error_code(e)) {}

  bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  std::error_code error() const noexcept { return error_; }

  /// The value; throws std::system_error if there is none.
  T &value() & {
    check();
    return *value_;
  }
  const T &value() const & {
    check();
    return *value_;
  }
  T &&value() && {
    check();
    return std::move(*value_);
  }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T &&operator*() && { return std::move(*this).value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

private:
  void check() const {
    if (!value_)
      throw std::system_error(error_);
  }
  std::optional<T> value_;
  std::error_code error_;
};

} // namespace evguard

template <> struct std::is_error_code_enum<evguard::Errc> : std::true_type {};

#endif
