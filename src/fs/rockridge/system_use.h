#pragma once
// Rock Ridge (RRIP 1.12) entries in SUSP 1.12 system use areas, and their placement: what fits
// stays in the directory record, the rest goes to continuation areas (CE) in the directory's
// continuation extent. An area never crosses a block boundary; a long symlink chains areas.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/clock.h"
#include "discwright/types.h"

namespace discwright::fs::rockridge {

/// What one directory record says in Rock Ridge.
struct RecordFacts {
    bool root_dot = false; // the root's "." record: SP first, ER
    u32 mode = 0;
    u32 links = 1;
    u32 uid = 0, gid = 0;
    u32 serial = 0;
    UnixTime modify = 0, access = 0, attributes = 0;
    std::string_view name;          // NM; empty for "." and ".."
    std::string_view symlink;       // SL target; empty when not a symlink
    std::optional<u64> device;      // PN, as (major << 32 | minor)
    std::optional<u32> child_link;  // CL: where the relocated directory is
    std::optional<u32> parent_link; // PL: the original parent of a relocated directory
    bool relocated = false;         // RE
};

/// The SUSP entries of a record, in recording order.
std::vector<std::string> encode_entries(const RecordFacts& facts);

/// Continuation areas of one directory, packed block by block from `first_lba`.
class ContinuationSpace {
public:
    explicit ContinuationSpace(u32 first_lba) : m_first_lba(first_lba) {}
    struct Area {
        u32 block;    // absolute LBA
        u32 offset;   // within the block
        u32 position; // within bytes()
    };
    /// Reserves `bytes` (<= 2048) without crossing a block.
    Area allocate(u32 bytes);
    [[nodiscard]] std::string& bytes() { return m_bytes; }
    [[nodiscard]] u32 blocks() const;

private:
    u32 m_first_lba;
    std::string m_bytes;
};

/// Lays `entries` out: returns the bytes for the record's system use area (at most `room`),
/// writing any overflow into `space`.
std::string place_entries(const std::vector<std::string>& entries, std::size_t room,
                          ContinuationSpace& space);

} // namespace discwright::fs::rockridge
