#include "cli/image_extract_command.h"

#include <chrono>

#include "cli/image_reading.h"
#include "discwright/image_extractor.h"

namespace discwright::cli {

namespace {

struct ExtractCommandOptions {
    std::string image;
    std::string destination;
    std::vector<std::string> paths;
    ReadOptions read;
    bool overwrite = false;
    bool no_times = false;
    bool owners = false;
};

/// "1 file", "2 files".
std::string counted(u64 n, std::string_view what) {
    return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

int run(const ExtractCommandOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        SignalCancellation cancel;
        const ImageReader reader = open_image(o.image, o.read);
        const FsType ns = chosen_namespace(reader, o.read);
        const ImageTree tree = reader.read_tree(ns, {}, cancel.token());
        // Rock Ridge and UDF record modes and owners; the plain trees' 0555 / 0444 are the
        // reader's stand-ins, and extracting them would leave a tree that cannot be changed.
        const bool posix = ns == FsType::RockRidge || ns == FsType::Udf;
        ExtractOptions options;
        options.existing = o.overwrite ? Overwrite::Replace : Overwrite::Refuse;
        options.times = o.no_times ? Times::Extraction : Times::Image;
        options.owners = o.owners && posix ? Ownership::Image : Ownership::Extractor;
        options.modes = posix ? Modes::Image : Modes::Default;

        const auto start = std::chrono::steady_clock::now();
        bool finished = false;
        const ExtractEventHandler events = [&](const ExtractEvent& event) {
            if (const auto* w = std::get_if<WarningEvent>(&event)) {
                reporter.on_event(*w);
                return;
            }
            const auto& p = std::get<ExtractProgressEvent>(event);
            if (p.bytes_total && p.bytes_done == p.bytes_total) {
                if (finished) return; // the 100% line once, not after every item that follows
                finished = true;
            }
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double remaining = p.bytes_done && elapsed > 0.5
                                         ? elapsed *
                                               static_cast<double>(p.bytes_total - p.bytes_done) /
                                               static_cast<double>(p.bytes_done)
                                         : -1;
            // Bytes when there are any; else a count of items (total 0: not a percentage).
            if (p.bytes_total)
                reporter.progress("extracting", p.bytes_done, p.bytes_total, elapsed, remaining,
                                  p.current_item);
            else
                reporter.progress("extracting", p.items_done, 0, elapsed, -1, p.current_item);
        };
        const ExtractReport r = extract_image(reader.stream(), tree, o.paths, o.destination,
                                              options, events, cancel.token());
        reporter.result(
            {{"image", o.image},
             {"destination", o.destination},
             {"namespace", to_string(ns)},
             {"files", r.files},
             {"directories", r.directories},
             {"symlinks", r.symlinks},
             {"specials", r.specials},
             {"skipped", r.skipped},
             {"bytes", r.bytes}},
            fmt::format("{}: {}, {}, {}{}{} ({:.1f} MiB) extracted from the {} tree of {}",
                        o.destination, counted(r.files, "file"), counted(r.directories, "folder"),
                        counted(r.symlinks, "symlink"),
                        r.specials ? ", " + counted(r.specials, "special file") : std::string(),
                        r.skipped ? fmt::format(", {} skipped", r.skipped) : std::string(),
                        static_cast<double>(r.bytes) / 1048576.0, to_string(ns), o.image));
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_image_extract_command(CLI::App& image, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<ExtractCommandOptions>();
    CLI::App* cmd =
        image.add_subcommand("extract", "Copy the files and folders of an image into a folder");
    cmd->add_option("image", o->image, "Image file to read")->required();
    cmd->add_option("destination", o->destination, "Folder to extract into (created when missing)")
        ->required();
    cmd->add_option("paths", o->paths,
                    "Items inside the image to extract, each at its image path (default: all)");
    add_read_options(*cmd, o->read, true);
    cmd->add_flag("--overwrite", o->overwrite,
                  "Replace existing files, links and special files (folders are merged anyway)");
    cmd->add_flag("--no-times", o->no_times, "Leave modification times at the time of extraction");
    cmd->add_flag("--owners", o->owners,
                  "Give items the image's owner and group (root only; Rock Ridge only)");
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
