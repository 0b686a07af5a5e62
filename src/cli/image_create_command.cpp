#include "cli/image_create_command.h"
#include "cli/staging.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/stat.h>

#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/image_reader.h"
#include "discwright/isomd5.h"

namespace discwright::cli {

namespace {

struct CreateOptions {
    std::string output;
    std::string fs;
    std::string media;
    int iso_level = 0;
    std::string volume_name;
    std::optional<i64> date;
    bool strict = false;
    bool joliet_long = false;
    std::string udf_revision;
    bool udf_redundant_metadata = false;
    bool follow_symlinks = false;
    std::string import;
    std::optional<u64> import_session;
    bool append = false;
    bool implant_md5 = false;
    std::vector<std::string> removals;
    std::vector<std::string> sources;
};

CancellationSource* g_cancel = nullptr;

extern "C" void on_signal(int) {
    if (g_cancel) g_cancel->cancel();
}

int run(const CreateOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    CancellationSource cancel;
    g_cancel = &cancel;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        Clock clock = o.date ? Clock::fixed(*o.date) : Clock::from_environment();
        u64 capacity = 0;
        ImageOptions opts;
        opts.max_media_blocks = 0; // the tool has no cap unless --media says so
        if (!o.media.empty()) {
            const MediaType m = parse_media_option(o.media, "--media");
            FileSystemImage probe(opts, clock);
            probe.choose_image_defaults_for_media_type(m);
            opts = probe.options();
            // The capacity is checked once against the exact layout (below) rather than
            // estimated while adding, so the message gives the real size.
            capacity = opts.max_media_blocks;
            opts.max_media_blocks = 0;
        }
        if (!o.fs.empty()) {
            opts.file_systems = parse_fs_option(o.fs);
        }
        if (o.iso_level) opts.iso_level = o.iso_level;
        if (!o.udf_revision.empty()) {
            const auto r = parse_udf_revision(o.udf_revision);
            if (!r)
                throw Error(ErrorCode::InvalidParam,
                            fmt::format("--udf-revision: '{}' is not a UDF revision discwright "
                                        "writes (1.02, 1.50, 2.00, 2.01, 2.50, 2.60)",
                                        o.udf_revision))
                    .with_option("--udf-revision");
            opts.udf_revision = *r;
        }
        if (o.udf_redundant_metadata) opts.udf_metadata_copies = UdfMetadataCopies::Two;
        opts.volume_name = o.volume_name;
        if (o.date) opts.volume_date = *o.date;
        opts.compliance = o.strict ? Compliance::Strict : Compliance::Relaxed;
        opts.joliet_names = o.joliet_long ? JolietNames::Long : JolietNames::Standard;

        if (o.append && o.import.empty())
            throw Error(ErrorCode::InvalidParam, "--append needs --import IMAGE: the session to "
                                                 "append to")
                .with_option("--append");
        if (o.import_session && o.import.empty())
            throw Error(ErrorCode::InvalidParam, "--import-session needs --import IMAGE")
                .with_option("--import-session");
        if (o.sources.empty() && o.import.empty())
            throw Error(ErrorCode::InvalidParam,
                        "nothing to put in the image: give a PATH, a TARGET=SOURCE graft, or "
                        "--import IMAGE")
                .with_option("sources");

        FileSystemImage image(opts, clock);
        image.set_event_handler(reporter.handler());
        if (!o.import.empty()) {
            ReaderOptions ro;
            ro.session_start = o.import_session;
            ImageReader old(std::make_shared<FileStream>(o.import), ro);
            image.import_file_system(old, {}, cancel.token());
            // Options given on the command line win over what the import chose.
            ImageOptions after = image.options();
            if (!o.fs.empty()) after.file_systems = opts.file_systems;
            if (o.iso_level) after.iso_level = o.iso_level;
            after.udf_revision = opts.udf_revision;
            after.udf_metadata_copies = opts.udf_metadata_copies;
            after.volume_name = opts.volume_name;
            // A standalone image copies the imported data; an appended session refers to it.
            if (!o.append) after.session_start_block = 0;
            image.set_options(after);
        }
        for (const auto& path : o.removals) {
            const FsiItemType t = image.exists(path);
            if (t == FsiItemType::NotFound)
                throw Error(ErrorCode::ItemNotFound,
                            fmt::format("--remove: the image has no '{}'", path))
                    .with_path(path)
                    .with_option("--remove");
            if (t == FsiItemType::Directory)
                image.root().remove_tree(path);
            else
                image.root().remove(path);
        }
        const Symlinks symlinks = o.follow_symlinks ? Symlinks::Follow : Symlinks::Record;
        for (const auto& s : o.sources)
            add_source(image, s, symlinks, cancel.token());
        FileSystemImageResult result = image.create_result_image(cancel.token());
        const u64 needed = result.start_block().value + result.total_blocks().value;
        if (capacity && needed > capacity)
            throw Error(ErrorCode::ImageTooBig,
                        fmt::format("the image needs {} blocks ({} MiB) but a blank {} holds {} "
                                    "blocks ({} MiB): choose larger media or fewer files",
                                    needed, (needed * block_size) >> 20, o.media, capacity,
                                    (capacity * block_size) >> 20))
                .with_option("--media");
        if (o.implant_md5 && result.start_block().value != 0)
            throw Error(ErrorCode::InvalidParam,
                        "--implant-md5 covers a whole image from block 0; an --append session "
                        "starts later")
                .with_option("--implant-md5");
        result.write_to_file(o.output, reporter.handler(), cancel.token());
        // The implant hashes the finished file, so it is written into it in place (the
        // application use area only).
        if (o.implant_md5) implant_isomd5_file(o.output, false, {}, cancel.token());
        const u64 bytes = result.total_blocks().bytes();
        reporter.result({{"output", o.output},
                         {"blocks", result.total_blocks().value},
                         {"bytes", bytes},
                         {"files", image.file_count()},
                         {"directories", image.directory_count()},
                         {"volume_name", result.disc_id()},
                         {"session_start", result.start_block().value},
                         {"file_systems", to_string(image.options().file_systems)}},
                        fmt::format("{}: {} files, {} folders, {} blocks ({:.1f} MiB)", o.output,
                                    image.file_count(), image.directory_count(),
                                    result.total_blocks().value, bytes / 1048576.0));
        g_cancel = nullptr;
        return 0;
    } catch (const Error& e) {
        g_cancel = nullptr;
        return reporter.error(e);
    } catch (const std::bad_alloc& e) {
        g_cancel = nullptr;
        return reporter.error(Error(ErrorCode::Internal, "out of memory"));
    }
}

} // namespace

void add_image_create_command(CLI::App& image, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<CreateOptions>();
    CLI::App* cmd = image.add_subcommand(
        "create",
        "Stage folders and files into an ISO 9660 / Joliet / Rock Ridge / UDF image file");
    cmd->add_option("-o,--output", o->output, "Image file to write")->required();
    cmd->add_option("--fs", o->fs,
                    "File systems: iso9660,joliet,rockridge,iso9660:1999,udf (default: "
                    "iso9660,joliet,rockridge; udf alone makes a pure UDF image)");
    cmd->add_option("--media", o->media,
                    "Media the image is for: sets file systems and the capacity limit "
                    "(cd-r, dvd+r, bd-r, ...)");
    cmd->add_option("--iso-level", o->iso_level,
                    "ISO 9660 interchange level 1, 2, 3 (default; any file size) or 4 (adds an "
                    "ISO 9660:1999 tree)")
        ->check(CLI::Range(1, 4));
    cmd->add_option("--volume-name,-V", o->volume_name, "Volume name (at most 32 characters)");
    cmd->add_option_function<i64>(
        "--date", [o](const i64& v) { o->date = v; },
        "Time stamp for the volume and made-up folders, seconds since 1970 "
        "(default: SOURCE_DATE_EPOCH or now)");
    cmd->add_flag("--strict", o->strict,
                  "Fail instead of mapping any name, depth or path a file system cannot keep");
    cmd->add_flag("--joliet-long", o->joliet_long, "Allow Joliet names of 103 units instead of 64");
    cmd->add_option("--udf-revision", o->udf_revision,
                    "UDF revision with --fs ...,udf: 1.02 (default), 1.50, 2.00, 2.01, 2.50, 2.60");
    cmd->add_flag("--udf-redundant-metadata", o->udf_redundant_metadata,
                  "UDF 2.50/2.60: give the metadata mirror file its own copy of every file "
                  "entry and folder");
    cmd->add_flag("--follow-symlinks", o->follow_symlinks,
                  "Store what symlinks point to instead of the links");
    cmd->add_option("--import", o->import,
                    "Start from the tree of this image's newest session (its files are copied, "
                    "or referred to with --append)");
    cmd->add_option_function<u64>(
        "--import-session", [o](const u64& v) { o->import_session = v; },
        "With --import: the session starting at this block instead of the newest");
    cmd->add_flag("--append", o->append,
                  "With --import: write only a new session that starts where the imported "
                  "image ends and refers to its files (cat OLD OUTPUT > DISC, or burn it at the "
                  "next writable address)");
    cmd->add_flag("--implant-md5", o->implant_md5,
                  "Implant an isomd5sum-compatible MD5 (checkisomd5, image checkmd5)");
    cmd->add_option("--remove", o->removals,
                    "Remove this image path (file or folder) after importing; repeatable")
        ->allow_extra_args(false);
    cmd->add_option("sources", o->sources,
                    "PATH (a folder's contents go to the root, a file by its name) or "
                    "TARGET=SOURCE grafts");
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
