#pragma once
// MMC-6 6.23 READ DISC STRUCTURE: the 4-byte header and the structure raw, plus the two
// structures a recorder decodes: DVD format 00h (physical format information: book type, layers,
// data area) and BD format 00h (the first disc information unit).

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.23.3: the header of every READ DISC STRUCTURE reply.
struct DiscStructureHeader {
    Be16 data_length;           // bytes 0-1: the bytes after byte 1
    std::array<u8, 2> reserved; // bytes 2-3
};
static_assert(OnDisk<DiscStructureHeader> && sizeof(DiscStructureHeader) == 4);

/// ECMA-267 3.3.2 (MMC-6 6.23, DVD format 00h): the common part of physical format
/// information; offsets count from the first byte after the reply header.
struct DvdPhysicalFormatData {
    u8 book;                       // byte 0: book type 7-4, part version 3-0
    u8 size_rate;                  // byte 1: disc size 7-4, maximum rate 3-0
    u8 layers;                     // byte 2: number of layers 6-5, track path 4, layer type 3-0
    u8 density;                    // byte 3: linear density 7-4, track density 3-0
    Be32 starting_physical_sector; // bytes 4-7 (byte 4 is 00h)
    Be32 end_physical_sector;      // bytes 8-11
    Be32 end_sector_in_layer0;     // bytes 12-15
    u8 bca;                        // byte 16: BCA flag bit 7
};
static_assert(OnDisk<DvdPhysicalFormatData> && sizeof(DvdPhysicalFormatData) == 17);

/// MMC-6 6.23 (BD format 00h): the fixed start of a disc information unit.
struct BdDiscInformationUnitData {
    std::array<char, 2> identifier;           // bytes 0-1: "DI"
    u8 format;                                // byte 2
    u8 units_layer;                           // byte 3: units per block 7-3, layer 2-0
    u8 reserved4;                             // byte 4
    u8 sequence_number;                       // byte 5
    u8 bytes_in_use;                          // byte 6 bits 6-0
    u8 reserved7;                             // byte 7
    std::array<char, 3> disc_type_identifier; // bytes 8-10
    u8 size_class_version;                    // byte 11: size 7-6, class 5-4, version 3-0
    u8 layers;                                // byte 12: number of layers 7-4
    u8 channel;                               // byte 13: channel bit length 3-0
};
static_assert(OnDisk<BdDiscInformationUnitData> && sizeof(BdDiscInformationUnitData) == 14);

/// Bytes of physical format information (DVD) and of one disc information unit (BD) that the
/// encoders write; a drive sends 2048 and 4096 (32 units).
inline constexpr std::size_t dvd_physical_format_size = 2048;
inline constexpr std::size_t bd_disc_information_unit_size = 112;

/// The length the reply claims: data length + 2. Needs 2 bytes.
[[nodiscard]] u32 reported_disc_structure_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 4 bytes.
[[nodiscard]] DiscStructure decode_disc_structure(std::span<const std::byte> reply);
/// Larger than 65533 bytes of data is InvalidParam.
[[nodiscard]] std::vector<std::byte> encode_disc_structure(const DiscStructure& structure);

/// `data` is DiscStructure::data of DVD format 00h; fields past its end read as zero.
[[nodiscard]] DvdPhysicalFormat decode_dvd_physical_format(std::span<const std::byte> data);
/// 2048 bytes of data, the media-specific part zero.
[[nodiscard]] DiscStructure encode_dvd_physical_format(const DvdPhysicalFormat& format);

/// `data` is DiscStructure::data of BD format 00h. InvalidResponseFromDevice when it does not
/// start with a "DI" unit.
[[nodiscard]] BdDiscInformation decode_bd_disc_information(std::span<const std::byte> data);
/// One unit of 112 bytes; a disc type identifier longer than 3 characters is InvalidParam.
[[nodiscard]] DiscStructure encode_bd_disc_information(const BdDiscInformation& info);

} // namespace discwright::scsi
