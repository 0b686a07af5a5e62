#include "cli/burn_command.h"

#include <cmath>

#include <fmt/format.h>

#include "cli/image_reading.h"
#include "cli/staging.h"
#include "discwright/data_disc_writer.h"
#include "discwright/disc_recorder.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/isomd5.h"
#include "discwright/multisession.h"

namespace discwright::cli {

namespace {

using nlohmann::json;

struct BurnOptions {
    std::string drive;
    std::vector<std::string> sources;
    std::string image;
    std::string verify = "quick";
    std::string speed = "max";
    bool close = false;
    bool multisession = false;
    bool dry_run = false;
    bool force_overwrite = false;
    bool no_underrun_protection = false;
    bool dao = false;
    bool implant_md5 = false;
    std::string client = "discwright";
    std::string fs;
    int iso_level = 0;
    std::string volume_name;
    std::optional<i64> date;
    bool follow_symlinks = false;
};

VerificationLevel parse_verify(const std::string& s) {
    if (s == "none") return VerificationLevel::None;
    if (s == "quick") return VerificationLevel::Quick;
    if (s == "full") return VerificationLevel::Full;
    throw Error(ErrorCode::InvalidParam,
                fmt::format("--verify: '{}' is not none, quick or full", s))
        .with_option("--verify");
}

/// IMAPI's sectors per second for 1x (imapi-surface 5.11): 75 CD, 680 DVD, 2195 BD.
u32 one_x_sectors(MediaType m) {
    switch (m) {
    case MediaType::CdR:
    case MediaType::CdRw:
        return 75;
    case MediaType::BdR:
    case MediaType::BdRe:
    case MediaType::BdRDualLayer:
    case MediaType::BdReDualLayer:
        return 2195;
    default:
        return 680;
    }
}

/// "max", "8x", "8" (a multiple of the medium's 1x) → sectors per second, -1 for the fastest.
i32 parse_speed(const std::string& s, MediaType media) {
    if (s == "max") return -1;
    std::string number = s;
    if (!number.empty() && (number.back() == 'x' || number.back() == 'X')) number.pop_back();
    char* end = nullptr;
    const double x = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !(x > 0) || x > 1000)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("--speed: '{}' is not 'max' or a speed like 8x", s))
            .with_option("--speed");
    return static_cast<i32>(std::lround(x * one_x_sectors(media)));
}

/// Stages the sources into an image for the disc in `recorder`: appended to its last session
/// with --multisession, otherwise a first session (refused on a disc that holds sessions).
FileSystemImageResult stage(const BurnOptions& o, DiscRecorder& recorder, DataDiscWriter& writer,
                            Reporter& reporter, CancellationToken cancel) {
    Clock clock = o.date ? Clock::fixed(*o.date) : Clock::from_environment();
    FileSystemImage image(ImageOptions{}, clock);
    image.set_event_handler(reporter.handler());
    const MediaType media = recorder.current_media_type();
    if (media != MediaType::Unknown && media != MediaType::Disk)
        image.choose_image_defaults_for_media_type(media);
    const MediaState state = writer.current_media_status();
    const bool holds_data = has(state, MediaState::OverwriteOnly)
                                ? !writer.media_heuristically_blank()
                                : !has(state, MediaState::Blank) && !unusable(state);
    if (o.multisession) {
        prepare_next_session(image, recorder, {}, cancel);
    } else {
        if (holds_data && !has(state, MediaState::OverwriteOnly))
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("the {} in {} already holds data: add --multisession to "
                                    "append a session that keeps its files",
                                    to_string(media), recorder.address()))
                .with_option("--multisession")
                .with_drive(recorder.address());
        ImageOptions opts = image.options();
        opts.max_media_blocks = writer.total_sectors_on_media();
        image.set_options(opts);
    }
    ImageOptions opts = image.options();
    if (!o.fs.empty()) opts.file_systems = parse_fs_option(o.fs);
    if (o.iso_level) opts.iso_level = o.iso_level;
    if (!o.volume_name.empty()) opts.volume_name = o.volume_name;
    if (o.date) opts.volume_date = *o.date;
    image.set_options(opts);
    const Symlinks symlinks = o.follow_symlinks ? Symlinks::Follow : Symlinks::Record;
    for (const auto& s : o.sources)
        add_source(image, s, symlinks, cancel);
    return image.create_result_image(cancel);
}

json plan_json(const BurnPlan& p) {
    return {{"media", std::string(to_string(p.media))},
            {"start_lba", p.start_lba},
            {"sectors", p.sectors},
            {"extra_sectors", p.extra_sectors},
            {"format_first", p.format_first},
            {"append", p.append},
            {"closes_disc", p.closes_disc},
            {"free_sectors_after", p.free_sectors_after}};
}

int run(const BurnOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    SignalCancellation signals;
    try {
        if (o.image.empty() == o.sources.empty())
            throw Error(ErrorCode::InvalidParam,
                        o.image.empty() ? "nothing to burn: give PATHs to stage or --image FILE"
                                        : "give either PATHs to stage or --image FILE, not both")
                .with_option("--image");
        if (!o.image.empty() && o.multisession)
            throw Error(ErrorCode::InvalidParam,
                        "--multisession stages PATHs onto the disc's last session; an --image "
                        "made for appending (image create --import ... --append) is burned "
                        "without it")
                .with_option("--multisession");
        const VerificationLevel level = parse_verify(o.verify);
        DiscRecorder recorder(o.drive);
        DataDiscWriter writer(recorder);
        writer.set_client_name(o.client);
        writer.verification_level = level;
        writer.force_media_to_be_closed = o.close;
        // Unlike IMAPI, which closes DVD+R in "compatible" mode unless told otherwise, the
        // tool leaves every disc appendable unless --close (as growisofs and xorriso do).
        writer.disable_consumer_dvd_compatibility_mode = !o.close;
        writer.force_overwrite = o.force_overwrite;
        writer.buffer_underrun_free_disabled = o.no_underrun_protection;
        writer.disc_at_once = o.dao;
        if (!recorder.media_present())
            throw Error(ErrorCode::MediaNoMedia,
                        fmt::format("no disc in {}: insert one", recorder.address()))
                .with_drive(recorder.address());
        const i32 speed = parse_speed(o.speed, recorder.current_media_type());
        if (speed != -1 && !o.dry_run) (void)writer.set_write_speed(speed);

        std::optional<FileSystemImageResult> staged;
        std::shared_ptr<FileStream> file;
        if (o.image.empty())
            staged = stage(o, recorder, writer, reporter, signals.token());
        else
            file = std::make_shared<FileStream>(o.image);
        // An implant covers a whole image from LBA 0: the stream is wrapped, burned as a stream.
        StreamPtr implanted;
        if (o.implant_md5) {
            if (staged && staged->start_block().value != 0)
                throw Error(ErrorCode::InvalidParam,
                            "--implant-md5 covers a whole image from LBA 0; an appended session "
                            "starts later")
                    .with_option("--implant-md5");
            implanted = with_isomd5(staged ? staged->image_stream() : StreamPtr(file), false, {},
                                    signals.token());
        }
        const BurnPlan plan = implanted ? writer.plan(*implanted)
                              : staged  ? writer.plan(*staged)
                                        : writer.plan(*file);
        if (o.dry_run) {
            json j = plan_json(plan);
            j["drive"] = recorder.address();
            j["dry_run"] = true;
            reporter.result(j,
                            fmt::format("would write {} sectors ({:.1f} MiB) to the {} in {} "
                                        "from LBA {}{}{}",
                                        plan.sectors, plan.sectors * 2048 / 1048576.0,
                                        to_string(plan.media), recorder.address(), plan.start_lba,
                                        plan.format_first ? ", formatting it first" : "",
                                        plan.closes_disc ? ", and close the disc" : ""));
            return 0;
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto on_event = [&](const BurnEvent& e) {
            if (const auto* w = std::get_if<WarningEvent>(&e)) {
                reporter.on_event(*w);
                return;
            }
            const auto& p = std::get<DataWriterProgress>(e);
            const u64 total = p.engine.sector_count ? p.engine.sector_count : 1;
            const u64 done =
                p.action == DataWriteAction::WritingData || p.action == DataWriteAction::Verifying
                    ? std::min<u64>(p.engine.sectors_done(), total)
                    : 0;
            reporter.progress(to_string(p.action), done * 2048, total * 2048, p.elapsed_seconds,
                              p.remaining_seconds, "");
        };
        if (implanted)
            writer.write(*implanted, on_event, signals.token());
        else if (staged)
            writer.write(*staged, on_event, signals.token());
        else
            writer.write(*file, on_event, signals.token());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

        json j = plan_json(plan);
        j["drive"] = recorder.address();
        j["seconds"] = seconds;
        j["media_state"] = to_strings(writer.current_media_status());
        j["verification"] = json{{"level", to_string(level)}};
        std::string verified = "not verified";
        if (const auto& v = writer.last_verification()) {
            j["verification"]["passed"] = v->passed();
            j["verification"]["sectors_compared"] = v->sectors_compared;
            verified = fmt::format("{} verification passed", to_string(level));
        }
        reporter.result(j, fmt::format("wrote {} sectors ({:.1f} MiB) to the {} in {} at LBA {} in "
                                       "{:.1f} s; {}",
                                       plan.sectors, plan.sectors * 2048 / 1048576.0,
                                       to_string(plan.media), recorder.address(), plan.start_lba,
                                       seconds, verified));
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_burn_command(CLI::App& app, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<BurnOptions>();
    CLI::App* cmd = app.add_subcommand(
        "burn", "Stage folders and files (or take an image file) and burn a data disc");
    cmd->add_option("drive", o->drive,
                    "Drive: /dev/sr0, iscsi://..., virtual:PATH, file:PATH or "
                    "an index from `discwright drives`")
        ->required();
    cmd->add_option("sources", o->sources,
                    "PATH (a folder's contents go to the root) or TARGET=SOURCE grafts to stage");
    cmd->add_option("--image", o->image, "Burn this image file instead of staging PATHs");
    cmd->add_option("--verify", o->verify,
                    "Verification after writing: none, quick (default), full");
    cmd->add_option("--speed", o->speed, "Write speed: max (default) or a multiple like 8x");
    cmd->add_flag("--close", o->close, "Close the disc: no session can be added afterwards");
    cmd->add_flag("--multisession", o->multisession,
                  "Append a session to the disc: its last session's files stay visible");
    cmd->add_flag("--dry-run", o->dry_run,
                  "Stage and check everything, say what would be written, write nothing");
    cmd->add_flag("--force-overwrite", o->force_overwrite,
                  "Write over what a rewritable disc (or a file:) holds");
    cmd->add_flag("--implant-md5", o->implant_md5,
                  "Implant an isomd5sum-compatible MD5 (checkisomd5 can check the disc)");
    cmd->add_flag("--dao", o->dao,
                  "DVD-R/RW: write disc-at-once (reserve the session, then close the disc)");
    cmd->add_flag("--no-underrun-protection", o->no_underrun_protection,
                  "CD only: turn off buffer underrun protection");
    cmd->add_option("--client", o->client, "Client name shown to others while the drive is held");
    cmd->add_option("--fs", o->fs, "File systems to stage (default: by medium)");
    cmd->add_option("--iso-level", o->iso_level, "ISO 9660 interchange level 1-4")
        ->check(CLI::Range(1, 4));
    cmd->add_option("--volume-name,-V", o->volume_name, "Volume name");
    cmd->add_option_function<i64>(
        "--date", [o](const i64& v) { o->date = v; },
        "Time stamp for the volume, seconds since 1970 (default: SOURCE_DATE_EPOCH or now)");
    cmd->add_flag("--follow-symlinks", o->follow_symlinks, "Store what symlinks point to");
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
