#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright image checkmd5 IMAGE|DRIVE`: checks an isomd5sum implant.
void add_image_checkmd5_command(CLI::App& image, const GlobalOptions& global, int& status);

} // namespace discwright::cli
