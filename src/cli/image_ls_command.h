#pragma once

#include <CLI/CLI.hpp>

#include "cli/image_create_command.h"

namespace discwright::cli {

/// `discwright image ls`: the items of one namespace of an image, like ls or find.
void add_image_ls_command(CLI::App& image, const GlobalOptions& global, int& status);

} // namespace discwright::cli
