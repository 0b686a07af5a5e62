#include "scsi/track_information.h"

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "track information";

u16 join(u8 msb, u8 lsb) {
    return static_cast<u16>(msb * 256u + lsb);
}
u8 msb_of(u16 v) {
    return static_cast<u8>(v / 256u);
}
u8 lsb_of(u16 v) {
    return static_cast<u8>(v % 256u);
}

} // namespace

u32 reported_track_information_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return u32{read_padded<Be16>(reply).value()} + 2;
}

TrackInformation decode_track_information(std::span<const std::byte> reply) {
    const auto bytes = clamp_reply(reply, reported_track_information_length(reply));
    const auto b = read_padded<TrackInformationBlock>(bytes);
    TrackInformation out;
    out.track_number = join(b.track_number_msb, b.track_number_lsb);
    out.session_number = join(b.session_number_msb, b.session_number_lsb);
    out.ljrs = bits(b.track_flags, 6, 2);
    out.damage = bit(b.track_flags, 5);
    out.copy = bit(b.track_flags, 4);
    out.track_mode = bits(b.track_flags, 0, 4);
    out.rt = bit(b.data_flags, 7);
    out.blank = bit(b.data_flags, 6);
    out.packet_inc = bit(b.data_flags, 5);
    out.fp = bit(b.data_flags, 4);
    out.data_mode = bits(b.data_flags, 0, 4);
    out.track_start_address = b.track_start_address;
    if (bit(b.valid_flags, 0) &&
        received(bytes, offsetof(TrackInformationBlock, next_writable_address), 4))
        out.next_writable_address = b.next_writable_address;
    out.free_blocks = b.free_blocks;
    out.fixed_packet_size = b.fixed_packet_size;
    out.track_size = b.track_size;
    if (bit(b.valid_flags, 1) &&
        received(bytes, offsetof(TrackInformationBlock, last_recorded_address), 4))
        out.last_recorded_address = b.last_recorded_address;
    out.read_compatibility_lba = b.read_compatibility_lba;
    out.next_layer_jump_address = b.next_layer_jump_address;
    out.last_layer_jump_address = b.last_layer_jump_address;
    return out;
}

std::vector<std::byte> encode_track_information(const TrackInformation& info) {
    const TrackInformationBlock b{
        .data_length = static_cast<u16>(sizeof(TrackInformationBlock) - 2),
        .track_number_lsb = lsb_of(info.track_number),
        .session_number_lsb = lsb_of(info.session_number),
        .reserved4 = 0,
        .track_flags = static_cast<u8>(place(info.ljrs, 6, 2) | bit_if(info.damage, 5) |
                                       bit_if(info.copy, 4) | place(info.track_mode, 0, 4)),
        .data_flags = static_cast<u8>(bit_if(info.rt, 7) | bit_if(info.blank, 6) |
                                      bit_if(info.packet_inc, 5) | bit_if(info.fp, 4) |
                                      place(info.data_mode, 0, 4)),
        .valid_flags = static_cast<u8>(bit_if(info.last_recorded_address.has_value(), 1) |
                                       bit_if(info.next_writable_address.has_value(), 0)),
        .track_start_address = info.track_start_address,
        .next_writable_address = info.next_writable_address.value_or(0),
        .free_blocks = info.free_blocks,
        .fixed_packet_size = info.fixed_packet_size,
        .track_size = info.track_size,
        .last_recorded_address = info.last_recorded_address.value_or(0),
        .track_number_msb = msb_of(info.track_number),
        .session_number_msb = msb_of(info.session_number),
        .reserved34 = {},
        .read_compatibility_lba = info.read_compatibility_lba,
        .next_layer_jump_address = info.next_layer_jump_address,
        .last_layer_jump_address = info.last_layer_jump_address,
    };
    return encode_to_vector([&](auto& out) { out.put(b); });
}

} // namespace discwright::scsi
