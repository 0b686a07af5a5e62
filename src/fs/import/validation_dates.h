#pragma once
// Whether a recorded date is well formed: ECMA-119 9.1.5 (7 bytes) and 8.4.26.1 (17 bytes),
// as used in directory records, volume descriptors and Rock Ridge TF entries.

#include <optional>
#include <string>

#include "fs/iso9660/on_disk.h"

namespace discwright::fs::import {

/// nullopt when `d` is a possible date or all zeros ("not specified"); else what is wrong.
[[nodiscard]] std::optional<std::string> date_problem(const iso9660::RecordingDateTime& d);
/// nullopt when `d` is 16 digits of a possible date, or all '0' digits ("not specified").
[[nodiscard]] std::optional<std::string> date_problem(const iso9660::VolumeDateTime& d);

} // namespace discwright::fs::import
