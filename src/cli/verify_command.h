#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright verify DRIVE|IMAGE [--against FILE] [--level quick|full] [--start LBA]`.
void add_verify_command(CLI::App& app, const GlobalOptions& global, int& status);

} // namespace discwright::cli
