#pragma once

#include <CLI/CLI.hpp>

#include "cli/reporter.h"

namespace discwright::cli {

/// `discwright drives`: the recorders DiscMaster lists.
void add_drives_command(CLI::App& app, const GlobalOptions& global, int& status);
/// `discwright drive info DRIVE`: identity, profiles, features, mode pages, medium, speeds.
void add_drive_command(CLI::App& app, const GlobalOptions& global, int& status);
/// `discwright eject DRIVE` and `discwright load DRIVE`.
void add_eject_load_commands(CLI::App& app, const GlobalOptions& global, int& status);

} // namespace discwright::cli
