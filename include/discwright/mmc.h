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
#include <cstdint>
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
    /// LBA of this address. MMC-6 Table 570: minutes 90-99 address the lead-in, which lies
    /// before LBA -150 (ATIP's start of lead-in, e.g. 97:26:66, is LBA -11634;
    /// 90:00:00 is LBA -45150).
    [[nodiscard]] constexpr i64 to_lba() const {
        const i64 f = (i64{minute} * 60 + second) * 75 + frame;
        return minute >= 90 ? f - 450150 : f - 150;
    }
    /// The MSF of an LBA from -45150 (90:00:00) to 100 minutes.
    [[nodiscard]] static constexpr Msf from_lba(i64 lba) {
        const i64 f = lba >= -150 ? lba + 150 : lba + 450150;
        return {static_cast<u8>(f / (60 * 75)), static_cast<u8>(f / 75 % 60),
                static_cast<u8>(f % 75)};
    }
};

/// An address field of four bytes that holds an MSF: byte 0 zero, then minute, second, frame
/// (MMC-6 6.26, READ TOC with MSF = 1; MMC-6 6.22.3.1, the lead-in and lead-out fields of a CD).
[[nodiscard]] constexpr Msf msf_from_address_field(u32 field) {
    return {static_cast<u8>(field >> 16), static_cast<u8>(field >> 8), static_cast<u8>(field)};
}
[[nodiscard]] constexpr u32 address_field_from_msf(Msf m) {
    return (u32{m.minute} << 16) | (u32{m.second} << 8) | u32{m.frame};
}

// ------------------------------------------------------------------------------------------
// Decoded replies. Fields a drive did not send (a reply cut short by the allocation length or
// by an older drive) are zero, or empty when the field is optional. Data lengths are not kept:
// encoders compute them, and scsi::reported_*_length tell a caller how long a reply claims to be.

/// SPC-4 6.4.2: standard INQUIRY data.
struct InquiryData {
    u8 peripheral_qualifier = 0;   // byte 0 bits 7-5: 000b a device is connected
    u8 peripheral_device_type = 5; // byte 0 bits 4-0: 05h CD/DVD/BD (MMC) device
    bool removable = true;         // RMB, byte 1 bit 7
    u8 version = 0;                // byte 2: 05h SPC-3, 06h SPC-4 (0 claims no standard)
    u8 response_data_format = 2;   // byte 3 bits 3-0: always 2
    /// Byte 4: the bytes that follow byte 4 as the drive reported them; encoders write 31.
    u8 additional_length = 31;
    std::string vendor;   // T10 vendor identification, bytes 8-15, trailing spaces removed
    std::string product;  // product identification, bytes 16-31
    std::string revision; // product revision level, bytes 32-35
    bool operator==(const InquiryData&) const = default;
};

/// MMC-6 5.2: a feature descriptor of GET CONFIGURATION, with its additional data raw.
struct FeatureDescriptor {
    FeatureCode code = FeatureCode::ProfileList; // bytes 0-1
    u8 version = 0;                              // byte 2 bits 5-2
    bool persistent = false;                     // byte 2 bit 1: always current
    bool current = false;                        // byte 2 bit 0
    /// The additional bytes after the 4-byte header (byte 3 is their count).
    std::vector<std::byte> data;
    bool operator==(const FeatureDescriptor&) const = default;
};

/// MMC-6 6.6: the GET CONFIGURATION reply.
struct Configuration {
    Profile current_profile = Profile::Invalid; // header bytes 6-7
    std::vector<FeatureDescriptor> features;    // in the order the drive listed them

    /// The descriptor of `code`, or nullptr when the drive did not list it.
    [[nodiscard]] const FeatureDescriptor* find(FeatureCode code) const {
        for (const auto& f : features)
            if (f.code == code) return &f;
        return nullptr;
    }
    bool operator==(const Configuration&) const = default;
};

/// MMC-6 6.8: write rotation control (WRC, and Rotation Control of mode page 2Ah).
enum class RotationControl : u8 { Clv = 0, Cav = 1 };

/// MMC-6 6.8: a GET PERFORMANCE type 00h nominal performance descriptor (kB/s, 1000 B).
struct PerformanceDescriptor {
    u32 start_lba = 0;
    u32 start_performance = 0;
    u32 end_lba = 0;
    u32 end_performance = 0;
    bool operator==(const PerformanceDescriptor&) const = default;
};

/// MMC-6 6.8: a GET PERFORMANCE type 00h exception descriptor (Except = 1).
struct PerformanceException {
    u32 lba = 0;  // where the seek delay happens
    u16 time = 0; // expected additional delay, in tenths of a millisecond
    bool operator==(const PerformanceException&) const = default;
};

/// MMC-6 6.8: the GET PERFORMANCE type 00h reply.
struct Performance {
    bool write = false;  // header byte 4 bit 1: the descriptors describe writing
    bool except = false; // header byte 4 bit 0: exception descriptors follow
    std::vector<PerformanceDescriptor> nominal;   // when except is false
    std::vector<PerformanceException> exceptions; // when except is true
    bool operator==(const Performance&) const = default;
};

/// MMC-6 6.8: a GET PERFORMANCE type 03h write speed descriptor.
struct WriteSpeedPerformance {
    RotationControl wrc = RotationControl::Clv; // byte 0 bits 4-3
    bool rdd = false;                           // byte 0 bit 2: restore drive defaults
    bool exact = false;  // byte 0 bit 1: the speed holds over the whole medium
    bool mrw = false;    // byte 0 bit 0: the speeds apply to MRW
    u32 end_lba = 0;     // bytes 4-7
    u32 read_speed = 0;  // bytes 8-11, kB/s
    u32 write_speed = 0; // bytes 12-15, kB/s
    bool operator==(const WriteSpeedPerformance&) const = default;
};

/// MMC-6 SET STREAMING (B6h), type 00h: the performance descriptor.
struct StreamingPerformance {
    RotationControl wrc = RotationControl::Clv; // byte 0 bits 4-3
    bool rdd = false;   // byte 0 bit 2: restore the drive's default performance
    bool exact = false; // byte 0 bit 1
    bool ra = false;    // byte 0 bit 0: random access
    u32 start_lba = 0;  // bytes 4-7
    u32 end_lba = 0;    // bytes 8-11
    u32 read_size = 0;  // bytes 12-15, kB read ...
    u32 read_time = 0;  // bytes 16-19, ... in this many milliseconds
    u32 write_size = 0; // bytes 20-23, kB written ...
    u32 write_time = 0; // bytes 24-27, ... in this many milliseconds
    bool operator==(const StreamingPerformance&) const = default;
};

/// SPC-4 7.5.7: one mode page of a MODE SENSE/SELECT parameter list, its bytes raw.
struct ModePage {
    ModePageCode code = ModePageCode::WriteParameters; // byte 0 bits 5-0
    bool ps = false;                                   // byte 0 bit 7: savable (MODE SENSE only)
    /// Set for the sub-page format (SPF = 1: byte 1 sub-page code, bytes 2-3 page length).
    std::optional<u8> subpage;
    /// The bytes after the page header (the page length counts them).
    std::vector<std::byte> data;
    bool operator==(const ModePage&) const = default;
};

/// SPC-4 7.5.5 (mode parameter header(10)) and 7.5.7: the MODE SENSE(10) / MODE SELECT(10)
/// parameter list.
struct ModeParameters {
    u8 medium_type = 0;                       // byte 2: 00h for MMC
    bool write_protected = false;             // byte 3 bit 7: WP
    std::vector<std::byte> block_descriptors; // bytes 6-7 count them; MMC drives send none
    std::vector<ModePage> pages;

    [[nodiscard]] const ModePage* find(ModePageCode code) const {
        for (const auto& p : pages)
            if (p.code == code) return &p;
        return nullptr;
    }
    bool operator==(const ModeParameters&) const = default;
};

/// MMC-6 7.3: Read/Write Error Recovery mode page (01h).
struct ErrorRecoveryPage {
    bool awre = false;           // byte 2 bit 7: automatic write reallocation
    bool arre = false;           // byte 2 bit 6: automatic read reallocation
    bool tb = false;             // byte 2 bit 5: transfer a block that could not be recovered
    bool rc = false;             // byte 2 bit 4: read continuous, no error correction delays
    bool per = false;            // byte 2 bit 2: post recovered errors
    bool dte = false;            // byte 2 bit 1: stop on recovered errors
    bool dcr = false;            // byte 2 bit 0: disable correction
    u8 read_retry_count = 0;     // byte 3
    u8 write_retry_count = 0;    // byte 8
    u16 recovery_time_limit = 0; // bytes 10-11, milliseconds
    bool operator==(const ErrorRecoveryPage&) const = default;
};

/// MMC-6 7.5: Write Type of the write parameters page.
enum class WriteType : u8 {
    PacketIncremental = 0,
    TrackAtOnce = 1,
    SessionAtOnce = 2,
    Raw = 3,
    LayerJumpRecording = 4,
};

/// MMC-6 7.5: Multi-session field, what closing a session leaves possible.
enum class MultiSession : u8 {
    NextSessionNotAllowed = 0,     // 00b: no B0 pointer
    NextSessionNotAllowedB0Ff = 1, // 01b: B0 pointer FF:FF:FF
    NextSessionAllowed = 3,        // 11b: B0 pointer to the next possible program area
};

/// MMC-6 7.5: Write Parameters mode page (05h).
struct WriteParametersPage {
    bool bufe = false;       // byte 2 bit 6: buffer under-run free recording enabled
    bool ls_v = false;       // byte 2 bit 5: Link Size is valid
    bool test_write = false; // byte 2 bit 4: simulate, do not burn
    WriteType write_type = WriteType::TrackAtOnce;                    // byte 2 bits 3-0
    MultiSession multi_session = MultiSession::NextSessionNotAllowed; // byte 3 bits 7-6
    bool fp = false;                                                  // byte 3 bit 5: fixed packets
    bool copy = false;            // byte 3 bit 4: serial copy management generation
    u8 track_mode = 4;            // byte 3 bits 3-0: the Q sub-channel control nibble (4 = data)
    u8 data_block_type = 8;       // byte 4 bits 3-0: 8 = Mode 1, 2048 bytes
    u8 link_size = 0;             // byte 5
    u8 host_application_code = 0; // byte 7 bits 5-0
    u8 session_format = 0;        // byte 8: 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA
    u32 packet_size = 0;          // bytes 10-13, blocks per fixed packet
    u16 audio_pause_length = 150; // bytes 14-15, blocks
    std::array<u8, 16> media_catalog_number{}; // bytes 16-31, MCVAL + 13 digits + AFRAME
    std::array<u8, 16> isrc{};                 // bytes 32-47, TCVAL + 12 characters + AFRAME
    std::array<u8, 4> subheader{};             // bytes 48-51, CD-ROM XA sub-header
    bool operator==(const WriteParametersPage&) const = default;
};

/// MMC-3 6.3.11: a logical unit write speed performance
/// descriptor of mode page 2Ah.
struct LogicalUnitWriteSpeed {
    RotationControl rotation_control = RotationControl::Clv; // byte 1 bits 2-0
    u16 write_speed = 0;                                     // bytes 2-3, kB/s
    bool operator==(const LogicalUnitWriteSpeed&) const = default;
};

/// MMC-3 6.3.11: CD/DVD Capabilities and Mechanical Status mode page (2Ah), which MMC-6 keeps
/// for older hosts. Speeds are kB/s (1000 bytes).
struct CapabilitiesPage {
    // byte 2: what the drive reads
    bool dvd_ram_read = false, dvd_r_read = false, dvd_rom_read = false; // bits 5, 4, 3
    bool method2 = false;                       // bit 2: CD-R fixed packets
    bool cd_rw_read = false, cd_r_read = false; // bits 1, 0
    // byte 3: what the drive writes
    bool dvd_ram_write = false, dvd_r_write = false; // bits 5, 4
    bool test_write = false;                         // bit 2
    bool cd_rw_write = false, cd_r_write = false;    // bits 1, 0
    // byte 4
    bool buf = false;                                  // bit 7: buffer under-run free recording
    bool multi_session = false;                        // bit 6: reads multisession discs
    bool mode2_form2 = false, mode2_form1 = false;     // bits 5, 4
    bool digital_port2 = false, digital_port1 = false; // bits 3, 2
    bool composite = false, audio_play = false;        // bits 1, 0
    // byte 5
    bool read_bar_code = false, upc = false, isrc = false, c2_pointers = false; // bits 7-4
    bool rw_deinterleaved = false, rw_supported = false;                        // bits 3, 2
    bool cdda_stream_accurate = false, cdda_commands = false;                   // bits 1, 0
    // byte 6
    u8 loading_mechanism_type = 0; // bits 7-5, as in the Removable Medium feature
    bool eject = false;            // bit 3
    bool prevent_jumper = false;   // bit 2
    bool lock_state = false;       // bit 1: the medium is locked now
    bool lock = false;             // bit 0
    // byte 7
    bool rw_in_lead_in = false, side_change = false, sss = false;       // bits 5, 4, 3
    bool changer_disc_present = false;                                  // bit 2
    bool separate_channel_mute = false, separate_volume_levels = false; // bits 1, 0
    u16 max_read_speed = 0;           // bytes 8-9 (obsolete since MMC-3)
    u16 number_of_volume_levels = 0;  // bytes 10-11
    u16 buffer_size = 0;              // bytes 12-13, KiB
    u16 current_read_speed = 0;       // bytes 14-15 (obsolete)
    u16 max_write_speed = 0;          // bytes 18-19 (obsolete)
    u16 current_write_speed = 0;      // bytes 20-21 (obsolete)
    u16 copy_management_revision = 0; // bytes 22-23
    RotationControl rotation_control_selected = RotationControl::Clv; // byte 27 bits 1-0
    u16 current_write_speed_selected = 0;                             // bytes 28-29
    std::vector<LogicalUnitWriteSpeed> write_speeds; // bytes 30-31 count, then 32..
    bool operator==(const CapabilitiesPage&) const = default;
};

/// MMC-6 6.22.3.1: Disc Status.
enum class DiscStatus : u8 { Empty = 0, Incomplete = 1, Complete = 2, Other = 3 };
/// MMC-6 6.22.3.1: State of Last Session.
enum class SessionState : u8 { Empty = 0, Incomplete = 1, Damaged = 2, Complete = 3 };
/// MMC-6 6.22.3.1: BG Format Status (DVD+RW, BD-RE background formatting).
enum class BackgroundFormatStatus : u8 { None = 0, Incomplete = 1, InProgress = 2, Complete = 3 };
/// MMC-6 6.22.3.1: Disc Type (CD only; other media report 00h or FFh).
enum class DiscType : u8 { CdDaOrCdRom = 0x00, CdI = 0x10, CdRomXa = 0x20, Undefined = 0xFF };

/// MMC-6 6.22.3.1: one OPC table entry.
struct OpcTableEntry {
    u16 speed = 0;                  // kB/s
    std::array<u8, 6> opc_values{}; // media and drive dependent
    bool operator==(const OpcTableEntry&) const = default;
};

/// MMC-6 6.22.3.1: READ DISC INFORMATION, standard disc information (data type 000b).
struct DiscInformation {
    bool erasable = false;                                 // byte 2 bit 4
    SessionState last_session_state = SessionState::Empty; // byte 2 bits 3-2
    DiscStatus disc_status = DiscStatus::Empty;            // byte 2 bits 1-0
    u8 first_track_on_disc = 1;                            // byte 3
    u16 number_of_sessions = 1;                            // bytes 9 (MSB), 4 (LSB)
    u16 first_track_in_last_session = 1;                   // bytes 10, 5
    u16 last_track_in_last_session = 1;                    // bytes 11, 6
    bool uru = false;  // byte 7 bit 5: unrestricted use (CD-R/RW application code)
    bool dbit = false; // byte 7 bit 2: the MRW/DVD+RW dirty bit
    BackgroundFormatStatus bg_format_status = BackgroundFormatStatus::None; // byte 7 bits 1-0
    DiscType disc_type = DiscType::CdDaOrCdRom;                             // byte 8
    std::optional<u32> disc_identification; // bytes 12-15 when DID_V
    /// Bytes 16-19 and 20-23: LBAs, but MSF fields (00h M S F) for CD; see the *_msf helpers.
    u32 last_session_lead_in_start_address = 0;
    u32 last_possible_lead_out_start_address = 0;
    std::optional<std::array<u8, 8>> disc_bar_code; // bytes 24-31 when DBC_V
    std::optional<u8> disc_application_code;        // byte 32 when DAC_V
    std::vector<OpcTableEntry> opc_table;           // byte 33 counts them; bytes 34 onwards

    [[nodiscard]] constexpr Msf last_session_lead_in_start_msf() const {
        return msf_from_address_field(last_session_lead_in_start_address);
    }
    [[nodiscard]] constexpr Msf last_possible_lead_out_start_msf() const {
        return msf_from_address_field(last_possible_lead_out_start_address);
    }
    bool operator==(const DiscInformation&) const = default;
};

/// MMC-6 6.27.3: READ TRACK INFORMATION, the track information block.
struct TrackInformation {
    u16 track_number = 1;        // bytes 32 (MSB), 2 (LSB)
    u16 session_number = 1;      // bytes 33, 3
    u8 ljrs = 0;                 // byte 5 bits 7-6: layer jump recording status
    bool damage = false;         // byte 5 bit 5
    bool copy = false;           // byte 5 bit 4
    u8 track_mode = 4;           // byte 5 bits 3-0: control nibble (4 = data, uninterrupted)
    bool rt = false;             // byte 6 bit 7: reserved track
    bool blank = false;          // byte 6 bit 6
    bool packet_inc = false;     // byte 6 bit 5: packet / incremental
    bool fp = false;             // byte 6 bit 4: fixed packets
    u8 data_mode = 1;            // byte 6 bits 3-0: 1 Mode 1, 2 Mode 2, Fh unknown
    u32 track_start_address = 0; // bytes 8-11
    std::optional<u32> next_writable_address; // bytes 12-15 when NWA_V (byte 7 bit 0)
    u32 free_blocks = 0;                      // bytes 16-19
    u32 fixed_packet_size = 0;                // bytes 20-23 (blocking factor)
    u32 track_size = 0;                       // bytes 24-27
    std::optional<u32> last_recorded_address; // bytes 28-31 when LRA_V (byte 7 bit 1)
    u32 read_compatibility_lba = 0;           // bytes 36-39
    u32 next_layer_jump_address = 0;          // bytes 40-43
    u32 last_layer_jump_address = 0;          // bytes 44-47
    bool operator==(const TrackInformation&) const = default;
};

/// How READ TOC/PMA/ATIP reports addresses: the MSF bit of the CDB (MMC-6 6.26.2). The
/// reply does not say, so decoders are told and record it.
enum class TocAddressing : u8 { Lba, Msf };

/// MMC-6 6.26.3: a track descriptor of TOC format 0000b (and of format 0001b).
struct TocEntry {
    u8 adr = 1;          // byte 1 bits 7-4
    u8 control = 4;      // byte 1 bits 3-0
    u8 track_number = 1; // byte 2: AAh is the lead-out
    /// Bytes 4-7: an LBA (two's complement) or an MSF field (00h M S F), per TocAddressing.
    u32 address = 0;

    /// The address as an LBA (negative in the lead-in).
    [[nodiscard]] constexpr i64 lba(TocAddressing a) const {
        return a == TocAddressing::Msf ? msf_from_address_field(address).to_lba()
                                       : i64{static_cast<i32>(address)};
    }
    bool operator==(const TocEntry&) const = default;
};

/// The address field for `lba` in the form `a` (what a drive puts in TocEntry::address).
[[nodiscard]] constexpr u32 toc_address_field(i64 lba, TocAddressing a) {
    return a == TocAddressing::Msf ? address_field_from_msf(Msf::from_lba(lba))
                                   : static_cast<u32>(static_cast<i32>(lba));
}

/// MMC-6 6.26.3: READ TOC format 0000b, the formatted TOC.
struct Toc {
    /// How the entries' addresses are expressed (what the CDB asked for; not in the reply).
    TocAddressing addressing = TocAddressing::Lba;
    u8 first_track = 1; // byte 2
    u8 last_track = 1;  // byte 3
    std::vector<TocEntry> entries;
    bool operator==(const Toc&) const = default;
};

/// MMC-6 6.26.3: READ TOC format 0001b, multi-session information.
struct SessionInfo {
    TocAddressing addressing = TocAddressing::Lba; // as in Toc
    u8 first_complete_session = 1;                 // byte 2
    u8 last_complete_session = 1;                  // byte 3
    /// The first track of the last complete session and its start address.
    TocEntry first_track_in_last_session;
    bool operator==(const SessionInfo&) const = default;
};

/// MMC-6 6.26.3: a raw TOC (or PMA) descriptor, the Q sub-channel of the lead-in.
struct FullTocEntry {
    u8 session_number = 1;             // byte 0 (reserved in the PMA)
    u8 adr = 1;                        // byte 1 bits 7-4
    u8 control = 4;                    // byte 1 bits 3-0
    u8 tno = 0;                        // byte 2
    u8 point = 0;                      // byte 3
    u8 min = 0, sec = 0, frame = 0;    // bytes 4-6
    u8 zero = 0;                       // byte 7
    u8 pmin = 0, psec = 0, pframe = 0; // bytes 8-10
    bool operator==(const FullTocEntry&) const = default;
};

/// MMC-6 6.26.3 (format 0010b, raw TOC, and format 0011b, PMA, whose header
/// bytes 2-3 are reserved and read as 0).
struct FullToc {
    u8 first_complete_session = 1; // byte 2
    u8 last_complete_session = 1;  // byte 3
    std::vector<FullTocEntry> entries;
    bool operator==(const FullToc&) const = default;
};

/// MMC-6 6.26.3: READ TOC format 0100b, ATIP of a CD-R/RW.
struct Atip {
    u8 indicative_target_writing_power = 0;                    // byte 4 bits 7-4
    bool ddcd = false;                                         // byte 4 bit 3: DDCD medium
    u8 reference_speed = 0;                                    // byte 4 bits 2-0
    bool uru = false;                                          // byte 5 bit 6: unrestricted use
    bool cd_rw = false;                                        // byte 6 bit 6: Disc Type, 1 = CD-RW
    u8 disc_sub_type = 0;                                      // byte 6 bits 5-3
    bool a1_valid = false, a2_valid = false, a3_valid = false; // byte 6 bits 2, 1, 0
    Msf start_time_of_lead_in;                                 // bytes 8-10
    Msf last_possible_start_time_of_lead_out;                  // bytes 12-14
    std::array<u8, 3> a1_values{}, a2_values{}, a3_values{};   // bytes 16-18, 20-22, 24-26
    bool operator==(const Atip&) const = default;
};

/// MMC-6 6.19: READ CAPACITY data.
struct Capacity {
    u32 last_lba = 0;        // bytes 0-3: the last readable (recorded) block
    u32 block_length = 2048; // bytes 4-7
    bool operator==(const Capacity&) const = default;
};

/// MMC-6 6.24: Descriptor Type of the current/maximum capacity descriptor.
enum class CapacityDescriptorType : u8 {
    Reserved = 0,
    Unformatted = 1,
    Formatted = 2,
    NoMedia = 3
};

/// MMC-6 6.24: the current/maximum capacity descriptor.
struct CurrentCapacityDescriptor {
    u32 number_of_blocks = 0;                                      // bytes 0-3
    CapacityDescriptorType type = CapacityDescriptorType::NoMedia; // byte 4 bits 1-0
    u32 block_length = 2048;                                       // bytes 5-7
    bool operator==(const CurrentCapacityDescriptor&) const = default;
};

/// MMC-6 6.24: a formattable capacity descriptor.
struct FormattableCapacityDescriptor {
    u32 number_of_blocks = 0;         // bytes 0-3
    u8 format_type = 0;               // byte 4 bits 7-2 (FORMAT UNIT's Format Type)
    u32 type_dependent_parameter = 0; // bytes 5-7
    bool operator==(const FormattableCapacityDescriptor&) const = default;
};

/// MMC-6 6.24: READ FORMAT CAPACITIES.
struct FormatCapacities {
    /// Absent only when the reply stopped after its 4-byte header.
    std::optional<CurrentCapacityDescriptor> current;
    std::vector<FormattableCapacityDescriptor> formattable;
    bool operator==(const FormatCapacities&) const = default;
};

/// MMC-6 6.18: READ BUFFER CAPACITY with Block = 0, in bytes.
struct BufferCapacity {
    u32 length_of_buffer = 0;       // bytes 4-7
    u32 blank_length_of_buffer = 0; // bytes 8-11
    bool operator==(const BufferCapacity&) const = default;
};

/// MMC-6 6.18: READ BUFFER CAPACITY with Block = 1.
struct BufferCapacityBlocks {
    u32 available_length_of_buffer = 0; // bytes 8-11, blocks
    bool operator==(const BufferCapacityBlocks&) const = default;
};

/// MMC-6 6.7: Notification Class of a GET EVENT STATUS NOTIFICATION reply.
enum class NotificationClass : u8 {
    None = 0,
    OperationalChange = 1,
    PowerManagement = 2,
    ExternalRequest = 3,
    Media = 4,
    MultiHost = 5,
    DeviceBusy = 6,
};

/// MMC-6 6.7: Media Event Code.
enum class MediaEventCode : u8 {
    NoChange = 0,
    EjectRequest = 1,
    NewMedia = 2,
    MediaRemoval = 3,
    MediaChanged = 4,
    BackgroundFormatCompleted = 5,
    BackgroundFormatRestarted = 6,
};

/// MMC-6 6.7: media event descriptor (class 4).
struct MediaEvent {
    MediaEventCode event_code = MediaEventCode::NoChange; // byte 0 bits 3-0
    bool media_present = false;                           // byte 1 bit 1
    bool door_or_tray_open = false;                       // byte 1 bit 0
    u8 start_slot = 0;                                    // byte 2
    u8 end_slot = 0;                                      // byte 3
    bool operator==(const MediaEvent&) const = default;
};

/// MMC-6 6.7: operational change event descriptor (class 1).
struct OperationalChangeEvent {
    u8 event_code = 0;                 // byte 0 bits 3-0: 0 none, 1 change, 2 change occurred
    bool persistent_prevented = false; // byte 1 bit 7
    u8 operational_status = 0;         // byte 1 bits 3-0: 0 available, 1 busy
    u16 operational_change = 0;        // bytes 2-3: 1 feature change, 2 feature added ...
    bool operator==(const OperationalChangeEvent&) const = default;
};

/// MMC-6 6.7: the GET EVENT STATUS NOTIFICATION reply.
struct EventStatus {
    bool nea = false; // byte 2 bit 7: no event available, no descriptor follows
    NotificationClass notification_class = NotificationClass::None; // byte 2 bits 2-0
    u8 supported_event_classes = 0;                                 // byte 3: bit n set for class n
    std::optional<MediaEvent> media;                                // class 4
    std::optional<OperationalChangeEvent> operational_change;       // class 1
    /// The descriptor of any other class, raw.
    std::vector<std::byte> other_event;
    bool operator==(const EventStatus&) const = default;
};

/// MMC-6 6.23: a READ DISC STRUCTURE reply: the data after the 4-byte header, raw.
struct DiscStructure {
    std::vector<std::byte> data;
    bool operator==(const DiscStructure&) const = default;
};

/// MMC-6 6.23 (ECMA-267 3.3.2): DVD format 00h, physical format information.
struct DvdPhysicalFormat {
    u8 book_type =
        0; // byte 0 bits 7-4: 0 DVD-ROM, 1 DVD-RAM, 2 DVD-R, 3 DVD-RW, 9 DVD+RW, Ah DVD+R
    u8 part_version = 0;     // byte 0 bits 3-0
    u8 disc_size = 0;        // byte 1 bits 7-4: 0 120 mm, 1 80 mm
    u8 maximum_rate = 0;     // byte 1 bits 3-0: 0 2.52, 1 5.04, 2 10.08 Mbps, Fh unspecified
    u8 number_of_layers = 1; // byte 2 bits 6-5 plus one (the field holds layers - 1)
    bool opposite_track_path = false; // byte 2 bit 4: Track Path, 1 = OTP
    u8 layer_type = 0;                // byte 2 bits 3-0: bit 0 embossed, 1 recordable, 2 rewritable
    u8 linear_density = 0;            // byte 3 bits 7-4
    u8 track_density = 0;             // byte 3 bits 3-0
    u32 starting_physical_sector = 0; // bytes 5-7 (DVD-ROM: 30000h)
    u32 end_physical_sector = 0;      // bytes 9-11
    u32 end_sector_in_layer0 = 0;     // bytes 13-15
    bool bca = false;                 // byte 16 bit 7: a burst cutting area exists
    bool operator==(const DvdPhysicalFormat&) const = default;
};

/// MMC-6 6.23 (BD book part 1): the first disc information unit of BD format 00h.
struct BdDiscInformation {
    u8 di_format = 0;                 // unit byte 2
    u8 units_per_block = 0;           // unit byte 3 bits 7-3
    u8 layer = 0;                     // unit byte 3 bits 2-0
    u8 sequence_number = 0;           // unit byte 5
    u8 bytes_in_use = 0;              // unit byte 6 bits 6-0
    std::string disc_type_identifier; // unit bytes 8-10: "BDO", "BDR" or "BDW"
    u8 disc_size = 0;                 // unit byte 11 bits 7-6: 0 = 120 mm
    u8 disc_class = 0;                // unit byte 11 bits 5-4
    u8 disc_version = 0;              // unit byte 11 bits 3-0
    u8 number_of_layers = 0;          // unit byte 12 bits 7-4
    u8 channel_bit_length = 0;        // unit byte 13 bits 3-0: 1 = 25 GB per layer, 2 = 27 GB ...
    bool operator==(const BdDiscInformation&) const = default;
};

} // namespace discwright

// The decoded GET CONFIGURATION features live in their own header to keep this one short;
// including mmc.h gives both.
#include "discwright/mmc_features.h"
