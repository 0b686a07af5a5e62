#pragma once
// What the commands that read an image share: opening it at a session, choosing the namespace
// (--fs), cancelling on Ctrl-C, and the words and dates they print.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "discwright/cancellation.h"
#include "discwright/image_reader.h"

namespace discwright::cli {

/// --session and --fs, as given.
struct ReadOptions {
    std::optional<u64> session;
    std::string fs;
};

/// Adds --session (and --fs when `with_fs`) to a command.
void add_read_options(CLI::App& cmd, ReadOptions& o, bool with_fs);

/// True when IMAGE names a drive rather than a file: virtual:, file:, iscsi://, /dev/..., or a
/// drive index.
[[nodiscard]] bool names_drive(const std::string& arg);

/// The bytes of IMAGE: an image file, or the recorded data of the disc in a drive.
[[nodiscard]] StreamPtr open_medium(const std::string& arg);

/// Opens IMAGE (a file or a drive) at the chosen session (default: the last; on a drive the
/// one the drive's table of contents names last).
[[nodiscard]] ImageReader open_image(const std::string& path, const ReadOptions& o);

/// The namespace --fs names (one of iso9660, joliet, rockridge, iso9660:1999), or the reader's
/// default for the session. InvalidParam naming --fs for anything else.
[[nodiscard]] FsType chosen_namespace(const ImageReader& reader, const ReadOptions& o);

/// SIGINT and SIGTERM cancel the token while an object lives (one at a time).
class SignalCancellation {
public:
    SignalCancellation();
    ~SignalCancellation();
    SignalCancellation(const SignalCancellation&) = delete;
    SignalCancellation& operator=(const SignalCancellation&) = delete;
    [[nodiscard]] CancellationToken token() const { return m_source.token(); }

private:
    CancellationSource m_source;
};

/// "2023-11-14T22:13:20Z".
[[nodiscard]] std::string iso_time(UnixTime t);
/// "file", "directory", "symlink", "fifo", "char_device", "block_device", "socket".
[[nodiscard]] const char* type_name(FsiItemType type);

} // namespace discwright::cli
