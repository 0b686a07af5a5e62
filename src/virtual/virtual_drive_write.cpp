// The virtual drive's commands that move user data or change the medium: WRITE, READ, READ CD,
// VERIFY, SYNCHRONIZE CACHE, CLOSE TRACK/SESSION, RESERVE TRACK, SEND CUE SHEET, BLANK,
// FORMAT UNIT, START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL.

#include <algorithm>

#include "virtual/virtual_drive.h"

namespace discwright::virtual_recorder {

namespace {

// LBAs -150..-1 (two's complement in a 32-bit CDB field): the pre-gap of the first track that
// a session-at-once host writes after its cue sheet (MMC-6 4.2.3.5).
constexpr u64 first_pregap_lba = 0x1'0000'0000ull - 150;

DriveSense with_information(DriveSense s, u64 lba) {
    s.information = static_cast<u32>(lba);
    return s;
}

} // namespace

VirtualDrive::Answer VirtualDrive::write(u64 lba, u64 blocks, u32 block_bytes,
                                         std::span<std::byte> data) {
    // Data block type 8 (Mode 1, 2048 bytes) is the only one the virtual recorder records.
    if (block_bytes != block_size) return {sense::illegal_mode_for_track};
    const u64 bytes = blocks * block_size;
    if (data.size() < bytes) return {sense::invalid_field_in_cdb};
    const u32 moved = static_cast<u32>(bytes);
    if (m_cue_sheet && lba >= first_pregap_lba && blocks <= 0x1'0000'0000ull - lba)
        return {std::nullopt, moved};
    auto& medium = medium_ref();
    if (const auto refused = medium.check_write(lba, blocks)) return {*refused, moved};
    const auto protection =
        m_write_parameters.bufe ? UnderrunProtection::On : UnderrunProtection::Off;
    const auto hit = m_faults.on_write(lba, blocks, protection);
    const u64 through = hit.fault == WriteFault::None ? blocks : hit.blocks_before;
    if (through) {
        m_store.write_blocks(lba, data.first(through * block_size));
        medium.commit_write(lba, through);
        m_faults.written(through);
        m_throttle.pace(through);
    }
    switch (hit.fault) {
    case WriteFault::None:
        return {std::nullopt, moved};
    case WriteFault::WriteError:
        return {with_information(sense::write_error, hit.lba), moved};
    case WriteFault::Underrun:
        return {with_information(sense::loss_of_streaming, hit.lba), moved};
    case WriteFault::PowerLoss:
        lose_power();
    case WriteFault::MediumRemoved:
        // The disc leaves the drive as it is: what was written stays, the track stays open.
        m_tray_open = true;
        m_prevent_removal = false;
        medium_changed(MediaEventCode::MediaRemoval);
        save();
        return {sense::no_medium, moved};
    }
    return {std::nullopt, moved};
}

VirtualDrive::Answer VirtualDrive::read(u64 lba, u64 blocks, u32 block_bytes,
                                        std::span<std::byte> data) {
    if (block_bytes != block_size) return {sense::illegal_mode_for_track};
    const u64 bytes = blocks * block_size;
    if (data.size() < bytes) return {sense::invalid_field_in_cdb};
    if (const auto refused = m_medium->check_read(lba, blocks))
        return {with_information(*refused, lba)};
    m_store.read_blocks(lba, data.first(bytes));
    if (const auto bad = m_faults.corrupt_block(lba, blocks)) {
        // Silent corruption: the block comes back with GOOD status and wrong bytes.
        auto block = data.subspan(*bad * block_size, block_size);
        for (std::size_t i = 0; i < block.size(); i += 97)
            block[i] ^= std::byte{0xA5};
    }
    return {std::nullopt, static_cast<u32>(bytes)};
}

VirtualDrive::Answer VirtualDrive::read_cd(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto r = scsi::parse_read_cd(cdb);
    if (m_medium->spec().family != MediumFamily::Cd) return {sense::illegal_mode_for_track};
    // Only the user data of Mode 1 data tracks: raw sectors (sync, headers, EDC/ECC, C2,
    // sub-channel) need the ECMA-130 encoder of cd/, which the virtual recorder does not use.
    const bool user_data_only = r.user_data && !r.sync && r.headers == scsi::ReadCdHeaders::None &&
                                !r.edc_ecc && r.c2 == scsi::ReadCdC2::None &&
                                r.sub_channel == scsi::ReadCdSubChannel::None;
    if (!user_data_only) return {sense::invalid_field_in_cdb};
    if (r.sector_type != scsi::ReadCdSectorType::Any &&
        r.sector_type != scsi::ReadCdSectorType::Mode1)
        return {sense::illegal_mode_for_track};
    return read(r.lba, r.blocks, block_size, data);
}

VirtualDrive::Answer VirtualDrive::verify(const scsi::Cdb& cdb) {
    const auto v = scsi::parse_verify10(cdb);
    // The drive checks EDC/ECC of recorded blocks; a silently corrupted block passes (that
    // is what makes the corruption silent), a block never recorded does not.
    if (const auto refused = m_medium->check_read(v.lba, v.blocks))
        return {with_information(*refused, v.lba)};
    return {};
}

VirtualDrive::Answer VirtualDrive::synchronize_cache(const scsi::Cdb& cdb) {
    (void)scsi::parse_synchronize_cache(cdb);
    // MMC-6 6.41: while the drive still writes its buffer it may answer LONG WRITE IN PROGRESS.
    if (m_faults.take_long_write_poll()) return {sense::long_write_in_progress};
    save();
    return {};
}

VirtualDrive::Answer VirtualDrive::close_track_session(const scsi::Cdb& cdb) {
    const auto c = scsi::parse_close_track_session(cdb);
    auto& medium = medium_ref();
    const auto type = medium.type();
    const bool plus = type == MediaType::DvdPlusR || type == MediaType::DvdPlusRDualLayer;
    const bool bd_r = type == MediaType::BdR || type == MediaType::BdRDualLayer;
    // CD and DVD-R/RW close a session into a finalized disc unless the write parameters page
    // asks for another session (MMC-6 6.3.3.1.3, 6.3.3.2.3); DVD+R and BD-R have their own
    // finalizing close functions (6.3.3.4, 6.3.3.6).
    const auto by_page = m_write_parameters.multi_session == MultiSession::NextSessionAllowed
                             ? SessionClosing::KeepAppendable
                             : SessionClosing::Finalize;
    Outcome outcome;
    switch (c.function) {
    case scsi::CloseFunction::CloseTrack:
        outcome = medium.close_track(c.track_session_number);
        break;
    case scsi::CloseFunction::CloseSession:
        outcome = medium.close_session(plus || bd_r ? SessionClosing::KeepAppendable : by_page);
        break;
    case scsi::CloseFunction::CloseSessionExtendedLeadOut:
        if (type != MediaType::DvdPlusRDualLayer) return {sense::invalid_field_in_cdb};
        outcome = medium.close_session(SessionClosing::KeepAppendable);
        break;
    case scsi::CloseFunction::FinalizeMinimalRadius:
    case scsi::CloseFunction::Finalize:
        if (!plus && !bd_r && medium.kind() == RecordingKind::Sequential)
            return {sense::invalid_field_in_cdb};
        outcome = medium.close_session(SessionClosing::Finalize);
        break;
    case scsi::CloseFunction::FinalizeDvdMinusRw:
        if (type == MediaType::DvdDashRw && medium.kind() == RecordingKind::Sequential)
            outcome = medium.close_session(SessionClosing::Finalize);
        else if (medium.kind() == RecordingKind::Sequential)
            return {sense::invalid_field_in_cdb};
        break;
    case scsi::CloseFunction::StopBackgroundFormat:
        if (medium.kind() == RecordingKind::Sequential) return {sense::invalid_field_in_cdb};
        break;
    }
    if (outcome) return {outcome};
    save();
    return {};
}

VirtualDrive::Answer VirtualDrive::reserve_track(const scsi::Cdb& cdb) {
    const auto r = scsi::parse_reserve_track(cdb);
    // ARSV (reservation by LBA) and RMZ are DVD-R DL notions the modelled media lack.
    if (r.arsv || r.rmz) return {sense::invalid_field_in_cdb};
    return {medium_ref().reserve_track(r.reservation_size)};
}

VirtualDrive::Answer VirtualDrive::send_cue_sheet(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto c = scsi::parse_send_cue_sheet(cdb);
    if (m_medium->spec().family != MediumFamily::Cd ||
        m_write_parameters.write_type != WriteType::SessionAtOnce)
        return {sense::sequence_error};
    if (m_medium->disc_status() != DiscStatus::Empty) return {sense::invalid_address_for_write};
    // MMC-6 6.33.3: 8-byte entries; each names a lead-in, track index or lead-out point with
    // ADR 1 (or 2/3 for catalogue number and ISRC). A well-formed sheet is accepted and the
    // session is then written like a track at once, its pre-gap writes taken and dropped.
    if (c.cue_sheet_size == 0 || c.cue_sheet_size % 8 != 0 || data.size() < c.cue_sheet_size)
        return {sense::invalid_field_in_parameters};
    for (std::size_t i = 0; i < c.cue_sheet_size; i += 8) {
        const u8 adr = static_cast<u8>(data[i]) & 0x0F;
        if (adr < 1 || adr > 3) return {sense::invalid_field_in_parameters};
    }
    m_cue_sheet = true;
    return {std::nullopt, c.cue_sheet_size};
}

VirtualDrive::Answer VirtualDrive::blank(const scsi::Cdb& cdb) {
    const auto b = scsi::parse_blank(cdb);
    BlankType type;
    switch (b.type) {
    case scsi::BlankingType::Full:
        type = BlankType::Full;
        break;
    case scsi::BlankingType::Minimal:
        type = BlankType::Minimal;
        break;
    default:
        return {sense::invalid_field_in_cdb};
    }
    if (const auto refused = medium_ref().blank_medium(type)) return {refused};
    m_store.erase_data();
    save();
    // MMC-6 6.2: with IMMED the drive returns at once and reports progress while blanking.
    if (b.immed) m_long_operation = LongOperation{sense::operation_in_progress, 0};
    return {};
}

VirtualDrive::Answer VirtualDrive::format_unit(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto f = scsi::parse_format_unit(cdb);
    FormatRequest request;
    bool immed = false;
    if (f.fmt_data) {
        const auto n = std::min<std::size_t>(data.size(), cdb.transfer_length);
        scsi::FormatParameters parameters;
        try {
            parameters = scsi::decode_format_parameters(data.first(n));
        } catch (const Error&) {
            return {sense::invalid_field_in_parameters};
        }
        request = {parameters.descriptor.format_type, parameters.descriptor.number_of_blocks};
        immed = parameters.immed;
    } else {
        // No parameter list: the medium's default format (MMC-6 6.5.3).
        const auto offered = m_medium->formattable();
        if (offered.empty()) return {sense::incompatible_format};
        request = offered.front();
    }
    if (const auto refused = medium_ref().format(request)) return {refused};
    m_store.erase_data();
    save();
    if (immed) m_long_operation = LongOperation{sense::format_in_progress, 0};
    return {std::nullopt,
            f.fmt_data ? std::min<u32>(cdb.transfer_length, scsi::format_parameters_size) : 0};
}

VirtualDrive::Answer VirtualDrive::start_stop(const scsi::Cdb& cdb) {
    const auto s = scsi::parse_start_stop_unit(cdb);
    if (s.power_conditions != 0) return {};
    switch (s.action) {
    case scsi::StartStopAction::Stop:
        return {};
    case scsi::StartStopAction::Start:
        return {readiness()};
    case scsi::StartStopAction::Eject:
        // MMC-6 6.40: a prevented medium stays (ILLEGAL REQUEST, MEDIUM REMOVAL PREVENTED).
        if (m_prevent_removal) return {sense::removal_prevented};
        if (!m_tray_open) {
            m_tray_open = true;
            medium_changed(MediaEventCode::MediaRemoval);
            save();
        }
        return {};
    case scsi::StartStopAction::Load:
        if (m_tray_open) {
            m_tray_open = false;
            if (m_medium) medium_changed(MediaEventCode::NewMedia);
            save();
        }
        return {readiness()};
    }
    return {};
}

VirtualDrive::Answer VirtualDrive::prevent_allow(const scsi::Cdb& cdb) {
    const auto p = scsi::parse_prevent_allow_medium_removal(cdb);
    m_prevent_removal = p.prevent;
    return {};
}

} // namespace discwright::virtual_recorder
