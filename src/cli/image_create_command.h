#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright image create`: stage folders and files into an image file.
void add_image_create_command(CLI::App& image, const GlobalOptions& global, int& status);

} // namespace discwright::cli
