#pragma once

#include <CLI/CLI.hpp>

#include "cli/image_create_command.h"

namespace discwright::cli {

/// `discwright image info`: the sessions, file systems and volume descriptors of an image.
void add_image_info_command(CLI::App& image, const GlobalOptions& global, int& status);

} // namespace discwright::cli
