#pragma once
// What the data writer may do with the medium in a drive (IMAPI_FORMAT2_DATA_MEDIA_STATE) and
// why it may not write (IMAPI_MEDIA_WRITE_PROTECT_STATE). Both are bit sets: several bits can
// be set at once (a blank CD-R is Blank | Appendable), so test with has(), never with ==.

#include <string>
#include <vector>

#include "discwright/types.h"

namespace discwright {

enum class MediaState : u32 {
    Unknown = 0x0000,
    OverwriteOnly = 0x0001, // random-writable / restricted overwrite: writes start at sector 0
    Blank = 0x0002,
    Appendable = 0x0004,
    FinalSession = 0x0008, // one more session at most
    Damaged = 0x0400,
    EraseRequired = 0x0800,
    NonEmptySession = 0x1000, // the last session is open (incomplete)
    WriteProtected = 0x2000,
    Finalized = 0x4000,
    UnsupportedMedia = 0x8000,
};
inline constexpr u32 media_state_informational_mask = 0x000F;
inline constexpr u32 media_state_unsupported_mask = 0xFC00;

constexpr MediaState operator|(MediaState a, MediaState b) {
    return static_cast<MediaState>(static_cast<u32>(a) | static_cast<u32>(b));
}
constexpr MediaState& operator|=(MediaState& a, MediaState b) {
    return a = a | b;
}
/// True when every bit of `bits` is set in `state`.
constexpr bool has(MediaState state, MediaState bits) {
    return (static_cast<u32>(state) & static_cast<u32>(bits)) == static_cast<u32>(bits) &&
           bits != MediaState::Unknown;
}
/// True when the data writer cannot use the medium (IMAPI's unsupported mask).
constexpr bool unusable(MediaState state) {
    return (static_cast<u32>(state) & media_state_unsupported_mask) != 0;
}
/// The names of the set bits: "blank", "appendable", "overwrite-only" ...; {"unknown"} for none.
[[nodiscard]] std::vector<std::string> to_strings(MediaState state);

enum class WriteProtectState : u32 {
    None = 0,
    UntilPowerdown = 0x00001,        // MMC SWPP
    ByCartridge = 0x00002,           // the cartridge's tab
    ByMediaSpecificReason = 0x00004, // e.g. a closed write-once disc
    BySoftwareWriteProtect = 0x00008,
    ByDiscControlBlock = 0x00010,
    ReadOnlyMedia = 0x04000, // a pressed or read-only medium type
};
constexpr WriteProtectState operator|(WriteProtectState a, WriteProtectState b) {
    return static_cast<WriteProtectState>(static_cast<u32>(a) | static_cast<u32>(b));
}
constexpr WriteProtectState& operator|=(WriteProtectState& a, WriteProtectState b) {
    return a = a | b;
}
constexpr bool has(WriteProtectState state, WriteProtectState bits) {
    return (static_cast<u32>(state) & static_cast<u32>(bits)) == static_cast<u32>(bits) &&
           bits != WriteProtectState::None;
}
[[nodiscard]] std::vector<std::string> to_strings(WriteProtectState state);

} // namespace discwright
