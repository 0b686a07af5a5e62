#include "fs/import/directory_records.h"

#include <cstring>

#include "fs/import/block_source.h"

namespace discwright::fs::import {

std::optional<RawRecord> DirectoryExtent::next() {
    using iso9660::DirectoryRecordHeader;
    while (m_pos < m_bytes.size()) {
        const std::size_t block_end =
            std::min<std::size_t>((m_pos / block_size + 1) * block_size, m_bytes.size());
        const u8 length = static_cast<u8>(m_bytes[m_pos]);
        if (length == 0) {
            m_pos = block_end;
            continue;
        }
        const u64 lba = m_lba + m_pos / block_size;
        const auto fail = [&](std::string_view why) {
            damaged(fmt::format("folder '{}': directory record at LBA {} offset {} {}", m_path, lba,
                                m_pos % block_size, why),
                    lba, m_path);
        };
        if (length < sizeof(DirectoryRecordHeader) + 1)
            fail(fmt::format("is {} bytes, shorter than the 34 a record needs", length));
        if (m_pos + length > block_end)
            fail(fmt::format("is {} bytes and crosses the end of its block", length));
        RawRecord r;
        std::memcpy(&r.header, m_bytes.data() + m_pos, sizeof r.header);
        const std::size_t id_length = r.header.file_identifier_length;
        if (id_length == 0) fail("has an empty identifier");
        const std::size_t id_end = sizeof(DirectoryRecordHeader) + id_length;
        if (id_end > length)
            fail(fmt::format("has a {}-byte identifier in {} bytes", id_length, length));
        const std::size_t su_start = id_end + (id_length % 2 == 0 ? 1 : 0);
        r.identifier = std::string_view(reinterpret_cast<const char*>(m_bytes.data() + m_pos) +
                                            sizeof(DirectoryRecordHeader),
                                        id_length);
        if (su_start < length) r.system_use = m_bytes.subspan(m_pos + su_start, length - su_start);
        r.lba = lba;
        r.offset = m_pos;
        m_pos += length;
        return r;
    }
    return std::nullopt;
}

iso9660::DirectoryRecordHeader root_record(const iso9660::VolumeDescriptor& vd) {
    iso9660::DirectoryRecordHeader h;
    std::memcpy(&h, vd.root_directory_record.data(), sizeof h);
    return h;
}

} // namespace discwright::fs::import
