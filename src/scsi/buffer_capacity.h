#pragma once
// MMC-6 6.18 READ BUFFER CAPACITY: how full the drive's write buffer is, in bytes (Block = 0)
// or in blocks (Block = 1), which a writer polls to keep the drive streaming.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.18: the 12-byte reply, Block = 0.
struct BufferCapacityData {
    Be16 data_length;            // bytes 0-1: 10
    std::array<u8, 2> reserved;  // bytes 2-3
    Be32 length_of_buffer;       // bytes 4-7, bytes
    Be32 blank_length_of_buffer; // bytes 8-11, bytes
};
static_assert(OnDisk<BufferCapacityData> && sizeof(BufferCapacityData) == 12);

/// MMC-6 6.18: the 12-byte reply, Block = 1.
struct BufferCapacityBlocksData {
    Be16 data_length;                // bytes 0-1: 10
    u8 reserved2;                    // byte 2
    u8 block;                        // byte 3: Block bit 0, set
    std::array<u8, 4> reserved4;     // bytes 4-7
    Be32 available_length_of_buffer; // bytes 8-11, blocks
};
static_assert(OnDisk<BufferCapacityBlocksData> && sizeof(BufferCapacityBlocksData) == 12);

// Decoders throw InvalidResponseFromDevice for fewer than 2 bytes; fields that did not arrive
// read as zero.
[[nodiscard]] BufferCapacity decode_buffer_capacity(std::span<const std::byte> reply);
[[nodiscard]] BufferCapacityBlocks decode_buffer_capacity_blocks(std::span<const std::byte> reply);
[[nodiscard]] std::vector<std::byte> encode_buffer_capacity(const BufferCapacity& capacity);
[[nodiscard]] std::vector<std::byte>
encode_buffer_capacity_blocks(const BufferCapacityBlocks& capacity);

} // namespace discwright::scsi
