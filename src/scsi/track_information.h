#pragma once
// MMC-6 6.27 READ TRACK INFORMATION: the track information block, which gives a burner the
// next writable address and the free blocks of an open track.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.27.3: the 48-byte track information block.
struct TrackInformationBlock {
    Be16 data_length;             // bytes 0-1: the bytes after byte 1
    u8 track_number_lsb;          // byte 2
    u8 session_number_lsb;        // byte 3
    u8 reserved4;                 // byte 4
    u8 track_flags;               // byte 5: LJRS 7-6, Damage 5, Copy 4, Track Mode 3-0
    u8 data_flags;                // byte 6: RT 7, Blank 6, Packet/Inc 5, FP 4, Data Mode 3-0
    u8 valid_flags;               // byte 7: LRA_V 1, NWA_V 0
    Be32 track_start_address;     // bytes 8-11
    Be32 next_writable_address;   // bytes 12-15
    Be32 free_blocks;             // bytes 16-19
    Be32 fixed_packet_size;       // bytes 20-23
    Be32 track_size;              // bytes 24-27
    Be32 last_recorded_address;   // bytes 28-31
    u8 track_number_msb;          // byte 32
    u8 session_number_msb;        // byte 33
    std::array<u8, 2> reserved34; // bytes 34-35
    Be32 read_compatibility_lba;  // bytes 36-39
    Be32 next_layer_jump_address; // bytes 40-43
    Be32 last_layer_jump_address; // bytes 44-47
};
static_assert(OnDisk<TrackInformationBlock> && sizeof(TrackInformationBlock) == 48);
static_assert(offsetof(TrackInformationBlock, next_writable_address) == 12);
static_assert(offsetof(TrackInformationBlock, track_number_msb) == 32);
static_assert(offsetof(TrackInformationBlock, read_compatibility_lba) == 36);

/// The length the reply claims: data length + 2. Needs 2 bytes.
[[nodiscard]] u32 reported_track_information_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 2 bytes. Fields that did not arrive read as
/// zero (older drives send 28 or 36 bytes); NWA and LRA are absent then, as without NWA_V/LRA_V.
[[nodiscard]] TrackInformation decode_track_information(std::span<const std::byte> reply);
/// 48 bytes.
[[nodiscard]] std::vector<std::byte> encode_track_information(const TrackInformation& info);

} // namespace discwright::scsi
