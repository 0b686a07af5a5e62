// BlockRangeList: IMAPI's IBlockRangeList, kept sorted and minimal.

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "discwright/block_range.h"
#include "discwright/error.h"

namespace discwright {

void BlockRangeList::add(BlockRange r) {
    if (r.end_lba < r.start_lba)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("block range: start LBA {} is after end LBA {}", r.start_lba.value,
                                r.end_lba.value))
            .with_lba(r.start_lba.value);
    // Ranges before `first` end more than one block before r starts, so they neither overlap
    // nor touch it. Every range from `first` up to `last` overlaps or touches r.
    auto first = std::lower_bound(m_ranges.begin(), m_ranges.end(), r.start_lba,
                                  [](const BlockRange& x, Lba start) {
                                      return x.end_lba.value != std::numeric_limits<u64>::max() &&
                                             x.end_lba.value + 1 < start.value;
                                  });
    auto last = first;
    while (last != m_ranges.end() && (r.end_lba.value == std::numeric_limits<u64>::max() ||
                                      last->start_lba.value <= r.end_lba.value + 1)) {
        r.start_lba = std::min(r.start_lba, last->start_lba);
        r.end_lba = std::max(r.end_lba, last->end_lba);
        ++last;
    }
    first = m_ranges.erase(first, last);
    m_ranges.insert(first, r);
}

BlockCount BlockRangeList::total() const {
    BlockCount n;
    for (const auto& r : m_ranges)
        n = n + r.count();
    return n;
}

bool BlockRangeList::contains(Lba b) const {
    auto it = std::lower_bound(m_ranges.begin(), m_ranges.end(), b,
                               [](const BlockRange& x, Lba v) { return x.end_lba < v; });
    return it != m_ranges.end() && it->contains(b);
}

} // namespace discwright
