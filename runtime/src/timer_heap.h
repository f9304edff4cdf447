// A 4-ary min-heap of timer deadlines. Four children per node halve the
// height of a binary heap and keep siblings in one cache line, which is
// what start/cancel churn pays for. Every move reports the node's new
// position to the owner (so cancel can erase from the middle in O(log n)).
#ifndef EVGUARD_RUNTIME_TIMER_HEAP_H
#define EVGUARD_RUNTIME_TIMER_HEAP_H

#include <cstdint>
#include <vector>

namespace evguard::detail {

class TimerHeap {
public:
  static constexpr std::uint32_t npos = UINT32_MAX;

  struct Node {
    std::int64_t deadline;
    std::uint64_t seq; // FIFO among equal deadlines
    std::uint32_t slot;
  };

  bool empty() const noexcept { return nodes_.empty(); }
  std::size_t size() const noexcept { return nodes_.size(); }
  const Node &top() const noexcept { return nodes_.front(); }

  /// `moved(slot, index)` is called for every node whose index changes.
  template <class Moved> void push(const Node &node, Moved &&moved) {
    nodes_.push_back(node);
    sift_up(static_cast<std::uint32_t>(nodes_.size() - 1), moved);
  }

  template <class Moved> void erase(std::uint32_t index, Moved &&moved) {
    std::uint32_t last = static_cast<std::uint32_t>(nodes_.size() - 1);
    if (index != last) {
      nodes_[index] = nodes_[last];
      nodes_.pop_back();
      if (index > 0 && less(nodes_[index], nodes_[parent(index)]))
        sift_up(index, moved);
      else
        sift_down(index, moved);
      return;
    }
    nodes_.pop_back();
  }

private:
  static std::uint32_t parent(std::uint32_t i) { return (i - 1) / 4; }
  static bool less(const Node &a, const Node &b) {
    return a.deadline < b.deadline ||
           (a.deadline == b.deadline && a.seq < b.seq);
  }

  template <class Moved> void sift_up(std::uint32_t i, Moved &moved) {
    Node node = nodes_[i];
    while (i > 0) {
      std::uint32_t p = parent(i);
      if (!less(node, nodes_[p]))
        break;
      nodes_[i] = nodes_[p];
      moved(nodes_[i].slot, i);
      i = p;
    }
    nodes_[i] = node;
    moved(node.slot, i);
  }

  template <class Moved> void sift_down(std::uint32_t i, Moved &moved) {
    const std::uint32_t n = static_cast<std::uint32_t>(nodes_.size());
    Node node = nodes_[i];
    for (;;) {
      std::uint32_t first = 4 * i + 1;
      if (first >= n)
        break;
      std::uint32_t best = first;
      std::uint32_t end = first + 4 < n ? first + 4 : n;
      for (std::uint32_t c = first + 1; c < end; ++c)
        if (less(nodes_[c], nodes_[best]))
          best = c;
      if (!less(nodes_[best], node))
        break;
      nodes_[i] = nodes_[best];
      moved(nodes_[i].slot, i);
      i = best;
    }
    nodes_[i] = node;
    moved(node.slot, i);
  }

  std::vector<Node> nodes_;
};

} // namespace evguard::detail

#endif
