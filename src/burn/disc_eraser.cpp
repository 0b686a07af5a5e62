// DiscEraser: BLANK for sequential rewritable media, FORMAT UNIT for the overwritable ones,
// both with IMMED so that the drive's progress indicator can be reported while it works.

#include "discwright/disc_eraser.h"

#include <chrono>

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "burn/drive_wait.h"
#include "device/command_runner.h"
#include "device/exclusive_access.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "scsi/commands.h"

namespace discwright {

namespace {

enum class EraseMethod : u8 { Blank, Format };

struct EraseCommand {
    EraseMethod method = EraseMethod::Blank;
    u8 format_type = 0;
    u8 format_subtype = 0;
};

/// How a profile is erased, or nullopt when it cannot be.
std::optional<EraseCommand> erase_command(Profile p, bool full) {
    switch (p) {
    case Profile::CdRw:
    case Profile::DvdDashRwSequential:
    case Profile::DvdDashRwRestrictedOverwrite:
        // BLANK returns a DVD-RW in restricted overwrite to a blank sequential disc (MMC-6 6.2).
        return EraseCommand{.method = EraseMethod::Blank};
    case Profile::DvdPlusRw:
    case Profile::DvdPlusRwDualLayer:
        // MMC-6 6.5.4.2.14: DVD+RW has one format, 26h; the drive formats the whole disc.
        return EraseCommand{.method = EraseMethod::Format, .format_type = 0x26};
    case Profile::DvdRam:
        return EraseCommand{.method = EraseMethod::Format, .format_type = 0x00};
    case Profile::BdRe:
        // MMC-6 6.5.4.2.15: format 30h; subtype 10b certifies every block, 01b none.
        return EraseCommand{
            .method = EraseMethod::Format, .format_type = 0x30, .format_subtype = u8(full ? 2 : 1)};
    default:
        return std::nullopt;
    }
}

} // namespace

DiscEraser::DiscEraser(DiscRecorder& recorder)
    : m_recorder(recorder), m_client_name("discwright") {}

std::vector<MediaType> DiscEraser::supported_media_types() {
    return {MediaType::CdRw,         MediaType::DvdDashRw,
            MediaType::DvdPlusRw,    MediaType::DvdPlusRwDualLayer,
            MediaType::DvdRam,       MediaType::BdRe,
            MediaType::BdReDualLayer};
}

bool DiscEraser::is_recorder_supported(DiscRecorder& recorder) {
    for (Profile p : recorder.supported_profiles())
        if (erase_command(p, false)) return true;
    return false;
}

bool DiscEraser::is_current_media_supported() {
    return m_recorder.media_present() && erase_command(m_recorder.current_profile(), full_erase);
}

bool DiscEraser::media_physically_blank() {
    return m_recorder.media_present() &&
           m_recorder.disc_information().disc_status == DiscStatus::Empty;
}

MediaType DiscEraser::current_physical_media_type() {
    return m_recorder.current_media_type();
}

void DiscEraser::set_client_name(std::string_view name) {
    device::validate_client_name(name);
    m_client_name = std::string(name);
}

void DiscEraser::erase_media(const EraseHandler& progress, CancellationToken cancel) {
    const std::string& drive = m_recorder.address();
    if (!m_recorder.media_present())
        throw Error(ErrorCode::MediaNoMedia, fmt::format("no disc in {}: insert one", drive))
            .with_drive(drive);
    const Profile profile = m_recorder.current_profile();
    const auto command = erase_command(profile, full_erase);
    if (!command)
        throw Error(ErrorCode::MediaNotErasable,
                    fmt::format("the {} ({}) in {} cannot be erased: only CD-RW, DVD-RW, DVD+RW, "
                                "DVD-RAM and BD-RE can",
                                to_string(m_recorder.current_media_type()), to_string(profile),
                                drive))
            .with_drive(drive);
    if (m_recorder.write_protect_state() != WriteProtectState::None)
        throw Error(ErrorCode::MediaWriteProtected,
                    fmt::format("the disc in {} is write-protected", drive))
            .with_drive(drive);

    m_recorder.acquire_exclusive_access(ExclusiveAccessMode::Polite, m_client_name);
    struct Release {
        DiscRecorder& r;
        ~Release() { r.release_exclusive_access(); }
    } release{m_recorder};

    auto& runner = m_recorder.runner();
    try {
        if (command->method == EraseMethod::Blank) {
            runner.write(scsi::blank(
                {.immed = true,
                 .type = full_erase ? scsi::BlankingType::Full : scsi::BlankingType::Minimal}));
        } else {
            scsi::FormatParameters p;
            p.immed = true;
            p.descriptor.format_type = command->format_type;
            p.descriptor.format_subtype = command->format_subtype;
            // The size the drive offers for this format type (READ FORMAT CAPACITIES).
            for (const auto& d : m_recorder.format_capacities().formattable)
                if (d.format_type == command->format_type) {
                    p.descriptor.number_of_blocks = d.number_of_blocks;
                    p.descriptor.type_dependent_parameter = d.type_dependent_parameter;
                    break;
                }
            const auto list = scsi::encode_format_parameters(p);
            runner.write(scsi::format_unit(), list);
        }
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::Device && e.category() != ErrorCategory::Media) throw;
        Error failed(ErrorCode::EraseFailed,
                     fmt::format("erasing the disc in {} failed: {}", drive, e.message()));
        failed.with_drive(drive);
        if (e.context().sense) failed.with_sense(*e.context().sense);
        throw failed;
    }

    const auto t0 = std::chrono::steady_clock::now();
    const burn::WaitProgress on_poll = [&](std::optional<double> fraction) {
        if (!progress) return;
        EraseProgress p;
        p.elapsed_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        p.fraction_done = fraction.value_or(0);
        if (fraction && *fraction > 0) p.estimated_total_seconds = p.elapsed_seconds / *fraction;
        progress(p);
    };
    try {
        burn::wait_until_ready(m_recorder,
                               {.interval = poll_interval,
                                .limit = std::chrono::seconds(3600),
                                .what = "erasing the disc"},
                               on_poll, cancel);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::RequestCancelled)
            throw Error(ErrorCode::RequestCancelled,
                        fmt::format("stopped waiting for the erase of the disc in {}: the drive "
                                    "finishes it by itself; erase the disc again if it is ejected "
                                    "before",
                                    drive))
                .with_drive(drive);
        throw;
    }

    // The drive must now call the disc blank (blanked media) or formatted and empty.
    const auto facts = burn::read_disc_facts(m_recorder);
    const bool blanked = command->method == EraseMethod::Blank;
    const bool done = blanked ? facts.disc && facts.disc->disc_status == DiscStatus::Empty
                              : !facts.format_type && facts.volume_end == 0;
    if (!done)
        throw Error(ErrorCode::EraseFailed,
                    fmt::format("the drive at {} finished erasing, but the disc is not {}", drive,
                                blanked ? "blank" : "formatted and empty"))
            .with_drive(drive);
}

} // namespace discwright
