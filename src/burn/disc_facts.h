#pragma once
// One snapshot of what the data writer needs to know about the medium in a drive: its
// profile and rules, IMAPI's media state, and the addresses of IMAPI's data writer properties
// (total and free sectors, next writable address, previous session). Read once per decision.

#include <optional>
#include <span>

#include "burn/media_rules.h"
#include "discwright/disc_recorder.h"
#include "discwright/multisession.h"

namespace discwright::burn {

struct DiscFacts {
    Profile profile = Profile::Invalid;
    MediaType type = MediaType::Unknown;
    std::optional<MediaRules> rules; // nullopt: the data writer cannot write this medium
    MediaState state = MediaState::Unknown;
    WriteProtectState protection = WriteProtectState::None;
    std::optional<DiscInformation> disc;
    /// Overwritable media that must be formatted before the first write (FORMAT UNIT type).
    std::optional<u8> format_type;
    u64 total_sectors = 0;
    /// Sectors a new session (sequential) or the image (overwritable) may take.
    u64 free_sectors = 0;
    i64 next_writable_address = 0;
    i64 previous_session_start = -1;
    i64 previous_session_last = -1;
    /// Overwritable media: the end of the ISO 9660 volume at LBA 16 (0 when there is none).
    u64 volume_end = 0;
    u16 sessions = 0; // complete sessions on sequential media

    [[nodiscard]] bool present() const { return profile != Profile::Invalid; }
    [[nodiscard]] bool sequential() const {
        return rules && rules->recording == Recording::Sequential;
    }
};

/// Reads the facts. Throws the drive's errors except for a missing medium (profile Invalid).
[[nodiscard]] DiscFacts read_disc_facts(DiscRecorder& recorder);

/// The volume space size of an ISO 9660 primary volume descriptor block (ECMA-119 8.4.8), or
/// nullopt when the block is not one.
[[nodiscard]] std::optional<u64> iso_volume_end(std::span<const std::byte> block16);
/// The root directory's extent LBA of an ISO 9660 primary volume descriptor block.
[[nodiscard]] std::optional<u64> iso_root_lba(std::span<const std::byte> block16);

/// IMAPI's multisession description of the medium the facts describe.
[[nodiscard]] MultisessionInfo multisession_info(const DiscFacts& facts);

/// Reads `out.size() / 2048` sectors from `lba` with READ(10)s of the transport's size.
void read_sectors(DiscRecorder& recorder, u64 lba, std::span<std::byte> out);

} // namespace discwright::burn
