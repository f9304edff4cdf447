// evguard::Callable: a move-only, small-buffer function wrapper.
//
// The loop stores every handler in one of these instead of std::function so
// that registering a small lambda never allocates and invoking it is one
// indirect call. Callables whose state does not fit the inline buffer (or
// that may throw when moved) are stored on the heap, once, at registration.
#ifndef EVGUARD_CALLABLE_H
#define EVGUARD_CALLABLE_H

#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace evguard {

/// Inline capacity of handlers (fd, timer, signal): room for a `this`
/// pointer plus several captured values.
inline constexpr std::size_t kCallableInlineSize = 48;
/// Inline capacity of posted and offloaded tasks: three pointers. Kept small
/// so a queued post fills one cache line (what a cross-thread hand-off
/// costs); larger captures are moved to the heap when posted.
inline constexpr std::size_t kTaskInlineSize = 24;

template <class Signature, std::size_t InlineSize = kCallableInlineSize>
class Callable;

template <class R, class... Args, std::size_t InlineSize>
class Callable<R(Args...), InlineSize> {
public:
  Callable() noexcept = default;
  Callable(std::nullptr_t) noexcept {}

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, Callable> &&
                                     std::is_invocable_r_v<R, D &, Args...>>>
  Callable(F &&f) { // NOLINT: implicit on purpose, like std::function
    if constexpr (std::is_pointer_v<D> || std::is_member_pointer_v<D>) {
      if (f == nullptr)
        return;
    }
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void *>(storage_)) D(std::forward<F>(f));
      ops_ = &inline_ops<D>;
    } else {
      *reinterpret_cast<D **>(storage_) = new D(std::forward<F>(f));
      ops_ = &heap_ops<D>;
    }
  }

  Callable(Callable &&other) noexcept { move_from(other); }
  Callable &operator=(Callable &&other) noexcept {
    if (this != &other) {
      reset();
      move_from(other);
    }
    return *this;
  }
  Callable(const Callable &) = delete;
  Callable &operator=(const Callable &) = delete;
  ~Callable() { reset(); }

  void reset() noexcept {
    if (ops_ == nullptr)
      return;
    ops_->destroy(storage_);
    ops_ = nullptr;
  }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  R operator()(Args... args) {
    return ops_->invoke(storage_, std::forward<Args>(args)...);
  }

  /// An address inside the wrapped handler's own code: the function itself
  /// for a plain function pointer, otherwise the invoker instantiated for the
  /// callable's type (its symbol names the lambda or functor). The debug
  /// runtime symbolizes it to say which handler stalled.
  const void *code() const noexcept {
    if (ops_ == nullptr)
      return nullptr;
    if (ops_->is_function_pointer)
      return *reinterpret_cast<const void *const *>(storage_);
    return reinterpret_cast<const void *>(ops_->invoke);
  }

  /// True when the callable lives in the inline buffer (no heap block).
  bool is_inline() const noexcept { return ops_ != nullptr && ops_->is_inline; }

private:
  struct Ops {
    R (*invoke)(void *storage, Args &&...args);
    // Move-constructs into `dst` from `src` and destroys `src`.
    void (*relocate)(void *dst, void *src) noexcept;
    void (*destroy)(void *storage) noexcept;
    bool is_inline;
    bool is_function_pointer; // then code() is the stored pointer itself
  };

  template <class D> static constexpr bool fits_inline() {
    return sizeof(D) <= InlineSize &&
           alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }

  template <class D> static R invoke_inline(void *s, Args &&...args) {
    return std::invoke(*std::launder(static_cast<D *>(s)),
                       std::forward<Args>(args)...);
  }
  template <class D> static R invoke_heap(void *s, Args &&...args) {
    return std::invoke(**static_cast<D **>(s), std::forward<Args>(args)...);
  }
  template <class D> static void relocate_inline(void *dst, void *src) noexcept {
    D *from = std::launder(static_cast<D *>(src));
    ::new (dst) D(std::move(*from));
    from->~D();
  }
  static void relocate_pointer(void *dst, void *src) noexcept {
    *static_cast<void **>(dst) = *static_cast<void **>(src);
  }
  template <class D> static void destroy_inline(void *s) noexcept {
    std::launder(static_cast<D *>(s))->~D();
  }
  template <class D> static void destroy_heap(void *s) noexcept {
    delete *static_cast<D **>(s);
  }

  template <class D>
  static constexpr bool is_function_pointer_v =
      std::is_pointer_v<D> && std::is_function_v<std::remove_pointer_t<D>>;
  template <class D>
  static constexpr Ops inline_ops{&invoke_inline<D>, &relocate_inline<D>,
                                  &destroy_inline<D>, true,
                                  is_function_pointer_v<D>};
  template <class D>
  static constexpr Ops heap_ops{&invoke_heap<D>, &relocate_pointer,
                                &destroy_heap<D>, false, false};

  void move_from(Callable &other) noexcept {
    if (other.ops_ == nullptr)
      return;
    other.ops_->relocate(storage_, other.storage_);
    ops_ = other.ops_;
    other.ops_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char storage_[InlineSize];
  const Ops *ops_ = nullptr;
};

} // namespace evguard

#endif
