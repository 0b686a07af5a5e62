#pragma once
// Block allocation for one image: writers reserve their extents in the order image_plan.cpp
// gives, and every extent becomes a segment of the result stream.

#include <vector>

#include "discwright/types.h"
#include "fs/item_tree.h"

namespace discwright::fs {

/// Renders metadata extents on demand (STYLE.md section 3, step 3).
class ExtentRenderer {
public:
    virtual ~ExtentRenderer() = default;
    /// Fills `out` (the whole extent, blocks * 2048 bytes) with the extent's bytes.
    virtual void render(u32 extent, std::span<std::byte> out) const = 0;
};

struct Segment {
    enum class Kind : u8 { Zero, Metadata, FileData };
    u64 first_block = 0; // absolute LBA
    u64 blocks = 0;
    Kind kind = Kind::Zero;
    const ExtentRenderer* renderer = nullptr; // Metadata
    u32 extent = 0;                           // Metadata: the renderer's extent id
    ItemId item = no_item;                    // FileData
    u64 bytes = 0;                            // FileData: the file's size (last block padded)
};

class LayoutBuilder {
public:
    explicit LayoutBuilder(u64 start_block) : m_next(start_block) {}
    u32 reserve_metadata(const ExtentRenderer& r, u32 extent, u64 blocks);
    u32 reserve_zero(u64 blocks);
    u32 place_file(ItemId item, u64 bytes);
    [[nodiscard]] u64 next_block() const { return m_next; }
    [[nodiscard]] std::vector<Segment> take_segments() { return std::move(m_segments); }

private:
    u32 lba_checked() const;
    u64 m_next;
    std::vector<Segment> m_segments;
};

} // namespace discwright::fs
