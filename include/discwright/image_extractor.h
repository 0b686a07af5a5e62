#pragma once
// Extraction: copies items of an image's tree into a host folder. IMAPI has no counterpart
// (it reads a disc only to import it); discwright extracts with the same reader it lists with.
//
// Image names are untrusted, and the rules exist so that no image can write outside the
// destination:
//   - a name that is empty, ".", "..", or holds '/' or NUL is UnsafePath naming its image path;
//     a file whose data lies outside the image is FileSystemReadConsistency. Both are found
//     before anything is written, and one error lists every such problem;
//   - every item is created relative to a descriptor of its parent folder, opened with
//     O_NOFOLLOW: no symlink, the image's or one already in the destination, is ever followed;
//   - symlinks are created as links, with their targets verbatim;
//   - a file is written under a temporary name in its folder and renamed into place at the
//     end, so a failure leaves no half-written file under the final name.
//
// Hard links (files sharing data) are extracted as separate copies. A folder that already
// exists is merged into, and keeps its own mode and times; any other existing item is
// FileExists unless ExtractOptions::existing says Overwrite::Replace.

#include <functional>
#include <span>
#include <string>
#include <variant>

#include "discwright/cancellation.h"
#include "discwright/events.h"
#include "discwright/file_system_image_result.h"
#include "discwright/image_reader.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright {

/// Whose the extracted items are.
enum class Ownership : u8 {
    Extractor, ///< the user extracting (setuid and setgid bits are dropped)
    Image,     ///< the image's uid and gid (needs root; else one warning and the extractor's)
};

/// Which modification and access times the items get.
enum class Times : u8 {
    Image,      ///< the image's (when it records them)
    Extraction, ///< the time of extraction
};

/// Which permission bits the items get.
enum class Modes : u8 {
    Image,   ///< the image's (Rock Ridge PX; plain trees say 0555 and 0444)
    Default, ///< 0666 for files and 0777 for folders, less the umask
};

struct ExtractOptions {
    /// An item already where an image item goes: Refuse is FileExists naming the host path;
    /// Replace replaces files, links and special files. Folders are merged either way.
    Overwrite existing = Overwrite::Refuse;
    Ownership owners = Ownership::Extractor;
    Times times = Times::Image;
    Modes modes = Modes::Image;
};

/// What was extracted.
struct ExtractReport {
    u64 directories = 0; ///< folders created (not the ones merged into)
    u64 files = 0;
    u64 symlinks = 0;
    u64 specials = 0; ///< fifos and devices
    u64 skipped = 0;  ///< items that could not be made (devices without root, sockets)
    u64 bytes = 0;    ///< file data written
};

/// Progress of an extraction, sent before each file and after each chunk of its data.
struct ExtractProgressEvent {
    std::string current_item; ///< image path
    u64 items_done = 0;
    u64 items_total = 0;
    u64 bytes_done = 0;
    u64 bytes_total = 0;
};

/// Progress, and a WarningEvent for each item skipped or attribute that could not be kept.
using ExtractEvent = std::variant<ExtractProgressEvent, WarningEvent>;
using ExtractEventHandler = std::function<void(const ExtractEvent&)>;

/// Extracts the items at image `paths` (with everything under folders) from `tree`, whose data
/// `image` holds, into the host folder `destination`; all of the tree when `paths` is empty.
/// Each item goes to its image path under `destination` ("/a/b" to DESTINATION/a/b); folders
/// leading to a chosen item are created as plain folders. `destination` is created when
/// missing (not its parents); it keeps its own attributes.
///
/// Errors: ItemNotFound for a path not in the tree; UnsafePath and FileSystemReadConsistency
/// (before anything is written); FileExists, ImportFileExistsAsDirectory (a file's place holds
/// a folder) and OutputWriteFailure naming the host path; RequestCancelled. Each says which
/// item it was extracting; items finished before it stay.
[[nodiscard]] ExtractReport
extract_image(const Stream& image, const ImageTree& tree, std::span<const std::string> paths,
              const std::string& destination, const ExtractOptions& options = {},
              const ExtractEventHandler& events = {}, CancellationToken cancel = {});

} // namespace discwright
