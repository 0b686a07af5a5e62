#include "scsi/toc.h"

#include <limits>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "read toc/pma/atip";

template <OnDisk T> std::vector<T> descriptors(std::span<const std::byte> bytes) {
    std::vector<T> out;
    for (std::size_t pos = sizeof(TocHeader); received(bytes, pos, sizeof(T)); pos += sizeof(T))
        out.push_back(read_padded<T>(bytes, pos));
    return out;
}

TocEntry entry_of(const TocTrackDescriptor& d) {
    return {bits(d.adr_control, 4, 4), bits(d.adr_control, 0, 4), d.track_number, d.address};
}

TocTrackDescriptor descriptor_of(const TocEntry& e) {
    return {0, static_cast<u8>(place(e.adr, 4, 4) | place(e.control, 0, 4)), e.track_number, 0,
            e.address};
}

std::span<const std::byte> trusted(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(TocHeader));
    return clamp_reply(reply, reported_toc_length(reply));
}

template <class Out> void put_header(Out& out, std::size_t body, u8 first, u8 last) {
    const std::size_t length = body + sizeof(TocHeader) - 2;
    if (length > std::numeric_limits<u16>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding toc: {} bytes do not fit in 65535", length));
    out.put(TocHeader{static_cast<u16>(length), first, last});
}

Msf msf_of(const std::array<u8, 4>& f) {
    return {f[0], f[1], f[2]};
}
std::array<u8, 4> field_of(Msf m) {
    return {m.minute, m.second, m.frame, 0};
}
std::array<u8, 3> values_of(const std::array<u8, 4>& f) {
    return {f[0], f[1], f[2]};
}
std::array<u8, 4> field_of(const std::array<u8, 3>& v) {
    return {v[0], v[1], v[2], 0};
}

} // namespace

u32 reported_toc_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return u32{read_padded<Be16>(reply).value()} + 2;
}

Toc decode_toc(std::span<const std::byte> reply, TocAddressing addressing) {
    const auto bytes = trusted(reply);
    const auto h = read_padded<TocHeader>(reply);
    Toc out{.addressing = addressing, .first_track = h.first, .last_track = h.last, .entries = {}};
    for (const auto& d : descriptors<TocTrackDescriptor>(bytes))
        out.entries.push_back(entry_of(d));
    return out;
}

SessionInfo decode_session_info(std::span<const std::byte> reply, TocAddressing addressing) {
    const auto bytes = trusted(reply);
    const auto h = read_padded<TocHeader>(reply);
    return {addressing, h.first, h.last,
            entry_of(read_padded<TocTrackDescriptor>(bytes, sizeof(TocHeader)))};
}

FullToc decode_full_toc(std::span<const std::byte> reply) {
    const auto bytes = trusted(reply);
    const auto h = read_padded<TocHeader>(reply);
    FullToc out{.first_complete_session = h.first, .last_complete_session = h.last, .entries = {}};
    for (const auto& d : descriptors<FullTocDescriptor>(bytes))
        out.entries.push_back({
            .session_number = d.session_number,
            .adr = bits(d.adr_control, 4, 4),
            .control = bits(d.adr_control, 0, 4),
            .tno = d.tno,
            .point = d.point,
            .min = d.min,
            .sec = d.sec,
            .frame = d.frame,
            .zero = d.zero,
            .pmin = d.pmin,
            .psec = d.psec,
            .pframe = d.pframe,
        });
    return out;
}

Atip decode_atip(std::span<const std::byte> reply) {
    const auto a = read_padded<AtipReply>(trusted(reply));
    return {
        .indicative_target_writing_power = bits(a.writing_power, 4, 4),
        .ddcd = bit(a.writing_power, 3),
        .reference_speed = bits(a.writing_power, 0, 3),
        .uru = bit(a.uru, 6),
        .cd_rw = bit(a.disc, 6),
        .disc_sub_type = bits(a.disc, 3, 3),
        .a1_valid = bit(a.disc, 2),
        .a2_valid = bit(a.disc, 1),
        .a3_valid = bit(a.disc, 0),
        .start_time_of_lead_in = msf_of(a.lead_in_start),
        .last_possible_start_time_of_lead_out = msf_of(a.lead_out_start),
        .a1_values = values_of(a.a1_values),
        .a2_values = values_of(a.a2_values),
        .a3_values = values_of(a.a3_values),
    };
}

std::vector<std::byte> encode_toc(const Toc& toc) {
    return encode_to_vector([&](auto& out) {
        put_header(out, toc.entries.size() * sizeof(TocTrackDescriptor), toc.first_track,
                   toc.last_track);
        for (const auto& e : toc.entries)
            out.put(descriptor_of(e));
    });
}

std::vector<std::byte> encode_session_info(const SessionInfo& info) {
    return encode_to_vector([&](auto& out) {
        put_header(out, sizeof(TocTrackDescriptor), info.first_complete_session,
                   info.last_complete_session);
        out.put(descriptor_of(info.first_track_in_last_session));
    });
}

std::vector<std::byte> encode_full_toc(const FullToc& toc) {
    return encode_to_vector([&](auto& out) {
        put_header(out, toc.entries.size() * sizeof(FullTocDescriptor), toc.first_complete_session,
                   toc.last_complete_session);
        for (const auto& e : toc.entries)
            out.put(FullTocDescriptor{
                .session_number = e.session_number,
                .adr_control = static_cast<u8>(place(e.adr, 4, 4) | place(e.control, 0, 4)),
                .tno = e.tno,
                .point = e.point,
                .min = e.min,
                .sec = e.sec,
                .frame = e.frame,
                .zero = e.zero,
                .pmin = e.pmin,
                .psec = e.psec,
                .pframe = e.pframe,
            });
    });
}

std::vector<std::byte> encode_atip(const Atip& atip) {
    const AtipReply a{
        .header = {static_cast<u16>(sizeof(AtipReply) - 2), 0, 0},
        .writing_power = static_cast<u8>(place(atip.indicative_target_writing_power, 4, 4) |
                                         bit_if(atip.ddcd, 3) | place(atip.reference_speed, 0, 3)),
        .uru = bit_if(atip.uru, 6),
        // Bit 7 of byte 6 is always one (MMC-6 6.26.3, ATIP).
        .disc = static_cast<u8>(bit_if(true, 7) | bit_if(atip.cd_rw, 6) |
                                place(atip.disc_sub_type, 3, 3) | bit_if(atip.a1_valid, 2) |
                                bit_if(atip.a2_valid, 1) | bit_if(atip.a3_valid, 0)),
        .reserved7 = 0,
        .lead_in_start = field_of(atip.start_time_of_lead_in),
        .lead_out_start = field_of(atip.last_possible_start_time_of_lead_out),
        .a1_values = field_of(atip.a1_values),
        .a2_values = field_of(atip.a2_values),
        .a3_values = field_of(atip.a3_values),
    };
    return encode_to_vector([&](auto& out) { out.put(a); });
}

} // namespace discwright::scsi
