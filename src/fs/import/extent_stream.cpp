#include "fs/import/extent_stream.h"

#include <algorithm>

#include "fs/import/block_source.h"

namespace discwright::fs::import {

ExtentStream::ExtentStream(StreamPtr image, std::vector<ImageExtent> extents, u64 size,
                           std::string path)
    : m_image(std::move(image)), m_extents(std::move(extents)), m_size(size),
      m_path(std::move(path)) {
    u64 at = 0;
    const u64 image_bytes = m_image->size();
    for (const auto& e : m_extents) {
        if (e.lba > image_bytes / block_size ||
            e.bytes + e.offset > image_bytes - e.lba * block_size)
            damaged(fmt::format("'{}': its data at LBA {} ({} bytes) lies past the end of the "
                                "image ({} blocks)",
                                m_path, e.lba, e.bytes, image_bytes / block_size),
                    e.lba, m_path);
        m_starts.push_back(at);
        at += e.bytes;
    }
    if (at < m_size)
        damaged(fmt::format("'{}' is {} bytes but its extents hold {}", m_path, m_size, at),
                std::nullopt, m_path);
}

std::size_t ExtentStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_size) return 0;
    std::size_t done = 0;
    const std::size_t want =
        static_cast<std::size_t>(std::min<u64>(buffer.size(), m_size - offset));
    auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
    std::size_t i = static_cast<std::size_t>(it - m_starts.begin()) - 1;
    while (done < want && i < m_extents.size()) {
        const u64 in_extent = offset + done - m_starts[i];
        const u64 n = std::min<u64>(want - done, m_extents[i].bytes - in_extent);
        if (n) {
            const std::size_t got =
                m_image->read_at(m_extents[i].lba * block_size + m_extents[i].offset + in_extent,
                                 buffer.subspan(done, n));
            if (got != n)
                throw Error(ErrorCode::ImportReadFailure,
                            fmt::format("'{}': short read at LBA {}", m_path, m_extents[i].lba))
                    .with_path(m_path)
                    .with_lba(m_extents[i].lba);
            done += n;
        }
        ++i;
    }
    return done;
}

std::string ExtentStream::description() const {
    return fmt::format("{} in {}", m_path, m_image->description());
}

} // namespace discwright::fs::import
