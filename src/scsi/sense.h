#pragma once
// SCSI sense data (SPC-4 4.5): decoding what a drive reports after CHECK CONDITION into words,
// the discwright ErrorCode and a retry decision, and encoding fixed-format sense for targets.
// The decision lives in one table (sense.cpp), so no transport or recorder decides on its own
// which sense is worth a retry.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "discwright/error.h"
#include "discwright/types.h"

namespace discwright::scsi {

/// SPC-4 4.5.6: sense keys.
enum class SenseKey : u8 {
    NoSense = 0x0,
    RecoveredError = 0x1,
    NotReady = 0x2,
    MediumError = 0x3,
    HardwareError = 0x4,
    IllegalRequest = 0x5,
    UnitAttention = 0x6,
    DataProtect = 0x7,
    BlankCheck = 0x8,
    VendorSpecific = 0x9,
    CopyAborted = 0xA,
    AbortedCommand = 0xB,
    VolumeOverflow = 0xD,
    Miscompare = 0xE,
};
/// "ILLEGAL REQUEST"; "SENSE KEY 0xC" for the reserved value.
[[nodiscard]] std::string_view to_string(SenseKey key);

/// What the caller of a failed command should do about it.
enum class RetryAdvice : u8 {
    Fail,        // report the error
    Immediately, // send the command again now (a unit attention, an aborted command)
    AfterDelay,  // wait, then send it again (becoming ready, formatting, a long write)
};

/// The discwright reading of a sense key / ASC / ASCQ.
struct SenseOutcome {
    ErrorCode error_code = ErrorCode::DeviceCommandFailed;
    RetryAdvice retry = RetryAdvice::Fail;
    auto operator<=>(const SenseOutcome&) const = default;
};
/// The one mapping table from sense to ErrorCode and RetryAdvice.
[[nodiscard]] SenseOutcome classify_sense(SenseKey key, u8 asc, u8 ascq);

/// Decoded sense data.
struct SenseInfo {
    bool valid = false;    // a recognised response code (70h-73h) and the sense key arrived
    bool deferred = false; // 71h/73h: the error belongs to an earlier command
    SenseKey key = SenseKey::NoSense;
    u8 asc = 0;
    u8 ascq = 0;
    /// The INFORMATION field when its VALID bit is set (for a read or write error: the LBA).
    std::optional<u64> information;
    /// SPC-4 4.5.2.4.4: progress indication (SKSV set, key NO SENSE or NOT READY), of 65536.
    std::optional<u16> progress;
    /// "MEDIUM NOT PRESENT - TRAY OPEN", "ASC 0x.. ASCQ 0x.." when unknown, or why the bytes
    /// are not sense ("no sense data", "unrecognised sense format 0x..").
    std::string description;
    ErrorCode error_code = ErrorCode::DeviceCommandFailed;
    RetryAdvice retry = RetryAdvice::Fail;

    /// For Error::with_sense.
    [[nodiscard]] SenseCode code() const;
};

/// Decodes fixed (70h/71h) and descriptor (72h/73h, information descriptor 00h and sense-key
/// specific descriptor 02h) sense. Total on any bytes: lengths the device reports are bounded
/// by the bytes received, and anything unrecognisable gives valid == false.
[[nodiscard]] SenseInfo decode_sense(std::span<const std::byte> sense);

/// SPC-4 4.5.3: 18 bytes of current fixed-format sense, for targets. `information` sets the
/// VALID bit; `progress` sets SKSV and the progress indication in bytes 16-17.
[[nodiscard]] std::vector<std::byte> encode_fixed_sense(SenseKey key, u8 asc, u8 ascq,
                                                        std::optional<u32> information = {},
                                                        std::optional<u16> progress = {});

/// SPC-4 Annex D / MMC-6 Annex F words for an ASC/ASCQ pair; "" when unknown.
[[nodiscard]] std::string_view describe_asc(u8 asc, u8 ascq);

} // namespace discwright::scsi

/// "5/24/00 INVALID FIELD IN CDB".
template <> struct fmt::formatter<discwright::scsi::SenseInfo> : fmt::formatter<std::string_view> {
    auto format(const discwright::scsi::SenseInfo& s, fmt::format_context& ctx) const {
        return fmt::format_to(ctx.out(), "{:X}/{:02X}/{:02X} {}", static_cast<unsigned>(s.key),
                              s.asc, s.ascq, s.description);
    }
};
