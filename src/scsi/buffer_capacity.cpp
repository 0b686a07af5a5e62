#include "scsi/buffer_capacity.h"

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "read buffer capacity";
constexpr u16 data_length = sizeof(BufferCapacityData) - 2;

std::span<const std::byte> trusted(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return clamp_reply(reply, u64{read_padded<Be16>(reply).value()} + 2);
}

} // namespace

BufferCapacity decode_buffer_capacity(std::span<const std::byte> reply) {
    const auto d = read_padded<BufferCapacityData>(trusted(reply));
    return {d.length_of_buffer, d.blank_length_of_buffer};
}

BufferCapacityBlocks decode_buffer_capacity_blocks(std::span<const std::byte> reply) {
    return {read_padded<BufferCapacityBlocksData>(trusted(reply)).available_length_of_buffer};
}

std::vector<std::byte> encode_buffer_capacity(const BufferCapacity& c) {
    return encode_to_vector([&](auto& out) {
        out.put(BufferCapacityData{data_length, {}, c.length_of_buffer, c.blank_length_of_buffer});
    });
}

std::vector<std::byte> encode_buffer_capacity_blocks(const BufferCapacityBlocks& c) {
    return encode_to_vector([&](auto& out) {
        out.put(BufferCapacityBlocksData{
            data_length, 0, bit_if(true, 0), {}, c.available_length_of_buffer});
    });
}

} // namespace discwright::scsi
