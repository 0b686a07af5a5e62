#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright erase DRIVE [--full] [--client NAME]`.
void add_erase_command(CLI::App& app, const GlobalOptions& global, int& status);

} // namespace discwright::cli
