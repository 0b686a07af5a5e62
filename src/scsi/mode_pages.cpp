#include "scsi/mode_pages.h"

#include <limits>
#include <optional>
#include <utility>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "mode parameters";

constexpr u8 spf_bit = 6;
constexpr u8 ps_bit = 7;

void expect_page(const ModePage& page, ModePageCode expected) {
    if (page.code != expected)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("decoding mode page {}: the page is {}", to_string(expected),
                                to_string(page.code)));
}

template <class Out> void encode_page(Out& out, const ModePage& page, ModeParameterUse use) {
    const bool ps = page.ps && use == ModeParameterUse::ModeSense;
    const u8 code = static_cast<u8>(bit_if(ps, ps_bit) | bit_if(page.subpage.has_value(), spf_bit) |
                                    place(static_cast<u8>(page.code), 0, 6));
    const std::size_t limit =
        page.subpage ? std::numeric_limits<u16>::max() : std::numeric_limits<u8>::max();
    if (page.data.size() > limit)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding mode page {}: {} bytes do not fit in {}",
                                to_string(page.code), page.data.size(), limit));
    if (page.subpage)
        out.put(ModeSubpageHeader{code, *page.subpage, static_cast<u16>(page.data.size())});
    else
        out.put(ModePageHeader{code, static_cast<u8>(page.data.size())});
    out.bytes(page.data);
}

/// The page at `pos` and the offset after it, or nothing when its header or data did not
/// all arrive.
std::optional<std::pair<ModePage, std::size_t>> page_at(std::span<const std::byte> bytes,
                                                        std::size_t pos) {
    if (!received(bytes, pos, sizeof(ModePageHeader))) return std::nullopt;
    const auto first = read_padded<u8>(bytes, pos);
    ModePage page;
    page.code = static_cast<ModePageCode>(bits(first, 0, 6));
    page.ps = bit(first, ps_bit);
    std::size_t length = 0;
    if (bit(first, spf_bit)) {
        if (!received(bytes, pos, sizeof(ModeSubpageHeader))) return std::nullopt;
        const auto h = read_padded<ModeSubpageHeader>(bytes, pos);
        page.subpage = h.subpage_code;
        length = h.page_length;
        pos += sizeof(ModeSubpageHeader);
    } else {
        length = read_padded<ModePageHeader>(bytes, pos).page_length;
        pos += sizeof(ModePageHeader);
    }
    if (!received(bytes, pos, length)) return std::nullopt;
    page.data = copy_received(bytes, pos, length);
    return std::pair{std::move(page), pos + length};
}

} // namespace

u32 reported_mode_parameters_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 2);
    return u32{read_padded<Be16>(reply).value()} + 2;
}

ModeParameters decode_mode_parameters(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(ModeParameterHeader10));
    const auto bytes = clamp_reply(reply, reported_mode_parameters_length(reply));
    const auto h = read_padded<ModeParameterHeader10>(reply);
    ModeParameters out;
    out.medium_type = h.medium_type;
    out.write_protected = bit(h.device_specific_parameter, 7);
    out.block_descriptors =
        copy_received(bytes, sizeof(ModeParameterHeader10), h.block_descriptor_length);
    std::size_t pos = sizeof(ModeParameterHeader10) + h.block_descriptor_length;
    while (auto page = page_at(bytes, pos)) {
        out.pages.push_back(std::move(page->first));
        pos = page->second;
    }
    return out;
}

std::vector<std::byte> encode_mode_parameters(const ModeParameters& p, ModeParameterUse use) {
    if (p.block_descriptors.size() > std::numeric_limits<u16>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding mode parameters: {} bytes of block descriptors",
                                p.block_descriptors.size()));
    return encode_to_vector([&](auto& out) {
        core::SizeCounter body;
        for (const auto& page : p.pages)
            encode_page(body, page, use);
        const std::size_t total =
            sizeof(ModeParameterHeader10) + p.block_descriptors.size() + body.bytes();
        if (total - 2 > std::numeric_limits<u16>::max())
            throw Error(
                ErrorCode::InvalidParam,
                fmt::format("encoding mode parameters: {} bytes do not fit in 65537", total));
        out.put(ModeParameterHeader10{
            .mode_data_length =
                static_cast<u16>(use == ModeParameterUse::ModeSense ? total - 2 : 0),
            .medium_type = p.medium_type,
            .device_specific_parameter = bit_if(p.write_protected, 7),
            .flags = 0,
            .reserved = 0,
            .block_descriptor_length = static_cast<u16>(p.block_descriptors.size()),
        });
        out.bytes(p.block_descriptors);
        for (const auto& page : p.pages)
            encode_page(out, page, use);
    });
}

std::vector<std::byte> encode_mode_page(const ModePage& page) {
    return encode_to_vector(
        [&](auto& out) { encode_page(out, page, ModeParameterUse::ModeSense); });
}

ModePage decode_mode_page(std::span<const std::byte> bytes) {
    const bool subpage = !bytes.empty() && bit(read_padded<u8>(bytes), spf_bit);
    const std::size_t header = subpage ? sizeof(ModeSubpageHeader) : sizeof(ModePageHeader);
    if (bytes.size() < header)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("mode page: shorter than its {}-byte header ({} bytes)", header,
                                bytes.size()));
    const u8 first = read_padded<u8>(bytes);
    ModePage page;
    page.code = static_cast<ModePageCode>(bits(first, 0, 6));
    page.ps = bit(first, ps_bit);
    std::size_t length = read_padded<ModePageHeader>(bytes).page_length;
    if (subpage) {
        const auto h = read_padded<ModeSubpageHeader>(bytes);
        page.subpage = h.subpage_code;
        length = h.page_length;
    }
    page.data = copy_received(bytes, header, length);
    return page;
}

ErrorRecoveryPage decode_error_recovery_page(const ModePage& page) {
    expect_page(page, ModePageCode::ReadWriteErrorRecovery);
    const auto d = read_padded<ErrorRecoveryPageData>(page.data);
    return {
        .awre = bit(d.flags, 7),
        .arre = bit(d.flags, 6),
        .tb = bit(d.flags, 5),
        .rc = bit(d.flags, 4),
        .per = bit(d.flags, 2),
        .dte = bit(d.flags, 1),
        .dcr = bit(d.flags, 0),
        .read_retry_count = d.read_retry_count,
        .write_retry_count = d.write_retry_count,
        .recovery_time_limit = d.recovery_time_limit,
    };
}

ModePage encode_mode_page(const ErrorRecoveryPage& p) {
    const ErrorRecoveryPageData d{
        .flags = static_cast<u8>(bit_if(p.awre, 7) | bit_if(p.arre, 6) | bit_if(p.tb, 5) |
                                 bit_if(p.rc, 4) | bit_if(p.per, 2) | bit_if(p.dte, 1) |
                                 bit_if(p.dcr, 0)),
        .read_retry_count = p.read_retry_count,
        .obsolete = {},
        .write_retry_count = p.write_retry_count,
        .reserved = 0,
        .recovery_time_limit = p.recovery_time_limit,
    };
    return {ModePageCode::ReadWriteErrorRecovery, false, std::nullopt,
            encode_to_vector([&](auto& out) { out.put(d); })};
}

WriteParametersPage decode_write_parameters_page(const ModePage& page) {
    expect_page(page, ModePageCode::WriteParameters);
    const auto d = read_padded<WriteParametersPageData>(page.data);
    return {
        .bufe = bit(d.write_flags, 6),
        .ls_v = bit(d.write_flags, 5),
        .test_write = bit(d.write_flags, 4),
        .write_type = static_cast<WriteType>(bits(d.write_flags, 0, 4)),
        .multi_session = static_cast<MultiSession>(bits(d.track_flags, 6, 2)),
        .fp = bit(d.track_flags, 5),
        .copy = bit(d.track_flags, 4),
        .track_mode = bits(d.track_flags, 0, 4),
        .data_block_type = bits(d.data_block_type, 0, 4),
        .link_size = d.link_size,
        .host_application_code = bits(d.host_application_code, 0, 6),
        .session_format = d.session_format,
        .packet_size = d.packet_size,
        .audio_pause_length = d.audio_pause_length,
        .media_catalog_number = d.media_catalog_number,
        .isrc = d.isrc,
        .subheader = d.subheader,
    };
}

ModePage encode_mode_page(const WriteParametersPage& p) {
    const WriteParametersPageData d{
        .write_flags =
            static_cast<u8>(bit_if(p.bufe, 6) | bit_if(p.ls_v, 5) | bit_if(p.test_write, 4) |
                            place(static_cast<u8>(p.write_type), 0, 4)),
        .track_flags =
            static_cast<u8>(place(static_cast<u8>(p.multi_session), 6, 2) | bit_if(p.fp, 5) |
                            bit_if(p.copy, 4) | place(p.track_mode, 0, 4)),
        .data_block_type = place(p.data_block_type, 0, 4),
        .link_size = p.link_size,
        .reserved6 = 0,
        .host_application_code = place(p.host_application_code, 0, 6),
        .session_format = p.session_format,
        .reserved9 = 0,
        .packet_size = p.packet_size,
        .audio_pause_length = p.audio_pause_length,
        .media_catalog_number = p.media_catalog_number,
        .isrc = p.isrc,
        .subheader = p.subheader,
    };
    return {ModePageCode::WriteParameters, false, std::nullopt,
            encode_to_vector([&](auto& out) { out.put(d); })};
}

CapabilitiesPage decode_capabilities_page(const ModePage& page) {
    expect_page(page, ModePageCode::CapabilitiesAndMechanicalStatus);
    const auto d = read_padded<CapabilitiesPageData>(page.data);
    CapabilitiesPage c;
    c.dvd_ram_read = bit(d.read_flags, 5);
    c.dvd_r_read = bit(d.read_flags, 4);
    c.dvd_rom_read = bit(d.read_flags, 3);
    c.method2 = bit(d.read_flags, 2);
    c.cd_rw_read = bit(d.read_flags, 1);
    c.cd_r_read = bit(d.read_flags, 0);
    c.dvd_ram_write = bit(d.write_flags, 5);
    c.dvd_r_write = bit(d.write_flags, 4);
    c.test_write = bit(d.write_flags, 2);
    c.cd_rw_write = bit(d.write_flags, 1);
    c.cd_r_write = bit(d.write_flags, 0);
    c.buf = bit(d.flags4, 7);
    c.multi_session = bit(d.flags4, 6);
    c.mode2_form2 = bit(d.flags4, 5);
    c.mode2_form1 = bit(d.flags4, 4);
    c.digital_port2 = bit(d.flags4, 3);
    c.digital_port1 = bit(d.flags4, 2);
    c.composite = bit(d.flags4, 1);
    c.audio_play = bit(d.flags4, 0);
    c.read_bar_code = bit(d.flags5, 7);
    c.upc = bit(d.flags5, 6);
    c.isrc = bit(d.flags5, 5);
    c.c2_pointers = bit(d.flags5, 4);
    c.rw_deinterleaved = bit(d.flags5, 3);
    c.rw_supported = bit(d.flags5, 2);
    c.cdda_stream_accurate = bit(d.flags5, 1);
    c.cdda_commands = bit(d.flags5, 0);
    c.loading_mechanism_type = bits(d.flags6, 5, 3);
    c.eject = bit(d.flags6, 3);
    c.prevent_jumper = bit(d.flags6, 2);
    c.lock_state = bit(d.flags6, 1);
    c.lock = bit(d.flags6, 0);
    c.rw_in_lead_in = bit(d.flags7, 5);
    c.side_change = bit(d.flags7, 4);
    c.sss = bit(d.flags7, 3);
    c.changer_disc_present = bit(d.flags7, 2);
    c.separate_channel_mute = bit(d.flags7, 1);
    c.separate_volume_levels = bit(d.flags7, 0);
    c.max_read_speed = d.max_read_speed;
    c.number_of_volume_levels = d.number_of_volume_levels;
    c.buffer_size = d.buffer_size;
    c.current_read_speed = d.current_read_speed;
    c.max_write_speed = d.max_write_speed;
    c.current_write_speed = d.current_write_speed;
    c.copy_management_revision = d.copy_management_revision;
    c.rotation_control_selected =
        static_cast<discwright::RotationControl>(bits(d.rotation_control_selected, 0, 2));
    c.current_write_speed_selected = d.current_write_speed_selected;
    // The count is the drive's word; the page length bounds what is actually there.
    const std::size_t count = d.number_of_write_speed_descriptors;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t pos =
            sizeof(CapabilitiesPageData) + i * sizeof(LogicalUnitWriteSpeedData);
        if (!received(page.data, pos, sizeof(LogicalUnitWriteSpeedData))) break;
        const auto w = read_padded<LogicalUnitWriteSpeedData>(page.data, pos);
        c.write_speeds.push_back(
            {static_cast<discwright::RotationControl>(bits(w.rotation_control, 0, 3)),
             w.write_speed});
    }
    return c;
}

ModePage encode_mode_page(const CapabilitiesPage& c) {
    constexpr std::size_t max_speeds =
        (std::numeric_limits<u8>::max() - sizeof(CapabilitiesPageData)) /
        sizeof(LogicalUnitWriteSpeedData);
    if (c.write_speeds.size() > max_speeds)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding mode page 2Ah: {} write speeds do not fit in {}",
                                c.write_speeds.size(), max_speeds));
    CapabilitiesPageData d{};
    d.read_flags = static_cast<u8>(bit_if(c.dvd_ram_read, 5) | bit_if(c.dvd_r_read, 4) |
                                   bit_if(c.dvd_rom_read, 3) | bit_if(c.method2, 2) |
                                   bit_if(c.cd_rw_read, 1) | bit_if(c.cd_r_read, 0));
    d.write_flags = static_cast<u8>(bit_if(c.dvd_ram_write, 5) | bit_if(c.dvd_r_write, 4) |
                                    bit_if(c.test_write, 2) | bit_if(c.cd_rw_write, 1) |
                                    bit_if(c.cd_r_write, 0));
    d.flags4 = static_cast<u8>(bit_if(c.buf, 7) | bit_if(c.multi_session, 6) |
                               bit_if(c.mode2_form2, 5) | bit_if(c.mode2_form1, 4) |
                               bit_if(c.digital_port2, 3) | bit_if(c.digital_port1, 2) |
                               bit_if(c.composite, 1) | bit_if(c.audio_play, 0));
    d.flags5 = static_cast<u8>(bit_if(c.read_bar_code, 7) | bit_if(c.upc, 6) | bit_if(c.isrc, 5) |
                               bit_if(c.c2_pointers, 4) | bit_if(c.rw_deinterleaved, 3) |
                               bit_if(c.rw_supported, 2) | bit_if(c.cdda_stream_accurate, 1) |
                               bit_if(c.cdda_commands, 0));
    d.flags6 =
        static_cast<u8>(place(c.loading_mechanism_type, 5, 3) | bit_if(c.eject, 3) |
                        bit_if(c.prevent_jumper, 2) | bit_if(c.lock_state, 1) | bit_if(c.lock, 0));
    d.flags7 =
        static_cast<u8>(bit_if(c.rw_in_lead_in, 5) | bit_if(c.side_change, 4) | bit_if(c.sss, 3) |
                        bit_if(c.changer_disc_present, 2) | bit_if(c.separate_channel_mute, 1) |
                        bit_if(c.separate_volume_levels, 0));
    d.max_read_speed = c.max_read_speed;
    d.number_of_volume_levels = c.number_of_volume_levels;
    d.buffer_size = c.buffer_size;
    d.current_read_speed = c.current_read_speed;
    d.max_write_speed = c.max_write_speed;
    d.current_write_speed = c.current_write_speed;
    d.copy_management_revision = c.copy_management_revision;
    d.rotation_control_selected = place(static_cast<u8>(c.rotation_control_selected), 0, 2);
    d.current_write_speed_selected = c.current_write_speed_selected;
    d.number_of_write_speed_descriptors = static_cast<u16>(c.write_speeds.size());
    auto data = encode_to_vector([&](auto& out) {
        out.put(d);
        for (const auto& w : c.write_speeds)
            out.put(LogicalUnitWriteSpeedData{0, place(static_cast<u8>(w.rotation_control), 0, 3),
                                              w.write_speed});
    });
    return {ModePageCode::CapabilitiesAndMechanicalStatus, false, std::nullopt, std::move(data)};
}

} // namespace discwright::scsi
