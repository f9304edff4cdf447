// The post node pool. Each thread posts from a cache: one chain of at most
// kChainMax free nodes, used without atomics. The loop thread gives used
// nodes back as it runs them: first into its own cache (it posts too), then
// as whole chains pushed with one CAS each onto a lock-free stack of chains.
// A poster whose cache is empty pops one chain under a mutex that only
// posters take; with a single popper at a time the pop has no ABA problem.
// Nobody walks a list to count or split it: nodes are touched only to be
// filled and to be run. Nodes are never freed, and the pool is bounded: a
// thread allocates only if every node is in flight or in a thread's cache.
#include "post_node_pool.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace evguard::detail {
namespace {

constexpr int kChainMax = 128;
// The first chunk covers a few thread caches plus a modest backlog, so most
// programs never grow the pool at all.
constexpr int kFirstChunk = 1024;
constexpr int kChunk = 256;

struct SharedPool {
  std::atomic<PostNode *> chains{nullptr}; // linked by chain_next
  std::mutex pop_mutex;                     // one popper at a time
  std::vector<std::unique_ptr<PostNode[]>> chunks; // under pop_mutex
};

SharedPool &pool() {
  static SharedPool p;
  return p;
}

void push_chain(PostNode *first) noexcept {
  auto &chains = pool().chains;
  PostNode *top = chains.load(std::memory_order_relaxed);
  do
    first->chain_next = top;
  while (!chains.compare_exchange_weak(top, first, std::memory_order_release,
                                       std::memory_order_relaxed));
}

struct ThreadCache {
  PostNode *head = nullptr;
  int count = 0;
  ~ThreadCache() {
    if (head)
      push_chain(head);
  }
};
thread_local ThreadCache t_cache;

/// Splits a new chunk into chains; returns one, pushes the others.
PostNode *new_chunk_chains(SharedPool &p) {
  const int size = p.chunks.empty() ? kFirstChunk : kChunk;
  auto chunk = std::make_unique<PostNode[]>(size);
  PostNode *mine = nullptr;
  for (int start = 0; start < size; start += kChainMax) {
    int end = std::min(size, start + kChainMax);
    for (int i = start; i + 1 < end; ++i)
      chunk[i].next = &chunk[i + 1];
    if (!mine)
      mine = &chunk[start];
    else
      push_chain(&chunk[start]);
  }
  p.chunks.push_back(std::move(chunk));
  return mine;
}

void refill() {
  SharedPool &p = pool();
  std::lock_guard lock(p.pop_mutex);
  PostNode *top = p.chains.load(std::memory_order_acquire);
  while (top && !p.chains.compare_exchange_weak(top, top->chain_next,
                                                std::memory_order_acquire,
                                                std::memory_order_acquire)) {
  }
  t_cache.head = top ? top : new_chunk_chains(p);
  t_cache.count = kChainMax; // an upper bound is all the cache needs
}

} // namespace

PostNode *take_post_node() {
  if (!t_cache.head)
    refill();
  PostNode *node = t_cache.head;
  t_cache.head = node->next;
  --t_cache.count;
  node->next = nullptr;
  return node;
}

void UsedPostNodes::add(PostNode *node) noexcept {
  if (t_cache.count < kChainMax) {
    node->next = t_cache.head;
    t_cache.head = node;
    ++t_cache.count;
    return;
  }
  node->next = chain_;
  chain_ = node;
  if (++length_ == kChainMax) {
    push_chain(chain_);
    chain_ = nullptr;
    length_ = 0;
  }
}

UsedPostNodes::~UsedPostNodes() {
  if (chain_)
    push_chain(chain_);
}

} // namespace evguard::detail
