#pragma once
// CDB builders and parsers for the SPC-4 / MMC-6 commands a burner sends. Each command has a
// plain struct of its CDB fields (defaults are what a burner usually sends), a builder that
// lays the fields out and sets the data direction and transfer length, and a parser for the
// target side: the virtual recorder reads the CDBs the host built with the same code, so
// parse(build(x)) == x for every command.
//
// Parsers are total: any Cdb value gives a struct or Error(InvalidParam) when the opcode or the
// length is wrong or a field holds a value MMC reserves (a drive answers those with ILLEGAL
// REQUEST / INVALID FIELD IN CDB). Reserved bits are ignored, as drives do. Builders throw
// InvalidParam for values their fields cannot hold.
//
// Clause numbers follow the MMC-6 draft's clause 6 (commands) and SPC-4 clause 6.

#include <compare>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "discwright/types.h"
#include "scsi/cdb.h"
#include "scsi/opcodes.h"

namespace discwright::scsi {

// ---- Identification and configuration (commands_inquiry_config.cpp) ----------------------

/// SPC-4 6.4 INQUIRY.
struct InquiryCdb {
    bool evpd = false; // return the vital product data page `page_code`
    u8 page_code = 0;
    u16 allocation_length = 96;
    auto operator<=>(const InquiryCdb&) const = default;
};
[[nodiscard]] Cdb inquiry(const InquiryCdb& = {});
[[nodiscard]] InquiryCdb parse_inquiry(const Cdb&);

/// MMC-6 6.42 TEST UNIT READY: no fields.
struct TestUnitReadyCdb {
    auto operator<=>(const TestUnitReadyCdb&) const = default;
};
[[nodiscard]] Cdb test_unit_ready(const TestUnitReadyCdb& = {});
[[nodiscard]] TestUnitReadyCdb parse_test_unit_ready(const Cdb&);

/// MMC-6 6.30 / SPC-4 REQUEST SENSE.
struct RequestSenseCdb {
    bool desc = false; // ask for descriptor-format sense (SPC-4 4.5.2)
    u8 allocation_length = 18;
    auto operator<=>(const RequestSenseCdb&) const = default;
};
[[nodiscard]] Cdb request_sense(const RequestSenseCdb& = {});
[[nodiscard]] RequestSenseCdb parse_request_sense(const Cdb&);

/// MMC-6 6.6.1: RT, which feature descriptors GET CONFIGURATION returns.
enum class ConfigurationRequest : u8 {
    All = 0,     // every feature from the starting feature number on
    Current = 1, // the current ones from the starting feature number on
    One = 2,     // only the starting feature
};

/// MMC-6 6.6 GET CONFIGURATION.
struct GetConfigurationCdb {
    ConfigurationRequest request = ConfigurationRequest::All;
    FeatureCode starting_feature = FeatureCode::ProfileList;
    u16 allocation_length = 8;
    auto operator<=>(const GetConfigurationCdb&) const = default;
};
[[nodiscard]] Cdb get_configuration(const GetConfigurationCdb& = {});
[[nodiscard]] GetConfigurationCdb parse_get_configuration(const Cdb&);

/// MMC-6 6.8.1: the TYPE field of GET PERFORMANCE.
enum class PerformanceType : u8 {
    Performance = 0x00,
    UnusableArea = 0x01,
    DefectStatus = 0x02,
    WriteSpeed = 0x03,
    DefectiveBlockInformation = 0x04,
    DefectiveBlockInformationCacheZone = 0x05,
};
/// Bytes of one descriptor of that type (MMC-6 6.8.2): the transfer length is 8 + max * this.
[[nodiscard]] u32 performance_descriptor_size(PerformanceType);

/// MMC-6 6.8 GET PERFORMANCE.
struct GetPerformanceCdb {
    /// Byte 1, bits 4-0. For type 00h: Write (bit 2), Tolerance (bits 4-3), Except (bits 1-0);
    /// 10h asks for nominal write performance with 10% tolerance.
    u8 data_type = 0x10;
    u32 starting_lba = 0;
    u16 maximum_descriptors = 1;
    PerformanceType type = PerformanceType::Performance;
    auto operator<=>(const GetPerformanceCdb&) const = default;
};
[[nodiscard]] Cdb get_performance(const GetPerformanceCdb& = {});
[[nodiscard]] GetPerformanceCdb parse_get_performance(const Cdb&);

/// MMC-6 6.13 MODE SENSE(10).
struct ModeSense10Cdb {
    bool llbaa = false;
    bool dbd = true; // no block descriptors: MMC drives have none
    ModePageControl page_control = ModePageControl::Current;
    ModePageCode page_code = ModePageCode::WriteParameters; // 6 bits
    u8 subpage_code = 0;
    u16 allocation_length = 8;
    auto operator<=>(const ModeSense10Cdb&) const = default;
};
[[nodiscard]] Cdb mode_sense10(const ModeSense10Cdb& = {});
[[nodiscard]] ModeSense10Cdb parse_mode_sense10(const Cdb&);

/// MMC-6 6.12 MODE SELECT(10): the parameter list (header + pages) follows as data out.
struct ModeSelect10Cdb {
    bool pf = true; // pages follow the page format; MMC requires it
    bool sp = false;
    u16 parameter_list_length = 0;
    auto operator<=>(const ModeSelect10Cdb&) const = default;
};
[[nodiscard]] Cdb mode_select10(const ModeSelect10Cdb& = {});
[[nodiscard]] ModeSelect10Cdb parse_mode_select10(const Cdb&);

/// MMC-6 6.7 GET EVENT STATUS NOTIFICATION.
struct GetEventStatusNotificationCdb {
    bool polled = true; // asynchronous operation is not used by any transport here
    /// Byte 4: one bit per event class (bit 1 operational change, bit 2 power management,
    /// bit 3 external request, bit 4 media, bit 5 multi-host, bit 6 device busy).
    u8 notification_class_request = 0x10;
    u16 allocation_length = 8;
    auto operator<=>(const GetEventStatusNotificationCdb&) const = default;
};
[[nodiscard]] Cdb get_event_status_notification(const GetEventStatusNotificationCdb& = {});
[[nodiscard]] GetEventStatusNotificationCdb parse_get_event_status_notification(const Cdb&);

/// MMC-6 6.11 MECHANISM STATUS.
struct MechanismStatusCdb {
    u16 allocation_length = 8;
    auto operator<=>(const MechanismStatusCdb&) const = default;
};
[[nodiscard]] Cdb mechanism_status(const MechanismStatusCdb& = {});
[[nodiscard]] MechanismStatusCdb parse_mechanism_status(const Cdb&);

// ---- Media information (commands_media_info.cpp) -----------------------------------------

/// MMC-6 6.22.2.2: which disc information block READ DISC INFORMATION returns.
enum class DiscInformationType : u8 { Standard = 0, TrackResources = 1, PowResources = 2 };

/// MMC-6 6.22 READ DISC INFORMATION.
struct ReadDiscInformationCdb {
    DiscInformationType type = DiscInformationType::Standard;
    u16 allocation_length = 34;
    auto operator<=>(const ReadDiscInformationCdb&) const = default;
};
[[nodiscard]] Cdb read_disc_information(const ReadDiscInformationCdb& = {});
[[nodiscard]] ReadDiscInformationCdb parse_read_disc_information(const Cdb&);

/// MMC-6 6.27 READ TRACK INFORMATION.
struct ReadTrackInformationCdb {
    TrackAddressType type = TrackAddressType::Lba;
    bool open = false; // with type Track: the first open track at or after `address`
    u32 address = 0;   // an LBA, a track number or a session number, per `type`
    u16 allocation_length = 48;
    auto operator<=>(const ReadTrackInformationCdb&) const = default;
};
[[nodiscard]] Cdb read_track_information(const ReadTrackInformationCdb& = {});
[[nodiscard]] ReadTrackInformationCdb parse_read_track_information(const Cdb&);

/// MMC-6 6.26.2.3: the Format field of READ TOC/PMA/ATIP.
enum class TocFormat : u8 {
    Toc = 0,
    SessionInfo = 1,
    FullToc = 2,
    Pma = 3,
    Atip = 4,
    CdText = 5,
};

/// MMC-6 6.26 READ TOC/PMA/ATIP.
struct ReadTocCdb {
    bool msf = false; // addresses as MSF instead of LBA (formats 0 and 1)
    TocFormat format = TocFormat::Toc;
    u8 track_session_number = 0;
    u16 allocation_length = 4;
    auto operator<=>(const ReadTocCdb&) const = default;
};
[[nodiscard]] Cdb read_toc(const ReadTocCdb& = {});
[[nodiscard]] ReadTocCdb parse_read_toc(const Cdb&);

/// MMC-6 6.19 READ CAPACITY: no fields; the reply is 8 bytes.
struct ReadCapacityCdb {
    auto operator<=>(const ReadCapacityCdb&) const = default;
};
[[nodiscard]] Cdb read_capacity(const ReadCapacityCdb& = {});
[[nodiscard]] ReadCapacityCdb parse_read_capacity(const Cdb&);

/// MMC-6 6.24 READ FORMAT CAPACITIES.
struct ReadFormatCapacitiesCdb {
    u16 allocation_length = 252;
    auto operator<=>(const ReadFormatCapacitiesCdb&) const = default;
};
[[nodiscard]] Cdb read_format_capacities(const ReadFormatCapacitiesCdb& = {});
[[nodiscard]] ReadFormatCapacitiesCdb parse_read_format_capacities(const Cdb&);

/// MMC-6 6.18 READ BUFFER CAPACITY.
struct ReadBufferCapacityCdb {
    bool block = false; // report the available buffer in blocks
    u16 allocation_length = 12;
    auto operator<=>(const ReadBufferCapacityCdb&) const = default;
};
[[nodiscard]] Cdb read_buffer_capacity(const ReadBufferCapacityCdb& = {});
[[nodiscard]] ReadBufferCapacityCdb parse_read_buffer_capacity(const Cdb&);

/// MMC-6 6.23.2.1: Media Type of READ/SEND DISC STRUCTURE.
enum class DiscStructureMedia : u8 { Dvd = 0, Bd = 1 }; // Dvd covers HD DVD too

/// MMC-6 6.23 READ DISC STRUCTURE.
struct ReadDiscStructureCdb {
    DiscStructureMedia media_type = DiscStructureMedia::Dvd;
    u32 address = 0;
    u8 layer_number = 0;
    u8 format_code = 0;
    u16 allocation_length = 4;
    u8 agid = 0; // 2 bits
    auto operator<=>(const ReadDiscStructureCdb&) const = default;
};
[[nodiscard]] Cdb read_disc_structure(const ReadDiscStructureCdb& = {});
[[nodiscard]] ReadDiscStructureCdb parse_read_disc_structure(const Cdb&);

/// MMC-6 6.34 SEND DISC STRUCTURE.
struct SendDiscStructureCdb {
    DiscStructureMedia media_type = DiscStructureMedia::Dvd;
    u8 format_code = 0;
    u16 parameter_list_length = 0;
    u8 agid = 0; // 2 bits
    auto operator<=>(const SendDiscStructureCdb&) const = default;
};
[[nodiscard]] Cdb send_disc_structure(const SendDiscStructureCdb& = {});
[[nodiscard]] SendDiscStructureCdb parse_send_disc_structure(const Cdb&);

// ---- Medium and drive control (commands_control.cpp) -------------------------------------

/// MMC-6 6.14 PREVENT ALLOW MEDIUM REMOVAL.
struct PreventAllowMediumRemovalCdb {
    bool persistent = false;
    bool prevent = true;
    auto operator<=>(const PreventAllowMediumRemovalCdb&) const = default;
};
[[nodiscard]] Cdb prevent_allow_medium_removal(const PreventAllowMediumRemovalCdb& = {});
[[nodiscard]] PreventAllowMediumRemovalCdb parse_prevent_allow_medium_removal(const Cdb&);

/// MMC-6 6.40.2: LoEj and Start together.
enum class StartStopAction : u8 {
    Stop,  // LoEj 0, Start 0: stop the disc
    Start, // LoEj 0, Start 1: spin up and read the disc's TOC
    Eject, // LoEj 1, Start 0: stop and open the tray
    Load,  // LoEj 1, Start 1: close the tray and spin up
};

/// MMC-6 6.40 START STOP UNIT.
struct StartStopUnitCdb {
    bool immed = false;
    /// Byte 4 bits 7-4. Non-zero asks for a power condition; the drive then ignores `action`.
    u8 power_conditions = 0;
    StartStopAction action = StartStopAction::Start;
    auto operator<=>(const StartStopUnitCdb&) const = default;
};
[[nodiscard]] Cdb start_stop_unit(const StartStopUnitCdb& = {});
[[nodiscard]] StartStopUnitCdb parse_start_stop_unit(const Cdb&);

/// Speed value meaning "as fast as the drive can" (MMC-6 6.37.2).
inline constexpr u16 max_speed = 0xFFFF;

/// MMC-6 6.37 SET CD SPEED. Speeds in kB/s (1000 bytes per second).
struct SetCdSpeedCdb {
    RotationControl rotation_control = RotationControl::Clv; // discwright/mmc.h
    u16 read_speed = max_speed;
    u16 write_speed = max_speed;
    auto operator<=>(const SetCdSpeedCdb&) const = default;
};
[[nodiscard]] Cdb set_cd_speed(const SetCdSpeedCdb& = {});
[[nodiscard]] SetCdSpeedCdb parse_set_cd_speed(const Cdb&);

// ---- Writing (commands_write.cpp) --------------------------------------------------------

/// MMC-6 6.39.2: the Type of SET STREAMING's parameter list.
enum class StreamingType : u8 { Performance = 0x00, DefectiveBlockInformationCacheZone = 0x05 };

/// MMC-6 6.39 SET STREAMING: the descriptor follows as data out.
struct SetStreamingCdb {
    StreamingType type = StreamingType::Performance;
    u16 parameter_list_length = 28; // one performance descriptor
    auto operator<=>(const SetStreamingCdb&) const = default;
};
[[nodiscard]] Cdb set_streaming(const SetStreamingCdb& = {});
[[nodiscard]] SetStreamingCdb parse_set_streaming(const Cdb&);

/// MMC-6 6.31 RESERVE TRACK. With ARSV 0 the drive reserves `reservation_size` blocks at the
/// next writable address; with ARSV 1 it reserves from `lba` to the end of the invisible track.
struct ReserveTrackCdb {
    bool rmz = false; // DVD-R DL: reserve the middle zone start instead
    bool arsv = false;
    u32 reservation_size = 0; // only with arsv == false
    u32 lba = 0;              // only with arsv == true
    auto operator<=>(const ReserveTrackCdb&) const = default;
};
[[nodiscard]] Cdb reserve_track(const ReserveTrackCdb&);
[[nodiscard]] ReserveTrackCdb parse_reserve_track(const Cdb&);

/// MMC-6 6.33 SEND CUE SHEET: the cue sheet follows as data out.
struct SendCueSheetCdb {
    u32 cue_sheet_size = 0; // 24 bits
    auto operator<=>(const SendCueSheetCdb&) const = default;
};
[[nodiscard]] Cdb send_cue_sheet(const SendCueSheetCdb&);
[[nodiscard]] SendCueSheetCdb parse_send_cue_sheet(const Cdb&);

/// MMC-6 6.44 WRITE(10). The data phase is blocks * block_size bytes; the block size is the
/// drive's current one (mode page 05h), so a parser derives it from the transfer length and
/// keeps the default when no block is sent.
struct Write10Cdb {
    bool fua = false;
    u32 lba = 0;
    u16 blocks = 0;
    u32 block_size = 2048;
    auto operator<=>(const Write10Cdb&) const = default;
};
[[nodiscard]] Cdb write10(const Write10Cdb&);
[[nodiscard]] Write10Cdb parse_write10(const Cdb&);

/// MMC-6 6.45 WRITE(12).
struct Write12Cdb {
    bool fua = false;
    u32 lba = 0;
    u32 blocks = 0;
    bool streaming = false; // write without defect management (DVD-RAM, BD-RE)
    u32 block_size = 2048;
    auto operator<=>(const Write12Cdb&) const = default;
};
[[nodiscard]] Cdb write12(const Write12Cdb&);
[[nodiscard]] Write12Cdb parse_write12(const Cdb&);

/// MMC-6 6.3.2.2: the Close Function field of CLOSE TRACK/SESSION.
enum class CloseFunction : u8 {
    StopBackgroundFormat = 0, // DVD+RW: quick stop of a background format
    CloseTrack = 1,
    CloseSession = 2, // also finalizes CD-R/RW and DVD-R; DVD+RW: compatible stop of formatting
    FinalizeDvdMinusRw = 3,          // DVD-RW finalize; DVD+RW: compatible stop of formatting
    CloseSessionExtendedLeadOut = 4, // DVD+R DL
    FinalizeMinimalRadius = 5,       // DVD+R, DVD+R DL: finalize with a 30 mm minimal radius
    Finalize = 6,                    // DVD+R, DVD+R DL, HD DVD-R, BD-R
};

/// MMC-6 6.3 CLOSE TRACK/SESSION.
struct CloseTrackSessionCdb {
    bool immed = true;
    CloseFunction function = CloseFunction::CloseTrack;
    u16 track_session_number = 0;
    auto operator<=>(const CloseTrackSessionCdb&) const = default;
};
[[nodiscard]] Cdb close_track_session(const CloseTrackSessionCdb&);
[[nodiscard]] CloseTrackSessionCdb parse_close_track_session(const Cdb&);

/// MMC-6 6.41 SYNCHRONIZE CACHE. LBA and block count 0 mean the whole cache.
struct SynchronizeCacheCdb {
    bool immed = false;
    u32 lba = 0;
    u16 blocks = 0;
    auto operator<=>(const SynchronizeCacheCdb&) const = default;
};
[[nodiscard]] Cdb synchronize_cache(const SynchronizeCacheCdb& = {});
[[nodiscard]] SynchronizeCacheCdb parse_synchronize_cache(const Cdb&);

/// MMC-6 6.2.2: the Blanking Type of BLANK.
enum class BlankingType : u8 {
    Full = 0,    // the whole disc
    Minimal = 1, // PMA, first session TOC and pregap only
    Track = 2,   // the track numbered `start_address`
    UnreserveTrack = 3,
    TrackTail = 4, // from the LBA `start_address` to the end of its track
    UncloseLastSession = 5,
    EraseSession = 6, // the last session
};

/// MMC-6 6.2 BLANK.
struct BlankCdb {
    bool immed = true;
    BlankingType type = BlankingType::Minimal;
    u32 start_address = 0; // an LBA or a track number, per `type`
    auto operator<=>(const BlankCdb&) const = default;
};
[[nodiscard]] Cdb blank(const BlankCdb& = {});
[[nodiscard]] BlankCdb parse_blank(const Cdb&);

/// MMC-6 6.5.3.3: one format descriptor of a FORMAT UNIT parameter list. Usually a
/// copy of a descriptor READ FORMAT CAPACITIES reported.
struct FormatDescriptor {
    u32 number_of_blocks = 0;
    u8 format_type = 0;    // 6 bits, MMC-6 6.5.4 (00h full, 26h DVD+RW, 30h/31h BD-RE, ...)
    u8 format_subtype = 0; // 2 bits; BD-RE formats 30h/31h choose the certification with it
    u32 type_dependent_parameter = 0; // 24 bits
    auto operator<=>(const FormatDescriptor&) const = default;
};

/// MMC-6 6.5.3: the FORMAT UNIT parameter list, a format list header and one descriptor.
struct FormatParameters {
    bool fov = true;   // header byte 1 bit 7: the option bits below are valid
    bool dcrt = false; // header byte 1 bit 5: skip certification
    bool immed = true; // header byte 1 bit 1: report completion before formatting ends
    FormatDescriptor descriptor;
    auto operator<=>(const FormatParameters&) const = default;
};
inline constexpr u32 format_parameters_size = 12;
[[nodiscard]] std::vector<std::byte> encode_format_parameters(const FormatParameters&);
/// Throws InvalidParam when the list is short or its descriptor length is not 8 (a drive
/// answers PARAMETER LIST LENGTH ERROR / INVALID FIELD IN PARAMETER LIST).
[[nodiscard]] FormatParameters decode_format_parameters(std::span<const std::byte>);

/// MMC-6 6.5 FORMAT UNIT. With fmt_data the 12-byte parameter list follows as data out.
struct FormatUnitCdb {
    bool fmt_data = true;
    bool cmplst = false;
    u8 format_code = 1; // MMC allows 001b only
    auto operator<=>(const FormatUnitCdb&) const = default;
};
[[nodiscard]] Cdb format_unit(const FormatUnitCdb& = {});
[[nodiscard]] FormatUnitCdb parse_format_unit(const Cdb&);

// ---- Reading (commands_read.cpp) ---------------------------------------------------------

/// MMC-6 6.15 READ(10). The block size works as in Write10Cdb.
struct Read10Cdb {
    bool fua = false;
    u32 lba = 0;
    u16 blocks = 0;
    u32 block_size = 2048;
    auto operator<=>(const Read10Cdb&) const = default;
};
[[nodiscard]] Cdb read10(const Read10Cdb&);
[[nodiscard]] Read10Cdb parse_read10(const Cdb&);

/// MMC-6 6.16 READ(12).
struct Read12Cdb {
    bool fua = false;
    u32 lba = 0;
    u32 blocks = 0;
    bool streaming = false;
    u32 block_size = 2048;
    auto operator<=>(const Read12Cdb&) const = default;
};
[[nodiscard]] Cdb read12(const Read12Cdb&);
[[nodiscard]] Read12Cdb parse_read12(const Cdb&);

/// MMC-6 6.43 VERIFY(10) with BYTCHK 0: the drive checks the blocks' EDC/ECC itself.
struct Verify10Cdb {
    u32 lba = 0;
    u16 blocks = 0;
    auto operator<=>(const Verify10Cdb&) const = default;
};
[[nodiscard]] Cdb verify10(const Verify10Cdb&);
/// BYTCHK 1 (compare with data sent) is refused as an invalid field.
[[nodiscard]] Verify10Cdb parse_verify10(const Cdb&);

/// MMC-6 6.20.2: Expected Sector Type of READ CD.
enum class ReadCdSectorType : u8 {
    Any = 0,
    CdDa = 1,
    Mode1 = 2,
    Mode2Formless = 3,
    Mode2Form1 = 4,
    Mode2Form2 = 5,
};

/// MMC-6 6.20.2: Header Codes of READ CD byte 9.
enum class ReadCdHeaders : u8 { None = 0, Header = 1, SubHeader = 2, All = 3 };

/// MMC-6 6.20.2: C2 Error Information of READ CD byte 9.
enum class ReadCdC2 : u8 { None = 0, ErrorBits = 1, ErrorBitsAndBlockErrorByte = 2 };

/// MMC-6 6.20.2: Sub-channel Data Selection of READ CD byte 10.
enum class ReadCdSubChannel : u8 { None = 0, Raw = 1, Q = 2, Rw = 4 };

/// MMC-6 6.20 READ CD.
struct ReadCdCdb {
    ReadCdSectorType sector_type = ReadCdSectorType::Any;
    bool dap = false; // digital audio play: conceal errors in CD-DA
    u32 lba = 0;
    u32 blocks = 0; // 24 bits
    // byte 9, the main channel selection
    bool sync = false;
    ReadCdHeaders headers = ReadCdHeaders::None;
    bool user_data = true;
    bool edc_ecc = false;
    ReadCdC2 c2 = ReadCdC2::None;
    ReadCdSubChannel sub_channel = ReadCdSubChannel::None;
    auto operator<=>(const ReadCdCdb&) const = default;
};
/// Bytes one sector of `kind` yields with the selection in `cdb` (MMC-6 Table 421 and its
/// notes: sync 12, header 4, sub-header 8 on Mode 2 Form 1/2 only, user data 2048 / 2336 /
/// 2324 / 2352, EDC/ECC 288 / 280 / 4, plus C2 294 or 296 and sub-channel 96 or 16), or
/// nullopt for a selection MMC calls illegal (sync without header, EDC/ECC without user data).
/// With kind Any, the largest over every sector type, which a host uses to size its buffer.
[[nodiscard]] std::optional<u32> read_cd_sector_size(const ReadCdCdb& cdb, ReadCdSectorType kind);
/// Throws InvalidParam for an illegal selection.
[[nodiscard]] Cdb read_cd(const ReadCdCdb&);
[[nodiscard]] ReadCdCdb parse_read_cd(const Cdb&);

// ---- Helpers ---------------------------------------------------------------------------

/// The LBA and block count of a READ(10/12), WRITE(10/12), VERIFY(10), READ CD or
/// SYNCHRONIZE CACHE CDB; nullopt for other commands or a malformed CDB.
struct BlockExtent {
    u32 lba = 0;
    u32 blocks = 0;
    auto operator<=>(const BlockExtent&) const = default;
};
[[nodiscard]] std::optional<BlockExtent> block_extent(const Cdb&);

} // namespace discwright::scsi
