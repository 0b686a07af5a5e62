#pragma once
// MMC-6 6.19 READ CAPACITY (the recorded size of the medium) and 6.24 READ FORMAT CAPACITIES
// (what a rewritable medium holds now and the formats it can take).

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.19: READ CAPACITY data, 8 bytes.
struct ReadCapacityData {
    Be32 last_lba;     // bytes 0-3: logical block address of the last block
    Be32 block_length; // bytes 4-7, bytes
};
static_assert(OnDisk<ReadCapacityData> && sizeof(ReadCapacityData) == 8);

/// MMC-6 6.24: capacity list header.
struct CapacityListHeader {
    std::array<u8, 3> reserved; // bytes 0-2
    u8 capacity_list_length;    // byte 3: 8 per descriptor that follows
};
static_assert(OnDisk<CapacityListHeader> && sizeof(CapacityListHeader) == 4);

/// MMC-6 6.24: the current/maximum and the formattable capacity descriptors share a shape.
struct CapacityDescriptorData {
    Be32 number_of_blocks; // bytes 0-3
    u8 type;               // byte 4: descriptor type 1-0 (current/maximum) or format type 7-2
    Be24 parameter;        // bytes 5-7: block length, or the type dependent parameter
};
static_assert(OnDisk<CapacityDescriptorData> && sizeof(CapacityDescriptorData) == 8);

/// Throws InvalidResponseFromDevice for fewer than 8 bytes (the reply has no length field).
[[nodiscard]] Capacity decode_capacity(std::span<const std::byte> reply);
[[nodiscard]] std::vector<std::byte> encode_capacity(const Capacity& capacity);

/// The length a READ FORMAT CAPACITIES reply claims: capacity list length + 4. Needs 4 bytes.
[[nodiscard]] u32 reported_format_capacities_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 4 bytes; drops a partial descriptor.
[[nodiscard]] FormatCapacities decode_format_capacities(std::span<const std::byte> reply);
/// The current descriptor (when present) then the formattable ones; at most 31 descriptors fit
/// the one-byte list length (InvalidParam).
[[nodiscard]] std::vector<std::byte> encode_format_capacities(const FormatCapacities& c);

} // namespace discwright::scsi
