#include "scsi/capacity.h"

namespace discwright::scsi {

namespace {

constexpr std::string_view format_what = "read format capacities";

} // namespace

Capacity decode_capacity(std::span<const std::byte> reply) {
    require_reply_header("read capacity", reply, sizeof(ReadCapacityData));
    const auto d = read_padded<ReadCapacityData>(reply);
    return {d.last_lba, d.block_length};
}

std::vector<std::byte> encode_capacity(const Capacity& capacity) {
    return encode_to_vector([&](auto& out) {
        out.put(ReadCapacityData{capacity.last_lba, capacity.block_length});
    });
}

u32 reported_format_capacities_length(std::span<const std::byte> reply) {
    require_reply_header(format_what, reply, sizeof(CapacityListHeader));
    return u32{read_padded<CapacityListHeader>(reply).capacity_list_length} +
           sizeof(CapacityListHeader);
}

FormatCapacities decode_format_capacities(std::span<const std::byte> reply) {
    const auto bytes = clamp_reply(reply, reported_format_capacities_length(reply));
    FormatCapacities out;
    for (std::size_t pos = sizeof(CapacityListHeader);
         received(bytes, pos, sizeof(CapacityDescriptorData));
         pos += sizeof(CapacityDescriptorData)) {
        const auto d = read_padded<CapacityDescriptorData>(bytes, pos);
        if (pos == sizeof(CapacityListHeader))
            out.current = CurrentCapacityDescriptor{
                .number_of_blocks = d.number_of_blocks,
                .type = static_cast<CapacityDescriptorType>(bits(d.type, 0, 2)),
                .block_length = d.parameter,
            };
        else
            out.formattable.push_back({d.number_of_blocks, bits(d.type, 2, 6), d.parameter});
    }
    return out;
}

std::vector<std::byte> encode_format_capacities(const FormatCapacities& c) {
    const std::size_t count = (c.current ? 1 : 0) + c.formattable.size();
    if (count * sizeof(CapacityDescriptorData) > 255)
        throw Error(
            ErrorCode::InvalidParam,
            fmt::format("encoding format capacities: {} descriptors do not fit in 31", count));
    return encode_to_vector([&](auto& out) {
        out.put(CapacityListHeader{{}, static_cast<u8>(count * sizeof(CapacityDescriptorData))});
        if (c.current)
            out.put(CapacityDescriptorData{c.current->number_of_blocks,
                                           place(static_cast<u8>(c.current->type), 0, 2),
                                           c.current->block_length});
        for (const auto& f : c.formattable)
            out.put(CapacityDescriptorData{f.number_of_blocks, place(f.format_type, 2, 6),
                                           f.type_dependent_parameter});
    });
}

} // namespace discwright::scsi
