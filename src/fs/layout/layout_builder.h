#pragma once
// Block allocation for one image: writers reserve their extents in the order image_plan.cpp
// gives, and every extent becomes a segment of the result stream.

#include <span>
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

/// One run of blocks of the image. A file costs one segment, so it is kept at 16 bytes.
struct Segment {
    enum class Kind : u8 { Zero, Metadata, FileData };
    u32 first_block = 0; // absolute LBA (ECMA-119 addresses are 32-bit)
    u32 blocks = 0;
    u32 ref = 0; // Metadata: the renderer's extent id; FileData: the ItemId
    Kind kind = Kind::Zero;
    u8 renderer = 0; // Metadata: index into LayoutBuilder::renderers()
    [[nodiscard]] ItemId item() const { return ref; }
    [[nodiscard]] u32 extent() const { return ref; }
};
static_assert(sizeof(Segment) == 16);

class LayoutBuilder {
public:
    explicit LayoutBuilder(u64 start_block) : m_next(start_block) {}
    u32 reserve_metadata(const ExtentRenderer& r, u32 extent, u64 blocks);
    u32 reserve_zero(u64 blocks);
    u32 place_file(ItemId item, u64 bytes);
    [[nodiscard]] u64 next_block() const { return m_next; }
    [[nodiscard]] std::vector<Segment> take_segments() {
        m_segments.shrink_to_fit();
        return std::move(m_segments);
    }
    [[nodiscard]] const std::vector<const ExtentRenderer*>& renderers() const {
        return m_renderers;
    }

private:
    u32 lba_checked() const;
    u8 renderer_index(const ExtentRenderer& r);
    u64 m_next;
    std::vector<Segment> m_segments;
    std::vector<const ExtentRenderer*> m_renderers;
};

} // namespace discwright::fs
