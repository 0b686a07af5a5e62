// The virtual drive's answers about the medium: READ DISC INFORMATION, READ TRACK
// INFORMATION, READ TOC/PMA/ATIP, READ CAPACITY, READ FORMAT CAPACITIES and READ DISC
// STRUCTURE, all derived from the medium model's sessions and tracks.

#include <algorithm>

#include "scsi/capacity.h"
#include "scsi/disc_information.h"
#include "scsi/disc_structure.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"
#include "virtual/virtual_drive.h"

namespace discwright::virtual_recorder {

namespace {

// CD lead-in: 4,500 blocks of lead-in and the 150-block pre-gap precede a session's program
// area (MMC-6 4.2.3.1).
constexpr u64 cd_lead_in_and_pregap = 4'650;
// ATIP start time of lead-in of the modelled CD media (a manufacturer code, ECMA-394 Annex).
constexpr Msf cd_lead_in_start{97, 24, 1};
constexpr u32 no_address = 0xFFFF'FFFF;

// An MSF that cannot hold the LBA (past 99:59:74) saturates, as fabricated DVD TOCs do.
Msf msf_of(u64 lba) {
    if (lba + 150 >= u64{100} * 60 * 75) return {99, 59, 74};
    return Msf::from_lba(static_cast<i64>(lba));
}

u32 toc_address(u64 lba, TocAddressing addressing) {
    return addressing == TocAddressing::Msf ? address_field_from_msf(msf_of(lba))
                                            : static_cast<u32>(lba);
}

u32 to_u32(u64 v) {
    return static_cast<u32>(std::min<u64>(v, 0xFFFF'FFFF));
}

} // namespace

VirtualDrive::Answer VirtualDrive::disc_information(const scsi::Cdb& cdb,
                                                    std::span<std::byte> data) {
    const auto request = scsi::parse_read_disc_information(cdb);
    if (request.type != scsi::DiscInformationType::Standard) return {sense::invalid_field_in_cdb};
    const auto& m = *m_medium;
    const auto& s = m.spec();
    const auto sessions = m.sessions();
    DiscInformation info;
    info.erasable = s.rewritable;
    info.disc_status = m.disc_status();
    info.last_session_state = m.last_session_state();
    info.first_track_on_disc = 1;
    info.number_of_sessions = static_cast<u16>(std::max<std::size_t>(sessions.size(), 1));
    if (!sessions.empty()) {
        info.first_track_in_last_session = static_cast<u16>(sessions.back().first_track);
        info.last_track_in_last_session = static_cast<u16>(sessions.back().last_track);
    }
    info.uru = true;
    if (m.type() == MediaType::DvdPlusRw)
        info.bg_format_status =
            m.formatted() ? BackgroundFormatStatus::Complete : BackgroundFormatStatus::None;
    const bool closed = m.disc_status() == DiscStatus::Complete;
    const auto nwa = m.next_writable();
    if (s.family == MediumFamily::Cd) {
        // MMC-6 6.22.3.1.12-13: CD addresses are MSF fields; FFh..FFh once no session can follow.
        if (closed) {
            info.last_session_lead_in_start_address = no_address;
            info.last_possible_lead_out_start_address = no_address;
        } else {
            const auto start =
                m.disc_status() == DiscStatus::Empty || !nwa
                    ? cd_lead_in_start
                    : msf_of(*nwa >= cd_lead_in_and_pregap ? *nwa - cd_lead_in_and_pregap : 0);
            info.last_session_lead_in_start_address = address_field_from_msf(start);
            info.last_possible_lead_out_start_address =
                address_field_from_msf(Msf::from_lba(static_cast<i64>(m.capacity())));
        }
    } else {
        info.last_session_lead_in_start_address = nwa ? to_u32(*nwa) : 0;
        info.last_possible_lead_out_start_address = to_u32(m.capacity());
    }
    return reply(cdb, data, scsi::encode_disc_information(info));
}

VirtualDrive::Answer VirtualDrive::track_information(const scsi::Cdb& cdb,
                                                     std::span<std::byte> data) {
    const auto request = scsi::parse_read_track_information(cdb);
    const auto& m = *m_medium;
    const auto tracks = m.tracks();
    std::optional<TrackView> t;
    switch (request.type) {
    case TrackAddressType::Lba:
        t = m.track_containing(request.address);
        break;
    case TrackAddressType::Track:
        // MMC-6 6.27.2.3: FFh is the invisible (or incomplete) track; with Open, the first
        // open track at or after the number.
        if (request.address == 0xFF) {
            if (!tracks.empty()) t = tracks.back();
        } else if (request.open) {
            for (const auto& v : tracks)
                if (v.number >= request.address && v.status != TrackStatus::Complete) {
                    t = v;
                    break;
                }
        } else if (request.address != 0) {
            t = m.track(request.address);
        }
        break;
    case TrackAddressType::Session: {
        const auto sessions = m.sessions();
        for (const auto& s : sessions)
            if (s.number == request.address || (request.address == 0xFF && &s == &sessions.back()))
                t = m.track(s.first_track);
        break;
    }
    }
    if (!t) return {sense::invalid_field_in_cdb};
    const auto& s = m.spec();
    const bool packet = m.kind() == RecordingKind::Sequential && s.family != MediumFamily::Cd;
    TrackInformation info;
    info.track_number = static_cast<u16>(t->number);
    info.session_number = static_cast<u16>(t->session);
    // MMC-6 6.27.3.8: 4 = data, recorded uninterrupted; 5 = data, recorded incrementally.
    info.track_mode = packet ? 5 : 4;
    info.rt = t->status == TrackStatus::Reserved;
    info.blank = t->status != TrackStatus::Complete && t->written == 0;
    info.packet_inc = packet;
    info.fp = packet;
    info.data_mode = info.blank ? 0x0F : 1;
    info.track_start_address = to_u32(t->start);
    if (t->next_writable) info.next_writable_address = to_u32(*t->next_writable);
    info.free_blocks = to_u32(t->free_blocks);
    info.fixed_packet_size = packet ? s.write_unit : 0;
    info.track_size = to_u32(t->size);
    if (t->written > 0) info.last_recorded_address = to_u32(t->start + t->written - 1);
    return reply(cdb, data, scsi::encode_track_information(info));
}

VirtualDrive::Answer VirtualDrive::read_toc(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_read_toc(cdb);
    const auto& m = *m_medium;
    const bool cd = m.spec().family == MediumFamily::Cd;
    const auto addressing = request.msf ? TocAddressing::Msf : TocAddressing::Lba;
    if (request.format == scsi::TocFormat::Atip) {
        // MMC-6 6.26.3.6: only CD-R/RW carry an ATIP in their pre-groove.
        if (!cd) return {sense::invalid_field_in_cdb};
        Atip atip;
        atip.indicative_target_writing_power = 5;
        atip.reference_speed = 1;
        atip.uru = true;
        atip.cd_rw = m.spec().rewritable;
        atip.start_time_of_lead_in = cd_lead_in_start;
        atip.last_possible_start_time_of_lead_out = Msf::from_lba(static_cast<i64>(m.capacity()));
        return reply(cdb, data, scsi::encode_atip(atip));
    }
    // A CD's TOC is recorded when a session closes; DVD and BD drives fabricate one from
    // their recording management data, so closed tracks of an open session count there too.
    std::vector<TrackView> listed;
    std::vector<SessionView> closed_sessions;
    for (const auto& s : m.sessions())
        if (s.closed) closed_sessions.push_back(s);
    for (const auto& t : m.tracks()) {
        const bool in_closed =
            std::any_of(closed_sessions.begin(), closed_sessions.end(),
                        [&](const SessionView& s) { return s.number == t.session; });
        if (in_closed || (!cd && t.status == TrackStatus::Complete)) listed.push_back(t);
    }
    if (listed.empty()) return {sense::invalid_field_in_cdb}; // MMC-6 6.26.3: blank medium
    const u64 lead_out = cd ? closed_sessions.back().end : listed.back().start + listed.back().size;

    switch (request.format) {
    case scsi::TocFormat::Toc: {
        Toc toc;
        toc.first_track = static_cast<u8>(listed.front().number);
        toc.last_track = static_cast<u8>(listed.back().number);
        const u8 from = request.track_session_number;
        if (from > toc.last_track && from != 0xAA) return {sense::invalid_field_in_cdb};
        for (const auto& t : listed)
            if (t.number >= from)
                toc.entries.push_back({.adr = 1,
                                       .control = 4,
                                       .track_number = static_cast<u8>(t.number),
                                       .address = toc_address(t.start, addressing)});
        toc.entries.push_back({.adr = 1,
                               .control = 4,
                               .track_number = 0xAA,
                               .address = toc_address(lead_out, addressing)});
        return reply(cdb, data, scsi::encode_toc(toc));
    }
    case scsi::TocFormat::SessionInfo: {
        // MMC-6 6.26.3.3: the first track of the last complete session, which is where a
        // multisession ISO 9660 image's newest volume descriptors are.
        SessionInfo info;
        const u32 last_closed = closed_sessions.empty() ? 1 : closed_sessions.back().number;
        info.last_complete_session = static_cast<u8>(last_closed);
        const auto first = std::find_if(listed.begin(), listed.end(), [&](const TrackView& t) {
            return t.session == last_closed;
        });
        const auto& t = first != listed.end() ? *first : listed.front();
        info.first_track_in_last_session = {.adr = 1,
                                            .control = 4,
                                            .track_number = static_cast<u8>(t.number),
                                            .address = toc_address(t.start, addressing)};
        return reply(cdb, data, scsi::encode_session_info(info));
    }
    case scsi::TocFormat::FullToc: {
        // MMC-6 6.26.3.4: per session A0 (first track), A1 (last track), A2 (lead-out), the
        // track points, and on an appendable CD B0 (next program area, last lead-out).
        FullToc toc;
        std::vector<SessionView> sessions = closed_sessions;
        if (!cd && sessions.empty())
            sessions.push_back({.number = 1,
                                .closed = true,
                                .first_track = listed.front().number,
                                .last_track = listed.back().number,
                                .start = listed.front().start,
                                .end = lead_out});
        toc.first_complete_session = 1;
        toc.last_complete_session = static_cast<u8>(sessions.back().number);
        const auto nwa = m.next_writable();
        for (const auto& s : sessions) {
            const u8 sn = static_cast<u8>(s.number);
            const auto end = msf_of(cd ? s.end : lead_out);
            toc.entries.push_back(
                {.session_number = sn, .point = 0xA0, .pmin = static_cast<u8>(s.first_track)});
            toc.entries.push_back(
                {.session_number = sn, .point = 0xA1, .pmin = static_cast<u8>(s.last_track)});
            toc.entries.push_back({.session_number = sn,
                                   .point = 0xA2,
                                   .pmin = end.minute,
                                   .psec = end.second,
                                   .pframe = end.frame});
            for (const auto& t : listed) {
                if (t.session != s.number && cd) continue;
                const auto start = msf_of(t.start);
                toc.entries.push_back({.session_number = sn,
                                       .point = static_cast<u8>(t.number),
                                       .pmin = start.minute,
                                       .psec = start.second,
                                       .pframe = start.frame});
            }
            if (cd && nwa && &s == &sessions.back()) {
                const auto next = msf_of(*nwa);
                const auto last = Msf::from_lba(static_cast<i64>(m.capacity()));
                toc.entries.push_back({.session_number = sn,
                                       .adr = 5,
                                       .point = 0xB0,
                                       .min = next.minute,
                                       .sec = next.second,
                                       .frame = next.frame,
                                       .pmin = last.minute,
                                       .psec = last.second,
                                       .pframe = last.frame});
            }
        }
        return reply(cdb, data, scsi::encode_full_toc(toc));
    }
    default:
        return {sense::invalid_field_in_cdb};
    }
}

VirtualDrive::Answer VirtualDrive::read_capacity(const scsi::Cdb& cdb, std::span<std::byte> data) {
    (void)scsi::parse_read_capacity(cdb);
    const u64 end = m_medium->readable_end();
    // MMC-6 6.19.3: the last recorded block (sequential media: of the last track written).
    const Capacity c{.last_lba = end ? to_u32(end - 1) : 0, .block_length = block_size};
    return reply(cdb, data, scsi::encode_capacity(c));
}

VirtualDrive::Answer VirtualDrive::format_capacities(const scsi::Cdb& cdb,
                                                     std::span<std::byte> data) {
    (void)scsi::parse_read_format_capacities(cdb);
    FormatCapacities fc;
    if (m_tray_open || !m_medium) {
        fc.current = CurrentCapacityDescriptor{.number_of_blocks = 0,
                                               .type = CapacityDescriptorType::NoMedia,
                                               .block_length = block_size};
    } else {
        const auto& m = *m_medium;
        const bool formatted = m.formatted() && m.kind() != RecordingKind::Sequential;
        fc.current = CurrentCapacityDescriptor{
            .number_of_blocks = to_u32(formatted ? m.capacity() : m.spec().max_format_blocks),
            .type =
                formatted ? CapacityDescriptorType::Formatted : CapacityDescriptorType::Unformatted,
            .block_length = block_size};
        for (const auto& f : m.formattable()) {
            // MMC-6 6.24.3.3: DVD-RW formats give the ECC block size as the type parameter.
            const bool dash =
                f.format_type == 0x10 || f.format_type == 0x13 || f.format_type == 0x15;
            fc.formattable.push_back({.number_of_blocks = to_u32(f.blocks),
                                      .format_type = f.format_type,
                                      .type_dependent_parameter = dash ? 16u : 0u});
        }
    }
    return reply(cdb, data, scsi::encode_format_capacities(fc));
}

VirtualDrive::Answer VirtualDrive::disc_structure(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_read_disc_structure(cdb);
    const auto& m = *m_medium;
    const auto& s = m.spec();
    if (request.format_code != 0x00) return {sense::invalid_field_in_cdb};
    if (request.media_type == scsi::DiscStructureMedia::Dvd) {
        if (s.family != MediumFamily::Dvd) return {sense::cannot_read_incompatible};
        // ECMA-267 3.3.2 / MMC-6 6.23.3.2.1: physical format information.
        DvdPhysicalFormat pf;
        switch (m.type()) {
        case MediaType::DvdRam:
            pf.book_type = 0x1;
            break;
        case MediaType::DvdDashR:
            pf.book_type = 0x2;
            break;
        case MediaType::DvdDashRw:
            pf.book_type = 0x3;
            break;
        case MediaType::DvdPlusRw:
            pf.book_type = 0x9;
            break;
        case MediaType::DvdPlusR:
            pf.book_type = 0xA;
            break;
        case MediaType::DvdPlusRDualLayer:
            pf.book_type = 0xE;
            break;
        default:
            break;
        }
        pf.part_version = 1;
        pf.maximum_rate = 0x2;
        pf.number_of_layers = static_cast<u8>(s.layers);
        pf.opposite_track_path = s.layers > 1;
        pf.layer_type = s.rewritable ? 0x4 : 0x2;
        pf.starting_physical_sector = 0x30000;
        pf.end_physical_sector = to_u32(0x30000 + m.capacity() - 1);
        if (s.layers > 1) pf.end_sector_in_layer0 = to_u32(0x30000 + m.capacity() / 2 - 1);
        return reply(cdb, data, scsi::encode_disc_structure(scsi::encode_dvd_physical_format(pf)));
    }
    if (s.family != MediumFamily::Bd) return {sense::cannot_read_incompatible};
    BdDiscInformation di;
    di.di_format = 1;
    di.units_per_block = 1;
    di.bytes_in_use = 64;
    di.disc_type_identifier = s.rewritable ? "BDW" : "BDR";
    di.disc_version = 1;
    di.number_of_layers = static_cast<u8>(s.layers);
    di.channel_bit_length = 1; // 25 GB per layer
    return reply(cdb, data, scsi::encode_disc_structure(scsi::encode_bd_disc_information(di)));
}

} // namespace discwright::virtual_recorder
