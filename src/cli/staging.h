#pragma once
// Staging sources into a FileSystemImage from command-line arguments, shared by `image create`
// and `burn`: mkisofs-style PATH and TARGET=SOURCE grafts, and the image options flags.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "discwright/cancellation.h"
#include "discwright/file_system_image.h"

namespace discwright::cli {

/// Adds one PATH or TARGET=SOURCE argument: a folder's contents go to the target folder (the
/// root by default), a file by its name; an item of the same name is replaced.
void add_source(FileSystemImage& image, const std::string& arg, Symlinks symlinks,
                CancellationToken cancel);

/// The media type --media names; InvalidParam naming the option and the known names.
[[nodiscard]] MediaType parse_media_option(const std::string& name, const std::string& option);

/// The file system set --fs names; InvalidParam naming the option.
[[nodiscard]] FsType parse_fs_option(const std::string& list);

} // namespace discwright::cli
