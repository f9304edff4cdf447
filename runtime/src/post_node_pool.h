// Nodes of the post queue, recycled through a process-wide pool so that
// posting allocates only while the pool grows to the peak backlog.
#ifndef EVGUARD_RUNTIME_POST_NODE_POOL_H
#define EVGUARD_RUNTIME_POST_NODE_POOL_H

#include "evguard/loop.h"

namespace evguard::detail {

struct alignas(64) PostNode {
  PostNode *next = nullptr;
  PostNode *chain_next = nullptr; // pool only: links chains of free nodes
  Task fn;
  const char *label = nullptr;
  bool offload_done = false; // completes an offload: counts down in-flight
};

/// Takes a node from the calling thread's cache, refilled from the pool.
PostNode *take_post_node();

/// Collects used nodes on the loop thread and gives them back to the pool:
/// first into the calling thread's own cache, then in chains of kChainMax.
class UsedPostNodes {
public:
  void add(PostNode *node) noexcept;
  ~UsedPostNodes(); // gives back the last, partial chain
  UsedPostNodes() = default;
  UsedPostNodes(const UsedPostNodes &) = delete;
  UsedPostNodes &operator=(const UsedPostNodes &) = delete;

private:
  PostNode *chain_ = nullptr;
  int length_ = 0;
};

} // namespace evguard::detail

#endif
