#include "cli/erase_command.h"

#include <fmt/format.h>

#include "cli/image_reading.h"
#include "discwright/disc_eraser.h"
#include "discwright/disc_recorder.h"

namespace discwright::cli {

namespace {

struct EraseOptions {
    std::string drive;
    bool full = false;
    std::string client = "discwright";
};

int run(const EraseOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    SignalCancellation signals;
    try {
        DiscRecorder recorder(o.drive);
        DiscEraser eraser(recorder);
        eraser.set_client_name(o.client);
        eraser.full_erase = o.full;
        const MediaType media = eraser.current_physical_media_type();
        const auto t0 = std::chrono::steady_clock::now();
        eraser.erase_media(
            [&](const EraseProgress& p) {
                const double remaining = p.estimated_total_seconds < 0
                                             ? -1
                                             : p.estimated_total_seconds - p.elapsed_seconds;
                reporter.progress("erasing", static_cast<u64>(p.fraction_done * 1000), 1000,
                                  p.elapsed_seconds, remaining, "");
            },
            signals.token());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        reporter.result({{"drive", recorder.address()},
                         {"media", std::string(to_string(media))},
                         {"full", o.full},
                         {"seconds", seconds}},
                        fmt::format("{} the {} in {} in {:.1f} s",
                                    o.full ? "fully erased" : "erased", to_string(media),
                                    recorder.address(), seconds));
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_erase_command(CLI::App& app, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<EraseOptions>();
    CLI::App* cmd = app.add_subcommand(
        "erase", "Blank a CD-RW or DVD-RW, or format a DVD+RW, DVD-RAM or BD-RE");
    cmd->add_option("drive", o->drive, "Drive: /dev/sr0, iscsi://..., virtual:PATH or an index")
        ->required();
    cmd->add_flag("--full", o->full,
                  "Blank the whole disc (CD-RW, DVD-RW) or certify every block (BD-RE)");
    cmd->add_option("--client", o->client, "Client name shown to others while the drive is held");
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
