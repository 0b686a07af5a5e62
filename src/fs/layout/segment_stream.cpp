#include "fs/layout/segment_stream.h"

#include <algorithm>
#include <cstring>

#include "fs/layout/item_data.h"

namespace discwright::fs {

std::size_t find_segment(const std::vector<Segment>& segments, u64 block) {
    auto it = std::upper_bound(segments.begin(), segments.end(), block,
                               [](u64 b, const Segment& s) { return b < s.first_block; });
    return static_cast<std::size_t>(it - segments.begin()) - 1;
}

void SegmentStream::read_segment(const Segment& s, u64 offset, std::span<std::byte> out) const {
    switch (s.kind) {
    case Segment::Kind::Zero:
        std::memset(out.data(), 0, out.size());
        return;
    case Segment::Kind::Metadata: {
        std::lock_guard lock(m_mutex);
        if (m_rendered_segment != &s) {
            m_rendered.assign(u64{s.blocks} * block_size, std::byte{0});
            m_plan->render(s, m_rendered);
            m_rendered_segment = &s;
        }
        std::memcpy(out.data(), m_rendered.data() + offset, out.size());
        return;
    }
    case Segment::Kind::FileData: {
        StreamPtr data;
        {
            std::lock_guard lock(m_mutex);
            if (m_open_item != s.item()) {
                m_open_data = open_item_data(m_plan->tree(), s.item());
                m_open_item = s.item();
            }
            data = m_open_data;
        }
        std::size_t got = 0;
        const u64 bytes = m_plan->file_bytes(s);
        if (offset < bytes) {
            auto want = static_cast<std::size_t>(std::min<u64>(out.size(), bytes - offset));
            got = data->read_at(offset, out.first(want));
            if (got != want)
                throw Error(ErrorCode::DataStreamInconsistency,
                            fmt::format("'{}' ended early: {} bytes expected at offset {}, {} read",
                                        data->description(), want, offset, got));
        }
        std::memset(out.data() + got, 0, out.size() - got); // the last block's padding
        return;
    }
    }
}

std::size_t SegmentStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    const u64 total = size();
    if (offset >= total) return 0;
    const auto n = static_cast<std::size_t>(std::min<u64>(buffer.size(), total - offset));
    const auto& segments = m_plan->segments();
    const u64 base = m_plan->start_block() * block_size;
    std::size_t done = 0;
    while (done < n) {
        const u64 abs = base + offset + done;
        const Segment& s = segments[find_segment(segments, abs / block_size)];
        const u64 in_segment = abs - u64{s.first_block} * block_size;
        const auto take = static_cast<std::size_t>(
            std::min<u64>(n - done, u64{s.blocks} * block_size - in_segment));
        read_segment(s, in_segment, buffer.subspan(done, take));
        done += take;
    }
    return n;
}

} // namespace discwright::fs
