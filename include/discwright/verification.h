#pragma once
// Burn verification (IMAPI's IBurnVerification) and the comparisons behind `discwright verify`.
//
// Quick: the drive answers READ DISC INFORMATION and READ TRACK INFORMATION for every track,
// and the sectors that decide whether a disc mounts (the system and volume descriptor area),
// the session's last sectors and a spread sample of 32 places match the source. Full: every
// sector of the session matches the source; the data writer compares checksums (XXH3) taken
// while it wrote, so the source is read once.

#include <functional>
#include <optional>
#include <string>

#include "discwright/cancellation.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

/// IMAPI_BURN_VERIFICATION_LEVEL.
enum class VerificationLevel : u8 { None = 0, Quick = 1, Full = 2 };
[[nodiscard]] const char* to_string(VerificationLevel v);

struct VerificationReport {
    VerificationLevel level = VerificationLevel::None;
    u64 start_lba = 0;        // where the compared session begins on the medium
    u64 sectors = 0;          // sectors in the session
    u64 sectors_compared = 0; // sectors actually read back and compared
    /// The first sector that differs (an LBA of the medium), if any.
    std::optional<u64> first_mismatch_lba = std::nullopt;
    [[nodiscard]] bool passed() const { return !first_mismatch_lba; }
};

/// Progress of a verification: sectors compared so far of those it will compare.
using VerificationProgress = std::function<void(u64 done, u64 total)>;

/// Compares the sectors of `source` (from its byte 0, whole 2048-byte sectors) with `medium`
/// from `start_lba` at `level` (None compares nothing). `medium` is an image file or a disc
/// (DiscStream). Never throws for a mismatch: the report says where; read failures throw.
[[nodiscard]] VerificationReport compare_with_source(const Stream& medium, u64 start_lba,
                                                     const Stream& source, VerificationLevel level,
                                                     const VerificationProgress& progress = {},
                                                     CancellationToken cancel = {});

} // namespace discwright
