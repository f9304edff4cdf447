//===- RuleHelp.cpp - What each rule means and how to fix it --------------===//
//
// Shown by code-scanning dashboards next to every alert, so the help ends in
// something to do: per category, the usual way to get the call off the loop.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

using namespace evguard;

llvm::StringRef evguard::fixRecipe(Category C) {
  switch (C) {
  case Category::Sleep:
    return "Do not sleep on the loop: arm a timer (uv_timer_start, event_add "
           "with a timeout, asio steady_timer::async_wait) and continue the "
           "work in its callback.";
  case Category::Lock:
    return "Do not wait for a lock another thread may hold: try-lock and "
           "retry from the loop, let the loop own the state and send it "
           "messages (uv_async_send, an eventfd), or keep the critical "
           "sections of every thread short and non-blocking.";
  case Category::Wait:
    return "Do not wait for other threads, processes or a nested loop: "
           "replace the wait (condition variable, future, join, nested run) "
           "by a completion callback that the other side triggers on the "
           "loop (uv_async_send, an eventfd registered with the loop).";
  case Category::DiskIO:
    return "Offload file I/O to a worker pool with the loop's offload API "
           "(uv_queue_work, uv_fs_* with a callback, a thread pool that "
           "reports back through an eventfd) or use io_uring; keep fsync and "
           "friends off the loop.";
  case Category::NetworkIO:
    return "Make the socket non-blocking (SOCK_NONBLOCK, O_NONBLOCK) and use "
           "the non-blocking variant driven by readiness events "
           "(uv_read_start, bufferevents, async_read_some), or pass "
           "MSG_DONTWAIT.";
  case Category::DNS:
    return "Resolve names asynchronously (uv_getaddrinfo with a callback, "
           "evdns_getaddrinfo, c-ares, asio async_resolve) or on a worker "
           "thread; getaddrinfo and the NSS lookups can take seconds.";
  case Category::Process:
    return "Start processes with posix_spawn or the loop's spawn API "
           "(uv_spawn) instead of fork/system/popen, and reap children "
           "without waiting (SIGCHLD handling, waitpid with WNOHANG).";
  case Category::IPC:
    return "Use the non-blocking variant (IPC_NOWAIT, an O_NONBLOCK message "
           "queue) and retry when the loop says it is ready, or move the "
           "exchange to a worker thread.";
  case Category::PageFault:
    return "Pre-fault the memory before the loop runs (MAP_POPULATE, "
           "mlock/mlockall(MCL_CURRENT | MCL_FUTURE), touching every page at "
           "start-up), or map and first-touch large memory on a worker "
           "thread.";
  case Category::Other:
    return "Move the call to a worker thread with the loop's offload API "
           "(uv_queue_work, a thread pool) and deliver its result back with a "
           "completion callback.";
  }
  llvm_unreachable("unknown category");
}

RuleDescription evguard::describeRule(Rule R) {
  switch (R) {
  case Rule::BlockingCall:
    return {"BlockingCallOnEventLoop",
            "A call that may block is reachable from an event-loop handler.",
            "A function that can block (sleep, take a lock, wait, do disk or "
            "network I/O, resolve names, start processes) is called, directly "
            "or through other functions, from a handler that runs on an event "
            "loop. While it blocks, the loop serves nothing else: every other "
            "connection and timer waits."};
  case Rule::PageFault:
    return {"PageFaultOnEventLoop",
            "A call that may stall on page faults is reachable from an "
            "event-loop handler.",
            "A function that maps, locks or first-touches memory is reached "
            "from a handler that runs on an event loop. Page faults on fresh "
            "or evicted memory stall the loop thread in the kernel, for "
            "milliseconds when a fault needs disk I/O."};
  case Rule::NonblockingViolation:
    return {"NonblockingContractViolated",
            "A function marked EVGUARD_NONBLOCKING reaches a blocking call.",
            "A function promises not to block (EVGUARD_NONBLOCKING, or "
            "\"nonblocking\" in the database), and callers on the event loop "
            "trust that promise, but its body reaches a call that may "
            "block."};
  case Rule::UnknownCall:
    return {"UnknownCallOnEventLoop",
            "A handler reaches a function evguard knows nothing about.",
            "A function with no body in the analyzed program and no entry in "
            "the annotation database is reachable from event-loop handlers "
            "(reported with --strict). evguard cannot tell whether it "
            "blocks."};
  }
  llvm_unreachable("unknown rule");
}

static llvm::ArrayRef<Category> recipeCategories(Rule R) {
  static const Category PageFault[] = {Category::PageFault};
  if (R == Rule::PageFault)
    return PageFault;
  return allCategories();
}

static llvm::StringRef helpIntro(Rule R) {
  switch (R) {
  case Rule::BlockingCall:
  case Rule::PageFault:
    return "Get the call off the event-loop thread. The usual fix by "
           "category:";
  case Rule::NonblockingViolation:
    return "Either keep the promise, by getting the blocking call out from "
           "under the function (the usual fix by category is below), or "
           "remove EVGUARD_NONBLOCKING if the function does block.";
  case Rule::UnknownCall:
    return "Tell evguard what the function does: add it to a database file "
           "(--db FILE, or \"database\" in .evguard.json), e.g. "
           "{\"name\": \"f\", \"blocking\": {\"category\": \"disk-io\", "
           "\"reason\": \"...\"}} or {\"name\": \"f\", \"nonblocking\": true}, "
           "or make its body part of the analysis.";
  }
  llvm_unreachable("unknown rule");
}

static llvm::StringRef suppressHint() {
  return "If the call is intended (e.g. at start-up only), suppress it with "
         "EVGUARD_ALLOW_BLOCKING(\"why\") on the function or "
         "// NOLINT(evguard-blocking-call) on the line; the reason stays "
         "visible in the JSON and SARIF reports.";
}

std::string evguard::ruleHelpText(Rule R) {
  std::string Text = describeRule(R).Full.str() + "\n\n" + helpIntro(R).str();
  if (R != Rule::UnknownCall)
    for (Category C : recipeCategories(R))
      Text += "\n- " + categoryName(C).str() + ": " + fixRecipe(C).str();
  return Text + "\n\n" + suppressHint().str();
}

std::string evguard::ruleHelpMarkdown(Rule R) {
  std::string Text = describeRule(R).Full.str() + "\n\n" + helpIntro(R).str();
  if (R != Rule::UnknownCall) {
    Text += "\n\n| Category | Fix |\n|---|---|";
    for (Category C : recipeCategories(R))
      Text += "\n| `" + categoryName(C).str() + "` | " + fixRecipe(C).str() +
              " |";
  }
  return Text + "\n\n" + suppressHint().str();
}
