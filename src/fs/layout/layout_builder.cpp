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

u8 LayoutBuilder::renderer_index(const ExtentRenderer& r) {
    for (std::size_t i = 0; i < m_renderers.size(); ++i)
        if (m_renderers[i] == &r) return static_cast<u8>(i);
    m_renderers.push_back(&r);
    return static_cast<u8>(m_renderers.size() - 1);
}

u32 LayoutBuilder::reserve_metadata(const ExtentRenderer& r, u32 extent, u64 blocks) {
    const u32 lba = lba_checked();
    m_next += blocks;
    lba_checked(); // the end must be addressable too
    if (blocks)
        m_segments.push_back(
            {lba, static_cast<u32>(blocks), extent, Segment::Kind::Metadata, renderer_index(r)});
    return lba;
}

u32 LayoutBuilder::reserve_zero(u64 blocks) {
    const u32 lba = lba_checked();
    m_next += blocks;
    lba_checked();
    if (blocks) m_segments.push_back({lba, static_cast<u32>(blocks), 0, Segment::Kind::Zero, 0});
    return lba;
}

u32 LayoutBuilder::place_file(ItemId item, u64 bytes) {
    const u32 lba = lba_checked();
    m_next += BlockCount::for_bytes(bytes).value;
    lba_checked();
    m_segments.push_back({lba, static_cast<u32>(m_next - lba), item, Segment::Kind::FileData, 0});
    return lba;
}

} // namespace discwright::fs
