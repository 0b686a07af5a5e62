#include "scsi/disc_information.h"

#include <limits>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "disc information";

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

u32 reported_disc_information_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return u32{read_padded<Be16>(reply).value()} + 2;
}

DiscInformation decode_disc_information(std::span<const std::byte> reply) {
    const auto bytes = clamp_reply(reply, reported_disc_information_length(reply));
    const auto b = read_padded<DiscInformationBlock>(bytes);
    if (const u8 type = bits(b.status, 5, 3); type != 0)
        throw Error(
            ErrorCode::InvalidResponseFromDevice,
            fmt::format("{}: data type {} is not standard disc information (byte 2)", what, type));
    auto has = [&](std::size_t offset, std::size_t n) { return received(bytes, offset, n); };
    DiscInformation out;
    out.erasable = bit(b.status, 4);
    out.last_session_state = static_cast<SessionState>(bits(b.status, 2, 2));
    out.disc_status = static_cast<DiscStatus>(bits(b.status, 0, 2));
    out.first_track_on_disc = b.first_track_on_disc;
    out.number_of_sessions = join(b.number_of_sessions_msb, b.number_of_sessions_lsb);
    out.first_track_in_last_session =
        join(b.first_track_in_last_session_msb, b.first_track_in_last_session_lsb);
    out.last_track_in_last_session =
        join(b.last_track_in_last_session_msb, b.last_track_in_last_session_lsb);
    out.uru = bit(b.flags, 5);
    out.dbit = bit(b.flags, 2);
    out.bg_format_status = static_cast<BackgroundFormatStatus>(bits(b.flags, 0, 2));
    out.disc_type = static_cast<DiscType>(b.disc_type);
    if (bit(b.flags, 7) && has(offsetof(DiscInformationBlock, disc_identification), 4))
        out.disc_identification = b.disc_identification;
    out.last_session_lead_in_start_address = b.last_session_lead_in_start_address;
    out.last_possible_lead_out_start_address = b.last_possible_lead_out_start_address;
    if (bit(b.flags, 6) && has(offsetof(DiscInformationBlock, disc_bar_code), 8))
        out.disc_bar_code = b.disc_bar_code;
    if (bit(b.flags, 4) && has(offsetof(DiscInformationBlock, disc_application_code), 1))
        out.disc_application_code = b.disc_application_code;
    for (std::size_t i = 0; i < b.number_of_opc_tables; ++i) {
        const std::size_t pos = sizeof(DiscInformationBlock) + i * sizeof(OpcTableEntryData);
        if (!has(pos, sizeof(OpcTableEntryData))) break;
        const auto e = read_padded<OpcTableEntryData>(bytes, pos);
        out.opc_table.push_back({e.speed, e.opc_values});
    }
    return out;
}

std::vector<std::byte> encode_disc_information(const DiscInformation& info) {
    if (info.opc_table.size() > std::numeric_limits<u8>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding disc information: {} OPC tables do not fit in 255",
                                info.opc_table.size()));
    const std::size_t total =
        sizeof(DiscInformationBlock) + info.opc_table.size() * sizeof(OpcTableEntryData);
    const DiscInformationBlock b{
        .disc_information_length = static_cast<u16>(total - 2),
        .status = static_cast<u8>(bit_if(info.erasable, 4) |
                                  place(static_cast<u8>(info.last_session_state), 2, 2) |
                                  place(static_cast<u8>(info.disc_status), 0, 2)),
        .first_track_on_disc = info.first_track_on_disc,
        .number_of_sessions_lsb = lsb_of(info.number_of_sessions),
        .first_track_in_last_session_lsb = lsb_of(info.first_track_in_last_session),
        .last_track_in_last_session_lsb = lsb_of(info.last_track_in_last_session),
        .flags = static_cast<u8>(bit_if(info.disc_identification.has_value(), 7) |
                                 bit_if(info.disc_bar_code.has_value(), 6) | bit_if(info.uru, 5) |
                                 bit_if(info.disc_application_code.has_value(), 4) |
                                 bit_if(info.dbit, 2) |
                                 place(static_cast<u8>(info.bg_format_status), 0, 2)),
        .disc_type = static_cast<u8>(info.disc_type),
        .number_of_sessions_msb = msb_of(info.number_of_sessions),
        .first_track_in_last_session_msb = msb_of(info.first_track_in_last_session),
        .last_track_in_last_session_msb = msb_of(info.last_track_in_last_session),
        .disc_identification = info.disc_identification.value_or(0),
        .last_session_lead_in_start_address = info.last_session_lead_in_start_address,
        .last_possible_lead_out_start_address = info.last_possible_lead_out_start_address,
        .disc_bar_code = info.disc_bar_code.value_or(std::array<u8, 8>{}),
        .disc_application_code = info.disc_application_code.value_or(0),
        .number_of_opc_tables = static_cast<u8>(info.opc_table.size()),
    };
    return encode_to_vector([&](auto& out) {
        out.put(b);
        for (const auto& e : info.opc_table)
            out.put(OpcTableEntryData{e.speed, e.opc_values});
    });
}

} // namespace discwright::scsi
