// The post node pool. Each thread keeps a small cache of nodes (no atomics).
// A poster whose cache is empty refills it from the shared pool, under a
// mutex that only posters take (never the loop thread on its hot path).
// The loop thread gives used nodes back: first into its own cache (it is a
// poster too), the rest onto a lock-free "returned" stack with one CAS, which
// refills fold into the pool. Nodes are never freed, and the pool is bounded:
// a thread allocates only if every node is in flight or in a thread cache
// (at most kCacheMax each).
#include "post_node_pool.h"

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace evguard::detail {
namespace {

// The first chunk covers a few thread caches plus a modest backlog, so most
// programs never grow the pool at all; later growth is in smaller steps.
constexpr int kFirstChunk = 1024;
constexpr int kChunk = 256;
constexpr int kCacheMax = 128;
// Refills split lists and leave remainders behind; when this many have piled
// up they are joined into one (walking them, rarely) instead of growing the
// vector, so the pool never allocates once it has enough nodes.
constexpr std::size_t kMaxFreeLists = 256;

struct SharedPool {
  SharedPool() { free_lists.reserve(kMaxFreeLists); }
  std::atomic<PostNode *> returned{nullptr}; // pushed by consumers
  std::mutex mutex;                          // guards the rest
  // Whole lists taken from `returned`, kept as they are: appending them to
  // one list would mean walking each to its tail, a cache miss per node.
  std::vector<PostNode *> free_lists;
  std::vector<std::unique_ptr<PostNode[]>> chunks; // owned until exit
};

SharedPool &pool() {
  static SharedPool p;
  return p;
}

struct ThreadCache {
  PostNode *head = nullptr;
  int count = 0;
  ~ThreadCache() {
    if (!head)
      return;
    PostNode *last = head;
    while (last->next)
      last = last->next;
    push_returned(head, last);
  }
  static void push_returned(PostNode *first, PostNode *last) noexcept {
    auto &returned = pool().returned;
    PostNode *top = returned.load(std::memory_order_relaxed);
    do
      last->next = top;
    while (!returned.compare_exchange_weak(top, first, std::memory_order_release,
                                           std::memory_order_relaxed));
  }
};
thread_local ThreadCache t_cache;

void join_free_lists(SharedPool &p) {
  PostNode *joined = nullptr;
  for (PostNode *list : p.free_lists) {
    PostNode *last = list;
    while (last->next)
      last = last->next;
    last->next = joined;
    joined = list;
  }
  p.free_lists.clear();
  p.free_lists.push_back(joined);
}

/// Refills the calling thread's cache with up to kCacheMax nodes.
void refill() {
  SharedPool &p = pool();
  std::lock_guard lock(p.mutex);
  // Exchange-all has no ABA problem, unlike popping one node.
  if (PostNode *r = p.returned.exchange(nullptr, std::memory_order_acquire)) {
    if (p.free_lists.size() == kMaxFreeLists)
      join_free_lists(p);
    p.free_lists.push_back(r);
  }
  if (p.free_lists.empty()) {
    const int size = p.chunks.empty() ? kFirstChunk : kChunk;
    auto chunk = std::make_unique<PostNode[]>(size);
    for (int i = 0; i + 1 < size; ++i)
      chunk[i].next = &chunk[i + 1];
    p.free_lists.push_back(chunk.get());
    p.chunks.push_back(std::move(chunk));
  }
  PostNode *head = p.free_lists.back(), *last = head;
  int n = 1;
  for (; n < kCacheMax && last->next; ++n)
    last = last->next;
  if (last->next)
    p.free_lists.back() = last->next;
  else
    p.free_lists.pop_back();
  last->next = nullptr;
  t_cache.head = head;
  t_cache.count = n;
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

void give_post_nodes(PostNode *first, PostNode *last) noexcept {
  // Top up this thread's cache first: the loop thread then posts from its
  // own handlers without touching the shared pool.
  while (first && t_cache.count < kCacheMax) {
    PostNode *node = first;
    first = node == last ? nullptr : node->next;
    node->next = t_cache.head;
    t_cache.head = node;
    ++t_cache.count;
  }
  if (first)
    ThreadCache::push_returned(first, last);
}

} // namespace evguard::detail
