#pragma once
// SPC-4 7.5 mode parameters as MODE SENSE(10) returns and MODE SELECT(10) sends them: the
// 8-byte header, block descriptors (which MMC drives leave empty) and the pages, kept raw.
// Three pages are decoded field by field: 01h Read/Write Error Recovery, 05h Write Parameters
// and 2Ah CD/DVD Capabilities and Mechanical Status.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// SPC-4 7.5.5: mode parameter header(10).
struct ModeParameterHeader10 {
    Be16 mode_data_length;        // bytes 0-1: the bytes after byte 1 (MODE SELECT: reserved)
    u8 medium_type;               // byte 2
    u8 device_specific_parameter; // byte 3: WP bit 7 for MMC
    u8 flags;                     // byte 4: LONGLBA bit 0
    u8 reserved;                  // byte 5
    Be16 block_descriptor_length; // bytes 6-7
};
static_assert(OnDisk<ModeParameterHeader10> && sizeof(ModeParameterHeader10) == 8);
static_assert(offsetof(ModeParameterHeader10, block_descriptor_length) == 6);

/// SPC-4 7.5.7: page_0 format header (SPF = 0).
struct ModePageHeader {
    u8 page_code;   // byte 0: PS bit 7, SPF bit 6, page code bits 5-0
    u8 page_length; // byte 1: the bytes after byte 1
};
static_assert(OnDisk<ModePageHeader> && sizeof(ModePageHeader) == 2);

/// SPC-4 7.5.7: sub_page format header (SPF = 1).
struct ModeSubpageHeader {
    u8 page_code;     // byte 0: PS bit 7, SPF bit 6, page code bits 5-0
    u8 subpage_code;  // byte 1
    Be16 page_length; // bytes 2-3: the bytes after byte 3
};
static_assert(OnDisk<ModeSubpageHeader> && sizeof(ModeSubpageHeader) == 4);

/// MMC-6 7.3: page 01h after its 2-byte header (page length 0Ah).
struct ErrorRecoveryPageData {
    u8 flags;                   // byte 2: AWRE 7, ARRE 6, TB 5, RC 4, PER 2, DTE 1, DCR 0
    u8 read_retry_count;        // byte 3
    std::array<u8, 4> obsolete; // bytes 4-7
    u8 write_retry_count;       // byte 8
    u8 reserved;                // byte 9
    Be16 recovery_time_limit;   // bytes 10-11
};
static_assert(OnDisk<ErrorRecoveryPageData> && sizeof(ErrorRecoveryPageData) == 10);

/// MMC-6 7.5: page 05h after its 2-byte header (page length 32h).
struct WriteParametersPageData {
    u8 write_flags;           // byte 2: BUFE 6, LS_V 5, Test Write 4, Write Type 3-0
    u8 track_flags;           // byte 3: Multi-session 7-6, FP 5, Copy 4, Track Mode 3-0
    u8 data_block_type;       // byte 4 bits 3-0
    u8 link_size;             // byte 5
    u8 reserved6;             // byte 6
    u8 host_application_code; // byte 7 bits 5-0
    u8 session_format;        // byte 8
    u8 reserved9;             // byte 9
    Be32 packet_size;         // bytes 10-13
    Be16 audio_pause_length;  // bytes 14-15
    std::array<u8, 16> media_catalog_number; // bytes 16-31
    std::array<u8, 16> isrc;                 // bytes 32-47
    std::array<u8, 4> subheader;             // bytes 48-51
};
static_assert(OnDisk<WriteParametersPageData> && sizeof(WriteParametersPageData) == 50);
static_assert(offsetof(WriteParametersPageData, packet_size) == 8); // page byte 10

/// MMC-3 6.3.11: page 2Ah after its 2-byte header, up to the descriptor count.
struct CapabilitiesPageData {
    u8 read_flags;                          // byte 2
    u8 write_flags;                         // byte 3
    u8 flags4;                              // byte 4
    u8 flags5;                              // byte 5
    u8 flags6;                              // byte 6
    u8 flags7;                              // byte 7
    Be16 max_read_speed;                    // bytes 8-9
    Be16 number_of_volume_levels;           // bytes 10-11
    Be16 buffer_size;                       // bytes 12-13
    Be16 current_read_speed;                // bytes 14-15
    u8 reserved16;                          // byte 16
    u8 digital_output_flags;                // byte 17: BCKF, RCK, LSBF, Length
    Be16 max_write_speed;                   // bytes 18-19
    Be16 current_write_speed;               // bytes 20-21
    Be16 copy_management_revision;          // bytes 22-23
    std::array<u8, 3> reserved24;           // bytes 24-26
    u8 rotation_control_selected;           // byte 27 bits 1-0
    Be16 current_write_speed_selected;      // bytes 28-29
    Be16 number_of_write_speed_descriptors; // bytes 30-31
};
static_assert(OnDisk<CapabilitiesPageData> && sizeof(CapabilitiesPageData) == 30);
static_assert(offsetof(CapabilitiesPageData, rotation_control_selected) == 25); // page byte 27

/// MMC-3 6.3.11: logical unit write speed performance descriptor.
struct LogicalUnitWriteSpeedData {
    u8 reserved;         // byte 0
    u8 rotation_control; // byte 1 bits 2-0
    Be16 write_speed;    // bytes 2-3, kB/s
};
static_assert(OnDisk<LogicalUnitWriteSpeedData> && sizeof(LogicalUnitWriteSpeedData) == 4);

/// Which command a parameter list is for: in MODE SELECT the mode data length and the PS bits
/// are reserved and sent as zero (SPC-4 7.5.5, 7.5.7).
enum class ModeParameterUse : u8 { ModeSense, ModeSelect };

/// The length a MODE SENSE(10) reply claims: mode data length + 2. Needs 2 bytes.
[[nodiscard]] u32 reported_mode_parameters_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 8 bytes. A page whose bytes did not all
/// arrive ends the list.
[[nodiscard]] ModeParameters decode_mode_parameters(std::span<const std::byte> reply);
/// The parameter list: header, block descriptors, then each page with its header. A page of
/// more than 255 data bytes (65535 for a sub-page) is InvalidParam.
[[nodiscard]] std::vector<std::byte>
encode_mode_parameters(const ModeParameters& parameters,
                       ModeParameterUse use = ModeParameterUse::ModeSense);

/// One page with its own header, as IMAPI's GetModePage returns it.
[[nodiscard]] std::vector<std::byte> encode_mode_page(const ModePage& page);
/// The page at the start of `bytes` (with its header); data past the bytes received is cut.
/// Fewer than 2 bytes (4 for a sub-page) is InvalidParam.
[[nodiscard]] ModePage decode_mode_page(std::span<const std::byte> bytes);

/// Page decoders read missing bytes as zero and reject a page of another code (InvalidParam).
[[nodiscard]] ErrorRecoveryPage decode_error_recovery_page(const ModePage& page);
[[nodiscard]] WriteParametersPage decode_write_parameters_page(const ModePage& page);
[[nodiscard]] CapabilitiesPage decode_capabilities_page(const ModePage& page);

[[nodiscard]] ModePage encode_mode_page(const ErrorRecoveryPage& page);
[[nodiscard]] ModePage encode_mode_page(const WriteParametersPage& page);
/// At most 56 write speed descriptors fit in the page's one-byte length (InvalidParam).
[[nodiscard]] ModePage encode_mode_page(const CapabilitiesPage& page);

} // namespace discwright::scsi
