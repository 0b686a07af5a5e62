#pragma once

#include <CLI/CLI.hpp>

#include "cli/image_create_command.h"

namespace discwright::cli {

/// `discwright image extract`: copies an image's files into a host folder.
void add_image_extract_command(CLI::App& image, const GlobalOptions& global, int& status);

} // namespace discwright::cli
