// DataDiscWriter::write: validate → format → set up → write → finalize → verify. Every check
// that can refuse the burn runs before the first command that changes the medium.

#include <algorithm>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "burn/drive_wait.h"
#include "burn/verification.h"
#include "burn/write_state.h"
#include "device/command_runner.h"
#include "discwright/data_disc_writer.h"
#include "discwright/error.h"
#include "discwright/file_system_image_result.h"
#include "scsi/commands.h"
#include "scsi/mode_pages.h"

namespace discwright {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr u32 post_gap_sectors = 150;
/// Volume descriptors copied to LBA 16 on an overwritable append: at most this many.
constexpr u64 max_descriptor_blocks = 64;

/// Holds the drive for the write: exclusive access, the tray locked, media change
/// notification off; all undone on every way out.
class DriveHold {
public:
    DriveHold(DiscRecorder& r, std::string_view client) : m_r(r) {
        m_r.acquire_exclusive_access(ExclusiveAccessMode::Polite, client);
        m_locked = true;
    }
    void lock_tray() {
        m_r.runner().write(scsi::prevent_allow_medium_removal({.prevent = true}));
        m_tray = true;
        m_r.disable_mcn();
        m_mcn = true;
    }
    ~DriveHold() {
        try {
            if (m_tray) m_r.runner().write(scsi::prevent_allow_medium_removal({.prevent = false}));
        } catch (...) {
            // A drive that lost its medium or power cannot be unlocked; nothing to undo then.
        }
        try {
            if (m_mcn) m_r.enable_mcn();
        } catch (...) {
        }
        if (m_locked) m_r.release_exclusive_access();
    }
    DriveHold(const DriveHold&) = delete;
    DriveHold& operator=(const DriveHold&) = delete;

private:
    DiscRecorder& m_r;
    bool m_locked = false, m_tray = false, m_mcn = false;
};

std::string state_words(MediaState s) {
    std::string out;
    for (const auto& w : to_strings(s))
        out += (out.empty() ? "" : ", ") + w;
    return out;
}

/// Block 16 of a stream, when it has one.
std::optional<std::vector<std::byte>> block16(const Stream& data) {
    if (data.size() < 17 * u64{block_size}) return std::nullopt;
    std::vector<std::byte> b(block_size);
    if (data.read_at(16 * u64{block_size}, b) != b.size()) return std::nullopt;
    return b;
}

/// ECMA-167 2/9.1: a volume structure descriptor of the extended area (type 0).
bool is_udf_recognition_block(std::span<const std::byte> b) {
    if (b.size() < 7 || b[0] != std::byte{0} || b[6] != std::byte{1}) return false;
    for (const char* id : {"BEA01", "NSR02", "NSR03", "TEA01"})
        if (std::memcmp(b.data() + 1, id, 5) == 0) return true;
    return false;
}

/// Blocks 16.. up to and including the volume descriptor set terminator (ECMA-119 8.3).
u64 descriptor_blocks(const Stream& data) {
    std::vector<std::byte> b(block_size);
    for (u64 i = 0; i < max_descriptor_blocks; ++i) {
        if (data.read_at((16 + i) * block_size, b) != b.size()) break;
        if (std::memcmp(b.data() + 1, "CD001", 5) != 0) break;
        if (b[0] == std::byte{255}) return i + 1;
    }
    throw Error(ErrorCode::StreamNotSupported,
                fmt::format("{} has no ISO 9660 volume descriptor set terminator within blocks "
                            "16..{}: it cannot be appended as a session",
                            data.description(), 16 + max_descriptor_blocks))
        .with_path(data.description());
}

} // namespace

/// One write in progress: what was decided during validation, and the event plumbing.
struct DataDiscWriter::Run {
    Run(DataDiscWriter& writer, const Stream& d, const BurnEventHandler& e, CancellationToken c)
        : w(writer), data(d), events(e), caller_cancel(std::move(c)) {}
    DataDiscWriter& w;
    const Stream& data;
    BurnEventHandler events; // a copy: plan() passes a temporary
    CancellationToken caller_cancel;
    SteadyClock::time_point t0 = SteadyClock::now();
    burn::DiscFacts facts;
    u64 sectors = 0;
    u64 start = 0;
    bool append_overwrite = false; // an overwritable append: descriptors go to 16 last
    bool dao = false;              // DVD-R/RW disc-at-once
    u64 descriptor_count = 0;
    burn::SessionClose close;
    burn::ChecksumLog log;

    [[nodiscard]] bool cancelled() const {
        return caller_cancel.cancelled() || w.m_state->cancel.cancelled();
    }
    void check_cancel() const {
        if (cancelled())
            throw Error(ErrorCode::RequestCancelled,
                        fmt::format("burn to {} cancelled", w.m_recorder.address()))
                .with_drive(w.m_recorder.address());
    }
    void emit(DataWriteAction action, const WriteEngineProgress& engine = {},
              double remaining = -1) const {
        if (!events) return;
        DataWriterProgress p;
        p.action = action;
        p.elapsed_seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
        p.remaining_seconds = remaining;
        p.total_seconds = remaining < 0 ? -1 : p.elapsed_seconds + remaining;
        p.engine = engine;
        events(p);
    }
    void warn(std::string message) const {
        if (events) events(WarningEvent{std::move(message), {}});
    }
    [[nodiscard]] const std::string& drive() const { return w.m_recorder.address(); }

    void validate(std::optional<u64> image_start);
    [[nodiscard]] BurnPlan plan() const {
        const u64 extra =
            facts.rules->post_gap && !w.postgap_already_in_image ? post_gap_sectors : 0;
        return {.media = facts.type,
                .start_lba = start,
                .sectors = sectors,
                .extra_sectors = extra,
                .format_first = facts.format_type.has_value(),
                .append = facts.sequential() ? start > 0 : append_overwrite,
                .closes_disc = facts.sequential() && close.finalize,
                .free_sectors_after =
                    facts.sequential() ? facts.free_sectors - std::min(facts.free_sectors, sectors)
                                       : facts.total_sectors - (start + sectors)};
    }
    void format();
    void set_up();
    void write_data();
    void finalize();
    void verify();
};

void DataDiscWriter::Run::validate(std::optional<u64> image_start) {
    emit(DataWriteAction::ValidatingMedia);
    facts = burn::read_disc_facts(w.m_recorder);
    if (!facts.present())
        throw Error(ErrorCode::MediaNoMedia, fmt::format("no disc in {}: insert one", drive()))
            .with_drive(drive());
    if (!facts.rules)
        throw Error(ErrorCode::MediaNotSupported,
                    fmt::format("the data writer cannot write the {} ({}) in {}",
                                to_string(facts.type), to_string(facts.profile), drive()))
            .with_drive(drive());
    if (facts.protection != WriteProtectState::None || has(facts.state, MediaState::WriteProtected))
        throw Error(ErrorCode::MediaWriteProtected,
                    fmt::format("the disc in {} is write-protected", drive()))
            .with_drive(drive());
    if (has(facts.state, MediaState::Finalized))
        throw Error(ErrorCode::InvalidMediaState,
                    fmt::format("the {} in {} is closed: no session can be added",
                                to_string(facts.type), drive()))
            .with_drive(drive());
    if (unusable(facts.state))
        throw Error(ErrorCode::InvalidMediaState,
                    fmt::format("the {} in {} cannot be written in its state ({})",
                                to_string(facts.type), drive(), state_words(facts.state)))
            .with_drive(drive());

    if (data.size() == 0 || data.size() % block_size != 0)
        throw Error(ErrorCode::StreamNotSupported,
                    fmt::format("{} is {} bytes: a data disc takes whole {}-byte sectors",
                                data.description(), data.size(), block_size))
            .with_path(data.description());
    sectors = data.size() / block_size;
    // The root folder's LBA says where an ISO 9660 image was laid out to start (0: unknown).
    const auto pvd = block16(data);
    const u64 root = pvd ? burn::iso_root_lba(*pvd).value_or(0) : 0;

    if (facts.sequential()) {
        start = static_cast<u64>(facts.next_writable_address);
        const bool wrong_start = image_start ? *image_start != start
                                             : (root && (root < start || root >= start + sectors));
        if (wrong_start)
            throw Error(ErrorCode::SessionStartMismatch,
                        fmt::format("{} was laid out to start at LBA {}, but the next writable "
                                    "address of the {} in {} is {}: stage the session for the "
                                    "disc (prepare_next_session, or burn --multisession)",
                                    data.description(), image_start.value_or(0),
                                    to_string(facts.type), drive(), start))
                .with_drive(drive())
                .with_lba(start);
        const u64 room =
            facts.free_sectors +
            (facts.rules->post_gap && w.postgap_already_in_image ? post_gap_sectors : 0);
        if (sectors > room)
            throw Error(ErrorCode::StreamTooLarge,
                        fmt::format("{} needs {} sectors, the {} in {} has {} free",
                                    data.description(), sectors, to_string(facts.type), drive(),
                                    room))
                .with_drive(drive());
    } else {
        append_overwrite = image_start && *image_start > 0;
        start = image_start.value_or(0);
        if (append_overwrite) {
            if (start < facts.volume_end)
                throw Error(ErrorCode::SessionStartMismatch,
                            fmt::format("{} starts at LBA {}, inside the session that ends at LBA "
                                        "{} on {}: it would overwrite that session",
                                        data.description(), start, facts.volume_end, drive()))
                    .with_drive(drive())
                    .with_lba(start);
            descriptor_count = descriptor_blocks(data);
        } else {
            if (root >= sectors)
                throw Error(ErrorCode::SessionStartMismatch,
                            fmt::format("{} was laid out for a later LBA (its root folder is at "
                                        "LBA {}), but it would be written from LBA 0 of {}",
                                        data.description(), root, drive()))
                    .with_drive(drive());
            const bool looks_blank = facts.format_type || w.media_heuristically_blank();
            if (!looks_blank && !w.force_overwrite)
                throw Error(ErrorCode::MediaNotBlank,
                            fmt::format("the {} in {} holds data: erase it, append a session, or "
                                        "force overwriting",
                                        to_string(facts.type), drive()))
                    .with_drive(drive());
        }
        if (start + sectors > facts.total_sectors)
            throw Error(ErrorCode::StreamTooLarge,
                        fmt::format("{} needs sectors {}..{}, the {} in {} has {}",
                                    data.description(), start, start + sectors - 1,
                                    to_string(facts.type), drive(), facts.total_sectors))
                .with_drive(drive());
    }
    dao = w.disc_at_once && facts.rules->write_type == WriteType::PacketIncremental;
    if (dao && !has(facts.state, MediaState::Blank))
        throw Error(ErrorCode::InvalidMediaState,
                    fmt::format("disc-at-once needs a blank disc; the {} in {} holds sessions",
                                to_string(facts.type), drive()))
            .with_drive(drive());
    const u64 left = facts.free_sectors - std::min(facts.free_sectors, sectors);
    close = burn::session_close(
        facts.profile,
        {.force_media_to_be_closed = w.force_media_to_be_closed,
         .disable_consumer_dvd_compatibility_mode = w.disable_consumer_dvd_compatibility_mode,
         .nearly_full = facts.sequential() && left * 50 <= facts.total_sectors});
    if (dao) {
        // MMC-6 4.5.3.2: a disc-at-once DVD-R holds one session; it is closed.
        close.finalize = true;
        close.multi_session = MultiSession::NextSessionNotAllowed;
    }
}

void DataDiscWriter::Run::format() {
    if (!facts.format_type) return;
    emit(DataWriteAction::FormattingMedia);
    scsi::FormatParameters p;
    p.immed = true;
    p.descriptor.format_type = *facts.format_type;
    p.descriptor.number_of_blocks = static_cast<u32>(facts.total_sectors);
    const auto list = scsi::encode_format_parameters(p);
    w.m_recorder.runner().write(scsi::format_unit(), list);
    burn::wait_until_ready(
        w.m_recorder, {.interval = std::chrono::milliseconds(100), .what = "formatting the disc"},
        {}, caller_cancel);
}

void DataDiscWriter::Run::set_up() {
    emit(DataWriteAction::InitializingHardware);
    if (facts.rules->write_parameters) {
        WriteParametersPage wp;
        wp.write_type = facts.rules->write_type;
        wp.bufe = !(w.buffer_underrun_free_disabled && facts.rules->underrun_protection_optional);
        wp.multi_session = close.multi_session;
        wp.track_mode = 4; // data, recorded uninterrupted
        wp.data_block_type = 8;
        if (dao) {
            wp.write_type = WriteType::SessionAtOnce;
        } else if (wp.write_type == WriteType::PacketIncremental) {
            // DVD-R/RW incremental recording links in 16-sector ECC blocks (MMC-6 7.5.4.9).
            wp.ls_v = true;
            wp.link_size = 16;
        }
        w.m_recorder.set_mode_page(scsi::encode_mode_page(scsi::encode_mode_page(wp)));
        if (dao)
            w.m_recorder.runner().write(
                scsi::reserve_track({.reservation_size = static_cast<u32>(sectors)}));
    }
    if (w.m_requested_speed != -1) {
        const auto adjusted = w.set_write_speed(w.m_requested_speed, w.m_requested_cav);
        if (adjusted != SpeedAdjustment::None)
            warn(fmt::format("the drive writes this disc at {} sectors/s, not the {} asked for",
                             w.m_state->current_speed, w.m_requested_speed));
    }
}

void DataDiscWriter::Run::write_data() {
    WriteEngineOptions o = w.engine_options;
    o.bytes_per_sector = block_size;
    o.write_unit_sectors = facts.rules->write_unit;
    o.sectors_per_write = 0;
    WriteEngine engine(w.m_recorder, o);
    const u64 total =
        sectors + (facts.rules->post_gap && !w.postgap_already_in_image ? post_gap_sectors : 0);
    u64 done_before = 0;
    auto handler = [&](const WriteEngineProgress& p) {
        if (caller_cancel.cancelled()) w.m_state->cancel.cancel();
        const double sps = p.sectors_per_second;
        const u64 done = done_before + p.sectors_done();
        emit(DataWriteAction::WritingData, p,
             sps > 0 ? static_cast<double>(total - done) / sps : -1);
    };
    const SectorObserver observer = [&](u64 first, std::span<const std::byte> bytes) {
        log.add(first, bytes);
    };
    engine.write_section(data, static_cast<i64>(start), static_cast<u32>(sectors), 0, handler,
                         w.m_state->cancel.token(),
                         w.verification_level == VerificationLevel::Full ? observer
                                                                         : SectorObserver{});
    if (total > sectors) {
        // The post-gap of a CD data track (IMAPI appends it unless the image has it).
        done_before = sectors;
        const ZeroStream gap(u64{post_gap_sectors} * block_size);
        engine.write_section(gap, static_cast<i64>(start + sectors), post_gap_sectors, 0, handler,
                             w.m_state->cancel.token());
    }
}

void DataDiscWriter::Run::finalize() {
    emit(DataWriteAction::Finalization);
    auto& runner = w.m_recorder.runner();
    runner.write(scsi::synchronize_cache());
    const burn::WaitOptions wait{.interval = std::chrono::milliseconds(100), .what = "finalizing"};
    burn::wait_until_ready(w.m_recorder, wait);
    if (facts.sequential()) {
        const u16 track = facts.disc ? facts.disc->last_track_in_last_session : 0;
        runner.write(scsi::close_track_session({.immed = true,
                                                .function = scsi::CloseFunction::CloseTrack,
                                                .track_session_number = track}));
        burn::wait_until_ready(w.m_recorder, wait);
        runner.write(scsi::close_track_session({.immed = true, .function = close.function}));
        burn::wait_until_ready(w.m_recorder, wait);
        return;
    }
    if (append_overwrite) {
        // The new session's volume descriptors replace those at LBA 16, last of all: until this
        // write lands, a reader mounting the disc sees the previous session unchanged. Writes
        // cover whole write units, so the units around 16 are read, patched and written back.
        // An earlier session's UDF recognition sequence after them (BEA01, NSR0x, TEA01 before
        // block 32) is cleared: UDF readers, which Windows and Linux prefer, would mount that
        // session's UDF tree instead of the new one. Nothing else there is touched: it may be
        // the earlier session's file data, which the new session refers to.
        const u64 unit = facts.rules->write_unit;
        const u64 first = 16 / unit * unit;
        const u64 cleared_end = std::max<u64>(16 + descriptor_count, 32);
        const u64 end = (cleared_end + unit - 1) / unit * unit;
        std::vector<std::byte> blocks((end - first) * block_size);
        burn::read_sectors(w.m_recorder, first, blocks);
        const auto got = data.read_at(
            16 * u64{block_size},
            std::span(blocks).subspan((16 - first) * block_size, descriptor_count * block_size));
        if (got != descriptor_count * block_size)
            throw Error(ErrorCode::DataStreamReadFailure,
                        fmt::format("{} ended inside its volume descriptors", data.description()))
                .with_path(data.description());
        for (u64 b = 16 + descriptor_count; b < cleared_end; ++b) {
            const auto block = std::span(blocks).subspan((b - first) * block_size, block_size);
            if (is_udf_recognition_block(block))
                std::fill(block.begin(), block.end(), std::byte{0});
        }
        runner.write(scsi::write10(
                         {.lba = static_cast<u32>(first), .blocks = static_cast<u16>(end - first)}),
                     blocks);
        runner.write(scsi::synchronize_cache());
        burn::wait_until_ready(w.m_recorder, wait);
    }
    if (facts.disc && facts.disc->bg_format_status == BackgroundFormatStatus::InProgress &&
        (facts.profile == Profile::DvdPlusRw || facts.profile == Profile::DvdPlusRwDualLayer)) {
        // MMC-6 6.3.3.5: a compatible stop of the background format, so players read the disc.
        runner.write(scsi::close_track_session(
            {.immed = true, .function = scsi::CloseFunction::CloseSession}));
        burn::wait_until_ready(w.m_recorder, wait);
    }
}

void DataDiscWriter::Run::verify() {
    const auto level = w.verification_level;
    if (level == VerificationLevel::None) return;
    emit(DataWriteAction::Verifying);
    burn::wait_until_ready(w.m_recorder, {.interval = std::chrono::milliseconds(100),
                                          .what = "the drive before verification"});
    // IMAPI's quick checks: disc and track information must answer for every track.
    const auto disc = w.m_recorder.disc_information();
    for (u32 t = disc.first_track_on_disc; t <= disc.last_track_in_last_session; ++t)
        (void)w.m_recorder.track_information(t, TrackAddressType::Track);

    const burn::SectorReader reader = [&](u64 lba, std::span<std::byte> out) {
        burn::read_sectors(w.m_recorder, lba, out);
    };
    const VerificationProgress progress = [&](u64 done, u64 total) {
        WriteEngineProgress p;
        p.start_lba = static_cast<i64>(start);
        p.sector_count = static_cast<u32>(total);
        p.last_written_lba = static_cast<i64>(start + done) - 1;
        emit(DataWriteAction::Verifying, p);
    };
    VerificationReport report =
        level == VerificationLevel::Full
            ? burn::compare_checksums(reader, start, log, data, progress, caller_cancel)
            : burn::compare_ranges(reader, start, data, sectors, burn::quick_sample(sectors), level,
                                   progress, caller_cancel);
    if (report.passed() && append_overwrite) {
        // The copy at 16 is what readers mount: it must match the session's own descriptors.
        const auto copy = burn::compare_ranges(
            [&](u64 lba, std::span<std::byte> out) { reader(lba - start, out); }, start, data,
            sectors, {{16, descriptor_count}}, level, {}, caller_cancel);
        if (!copy.passed()) report.first_mismatch_lba = *copy.first_mismatch_lba - start;
        report.sectors_compared += copy.sectors_compared;
    }
    w.m_last_verification = report;
    if (!report.passed())
        throw Error(ErrorCode::BurnVerificationFailed,
                    fmt::format("{} verification failed: LBA {} on {} differs from {}",
                                to_string(level), *report.first_mismatch_lba, drive(),
                                data.description()))
            .with_drive(drive())
            .with_lba(*report.first_mismatch_lba);
}

BurnPlan DataDiscWriter::plan(const Stream& data) {
    Run run(*this, data, {}, {});
    run.validate(std::nullopt);
    return run.plan();
}

BurnPlan DataDiscWriter::plan(const FileSystemImageResult& image) {
    const auto stream = image.image_stream();
    Run run(*this, *stream, {}, {});
    run.validate(image.start_block().value);
    return run.plan();
}

void DataDiscWriter::write(const Stream& data, const BurnEventHandler& events,
                           CancellationToken cancel) {
    write_image(data, std::nullopt, events, cancel);
}

void DataDiscWriter::write(const FileSystemImageResult& image, const BurnEventHandler& events,
                           CancellationToken cancel) {
    write_image(*image.image_stream(), image.start_block().value, events, cancel);
}

void DataDiscWriter::write_image(const Stream& data, std::optional<u64> image_start,
                                 const BurnEventHandler& events, CancellationToken cancel) {
    if (m_state->running)
        throw Error(ErrorCode::WriteInProgress,
                    fmt::format("a write to {} is already running", m_recorder.address()))
            .with_drive(m_recorder.address());
    m_state->cancel = CancellationSource{};
    m_state->running = true;
    struct Running {
        std::atomic<bool>& flag;
        ~Running() { flag = false; }
    } running{m_state->running};
    m_last_verification.reset();

    Run run(*this, data, events, cancel);
    run.validate(image_start);
    run.check_cancel();
    DriveHold hold(m_recorder, m_client_name);
    run.format();
    run.check_cancel();
    hold.lock_tray();
    run.set_up();
    run.check_cancel();
    try {
        run.write_data();
    } catch (const Error&) {
        // Whatever the drive accepted goes onto the medium; the track stays open. A failure here
        // (no medium, lost power) changes nothing about the first error.
        try {
            m_recorder.runner().write(scsi::synchronize_cache());
        } catch (const Error&) {
        }
        throw;
    }
    run.finalize();
    run.verify();
    run.emit(DataWriteAction::Completed, {}, 0);
}

} // namespace discwright
