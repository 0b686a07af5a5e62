// discwright: the command-line tool. Subcommands live in their own files; this one parses the
// global options and maps what escapes into DESIGN.md's exit statuses.

#include <CLI/CLI.hpp>

#include "cli/burn_command.h"
#include "cli/drive_commands.h"
#include "cli/erase_command.h"
#include "cli/image_checkmd5_command.h"
#include "cli/image_create_command.h"
#include "cli/image_extract_command.h"
#include "cli/image_info_command.h"
#include "cli/image_ls_command.h"
#include "cli/image_verify_command.h"
#include "cli/reporter.h"
#include "cli/verify_command.h"
#include "cli/virtual_commands.h"

namespace {

void add_global_flags(const std::vector<CLI::App*>& subcommands,
                      discwright::cli::GlobalOptions& global) {
    for (CLI::App* sub : subcommands) {
        sub->add_flag("--json", global.json, "Machine output: one JSON object per line");
        sub->add_flag("-q,--quiet", global.quiet, "No progress and no summary");
        sub->add_flag("-v,--verbose", global.verbose, "List every mapped name and warning");
        add_global_flags(sub->get_subcommands({}), global);
    }
}

} // namespace

int main(int argc, char** argv) {
    using namespace discwright;
    cli::GlobalOptions global;
    int status = 0;
    CLI::App app{"discwright: image mastering and disc burning"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "discwright 0.1.0");
    app.add_flag("--json", global.json, "Machine output: one JSON object per line")
        ->configurable(false);
    app.add_flag("-q,--quiet", global.quiet, "No progress and no summary");
    app.add_flag("-v,--verbose", global.verbose, "List every mapped name and warning");
    CLI::App* image = app.add_subcommand("image", "Make and inspect image files");
    image->require_subcommand(1);
    cli::add_image_create_command(*image, global, status);
    cli::add_image_info_command(*image, global, status);
    cli::add_image_ls_command(*image, global, status);
    cli::add_image_extract_command(*image, global, status);
    cli::add_image_verify_command(*image, global, status);
    cli::add_image_checkmd5_command(*image, global, status);
    cli::add_drives_command(app, global, status);
    cli::add_drive_command(app, global, status);
    cli::add_eject_load_commands(app, global, status);
    cli::add_virtual_commands(app, global, status);
    cli::add_burn_command(app, global, status);
    cli::add_verify_command(app, global, status);
    cli::add_erase_command(app, global, status);
    // Global flags are accepted after the subcommand too ("image create --json ...").
    add_global_flags(app.get_subcommands({}), global);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 1;
    } catch (const std::exception& e) {
        return cli::Reporter(global.mode(), global.verbose).internal_error(e);
    }
    return status;
}
