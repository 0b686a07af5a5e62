#include "scsi/disc_structure.h"

#include <algorithm>
#include <limits>
#include <string>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "read disc structure";

} // namespace

u32 reported_disc_structure_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return u32{read_padded<Be16>(reply).value()} + 2;
}

DiscStructure decode_disc_structure(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(DiscStructureHeader));
    const auto bytes = clamp_reply(reply, reported_disc_structure_length(reply));
    return {copy_received(bytes, sizeof(DiscStructureHeader), bytes.size())};
}

std::vector<std::byte> encode_disc_structure(const DiscStructure& structure) {
    const std::size_t length = structure.data.size() + sizeof(DiscStructureHeader) - 2;
    if (length > std::numeric_limits<u16>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding disc structure: {} bytes do not fit in 65535", length));
    return encode_to_vector([&](auto& out) {
        out.put(DiscStructureHeader{static_cast<u16>(length), {}});
        out.bytes(structure.data);
    });
}

DvdPhysicalFormat decode_dvd_physical_format(std::span<const std::byte> data) {
    const auto d = read_padded<DvdPhysicalFormatData>(data);
    return {
        .book_type = bits(d.book, 4, 4),
        .part_version = bits(d.book, 0, 4),
        .disc_size = bits(d.size_rate, 4, 4),
        .maximum_rate = bits(d.size_rate, 0, 4),
        .number_of_layers = static_cast<u8>(bits(d.layers, 5, 2) + 1),
        .opposite_track_path = bit(d.layers, 4),
        .layer_type = bits(d.layers, 0, 4),
        .linear_density = bits(d.density, 4, 4),
        .track_density = bits(d.density, 0, 4),
        // The sector numbers are 24-bit with a zero byte before them (ECMA-267 3.3.2.6).
        .starting_physical_sector = d.starting_physical_sector.value() & 0xFFFFFFu,
        .end_physical_sector = d.end_physical_sector.value() & 0xFFFFFFu,
        .end_sector_in_layer0 = d.end_sector_in_layer0.value() & 0xFFFFFFu,
        .bca = bit(d.bca, 7),
    };
}

DiscStructure encode_dvd_physical_format(const DvdPhysicalFormat& f) {
    const u8 layers_field =
        f.number_of_layers == 0 ? u8{0} : static_cast<u8>(f.number_of_layers - 1);
    const DvdPhysicalFormatData d{
        .book = static_cast<u8>(place(f.book_type, 4, 4) | place(f.part_version, 0, 4)),
        .size_rate = static_cast<u8>(place(f.disc_size, 4, 4) | place(f.maximum_rate, 0, 4)),
        .layers = static_cast<u8>(place(layers_field, 5, 2) | bit_if(f.opposite_track_path, 4) |
                                  place(f.layer_type, 0, 4)),
        .density = static_cast<u8>(place(f.linear_density, 4, 4) | place(f.track_density, 0, 4)),
        .starting_physical_sector = f.starting_physical_sector & 0xFFFFFFu,
        .end_physical_sector = f.end_physical_sector & 0xFFFFFFu,
        .end_sector_in_layer0 = f.end_sector_in_layer0 & 0xFFFFFFu,
        .bca = bit_if(f.bca, 7),
    };
    return {encode_to_vector([&](auto& out) {
        out.put(d);
        out.zeros(dvd_physical_format_size - sizeof(d));
    })};
}

BdDiscInformation decode_bd_disc_information(std::span<const std::byte> data) {
    const auto u = read_padded<BdDiscInformationUnitData>(data);
    if (u.identifier != std::array<char, 2>{'D', 'I'})
        throw Error(ErrorCode::InvalidResponseFromDevice,
                    fmt::format("bd disc information: no disc information unit identifier 'DI' "
                                "({} bytes)",
                                data.size()));
    return {
        .di_format = u.format,
        .units_per_block = bits(u.units_layer, 3, 5),
        .layer = bits(u.units_layer, 0, 3),
        .sequence_number = u.sequence_number,
        .bytes_in_use = bits(u.bytes_in_use, 0, 7),
        .disc_type_identifier = trim_identifier(
            std::string(u.disc_type_identifier.begin(), u.disc_type_identifier.end())),
        .disc_size = bits(u.size_class_version, 6, 2),
        .disc_class = bits(u.size_class_version, 4, 2),
        .disc_version = bits(u.size_class_version, 0, 4),
        .number_of_layers = bits(u.layers, 4, 4),
        .channel_bit_length = bits(u.channel, 0, 4),
    };
}

DiscStructure encode_bd_disc_information(const BdDiscInformation& info) {
    if (info.disc_type_identifier.size() > 3)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding bd disc information: disc type identifier '{}' is "
                                "longer than 3 characters",
                                info.disc_type_identifier));
    BdDiscInformationUnitData u{};
    u.identifier = {'D', 'I'};
    u.format = info.di_format;
    u.units_layer = static_cast<u8>(place(info.units_per_block, 3, 5) | place(info.layer, 0, 3));
    u.sequence_number = info.sequence_number;
    u.bytes_in_use = place(info.bytes_in_use, 0, 7);
    u.disc_type_identifier.fill(' ');
    std::copy(info.disc_type_identifier.begin(), info.disc_type_identifier.end(),
              u.disc_type_identifier.begin());
    u.size_class_version =
        static_cast<u8>(place(info.disc_size, 6, 2) | place(info.disc_class, 4, 2) |
                        place(info.disc_version, 0, 4));
    u.layers = place(info.number_of_layers, 4, 4);
    u.channel = place(info.channel_bit_length, 0, 4);
    return {encode_to_vector([&](auto& out) {
        out.put(u);
        out.zeros(bd_disc_information_unit_size - sizeof(u));
    })};
}

} // namespace discwright::scsi
