#include "evguard/error.h"

#include <string>

namespace evguard {
namespace {

class RuntimeCategory final : public std::error_category {
public:
  const char *name() const noexcept override { return "evguard-runtime"; }

  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
    case Errc::stale_handle:
      return "the handle is stale: its watcher or timer was closed or has "
             "already fired";
    case Errc::signal_in_use:
      return "this loop already watches that signal";
    case Errc::reentrant_run:
      return "run()/run_once() called from inside a handler of the same loop";
    case Errc::offload_queue_full:
      return "the offload queue is full; retry later or shed load";
    case Errc::wrong_thread:
      return "called from a thread other than the loop's";
    }
    return "unknown evguard runtime error " + std::to_string(value);
  }

  // Lets callers test portable conditions, e.g.
  // ec == std::errc::resource_unavailable_try_again for back-pressure.
  std::error_condition
  default_error_condition(int value) const noexcept override {
    switch (static_cast<Errc>(value)) {
    case Errc::stale_handle:
      return std::errc::invalid_argument;
    case Errc::signal_in_use:
      return std::errc::device_or_resource_busy;
    case Errc::reentrant_run:
      return std::errc::resource_deadlock_would_occur;
    case Errc::offload_queue_full:
      return std::errc::resource_unavailable_try_again;
    case Errc::wrong_thread:
      return std::errc::operation_not_permitted;
    }
    return {value, *this};
  }
};

} // namespace

const std::error_category &runtime_category() noexcept {
  static const RuntimeCategory category;
  return category;
}

} // namespace evguard
