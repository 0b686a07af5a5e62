#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright burn DRIVE (PATH...|--image FILE) [--verify ...] [--speed ...] [--close]
/// [--multisession] [--dry-run]`.
void add_burn_command(CLI::App& app, const GlobalOptions& global, int& status);

} // namespace discwright::cli
