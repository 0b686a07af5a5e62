#pragma once
// How a disc can take another session (IMAPI's IMultisessionSequential(2) and
// IMultisessionRandomWrite), and the one call that prepares a FileSystemImage for it.
//
// Sequential media (CD-R/RW, DVD-R/RW sequential, DVD+R, DVD+R DL, BD-R) take a new physical
// session at the next writable address; each session carries complete volume descriptors and
// a tree that points at the files of the sessions before. Random-writable media (DVD+RW,
// DVD-RAM, BD-RE, restricted-overwrite DVD-RW) and file pseudo-drives have one physical
// session: the new tree is written after the last one, and the volume descriptors at LBA 16 are
// replaced by the new session's last of all, so a burn interrupted before that point leaves
// the previous session as it was. docs/burning.md says how UDF sessions will follow.

#include <optional>
#include <variant>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/image_reader.h"
#include "discwright/types.h"

namespace discwright {

class DiscRecorder;
class FileSystemImage;

/// IMultisessionSequential2.
struct MultisessionSequential {
    /// The new session will be the first data session (a disc with only audio before).
    bool is_first_data_session = true;
    i64 start_address_of_previous_session = -1;
    i64 last_written_address_of_previous_session = -1;
    i64 next_writable_address = 0;
    u32 free_sectors_on_media = 0;
    u32 write_unit_size = 1;
};

/// IMultisessionRandomWrite.
struct MultisessionRandomWrite {
    u32 write_unit_size = 1;
    /// The last LBA holding data of a logical session (-1: none).
    i64 last_written_address = -1;
    u32 total_sectors_on_media = 0;
};

/// IMultisession: one way the disc in a drive can take another session.
struct MultisessionInfo {
    /// IsSupportedOnCurrentMediaState.
    bool supported_on_current_media_state = false;
    std::variant<MultisessionSequential, MultisessionRandomWrite> kind;
    [[nodiscard]] bool sequential() const {
        return std::holds_alternative<MultisessionSequential>(kind);
    }
    /// Where the new session begins: the next writable address, or on random-writable media the
    /// first block after the last logical session (rounded up to the write unit).
    [[nodiscard]] u64 new_session_start() const;
};

/// Where the newest session on the medium in `recorder` starts, from the drive's disc and
/// track information (0 on overwritable media); nullopt for a blank disc.
[[nodiscard]] std::optional<u64> last_session_start(DiscRecorder& recorder);

/// A reader of the newest session on the medium in `recorder` (the start of the last
/// session comes from the drive's track information, not from guessing).
/// NoValidVolumeDescriptor when the disc holds no ISO 9660 session.
[[nodiscard]] ImageReader read_last_session(DiscRecorder& recorder);

/// Prepares `image` to become the next session of the disc in `recorder`: checks that the
/// disc can take one (InvalidMediaState naming the state otherwise), imports the newest
/// session's tree when there is one (ImportFileSystem), and sets SessionStartBlock to the new
/// session's start and FreeMediaBlocks to what is left. Returns the multisession description it
/// used. A blank disc gives a first session at 0 (nothing is imported).
MultisessionInfo prepare_next_session(FileSystemImage& image, DiscRecorder& recorder,
                                      const ImportProgressHandler& progress = {},
                                      CancellationToken cancel = {});

} // namespace discwright
