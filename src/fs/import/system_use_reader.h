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

/// Bounds on what one record's system use may add up to. RRIP sets no limit on names or link
/// targets; these are far above what any file system can hold (NAME_MAX 255, PATH_MAX 4096).
inline constexpr std::size_t max_rock_ridge_name_bytes = 1024;
inline constexpr std::size_t max_symlink_target_bytes = 4096;
/// Continuation areas one record may follow: hops, and bytes over all of them.
inline constexpr int max_continuations = 64;
inline constexpr u64 max_continuation_bytes = 64 * 1024;

class SystemUseReader {
public:
    /// What one reader spends on continuation areas (their bytes, and the blocks read for
    /// them) adds up to at most twice the image's size. Writers give every record its own
    /// area, so more means areas shared or looping, whose cost would otherwise grow with the
    /// number of records times the chain.
    explicit SystemUseReader(const BlockSource& image)
        : m_image(&image), m_continuation_budget(2 * image.stream().size()) {}

    /// The Rock Ridge fields of one record's system use area (after `skip` bytes).
    /// `path` and `lba` name the record in errors.
    RockRidge read(std::span<const std::byte> system_use, u8 skip, const RecordPath& path, u64 lba);

private:
    void parse(std::span<const std::byte> area, RockRidge& rr, const RecordPath& path, u64 lba,
               int depth);
    std::span<const std::byte> continuation(u64 lba, u64 offset, u64 length, const RecordPath& path,
                                            u64 from_lba);
    const BlockSource* m_image;
    u64 m_continuation_budget;     // bytes this reader may still spend on continuation areas
    u64 m_record_continuation = 0; // bytes of continuation areas followed for this record
    // Continuation areas of neighbouring records share blocks: keep the last ones read.
    u64 m_cached_lba = ~u64{0};
    std::vector<std::byte> m_cached;
    bool m_symlink_open = false; // the last SL component continues
};

} // namespace discwright::fs::import
