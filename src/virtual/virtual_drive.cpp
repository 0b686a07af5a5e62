#include "virtual/virtual_drive.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "scsi/opcodes.h"
#include "scsi/sense.h"

namespace discwright::virtual_recorder {

using scsi::Opcode;

namespace {

// Each poll of a long operation advances it by a tenth (SPC-4 4.5.2.4.4: progress counts to
// 65536).
constexpr u32 long_operation_polls = 10;

} // namespace

VirtualDrive::VirtualDrive(MediumStore store) : m_store(std::move(store)) {
    const auto& record = m_store.loaded();
    m_tray_open = record.tray_open;
    if (record.medium) m_medium = Medium::from_record(*record.medium);
    m_faults.set_plan(record.faults);
    m_throttle_x = record.throttle_speed_x;
    m_throttle = Throttle(pacing_rate());
}

VirtualDrive::~VirtualDrive() {
    // The lock is held between commands only while there are unsaved writes; without it the
    // saved state may be newer than this drive's and must not be overwritten.
    if (m_power_lost || !m_store.locked()) return;
    try {
        save();
    } catch (const Error&) {
        // A destructor cannot report; the state saved at the last SYNCHRONIZE CACHE stays.
    }
}

std::unique_ptr<MmcTarget> open_virtual_drive(const std::filesystem::path& path) {
    return std::make_unique<VirtualDrive>(MediumStore::open(path));
}

std::optional<Medium> VirtualDrive::medium() const {
    std::lock_guard lock(m_mutex);
    if (m_tray_open) return std::nullopt;
    return m_medium;
}

const MediaSpec* VirtualDrive::spec() const {
    return m_medium ? &m_medium->spec() : nullptr;
}

std::optional<double> VirtualDrive::pacing_rate() const {
    if (!m_throttle_x || !m_medium) return std::nullopt;
    double x = *m_throttle_x;
    // A slower speed chosen by the host slows a throttled drive further, as on a real one.
    if (m_write_speed_kbytes)
        x = std::min(x, *m_write_speed_kbytes / m_medium->spec().one_x_kbytes_per_second);
    return x * blocks_per_second_1x(m_medium->spec());
}

void VirtualDrive::save() {
    DriveRecord record;
    record.tray_open = m_tray_open;
    if (m_medium) record.medium = m_medium->record();
    record.faults = m_faults.plan();
    record.throttle_speed_x = m_throttle_x;
    m_store.save(record);
}

void VirtualDrive::lose_power() {
    m_power_lost = true;
    // Nothing since the last save reaches the metadata; only the spent fault is recorded, so
    // the next open does not lose power again. A drive without power holds nothing: execute()
    // releases the medium lock.
    auto record = m_store.loaded();
    record.faults.power_loss_after_sectors.reset();
    m_store.save(record);
    throw Error(
        ErrorCode::TransportFailure,
        fmt::format("virtual recorder '{}' lost power (fault plan)", m_store.path().string()))
        .with_drive("virtual:" + m_store.path().string());
}

bool VirtualDrive::unsaved() const {
    const auto& saved = m_store.loaded();
    if (saved.tray_open != m_tray_open || saved.faults != m_faults.plan() ||
        saved.throttle_speed_x != m_throttle_x || saved.medium.has_value() != m_medium.has_value())
        return true;
    return m_medium && *saved.medium != m_medium->record();
}

void VirtualDrive::reload() {
    const DriveRecord before = m_store.loaded();
    m_store.reload();
    const auto& now = m_store.loaded();
    m_tray_open = now.tray_open;
    m_medium.reset();
    if (now.medium) m_medium = Medium::from_record(*now.medium);
    // A new plan counts its sectors from now, as "after N more blocks" promises.
    if (now.faults != before.faults) m_faults = FaultInjector(now.faults);
    m_throttle_x = now.throttle_speed_x;
    m_throttle = Throttle(pacing_rate());
    // Another process ejected, loaded or replaced the medium (or blanked it): the host hears
    // of it as of any change in the drive, with one UNIT ATTENTION. Another drive's writes
    // only extend the medium and are not a change.
    const bool was_present = before.medium && !before.tray_open;
    const bool present = now.medium && !now.tray_open;
    const bool replaced = was_present && present &&
                          (before.medium->type != now.medium->type ||
                           now.medium->recorded_end < before.medium->recorded_end);
    if (was_present == present && !replaced) return;
    if (!present) m_prevent_removal = false;
    medium_changed(present ? MediaEventCode::NewMedia : MediaEventCode::MediaRemoval);
    m_unit_attention = true;
}

void VirtualDrive::release_unless_unsaved() {
    if (m_power_lost || !unsaved()) m_store.unlock();
}

void VirtualDrive::medium_changed(MediaEventCode event) {
    m_media_event = event;
    if (event == MediaEventCode::NewMedia) m_unit_attention = true;
    m_long_operation.reset();
    m_cue_sheet = false;
}

VirtualDrive::Answer VirtualDrive::reply(const scsi::Cdb& cdb, std::span<std::byte> data,
                                         std::span<const std::byte> bytes) {
    const std::size_t n = std::min({bytes.size(), data.size(), std::size_t{cdb.transfer_length}});
    if (n) std::memcpy(data.data(), bytes.data(), n);
    return {std::nullopt, static_cast<u32>(n)};
}

bool VirtualDrive::needs_medium(Opcode op) {
    switch (op) {
    case Opcode::Read10:
    case Opcode::Read12:
    case Opcode::ReadCd:
    case Opcode::Write10:
    case Opcode::Write12:
    case Opcode::Verify10:
    case Opcode::SynchronizeCache:
    case Opcode::CloseTrackSession:
    case Opcode::ReserveTrack:
    case Opcode::SendCueSheet:
    case Opcode::Blank:
    case Opcode::FormatUnit:
    case Opcode::ReadCapacity:
    case Opcode::ReadDiscInformation:
    case Opcode::ReadTrackInformation:
    case Opcode::ReadTocPmaAtip:
    case Opcode::ReadDiscStructure:
    case Opcode::GetPerformance:
        return true;
    default:
        return false;
    }
}

Outcome VirtualDrive::readiness() const {
    if (m_tray_open) return sense::no_medium_tray_open;
    if (!m_medium) return sense::no_medium_tray_closed;
    return std::nullopt;
}

std::optional<DriveSense> VirtualDrive::long_operation_sense() const {
    if (!m_long_operation) return std::nullopt;
    auto s = m_long_operation->not_ready;
    s.progress = static_cast<u16>(m_long_operation->polls * 65536 / long_operation_polls);
    return s;
}

void VirtualDrive::advance_long_operation() {
    if (m_long_operation && ++m_long_operation->polls >= long_operation_polls)
        m_long_operation.reset();
}

scsi::CommandResult VirtualDrive::execute(const scsi::Cdb& cdb, std::span<std::byte> data) {
    std::lock_guard lock(m_mutex);
    if (m_power_lost)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("virtual recorder '{}' has no power", m_store.path().string()))
            .with_drive("virtual:" + m_store.path().string());
    // INQUIRY needs no medium state, so it answers even while another process writes.
    if (cdb.length != 0 && static_cast<Opcode>(cdb.opcode()) == Opcode::Inquiry)
        return result_of(dispatch(cdb, data));
    if (!m_store.locked()) {
        // Another initiator's burn holds the medium: what a drive busy writing tells others.
        if (!m_store.try_lock()) return result_of({sense::long_write_in_progress});
        try {
            if (m_store.changed_on_disk()) reload();
        } catch (...) {
            m_store.unlock();
            throw;
        }
    }
    Answer answer;
    try {
        answer = dispatch(cdb, data);
    } catch (...) {
        release_unless_unsaved();
        throw;
    }
    release_unless_unsaved();
    return result_of(answer);
}

scsi::CommandResult VirtualDrive::result_of(const Answer& answer) {
    scsi::CommandResult result;
    result.transferred = answer.transferred;
    if (answer.sense) {
        const auto& s = *answer.sense;
        result.status = scsi::ScsiStatus::CheckCondition;
        result.sense = scsi::encode_fixed_sense(s.key, s.asc, s.ascq, s.information, s.progress);
    }
    return result;
}

VirtualDrive::Answer VirtualDrive::dispatch(const scsi::Cdb& cdb, std::span<std::byte> data) {
    if (cdb.length == 0) return {sense::invalid_opcode};
    const auto op = static_cast<Opcode>(cdb.opcode());
    // SPC-4 5.14: INQUIRY and REQUEST SENSE are answered even with a unit attention pending.
    if (m_unit_attention && op != Opcode::Inquiry && op != Opcode::RequestSense) {
        m_unit_attention = false;
        return {sense::medium_changed};
    }
    if (op != Opcode::TestUnitReady && op != Opcode::RequestSense && needs_medium(op)) {
        if (const auto busy = long_operation_sense()) return {*busy};
    }
    if (needs_medium(op))
        if (const auto not_ready = readiness()) return {*not_ready};
    try {
        switch (op) {
        case Opcode::TestUnitReady:
            (void)scsi::parse_test_unit_ready(cdb);
            return test_unit_ready();
        case Opcode::RequestSense:
            return request_sense(cdb, data);
        case Opcode::Inquiry:
            return inquiry(cdb, data);
        case Opcode::GetConfiguration:
            return get_configuration(cdb, data);
        case Opcode::GetPerformance:
            return get_performance(cdb, data);
        case Opcode::ModeSense10:
            return mode_sense(cdb, data);
        case Opcode::ModeSelect10:
            return mode_select(cdb, data);
        case Opcode::GetEventStatusNotification:
            return event_status(cdb, data);
        case Opcode::ReadBufferCapacity:
            return buffer_capacity(cdb, data);
        case Opcode::SetCdSpeed:
            return set_cd_speed(cdb);
        case Opcode::SetStreaming:
            return set_streaming(cdb, data);
        case Opcode::ReadDiscInformation:
            return disc_information(cdb, data);
        case Opcode::ReadTrackInformation:
            return track_information(cdb, data);
        case Opcode::ReadTocPmaAtip:
            return read_toc(cdb, data);
        case Opcode::ReadCapacity:
            return read_capacity(cdb, data);
        case Opcode::ReadFormatCapacities:
            return format_capacities(cdb, data);
        case Opcode::ReadDiscStructure:
            return disc_structure(cdb, data);
        case Opcode::Write10: {
            const auto w = scsi::parse_write10(cdb);
            return write(w.lba, w.blocks, w.block_size, data);
        }
        case Opcode::Write12: {
            const auto w = scsi::parse_write12(cdb);
            return write(w.lba, w.blocks, w.block_size, data);
        }
        case Opcode::Read10: {
            const auto r = scsi::parse_read10(cdb);
            return read(r.lba, r.blocks, r.block_size, data);
        }
        case Opcode::Read12: {
            const auto r = scsi::parse_read12(cdb);
            return read(r.lba, r.blocks, r.block_size, data);
        }
        case Opcode::ReadCd:
            return read_cd(cdb, data);
        case Opcode::Verify10:
            return verify(cdb);
        case Opcode::SynchronizeCache:
            return synchronize_cache(cdb);
        case Opcode::CloseTrackSession:
            return close_track_session(cdb);
        case Opcode::ReserveTrack:
            return reserve_track(cdb);
        case Opcode::SendCueSheet:
            return send_cue_sheet(cdb, data);
        case Opcode::Blank:
            return blank(cdb);
        case Opcode::FormatUnit:
            return format_unit(cdb, data);
        case Opcode::StartStopUnit:
            return start_stop(cdb);
        case Opcode::PreventAllowMediumRemoval:
            return prevent_allow(cdb);
        default:
            return {sense::invalid_opcode};
        }
    } catch (const Error& e) {
        // The scsi/ parsers refuse malformed CDBs with InvalidParam: a drive answers those
        // with ILLEGAL REQUEST, INVALID FIELD IN CDB (SPC-4 4.5.6). Other errors are failures
        // of the files under the drive and reach the host as transport failures.
        if (e.code() == ErrorCode::InvalidParam) return {sense::invalid_field_in_cdb};
        throw;
    }
}

VirtualDrive::Answer VirtualDrive::test_unit_ready() {
    // MMC-6 6.42 / SPC-4 4.5.2.4.4: a drive busy with a format or blank answers NOT READY with
    // the progress indication; each poll here moves it on.
    if (const auto busy = long_operation_sense()) {
        advance_long_operation();
        return {*busy};
    }
    return {readiness()};
}

VirtualDrive::Answer VirtualDrive::request_sense(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_request_sense(cdb);
    if (request.desc) return {sense::invalid_field_in_cdb}; // fixed format only
    // SPC-4 6.29: with autosense the last error already went to the host; REQUEST SENSE
    // reports the drive's current condition (not ready, a long operation's progress) or none.
    DriveSense current{};
    if (const auto busy = long_operation_sense()) {
        current = *busy;
        advance_long_operation();
    } else if (m_unit_attention) {
        current = sense::medium_changed;
        m_unit_attention = false;
    } else if (const auto not_ready = readiness()) {
        current = *not_ready;
    }
    const auto bytes = scsi::encode_fixed_sense(current.key, current.asc, current.ascq,
                                                current.information, current.progress);
    return reply(cdb, data, bytes);
}

} // namespace discwright::virtual_recorder
