#include "cli/verify_command.h"

#include <fmt/format.h>

#include "cli/image_reading.h"
#include "discwright/disc_recorder.h"
#include "discwright/image_reader.h"
#include "discwright/image_validator.h"
#include "discwright/isomd5.h"
#include "discwright/verification.h"

namespace discwright::cli {

namespace {

using nlohmann::json;

struct VerifyOptions {
    std::string medium;
    std::string against;
    std::string level = "full";
    std::optional<u64> start;
};

VerificationLevel parse_level(const std::string& s) {
    if (s == "quick") return VerificationLevel::Quick;
    if (s == "full") return VerificationLevel::Full;
    throw Error(ErrorCode::InvalidParam, fmt::format("--level: '{}' is not quick or full", s))
        .with_option("--level");
}

/// Reads every sector of [start, end) of the medium; the first that cannot be read throws.
u64 read_through(const Stream& medium, u64 start, u64 end, Reporter& reporter,
                 const CancellationToken& cancel) {
    std::vector<std::byte> buffer(u64{512} * block_size);
    const auto t0 = std::chrono::steady_clock::now();
    for (u64 lba = start; lba < end;) {
        cancel.throw_if_cancelled();
        const u64 n = std::min<u64>(512, end - lba);
        const auto got = medium.read_at(lba * block_size, std::span(buffer).first(n * block_size));
        if (got != n * block_size)
            throw Error(ErrorCode::MediaReadError,
                        fmt::format("{} ends at LBA {}, before the session's end at LBA {}",
                                    medium.description(), lba + got / block_size, end))
                .with_lba(lba + got / block_size);
        lba += n;
        reporter.progress(
            "reading", (lba - start) * block_size, (end - start) * block_size,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), -1, "");
    }
    return end - start;
}

int run(const VerifyOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    SignalCancellation signals;
    try {
        const VerificationLevel level = parse_level(o.level);
        const StreamPtr medium = open_medium(o.medium);
        json j{{"medium", o.medium}};
        if (!o.against.empty()) {
            // Compare with the source: the session from --start (default: the disc's last
            // session, or block 0 of an image file).
            u64 start = o.start.value_or(0);
            if (!o.start && names_drive(o.medium)) {
                const ImageReader reader = open_image(o.medium, {});
                start = reader.session().start_block;
            }
            const FileStream source(o.against);
            const auto t0 = std::chrono::steady_clock::now();
            const VerificationReport report = compare_with_source(
                *medium, start, source, level,
                [&](u64 done, u64 total) {
                    reporter.progress(
                        "verifying", done * block_size, total * block_size,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
                            .count(),
                        -1, "");
                },
                signals.token());
            j["against"] = o.against;
            j["level"] = to_string(level);
            j["start_lba"] = start;
            j["sectors"] = report.sectors;
            j["sectors_compared"] = report.sectors_compared;
            j["passed"] = report.passed();
            if (!report.passed())
                throw Error(ErrorCode::BurnVerificationFailed,
                            fmt::format("{} differs from {} at LBA {}", o.medium, o.against,
                                        *report.first_mismatch_lba))
                    .with_lba(*report.first_mismatch_lba);
            reporter.result(j, fmt::format("{}: the {} sectors from LBA {} match {} ({} "
                                           "verification, {} sectors compared)",
                                           o.medium, report.sectors, start, o.against,
                                           to_string(level), report.sectors_compared));
            return 0;
        }
        // No source: an implanted MD5 says what the bytes must be.
        if (read_isomd5(*medium)) {
            const IsoMd5Check check = check_isomd5(*medium, {}, signals.token());
            j["isomd5"] = check.computed;
            j["passed"] = check.status == IsoMd5Status::Passed;
            if (check.status != IsoMd5Status::Passed)
                throw Error(ErrorCode::BurnVerificationFailed,
                            fmt::format("{}: the MD5 is {}, the implant says {}", o.medium,
                                        check.computed, check.stored));
            reporter.result(
                j, fmt::format("{}: the implanted MD5 {} matches", o.medium, check.computed));
            return 0;
        }
        // Nor that: the file system must be sound and every sector of the session readable.
        const ImageReader reader = open_image(o.medium, {o.start, ""});
        ImageValidator validator;
        validator.set_stream(medium);
        validator.validate();
        const auto& session = reader.session();
        const u64 end = std::min<u64>(session.end_block, medium->size() / block_size);
        const u64 read = read_through(*medium, session.start_block, end, reporter, signals.token());
        j["start_lba"] = session.start_block;
        j["sectors_read"] = read;
        j["passed"] = true;
        reporter.result(j, fmt::format("{}: the session at LBA {} is a valid ISO 9660 volume and "
                                       "all {} of its sectors read back",
                                       o.medium, session.start_block, read));
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_verify_command(CLI::App& app, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<VerifyOptions>();
    CLI::App* cmd = app.add_subcommand(
        "verify", "Check a burned disc or an image: against its source, or on its own");
    cmd->add_option("medium", o->medium, "A drive (virtual:PATH, /dev/sr0, ...) or an image file")
        ->required();
    cmd->add_option("--against", o->against,
                    "The source image: compare the session's sectors with it");
    cmd->add_option("--level", o->level, "With --against: quick or full (default)");
    cmd->add_option_function<u64>(
        "--start", [o](const u64& v) { o->start = v; },
        "The session's first LBA (default: the disc's last session, or 0 for a file)");
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
