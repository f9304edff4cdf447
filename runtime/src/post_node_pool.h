// Nodes of the post queue, recycled through a process-wide pool so that
// posting allocates only while the pool grows to the peak backlog.
#ifndef EVGUARD_RUNTIME_POST_NODE_POOL_H
#define EVGUARD_RUNTIME_POST_NODE_POOL_H

#include "evguard/loop.h"

namespace evguard::detail {

struct alignas(64) PostNode {
  PostNode *next = nullptr;
  Task fn;
  const char *label = nullptr;
  bool offload_done = false; // completes an offload: counts down in-flight
};

/// Takes a node: from the calling thread's cache, else all the nodes the
/// consumers have given back (one exchange, so no ABA), else a new chunk.
PostNode *take_post_node();
/// Gives back a chain of used nodes (`first` ... `last`, linked by next).
void give_post_nodes(PostNode *first, PostNode *last) noexcept;

} // namespace evguard::detail

#endif
