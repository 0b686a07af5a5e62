#pragma once
// The MMC vocabulary a recorder speaks (T10 MMC-6, SPC-4), as discwright's public types:
// profiles, feature codes, mode pages, and the decoded replies a DiscRecorder hands out (disc
// and track information, TOC, capacities, write speeds, sense). Values are MMC's own, so codes a
// device reports that are not named here pass through unchanged (IMAPI does the same).
//
// The byte layouts live in src/scsi/; these structs are what the decoders produce and what the
// virtual recorder's encoders consume, so one struct describes one reply in both directions.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/types.h"

namespace discwright {

/// MMC-6 5.3.1 Table 89 (IMAPI_PROFILE_TYPE): what kind of medium a drive sees.
enum class Profile : u16 {
    Invalid = 0x0000,
    NonRemovableDisk = 0x0001,
    RemovableDisk = 0x0002,
    MoErasable = 0x0003,
    MoWriteOnce = 0x0004,
    AsMo = 0x0005,
    CdRom = 0x0008,
    CdR = 0x0009,
    CdRw = 0x000A,
    DvdRom = 0x0010,
    DvdDashR = 0x0011,
    DvdRam = 0x0012,
    DvdDashRwRestrictedOverwrite = 0x0013,
    DvdDashRwSequential = 0x0014,
    DvdDashRDualLayerSequential = 0x0015,
    DvdDashRDualLayerJump = 0x0016,
    DvdPlusRw = 0x001A,
    DvdPlusR = 0x001B,
    DdCdRom = 0x0020,
    DdCdR = 0x0021,
    DdCdRw = 0x0022,
    DvdPlusRwDualLayer = 0x002A,
    DvdPlusRDualLayer = 0x002B,
    BdRom = 0x0040,
    BdRSequential = 0x0041,
    BdRRandom = 0x0042,
    BdRe = 0x0043,
    HdDvdRom = 0x0050,
    HdDvdR = 0x0051,
    HdDvdRam = 0x0052,
    NonStandard = 0xFFFF,
};
/// "DVD+R", "BD-R SRM" ... or "profile 0x1234" for codes without a name.
[[nodiscard]] std::string to_string(Profile p);

/// MMC-6 5.3 (IMAPI_FEATURE_PAGE_TYPE): feature codes of GET CONFIGURATION.
enum class FeatureCode : u16 {
    ProfileList = 0x0000,
    Core = 0x0001,
    Morphing = 0x0002,
    RemovableMedium = 0x0003,
    WriteProtect = 0x0004,
    RandomReadable = 0x0010,
    MultiRead = 0x001D,
    CdRead = 0x001E,
    DvdRead = 0x001F,
    RandomWritable = 0x0020,
    IncrementalStreamingWritable = 0x0021,
    SectorErasable = 0x0022,
    Formattable = 0x0023,
    HardwareDefectManagement = 0x0024,
    WriteOnce = 0x0025,
    RestrictedOverwrite = 0x0026,
    CdRwCavWrite = 0x0027,
    Mrw = 0x0028,
    EnhancedDefectReporting = 0x0029,
    DvdPlusRw = 0x002A,
    DvdPlusR = 0x002B,
    RigidRestrictedOverwrite = 0x002C,
    CdTrackAtOnce = 0x002D,
    CdMastering = 0x002E,
    DvdDashRRwWrite = 0x002F,
    DoubleDensityCdRead = 0x0030,
    DoubleDensityCdRWrite = 0x0031,
    DoubleDensityCdRwWrite = 0x0032,
    LayerJumpRecording = 0x0033,
    CdRwMediaWriteSupport = 0x0037,
    BdRPseudoOverwrite = 0x0038,
    DvdPlusRwDualLayer = 0x003A,
    DvdPlusRDualLayer = 0x003B,
    BdRead = 0x0040,
    BdWrite = 0x0041,
    Tsr = 0x0042,
    HdDvdRead = 0x0050,
    HdDvdWrite = 0x0051,
    HybridDisc = 0x0080,
    PowerManagement = 0x0100,
    Smart = 0x0101,
    EmbeddedChanger = 0x0102,
    CdAudioExternalPlay = 0x0103,
    MicrocodeUpgrade = 0x0104,
    Timeout = 0x0105,
    DvdCss = 0x0106,
    RealTimeStreaming = 0x0107,
    DriveSerialNumber = 0x0108,
    MediaSerialNumber = 0x0109,
    DiscControlBlocks = 0x010A,
    DvdCprm = 0x010B,
    FirmwareInformation = 0x010C,
    Aacs = 0x010D,
    Vcps = 0x0110,
};
/// "Random Writable", "BD Write" ... or "feature 0x1234".
[[nodiscard]] std::string to_string(FeatureCode f);

/// SPC-4 7.5 / MMC-6 7 (IMAPI_MODE_PAGE_TYPE).
enum class ModePageCode : u8 {
    ReadWriteErrorRecovery = 0x01,
    Mrw = 0x03,
    WriteParameters = 0x05,
    Caching = 0x08,
    PowerCondition = 0x1A,
    InformationalExceptions = 0x1C,
    TimeoutAndProtect = 0x1D,
    CapabilitiesAndMechanicalStatus = 0x2A, // IMAPI's LEGACY_CAPABILITIES
    AllPages = 0x3F,
};
[[nodiscard]] std::string to_string(ModePageCode p);

/// SPC-4 6.11 page control (IMAPI_MODE_PAGE_REQUEST_TYPE).
enum class ModePageControl : u8 { Current = 0, Changeable = 1, Default = 2, Saved = 3 };

/// MMC-6 6.27.2.1 address/number type (IMAPI_READ_TRACK_ADDRESS_TYPE).
enum class TrackAddressType : u8 { Lba = 0, Track = 1, Session = 2 };

/// Direction of a command's data phase.
enum class DataDirection : u8 { None, FromDevice, ToDevice };

/// A CD address in minutes, seconds and frames (75 per second). MSF 00:02:00 is LBA 0
/// (ECMA-130 14.2: the first 150 frames are the pregap of track 1).
struct Msf {
    u8 minute = 0;
    u8 second = 0;
    u8 frame = 0;
    constexpr auto operator<=>(const Msf&) const = default;
    /// LBA of this address; negative inside the lead-in.
    [[nodiscard]] constexpr i64 to_lba() const {
        return (i64{minute} * 60 + second) * 75 + frame - 150;
    }
    /// The MSF of an LBA (lba >= -150, below 100 minutes).
    [[nodiscard]] static constexpr Msf from_lba(i64 lba) {
        const i64 f = lba + 150;
        return {static_cast<u8>(f / (60 * 75)), static_cast<u8>(f / 75 % 60),
                static_cast<u8>(f % 75)};
    }
};

} // namespace discwright
