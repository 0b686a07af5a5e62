#pragma once
// MMC-6 6.22 READ DISC INFORMATION: the standard disc information block (data type 000b),
// which tells a burner whether the disc is blank, appendable or closed and where the last
// session's tracks are.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.22.3.1: the fixed 34 bytes of standard disc information.
struct DiscInformationBlock {
    Be16 disc_information_length;              // bytes 0-1: the bytes after byte 1
    u8 status;                                 // byte 2: data type 7-5, Erasable 4, last session
                                               //   state 3-2, disc status 1-0
    u8 first_track_on_disc;                    // byte 3
    u8 number_of_sessions_lsb;                 // byte 4
    u8 first_track_in_last_session_lsb;        // byte 5
    u8 last_track_in_last_session_lsb;         // byte 6
    u8 flags;                                  // byte 7: DID_V 7, DBC_V 6, URU 5, DAC_V 4, Dbit 2,
                                               //   BG format status 1-0
    u8 disc_type;                              // byte 8
    u8 number_of_sessions_msb;                 // byte 9
    u8 first_track_in_last_session_msb;        // byte 10
    u8 last_track_in_last_session_msb;         // byte 11
    Be32 disc_identification;                  // bytes 12-15
    Be32 last_session_lead_in_start_address;   // bytes 16-19
    Be32 last_possible_lead_out_start_address; // bytes 20-23
    std::array<u8, 8> disc_bar_code;           // bytes 24-31
    u8 disc_application_code;                  // byte 32
    u8 number_of_opc_tables;                   // byte 33
};
static_assert(OnDisk<DiscInformationBlock> && sizeof(DiscInformationBlock) == 34);
static_assert(offsetof(DiscInformationBlock, disc_identification) == 12);
static_assert(offsetof(DiscInformationBlock, disc_bar_code) == 24);

/// MMC-6 6.22.3.1: one OPC table entry, 8 bytes.
struct OpcTableEntryData {
    Be16 speed;                   // bytes 0-1, kB/s
    std::array<u8, 6> opc_values; // bytes 2-7
};
static_assert(OnDisk<OpcTableEntryData> && sizeof(OpcTableEntryData) == 8);

/// The length the reply claims: disc information length + 2. Needs 2 bytes.
[[nodiscard]] u32 reported_disc_information_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 2 bytes (the length) and for a
/// reply of another data type than 000b. Fields that did not arrive read as zero; the ones
/// valid by a flag (DID_V, DBC_V, DAC_V) are then absent.
[[nodiscard]] DiscInformation decode_disc_information(std::span<const std::byte> reply);
/// 34 bytes plus 8 per OPC table entry (at most 255 entries, else InvalidParam).
[[nodiscard]] std::vector<std::byte> encode_disc_information(const DiscInformation& info);

} // namespace discwright::scsi
