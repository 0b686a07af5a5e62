#include "cli/image_checkmd5_command.h"

#include <fmt/format.h>

#include "cli/image_reading.h"
#include "discwright/isomd5.h"

namespace discwright::cli {

namespace {

int run(const std::string& medium, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    SignalCancellation signals;
    try {
        const StreamPtr stream = open_medium(medium);
        const auto t0 = std::chrono::steady_clock::now();
        const IsoMd5Check check = check_isomd5(
            *stream,
            [&](u64 done, u64 total) {
                reporter.progress(
                    "checking", done, total,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                    -1, "");
            },
            signals.token());
        switch (check.status) {
        case IsoMd5Status::NotPresent:
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("{} has no implanted MD5 (image create --implant-md5, or "
                                    "implantisomd5, put one there)",
                                    medium))
                .with_path(medium);
        case IsoMd5Status::Failed:
            throw Error(ErrorCode::FileSystemReadConsistency,
                        fmt::format("{}: the MD5 is {}, the implant says {}: the data differs "
                                    "from what was implanted",
                                    medium, check.computed, check.stored))
                .with_path(medium);
        case IsoMd5Status::Passed:
            break;
        }
        reporter.result({{"medium", medium}, {"md5", check.computed}, {"passed", true}},
                        fmt::format("{}: the implanted MD5 {} matches", medium, check.computed));
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_image_checkmd5_command(CLI::App& image, const GlobalOptions& global, int& status) {
    auto medium = std::make_shared<std::string>();
    CLI::App* cmd = image.add_subcommand(
        "checkmd5", "Check the isomd5sum-compatible MD5 implanted in an image or a disc");
    cmd->add_option("image", *medium, "An image file or a drive")->required();
    cmd->callback([medium, &global, &status] { status = run(*medium, global); });
}

} // namespace discwright::cli
