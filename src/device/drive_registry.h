#pragma once
// Drives the user registers by address (DiscMaster's second source, after udev): virtual
// recorders, file pseudo-drives, iSCSI targets, and device nodes udev does not tag.
//
// The registry file holds one address per line. '#' starts a comment at the start of a line or
// after white space, so a path may still contain '#'. Relative virtual: and file: paths are
// taken relative to the file's folder, not to whatever the current directory is. The
// environment variable DISCWRIGHT_DRIVES adds space-separated addresses (relative paths against
// the current directory). A malformed address is InvalidParam naming the file and line.

#include <filesystem>
#include <string_view>
#include <vector>

#include "discwright/disc_master.h"

namespace discwright::device {

/// $DISCWRIGHT_DRIVES_FILE, else $XDG_CONFIG_HOME/discwright/drives, else
/// $HOME/.config/discwright/drives; empty when none of these variables is set.
[[nodiscard]] std::filesystem::path drive_registry_path();

/// The drives of a registry file's text; `file` names it in errors and anchors relative paths.
[[nodiscard]] std::vector<RecorderInfo> parse_drive_registry(std::string_view text,
                                                             const std::filesystem::path& file);

/// The drives of a space-separated list; `origin` names it in errors ("DISCWRIGHT_DRIVES").
[[nodiscard]] std::vector<RecorderInfo> parse_drive_list(std::string_view list,
                                                         std::string_view origin);

/// The registry file (none when it does not exist) followed by $DISCWRIGHT_DRIVES.
/// Duplicates are not removed here; DiscMaster does that across all sources.
[[nodiscard]] std::vector<RecorderInfo> registered_drives();

/// The list entry for one address as written: unique id and address normalised, except that an
/// iSCSI address with CHAP credentials keeps them in `address` (the unique id never has them).
[[nodiscard]] RecorderInfo registered_drive(std::string_view address);

} // namespace discwright::device
