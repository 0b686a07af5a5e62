#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright virtual create|inspect|insert|eject|faults`: the virtual recorder's media.
void add_virtual_commands(CLI::App& app, const GlobalOptions& global, int& status);

} // namespace discwright::cli
