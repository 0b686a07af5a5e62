// DataDiscWriter's properties: what the medium is and holds, speeds, multisession descriptions.
// The write itself is in data_disc_write.cpp.

#include "discwright/data_disc_writer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "burn/write_state.h"
#include "device/command_runner.h"
#include "device/exclusive_access.h"
#include "device/media_facts.h"
#include "discwright/error.h"
#include "scsi/commands.h"
#include "scsi/performance.h"

namespace discwright {

const char* to_string(DataWriteAction a) {
    switch (a) {
    case DataWriteAction::ValidatingMedia:
        return "validating";
    case DataWriteAction::FormattingMedia:
        return "formatting";
    case DataWriteAction::InitializingHardware:
        return "initializing";
    case DataWriteAction::CalibratingPower:
        return "calibrating";
    case DataWriteAction::WritingData:
        return "writing";
    case DataWriteAction::Finalization:
        return "finalizing";
    case DataWriteAction::Completed:
        return "completed";
    case DataWriteAction::Verifying:
        return "verifying";
    }
    return "unknown";
}

DataDiscWriter::DataDiscWriter(DiscRecorder& recorder)
    : m_recorder(recorder), m_client_name("discwright"), m_state(std::make_unique<State>()) {}

DataDiscWriter::~DataDiscWriter() = default;

std::vector<MediaType> DataDiscWriter::supported_media_types() {
    return {MediaType::CdR,
            MediaType::CdRw,
            MediaType::DvdDashR,
            MediaType::DvdDashRw,
            MediaType::DvdPlusR,
            MediaType::DvdPlusRDualLayer,
            MediaType::DvdPlusRw,
            MediaType::DvdPlusRwDualLayer,
            MediaType::DvdDashRDualLayer,
            MediaType::DvdRam,
            MediaType::BdR,
            MediaType::BdRDualLayer,
            MediaType::BdRe,
            MediaType::BdReDualLayer,
            MediaType::Disk};
}

bool DataDiscWriter::is_recorder_supported(DiscRecorder& recorder) {
    for (Profile p : recorder.supported_profiles())
        if (burn::media_rules(p)) return true;
    return false;
}

bool DataDiscWriter::is_current_media_supported() {
    const auto f = burn::read_disc_facts(m_recorder);
    return f.present() && f.rules && !unusable(f.state);
}

bool DataDiscWriter::media_physically_blank() {
    if (!m_recorder.media_present()) return false;
    return m_recorder.disc_information().disc_status == DiscStatus::Empty;
}

bool DataDiscWriter::media_heuristically_blank() {
    const auto f = burn::read_disc_facts(m_recorder);
    if (!f.present()) return false;
    if (f.disc && f.disc->disc_status == DiscStatus::Empty) return true;
    if (f.sequential() || !f.rules) return false;
    // IMAPI's rule for media that never report blank: the first and last 2 MiB read as zeros.
    constexpr u64 probe = 1024; // sectors
    const u64 readable = static_cast<u64>(m_recorder.capacity().last_lba) + 1;
    std::vector<std::byte> bytes(std::min(probe, readable) * block_size);
    auto zero = [&] {
        return std::all_of(bytes.begin(), bytes.end(),
                           [](std::byte b) { return b == std::byte{}; });
    };
    try {
        burn::read_sectors(m_recorder, 0, bytes);
        if (!zero()) return false;
        burn::read_sectors(m_recorder, readable - bytes.size() / block_size, bytes);
        return zero();
    } catch (const Error& e) {
        // Never-written areas (a fresh format, an empty pseudo-drive file) may not read at all.
        if (e.code() == ErrorCode::MediaReadError || e.code() == ErrorCode::MediaCapacityExceeded)
            return true;
        throw;
    }
}

void DataDiscWriter::set_client_name(std::string_view name) {
    device::validate_client_name(name);
    m_client_name = std::string(name);
}

MediaState DataDiscWriter::current_media_status() {
    return m_recorder.media_state();
}
WriteProtectState DataDiscWriter::write_protect_status() {
    return m_recorder.write_protect_state();
}
MediaType DataDiscWriter::current_physical_media_type() {
    return m_recorder.current_media_type();
}
u32 DataDiscWriter::total_sectors_on_media() {
    return static_cast<u32>(
        std::min<u64>(burn::read_disc_facts(m_recorder).total_sectors, 0xFFFFFFFFu));
}
u32 DataDiscWriter::free_sectors_on_media() {
    return static_cast<u32>(
        std::min<u64>(burn::read_disc_facts(m_recorder).free_sectors, 0xFFFFFFFFu));
}
i64 DataDiscWriter::next_writable_address() {
    return burn::read_disc_facts(m_recorder).next_writable_address;
}
i64 DataDiscWriter::start_address_of_previous_session() {
    return burn::read_disc_facts(m_recorder).previous_session_start;
}
i64 DataDiscWriter::last_written_address_of_previous_session() {
    return burn::read_disc_facts(m_recorder).previous_session_last;
}

std::vector<MultisessionInfo> DataDiscWriter::multisession_interfaces() {
    return {burn::multisession_info(burn::read_disc_facts(m_recorder))};
}

bool DataDiscWriter::write_in_progress() const {
    return m_state->running.load();
}

void DataDiscWriter::cancel_write() {
    if (!m_state->running)
        throw Error(ErrorCode::WriteNotInProgress,
                    fmt::format("no write is running on {}", m_recorder.address()))
            .with_drive(m_recorder.address());
    m_state->cancel.cancel();
}

// ---- speed --------------------------------------------------------------------------------

std::vector<WriteSpeedDescriptor> DataDiscWriter::supported_write_speed_descriptors() {
    return m_recorder.write_speed_descriptors();
}

std::vector<u32> DataDiscWriter::supported_write_speeds() {
    std::vector<u32> out;
    for (const auto& d : supported_write_speed_descriptors())
        out.push_back(d.write_speed);
    return out;
}

SpeedAdjustment DataDiscWriter::set_write_speed(i32 sectors_per_second, bool pure_cav) {
    if (sectors_per_second < -1 || sectors_per_second == 0)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("write speed {} is invalid: give sectors per second, or -1 for "
                                "the fastest",
                                sectors_per_second))
            .with_option("speed");
    m_requested_speed = sectors_per_second;
    m_requested_cav = pure_cav;
    const auto speeds = supported_write_speed_descriptors();
    if (speeds.empty()) return SpeedAdjustment::None;
    // The drive's own choice for a speed it does not offer is the closest one not faster.
    const WriteSpeedDescriptor* pick = &speeds.front(); // fastest first
    if (sectors_per_second != -1) {
        for (const auto& d : speeds)
            if (d.write_speed <= static_cast<u32>(sectors_per_second)) {
                pick = &d;
                break;
            }
        if (pick->write_speed > static_cast<u32>(sectors_per_second)) pick = &speeds.back();
    }
    const auto type = m_recorder.current_media_type();
    const bool cd = type == MediaType::CdR || type == MediaType::CdRw;
    auto& runner = m_recorder.runner();
    if (cd) {
        runner.write(scsi::set_cd_speed(
            {.rotation_control = pure_cav ? RotationControl::Cav : RotationControl::Clv,
             .write_speed = static_cast<u16>(std::min<u32>(pick->kilobytes_per_second, 0xFFFE))}));
    } else {
        StreamingPerformance p;
        p.wrc = pure_cav ? RotationControl::Cav : RotationControl::Clv;
        p.end_lba = pick->end_lba ? pick->end_lba : 0xFFFFFFFFu;
        p.read_size = p.write_size = pick->kilobytes_per_second;
        p.read_time = p.write_time = 1000;
        const auto list = scsi::encode_streaming_performance(p);
        runner.write(scsi::set_streaming({.parameter_list_length = static_cast<u16>(list.size())}),
                     list);
    }
    m_state->current_speed = static_cast<i32>(pick->write_speed);
    m_state->current_cav = pick->rotation_pure_cav;
    const bool speed_changed =
        sectors_per_second != -1 && pick->write_speed != static_cast<u32>(sectors_per_second);
    const bool rotation_changed = pick->rotation_pure_cav != pure_cav;
    if (speed_changed && rotation_changed) return SpeedAdjustment::Both;
    if (speed_changed) return SpeedAdjustment::Speed;
    if (rotation_changed) return SpeedAdjustment::Rotation;
    return SpeedAdjustment::None;
}

i32 DataDiscWriter::current_write_speed() {
    if (m_state->current_speed > 0) return m_state->current_speed;
    const auto speeds = supported_write_speed_descriptors();
    return speeds.empty() ? -1 : static_cast<i32>(speeds.front().write_speed);
}

bool DataDiscWriter::current_rotation_type_is_pure_cav() {
    if (m_state->current_speed > 0) return m_state->current_cav;
    const auto speeds = supported_write_speed_descriptors();
    return !speeds.empty() && speeds.front().rotation_pure_cav;
}

} // namespace discwright
