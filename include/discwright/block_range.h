#pragma once
// IBlockRange / IBlockRangeList: inclusive ranges of logical blocks, e.g. the blocks of a file
// in an image or the blocks a rewritable-media append changes.

#include <vector>

#include "discwright/types.h"

namespace discwright {

struct BlockRange {
    Lba start_lba;
    Lba end_lba; // inclusive, as IMAPI's EndLba
    [[nodiscard]] BlockCount count() const { return {end_lba.value - start_lba.value + 1}; }
    [[nodiscard]] bool contains(Lba b) const { return start_lba <= b && b <= end_lba; }
    bool operator==(const BlockRange&) const = default;
};

/// An ordered list of block ranges. add() keeps the list sorted and merges touching or
/// overlapping ranges, so the list is always minimal.
class BlockRangeList {
public:
    BlockRangeList() = default;
    void add(BlockRange r);
    [[nodiscard]] const std::vector<BlockRange>& ranges() const { return m_ranges; }
    [[nodiscard]] BlockCount total() const;
    [[nodiscard]] bool contains(Lba b) const;
    [[nodiscard]] bool empty() const { return m_ranges.empty(); }

private:
    std::vector<BlockRange> m_ranges;
};

} // namespace discwright
