#include "fs/layout/layout_builder.h"

#include "discwright/error.h"

namespace discwright::fs {

u32 LayoutBuilder::lba_checked() const {
    // ECMA-119 extents are addressed with 32 bits.
    if (m_next > 0xffff'ffffull)
        throw Error(ErrorCode::ImageTooBig,
                    fmt::format("image needs block {}, past the 32-bit block addresses of ISO 9660 "
                                "(8 TiB)",
                                m_next));
    return static_cast<u32>(m_next);
}

u32 LayoutBuilder::reserve_metadata(const ExtentRenderer& r, u32 extent, u64 blocks) {
    u32 lba = lba_checked();
    if (blocks) m_segments.push_back({m_next, blocks, Segment::Kind::Metadata, &r, extent});
    m_next += blocks;
    return lba;
}

u32 LayoutBuilder::reserve_zero(u64 blocks) {
    u32 lba = lba_checked();
    if (blocks) m_segments.push_back({m_next, blocks, Segment::Kind::Zero});
    m_next += blocks;
    return lba;
}

u32 LayoutBuilder::place_file(ItemId item, u64 bytes) {
    u32 lba = lba_checked();
    u64 blocks = BlockCount::for_bytes(bytes).value;
    m_segments.push_back({m_next, blocks, Segment::Kind::FileData, nullptr, 0, item, bytes});
    m_next += blocks;
    lba_checked();
    return lba;
}

} // namespace discwright::fs
