#include "evguard/callable.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

namespace {

int add_one(int x) { return x + 1; }

TEST(Callable, EmptyIsFalse) {
  evguard::Callable<void()> c;
  EXPECT_FALSE(c);
  evguard::Callable<int(int)> null_fn = static_cast<int (*)(int)>(nullptr);
  EXPECT_FALSE(null_fn);
}

TEST(Callable, SmallLambdaIsInlineAndCallable) {
  int hits = 0;
  evguard::Callable<void(int)> c = [&hits](int n) { hits += n; };
  ASSERT_TRUE(c);
  EXPECT_TRUE(c.is_inline());
  c(2);
  c(3);
  EXPECT_EQ(hits, 5);
}

TEST(Callable, LargeStateGoesToTheHeapAndStillWorks) {
  std::array<int, 64> big{};
  big[63] = 7;
  evguard::Callable<int()> c = [big] { return big[63]; };
  EXPECT_FALSE(c.is_inline());
  EXPECT_EQ(c(), 7);
}

TEST(Callable, MoveOnlyStateAndMoveTransfersOwnership) {
  auto p = std::make_unique<int>(41);
  evguard::Callable<int()> a = [p = std::move(p)] { return *p + 1; };
  evguard::Callable<int()> b = std::move(a);
  EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move): checking moved-from state
  EXPECT_EQ(b(), 42);
  a = std::move(b);
  EXPECT_EQ(a(), 42);
}

TEST(Callable, DestroysItsStateExactlyOnce) {
  auto counter = std::make_shared<int>(0);
  {
    evguard::Callable<void()> a = [counter] {};
    EXPECT_EQ(counter.use_count(), 2);
    evguard::Callable<void()> b = std::move(a);
    EXPECT_EQ(counter.use_count(), 2);
    b.reset();
    EXPECT_EQ(counter.use_count(), 1);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(Callable, CodeNamesTheHandler) {
  evguard::Callable<int(int)> fn = &add_one;
  EXPECT_EQ(fn.code(), reinterpret_cast<const void *>(&add_one));
  EXPECT_EQ(fn(1), 2);

  evguard::Callable<int(int)> l1 = [](int x) { return x; };
  evguard::Callable<int(int)> l2 = [](int x) { return -x; };
  EXPECT_NE(l1.code(), nullptr);
  EXPECT_NE(l1.code(), l2.code()); // one invoker per lambda type
  const void *before = l1.code();
  evguard::Callable<int(int)> moved = std::move(l1);
  EXPECT_EQ(moved.code(), before);
}

} // namespace
