// discwright: the command-line tool. Subcommands live in their own files; this one parses the
// global options and maps what escapes into DESIGN.md's exit statuses.

#include <CLI/CLI.hpp>

#include "cli/image_create_command.h"
#include "cli/image_extract_command.h"
#include "cli/image_info_command.h"
#include "cli/image_ls_command.h"
#include "cli/image_verify_command.h"
#include "cli/reporter.h"

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
    // Global flags are accepted after the subcommand too ("image create --json ...").
    for (CLI::App* sub : {image, image->get_subcommand("create"), image->get_subcommand("info"),
                          image->get_subcommand("ls"), image->get_subcommand("extract"),
                          image->get_subcommand("verify")}) {
        sub->add_flag("--json", global.json, "Machine output: one JSON object per line");
        sub->add_flag("-q,--quiet", global.quiet, "No progress and no summary");
        sub->add_flag("-v,--verbose", global.verbose, "List every mapped name and warning");
    }
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
