// A table of objects addressed by (index, generation) handles. Objects never
// move once created (chunked storage), so a handler can keep running while
// the table grows under it; released slots are reused through a free list,
// so steady-state registration does not allocate.
#ifndef EVGUARD_RUNTIME_SLOT_TABLE_H
#define EVGUARD_RUNTIME_SLOT_TABLE_H

#include <cstdint>
#include <memory>
#include <vector>

namespace evguard::detail {

template <class T> class SlotTable {
public:
  struct Entry {
    T value{};
    std::uint32_t gen = 1; // bumped on release; 0 is never used
    bool live = false;
  };

  /// A free (or new) slot, marked live. Returns its index.
  std::uint32_t acquire() {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      if ((size_ & kChunkMask) == 0)
        chunks_.push_back(std::make_unique<Entry[]>(kChunkSize));
      index = size_++;
      // Keep the free list's capacity >= the slot count so release() never
      // allocates.
      free_.reserve(size_);
    }
    at(index).live = true;
    ++live_;
    return index;
  }

  /// The live entry the handle names, or nullptr for a stale handle.
  Entry *lookup(std::uint32_t index, std::uint32_t gen) noexcept {
    if (index >= size_)
      return nullptr;
    Entry &e = at(index);
    return (e.live && e.gen == gen) ? &e : nullptr;
  }

  /// Ends the handle's life now (lookups fail from here on) but keeps the
  /// slot out of the free list until recycle(), so the object can finish
  /// running.
  void retire(std::uint32_t index) noexcept {
    Entry &e = at(index);
    e.live = false;
    if (++e.gen == 0)
      e.gen = 1;
    --live_;
  }
  /// Makes a retired slot reusable.
  void recycle(std::uint32_t index) noexcept { free_.push_back(index); }

  Entry &at(std::uint32_t index) noexcept {
    return chunks_[index >> kChunkBits][index & kChunkMask];
  }
  std::size_t live() const noexcept { return live_; }
  /// Slots ever created (live or not): bounds a walk over the table.
  std::uint32_t size() const noexcept { return size_; }

private:
  static constexpr std::uint32_t kChunkBits = 8;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr std::uint32_t kChunkMask = kChunkSize - 1;

  std::vector<std::unique_ptr<Entry[]>> chunks_;
  std::vector<std::uint32_t> free_;
  std::uint32_t size_ = 0;
  std::size_t live_ = 0;
};

} // namespace evguard::detail

#endif
