#pragma once
// Directory records (ECMA-119 9.1) out of a directory extent: each checked against its own
// length, its block and the extent before anything in it is used.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fs/iso9660/on_disk.h"

namespace discwright::fs::import {

struct RawRecord {
    iso9660::DirectoryRecordHeader header;
    std::string_view identifier; ///< the identifier bytes (into the extent)
    std::span<const std::byte> system_use;
    u64 lba = 0;            ///< the block holding the record
    std::size_t offset = 0; ///< the record's offset in the extent
    [[nodiscard]] u32 location() const { return header.extent_location.value(); }
    [[nodiscard]] u32 data_length() const { return header.data_length.value(); }
    [[nodiscard]] u8 flags() const { return header.flags; }
    [[nodiscard]] bool is_directory() const { return flags() & iso9660::flag_directory; }
    [[nodiscard]] bool is_dot() const { return identifier.size() == 1 && identifier[0] == '\0'; }
    [[nodiscard]] bool is_dotdot() const { return identifier.size() == 1 && identifier[0] == '\1'; }
};

/// Walks the records of one directory extent. A record never crosses a block boundary
/// (ECMA-119 6.8.1.1): a zero length byte means "the rest of this block is padding".
class DirectoryExtent {
public:
    DirectoryExtent(std::span<const std::byte> bytes, u64 lba, std::string path)
        : m_bytes(bytes), m_lba(lba), m_path(std::move(path)) {}

    /// The next record, or nullopt at the end. A record that does not fit its length, its
    /// block or the extent: FileSystemReadConsistency naming the folder, LBA and offset.
    std::optional<RawRecord> next();

private:
    std::span<const std::byte> m_bytes;
    u64 m_lba;
    std::string m_path;
    std::size_t m_pos = 0;
};

/// The root directory record of a volume descriptor (BP 157-190).
iso9660::DirectoryRecordHeader root_record(const iso9660::VolumeDescriptor& vd);

} // namespace discwright::fs::import
