/* evguard source annotations: the public contract between code and the
 * evguard checker. They cost nothing at run time: each expands to a Clang
 * `annotate` attribute that only the checker reads.
 *
 * GCC has no `annotate` attribute (it warns and drops it), so under every
 * compiler but Clang they expand to nothing; evguard always parses with Clang
 * and so always sees them. Usable from C and C++. See docs/annotations.md. */
#ifndef EVGUARD_ANNOTATIONS_H
#define EVGUARD_ANNOTATIONS_H

#if defined(__clang__)
#define EVGUARD_ANNOTATE_(...) __attribute__((annotate(__VA_ARGS__)))
#else
#define EVGUARD_ANNOTATE_(...)
#endif

/* Before a function declaration: the function is an event handler (a root). */
#define EVGUARD_HANDLER EVGUARD_ANNOTATE_("evguard::handler")

/* Before a parameter's or a field's type: a callable passed to that
 * parameter, or stored into that field, is an event handler. */
#define EVGUARD_REGISTERS_HANDLER EVGUARD_ANNOTATE_("evguard::registers_handler")

/* Before a parameter's type: a callable passed there runs off the loop thread
 * and is not followed. */
#define EVGUARD_OFFLOADED EVGUARD_ANNOTATE_("evguard::offloaded")

/* Before a function declaration: calling it may block the loop. `category` is
 * one of sleep, lock, wait, disk-io, network-io, dns, process, ipc,
 * page-fault, other. */
#define EVGUARD_BLOCKING(category, reason)                                     \
  EVGUARD_ANNOTATE_("evguard::blocking", category, reason)

/* Before a function declaration: calling it may page-fault. */
#define EVGUARD_MAY_FAULT(reason) EVGUARD_ANNOTATE_("evguard::may_fault", reason)

/* Before a function declaration: a checked promise that the function never
 * blocks. Callers trust it; its own body is checked against the promise. */
#define EVGUARD_NONBLOCKING EVGUARD_ANNOTATE_("evguard::nonblocking")

/* Before a function declaration: blocking calls reached through this
 * function are accepted, for the given reason (kept in reports). */
#define EVGUARD_ALLOW_BLOCKING(reason)                                         \
  EVGUARD_ANNOTATE_("evguard::allow_blocking", reason)

#endif /* EVGUARD_ANNOTATIONS_H */
