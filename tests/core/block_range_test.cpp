#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/block_range.h"
#include "discwright/error.h"

namespace discwright {
namespace {

BlockRange range(u64 a, u64 b) {
    return {Lba{a}, Lba{b}};
}

TEST(BlockRange, CountIsInclusive) {
    EXPECT_EQ(range(10, 10).count(), BlockCount{1});
    EXPECT_EQ(range(10, 19).count(), BlockCount{10});
    EXPECT_TRUE(range(10, 19).contains(Lba{10}));
    EXPECT_TRUE(range(10, 19).contains(Lba{19}));
    EXPECT_FALSE(range(10, 19).contains(Lba{9}));
    EXPECT_FALSE(range(10, 19).contains(Lba{20}));
}

TEST(BlockRangeList, StartsEmpty) {
    BlockRangeList l;
    EXPECT_TRUE(l.empty());
    EXPECT_EQ(l.total(), BlockCount{0});
    EXPECT_FALSE(l.contains(Lba{0}));
}

TEST(BlockRangeList, KeepsDisjointRangesSorted) {
    BlockRangeList l;
    l.add(range(50, 59));
    l.add(range(10, 19));
    l.add(range(30, 30));
    EXPECT_EQ(l.ranges(), (std::vector{range(10, 19), range(30, 30), range(50, 59)}));
    EXPECT_EQ(l.total(), BlockCount{21});
    EXPECT_FALSE(l.empty());
}

TEST(BlockRangeList, MergesTouchingRanges) {
    BlockRangeList l;
    l.add(range(10, 19));
    l.add(range(20, 29)); // touches the end
    l.add(range(5, 9));   // touches the start
    EXPECT_EQ(l.ranges(), (std::vector{range(5, 29)}));
    l.add(range(31, 40)); // one block gap: stays apart
    EXPECT_EQ(l.ranges(), (std::vector{range(5, 29), range(31, 40)}));
    l.add(range(30, 30)); // fills the gap
    EXPECT_EQ(l.ranges(), (std::vector{range(5, 40)}));
    EXPECT_EQ(l.total(), BlockCount{36});
}

TEST(BlockRangeList, MergesOverlappingRanges) {
    BlockRangeList l;
    l.add(range(10, 20));
    l.add(range(15, 25));
    EXPECT_EQ(l.ranges(), (std::vector{range(10, 25)}));
    l.add(range(12, 14)); // inside
    EXPECT_EQ(l.ranges(), (std::vector{range(10, 25)}));
    l.add(range(0, 100)); // covers
    EXPECT_EQ(l.ranges(), (std::vector{range(0, 100)}));
}

TEST(BlockRangeList, OneRangeBridgesSeveral) {
    BlockRangeList l;
    for (u64 s : {0u, 10u, 20u, 30u, 40u})
        l.add(range(s, s + 4));
    EXPECT_EQ(l.ranges().size(), 5u);
    l.add(range(12, 31));
    EXPECT_EQ(l.ranges(), (std::vector{range(0, 4), range(10, 34), range(40, 44)}));
    EXPECT_EQ(l.total(), BlockCount{5 + 25 + 5});
}

TEST(BlockRangeList, Contains) {
    BlockRangeList l;
    l.add(range(10, 19));
    l.add(range(30, 39));
    for (u64 b : {10u, 15u, 19u, 30u, 39u})
        EXPECT_TRUE(l.contains(Lba{b})) << b;
    for (u64 b : {0u, 9u, 20u, 29u, 40u, 1000u})
        EXPECT_FALSE(l.contains(Lba{b})) << b;
}

TEST(BlockRangeList, HighestLbaDoesNotWrap) {
    constexpr u64 max = std::numeric_limits<u64>::max();
    BlockRangeList l;
    l.add(range(max - 5, max));
    l.add(range(0, 0));
    EXPECT_EQ(l.ranges(), (std::vector{range(0, 0), range(max - 5, max)}));
    l.add(range(max - 10, max - 6)); // touches the range ending at the highest LBA
    EXPECT_EQ(l.ranges(), (std::vector{range(0, 0), range(max - 10, max)}));
    l.add(range(max, max));
    EXPECT_EQ(l.ranges(), (std::vector{range(0, 0), range(max - 10, max)}));
    EXPECT_TRUE(l.contains(Lba{max}));
}

TEST(BlockRangeList, ReversedRangeIsInvalidParam) {
    BlockRangeList l;
    try {
        l.add(range(20, 10));
        FAIL() << "a reversed range was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
        EXPECT_EQ(e.message(), "block range: start LBA 20 is after end LBA 10");
    }
    EXPECT_TRUE(l.empty());
}

} // namespace
} // namespace discwright
