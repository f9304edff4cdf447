// Building blocks of the generated interposers (interposers.cpp, written at
// build time by gen_interposers.py from the annotation database). A generated
// wrapper spells each parameter as Arg<decltype(::fn), I>, so the prototype
// comes from the system header and is never written a second time.
#ifndef EVGUARD_DEBUG_INTERPOSE_H
#define EVGUARD_DEBUG_INTERPOSE_H

#include "fd_cache.h"
#include "state.h"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <tuple>
#include <type_traits>

namespace evguard::debug {

enum class Category : uint8_t {
  Sleep, Lock, Wait, DiskIo, NetworkIo, Dns, Process, Ipc, PageFault, Other
};

const char *categoryName(Category C) noexcept;

/// One database entry, as the generator saw it.
struct CallSpec {
  const char *Name;
  Category Cat;
  const char *Reason;
};

// --- Function-type traits ---------------------------------------------------

template <class F> struct FnTraits;
#define EVGUARD_FN_TRAITS_(VARIADIC, NOEXCEPT, ...)                            \
  template <class R, class... A> struct FnTraits<R(A... __VA_ARGS__)           \
                                                     noexcept(NOEXCEPT)> {     \
    using Ret = R;                                                             \
    using Args = std::tuple<A...>;                                             \
    static constexpr std::size_t Arity = sizeof...(A);                         \
    static constexpr bool Variadic = VARIADIC;                                 \
    static constexpr bool Noexcept = NOEXCEPT;                                 \
  };
EVGUARD_FN_TRAITS_(false, false)
EVGUARD_FN_TRAITS_(false, true)
EVGUARD_FN_TRAITS_(true, false, , ...)
EVGUARD_FN_TRAITS_(true, true, , ...)
#undef EVGUARD_FN_TRAITS_

template <class F> using Ret = typename FnTraits<F>::Ret;
template <class F, std::size_t I>
using Arg = std::tuple_element_t<I, typename FnTraits<F>::Args>;
template <class F> inline constexpr bool IsNoexcept = FnTraits<F>::Noexcept;

// --- Resolution of the real function ---------------------------------------

void *resolveNext(const char *Name) noexcept;

/// The next definition of a function after ours (libc's). Resolved lazily
/// on first use; a race only resolves the same address twice.
template <class F> class Real {
public:
  constexpr explicit Real(const char *N) : Name(N) {}
  F *operator()() noexcept {
    void *P = Ptr.load(std::memory_order_relaxed);
    if (__builtin_expect(P == nullptr, 0)) {
      P = resolveNext(Name);
      Ptr.store(P, std::memory_order_relaxed);
    }
    return reinterpret_cast<F *>(P);
  }

private:
  const char *Name;
  std::atomic<void *> Ptr{nullptr};
};

/// Runs `F` when the interposer returns, after the real call, whatever the
/// thread's state: the descriptor cache must see every close and mode
/// change, not only those made in handlers.
template <class Fn> struct OnReturn {
  Fn F;
  ~OnReturn() { F(); }
};
template <class Fn> OnReturn(Fn) -> OnReturn<Fn>;

/// The descriptor a stream uses, read before fclose frees the stream.
inline int streamFd(FILE *F) noexcept { return F ? fileno(F) : -1; }

inline bool armed() noexcept { return __builtin_expect(TLS.Armed != 0, 0); }

/// Whether an armed call is the blocking detector's (else only the stall
/// detector's: outside AllowBlocking scopes, with the detector on).
bool reportsBlocking() noexcept;

// --- Parking (watchdog.cpp) -----------------------------------------------

/// Marks the thread as inside interposed call `Fn` for the stall watchdog,
/// which then leaves the backtrace to parkEnd instead of signalling: a
/// signal would end a sleep, poll or wait early with EINTR and change what
/// the program does.
void parkBegin(const char *Fn) noexcept;
void parkEnd() noexcept;

class ParkScope {
public:
  explicit ParkScope(const char *Fn) noexcept { parkBegin(Fn); }
  ~ParkScope() { parkEnd(); }
  ParkScope(const ParkScope &) = delete;
  ParkScope &operator=(const ParkScope &) = delete;
};

template <class F, class... A>
Ret<F> callParked(const CallSpec &Spec, F *RealFn, A... Args) {
  ParkScope Parked(Spec.Name);
  return RealFn(Args...);
}

// --- Database conditions, evaluated on the actual argument values ----------

template <class T> bool argEquals(T V, long long K) noexcept {
  if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
    return static_cast<long long>(V) == K;
  else if constexpr (std::is_pointer_v<T>)
    return K == 0 && V == nullptr;
  else
    return false;
}
template <class T> bool argHasFlag(T V, unsigned long long Flag) noexcept {
  if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
    return (static_cast<unsigned long long>(V) & Flag) != 0;
  else
    return false;
}
template <class T> bool argNonNull(T V) noexcept {
  if constexpr (std::is_pointer_v<T>)
    return V != nullptr;
  else if constexpr (std::is_integral_v<T>)
    return V != 0;
  else
    return false;
}
/// The database's `path_prefix` condition: a path on a pseudo file system
/// (/proc, /sys) is served from memory. "/proc/../x" is not under /proc.
bool pathUnder(const char *Path,
               std::initializer_list<const char *> Prefixes) noexcept;
template <class T>
bool argPathUnder(T V, std::initializer_list<const char *> Prefixes) noexcept {
  if constexpr (std::is_convertible_v<T, const char *>)
    return V && pathUnder(V, Prefixes);
  else
    return false;
}

// --- Policy (blocking.cpp) --------------------------------------------------

bool policyIsMay() noexcept;
int64_t waitMinNs() noexcept;
/// True when `Fd` is not a file, directory or block device (a socket, pipe,
/// terminal, eventfd, ...) and is in non-blocking mode: I/O on it cannot
/// block, so the `did` policy stays silent. A yes is cached (fd_cache.h).
bool fdIsNonBlocking(int Fd) noexcept;
/// Records and prints a blocking call made in a handler (errno preserved).
/// `Why` says what made the `did` policy decide it blocked.
void reportBlockingCall(const CallSpec &Spec, const char *Why,
                        int64_t WaitedNs, int Fd = -1) noexcept;
constexpr int MaxBacktrace = 64;

enum class TryConvention { ErrorNumber, MinusOneErrno, C11 };
/// Whether a failed try-lock result means "someone else holds it".
bool tryFailedBusy(int Rc, TryConvention Conv) noexcept;

template <class F, class... A>
Ret<F> callTimed(const CallSpec &Spec, F *RealFn, A... Args) {
  int64_t T0 = monotonicNs();
  if constexpr (std::is_void_v<Ret<F>>) {
    callParked(Spec, RealFn, Args...);
    int64_t Waited = monotonicNs() - T0;
    if (Waited >= waitMinNs())
      reportBlockingCall(Spec, "waited", Waited);
  } else {
    Ret<F> R = callParked(Spec, RealFn, Args...);
    int64_t Waited = monotonicNs() - T0;
    if (Waited >= waitMinNs())
      reportBlockingCall(Spec, "waited", Waited);
    return R;
  }
}

/// The database's `not_regular_file` condition. Statically it means "a
/// descriptor not known to be a regular file, trusted to be one of the
/// loop's non-blocking descriptors"; at run time that trust is checked: the
/// descriptor must not be a file and must have O_NONBLOCK.
template <class T> bool argNonBlockingFd(T V) noexcept {
  if constexpr (std::is_integral_v<T>)
    return fdIsNonBlocking(static_cast<int>(V));
  else
    return false;
}

template <class T> bool firstArgIsNonBlockingFd(T V) noexcept {
  if constexpr (std::is_same_v<T, int>)
    return fdIsNonBlocking(V);
  else
    return false;
}

/// A call that passed the database's conditions, made inside a handler.
template <class F, class First, class... A>
Ret<F> intercept(const CallSpec &Spec, F *RealFn, First A0, A... Args) {
  if (!reportsBlocking())
    return callParked(Spec, RealFn, A0, Args...);
  if (policyIsMay()) {
    reportBlockingCall(Spec, nullptr, 0);
    return callParked(Spec, RealFn, A0, Args...);
  }
  switch (Spec.Cat) {
  case Category::Wait:
  case Category::Lock:
    return callTimed(Spec, RealFn, A0, Args...);
  case Category::DiskIo:
  case Category::NetworkIo:
    if (firstArgIsNonBlockingFd(A0))
      return RealFn(A0, Args...);
    if constexpr (std::is_same_v<First, int>)
      reportBlockingCall(Spec, "blocking-fd", 0, A0);
    else
      reportBlockingCall(Spec, nullptr, 0);
    return callParked(Spec, RealFn, A0, Args...);
  default:
    reportBlockingCall(Spec, nullptr, 0);
    return callParked(Spec, RealFn, A0, Args...);
  }
}

template <class F> Ret<F> intercept(const CallSpec &Spec, F *RealFn) {
  if (!reportsBlocking())
    return callParked(Spec, RealFn);
  if (!policyIsMay() &&
      (Spec.Cat == Category::Wait || Spec.Cat == Category::Lock))
    return callTimed(Spec, RealFn);
  reportBlockingCall(Spec, nullptr, 0);
  return callParked(Spec, RealFn);
}

/// A lock with a non-blocking twin: under `did`, try it first and report only
/// when someone else holds the lock. `Try` performs the same operation, so
/// its success is the call's success.
template <class F, class TryFn, class... A>
Ret<F> interceptLock(const CallSpec &Spec, F *RealFn, TryFn Try,
                     TryConvention Conv, A... Args) {
  if (!reportsBlocking())
    return callParked(Spec, RealFn, Args...);
  if (policyIsMay()) {
    reportBlockingCall(Spec, nullptr, 0);
    return callParked(Spec, RealFn, Args...);
  }
  int SavedErrno = errno;
  int Rc = Try();
  if (Rc == 0)
    return 0;
  if (!tryFailedBusy(Rc, Conv)) {
    errno = SavedErrno;
    return callParked(Spec, RealFn, Args...);
  }
  errno = SavedErrno;
  reportBlockingCall(Spec, "contended", 0);
  return callParked(Spec, RealFn, Args...);
}

} // namespace evguard::debug

#endif
