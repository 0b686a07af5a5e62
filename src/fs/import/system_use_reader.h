#pragma once
// The System Use Sharing Protocol (SUSP 1.12) and Rock Ridge (RRIP 1.09-1.12) entries of a
// directory record, continuation areas (CE) followed, every length checked.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "discwright/clock.h"
#include "fs/import/block_source.h"

namespace discwright::fs::import {

/// SUSP 5.3: the SP entry that opens the root's "." record, and the bytes to skip at the
/// start of every other system use area.
struct SpEntry {
    u8 skip = 0;
};
std::optional<SpEntry> find_sp(std::span<const std::byte> system_use);

struct RockRidge {
    bool present = false;                                         ///< any RRIP entry at all
    std::optional<u32> mode, links, uid, gid, serial;             // PX
    std::optional<u64> device;                                    // PN: high << 32 | low
    std::optional<std::string> name;                              // NM, pieces joined
    std::optional<std::string> symlink;                           // SL, components joined with '/'
    std::optional<u32> child_link, parent_link;                   // CL, PL
    bool relocated = false;                                       // RE
    std::optional<UnixTime> creation, modify, access, attributes; // TF
    bool zisofs = false; // ZF: compressed data (not decoded)
};

class SystemUseReader {
public:
    explicit SystemUseReader(const BlockSource& image) : m_image(&image) {}

    /// The Rock Ridge fields of one record's system use area (after `skip` bytes).
    /// `path` and `lba` name the record in errors.
    RockRidge read(std::span<const std::byte> system_use, u8 skip, const std::string& path,
                   u64 lba);

private:
    void parse(std::span<const std::byte> area, RockRidge& rr, const std::string& path, u64 lba,
               int depth);
    std::span<const std::byte> continuation(u64 lba, u64 offset, u64 length,
                                            const std::string& path);
    const BlockSource* m_image;
    // Continuation areas of neighbouring records share blocks: keep the last ones read.
    u64 m_cached_lba = ~u64{0};
    std::vector<std::byte> m_cached;
    bool m_symlink_open = false; // the last SL component continues
};

} // namespace discwright::fs::import
