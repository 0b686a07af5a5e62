#pragma once
// Typed events. Library code never prints: progress, name mappings and warnings reach the
// caller through an EventHandler. Handlers run on the thread doing the work; they may call
// CancellationSource::cancel() to stop it at the next safe point.

#include <functional>
#include <string>
#include <variant>

#include "discwright/types.h"

namespace discwright {

/// What a long operation is doing now.
enum class ProgressAction : u8 {
    AddingTree,   // scanning a host folder into the image tree
    LayingOut,    // naming, sizing and placing every item
    WritingImage, // producing image bytes into a file or a stream consumer
    Completed,
};

/// Overall progress of a long operation.
struct ProgressEvent {
    ProgressAction action = ProgressAction::LayingOut;
    double elapsed_seconds = 0;
    double remaining_seconds = -1; // -1: not known yet
    u64 done = 0;                  // bytes (WritingImage) or items (AddingTree)
    u64 total = 0;                 // 0: not known
    std::string current_file;      // image path of the file being handled, if any
};

/// IMAPI's DFileSystemImageEvents::Update: per-file progress while a file's data is produced.
/// Cadence: once at 0 sectors, then every MiB, then once at the end.
struct FileProgressEvent {
    std::string path; // image path, '/'-separated
    u64 copied_sectors = 0;
    u64 total_sectors = 0;
};

/// Namespaces with their own names (ECMA-119 trees and, later, UDF).
enum class Namespace : u8 { Iso9660, Joliet, Iso9660_1999, RockRidge, Udf };

/// A name or place that a namespace could not keep as given. Strict mode turns each of these
/// into Error(RestrictedNameViolation or Iso9660Levels) naming the item.
struct NameMappedEvent {
    Namespace ns = Namespace::Iso9660;
    std::string path;     // the item's image path as given
    std::string original; // its name as given
    std::string mapped;   // its name in the namespace (UTF-8)
    std::string reason;   // e.g. "illegal characters", "truncated to 64 UTF-16 units"
};

/// Something the user should know that is not an error.
struct WarningEvent {
    std::string message;
    std::string path;
};

using Event = std::variant<ProgressEvent, FileProgressEvent, NameMappedEvent, WarningEvent>;
using EventHandler = std::function<void(const Event&)>;

[[nodiscard]] const char* to_string(ProgressAction a);
[[nodiscard]] const char* to_string(Namespace ns);

} // namespace discwright
