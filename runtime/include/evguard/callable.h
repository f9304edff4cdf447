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

inline constexpr std::size_t kCallableInlineSize = 48;

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
    if constexpr (fitsInline<D>()) {
      ::new (static_cast<void *>(storage_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      *reinterpret_cast<D **>(storage_) = new D(std::forward<F>(f));
      ops_ = &kHeapOps<D>;
    }
    code_ = codeAddressOf<D>(storage_);
  }

  Callable(Callable &&other) noexcept { moveFrom(other); }
  Callable &operator=(Callable &&other) noexcept {
    if (this != &other) {
      reset();
      moveFrom(other);
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
    code_ = nullptr;
  }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  R operator()(Args... args) {
    return ops_->invoke(storage_, std::forward<Args>(args)...);
  }

  /// An address inside the wrapped handler's own code: the function itself
  /// for a plain function pointer, otherwise the invoker instantiated for the
  /// callable's type (its symbol names the lambda or functor). The debug
  /// runtime symbolizes it to say which handler stalled.
  const void *code() const noexcept { return code_; }

  /// True when the callable lives in the inline buffer (no heap block).
  bool is_inline() const noexcept { return ops_ != nullptr && ops_->is_inline; }

private:
  struct Ops {
    R (*invoke)(void *storage, Args &&...args);
    // Move-constructs into `dst` from `src` and destroys `src`.
    void (*relocate)(void *dst, void *src) noexcept;
    void (*destroy)(void *storage) noexcept;
    bool is_inline;
  };

  template <class D> static constexpr bool fitsInline() {
    return sizeof(D) <= InlineSize &&
           alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }

  template <class D> static R invokeInline(void *s, Args &&...args) {
    return std::invoke(*std::launder(static_cast<D *>(s)),
                       std::forward<Args>(args)...);
  }
  template <class D> static R invokeHeap(void *s, Args &&...args) {
    return std::invoke(**static_cast<D **>(s), std::forward<Args>(args)...);
  }
  template <class D> static void relocateInline(void *dst, void *src) noexcept {
    D *from = std::launder(static_cast<D *>(src));
    ::new (dst) D(std::move(*from));
    from->~D();
  }
  static void relocatePointer(void *dst, void *src) noexcept {
    *static_cast<void **>(dst) = *static_cast<void **>(src);
  }
  template <class D> static void destroyInline(void *s) noexcept {
    std::launder(static_cast<D *>(s))->~D();
  }
  template <class D> static void destroyHeap(void *s) noexcept {
    delete *static_cast<D **>(s);
  }

  template <class D>
  static constexpr Ops kInlineOps{&invokeInline<D>, &relocateInline<D>,
                                  &destroyInline<D>, true};
  template <class D>
  static constexpr Ops kHeapOps{&invokeHeap<D>, &relocatePointer,
                                &destroyHeap<D>, false};

  template <class D> static const void *codeAddressOf(const void *storage) {
    if constexpr (std::is_pointer_v<D> &&
                  std::is_function_v<std::remove_pointer_t<D>>)
      return reinterpret_cast<const void *>(
          *std::launder(static_cast<const D *>(storage)));
    else if constexpr (fitsInline<D>())
      return reinterpret_cast<const void *>(&invokeInline<D>);
    else
      return reinterpret_cast<const void *>(&invokeHeap<D>);
  }

  void moveFrom(Callable &other) noexcept {
    if (other.ops_ == nullptr)
      return;
    other.ops_->relocate(storage_, other.storage_);
    ops_ = other.ops_;
    code_ = other.code_;
    other.ops_ = nullptr;
    other.code_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char storage_[InlineSize];
  const Ops *ops_ = nullptr;
  const void *code_ = nullptr;
};

} // namespace evguard

#endif
