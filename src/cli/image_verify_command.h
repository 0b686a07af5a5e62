#pragma once

#include <CLI/CLI.hpp>

#include "cli/image_create_command.h"

namespace discwright::cli {

/// `discwright image verify`: IMAPI's Validate, then the full audit; exit 2 when it finds
/// errors.
void add_image_verify_command(CLI::App& image, const GlobalOptions& global, int& status);

} // namespace discwright::cli
