#pragma once
// The file: pseudo-drive: a plain file or a block device seen as a random-writable medium, so
// that everything that burns to a drive can also write an image file or a USB stick, with the
// same commands and the same error behaviour.
//
// What it reports, and why:
//  - Profile 0002h Removable Disk (IMAPI MediaType Disk), current and the only one: MMC-6's
//    profile for a random-writable, block-addressed medium without sessions. The medium can be
//    swapped (the user points file: elsewhere), so "removable" rather than 0001h.
//  - Features Profile List, Core, Removable Medium (no load, no eject), Random Readable and
//    Random Writable (not current when the file is read-only). Not Formattable: there is
//    nothing to format.
//  - One complete session with one data track from LBA 0 over the whole capacity, disc status
//    Complete and Erasable, as a formatted DVD-RAM or BD-RE answers: there is no NWA, every
//    block is writable.
//  - Capacity: a block device's size (BLKGETSIZE64). A regular file may grow up to
//    `maximum_bytes` (default: its size plus its file system's free space when opened);
//    that is the medium's capacity (Random Writable's last LBA, the track size, the TOC's
//    lead-out, READ FORMAT CAPACITIES). READ CAPACITY reports what is recorded: the file's size
//    rounded down to whole 2048-byte blocks, so that reading an image back stops where it ends.
//    READ beyond that is LBA OUT OF RANGE (05/21/00); WRITE may start anywhere below the
//    capacity, and a gap it leaves reads as zeros.
//  - A missing file is created by the first WRITE, so a pseudo-drive over a new path is
//    writable; its folder must exist.
//  - START STOP UNIT start/stop succeeds and does nothing; eject and load are refused as
//    INVALID FIELD IN CDB, which is what the Removable Medium feature promises.
//    PREVENT ALLOW MEDIUM REMOVAL, SET CD SPEED and SET STREAMING succeed and change nothing.
//  - GET PERFORMANCE and mode page 2Ah report one speed, 16x DVD (22160 kB/s): a file has no
//    rotation, and hosts need some speed to estimate times.
// Unknown commands get 05/20/00, malformed CDBs 05/24/00, writes to a read-only file 07/27/00,
// failed reads 03/11/00 and failed writes 03/0C/00 with the LBA in INFORMATION.

#include <filesystem>
#include <memory>
#include <optional>

#include "discwright/types.h"
#include "virtual/mmc_target.h"

namespace discwright::virtual_recorder {

struct PseudoDriveOptions {
    /// Largest size a regular file may grow to, in bytes; ignored for block devices.
    std::optional<u64> maximum_bytes;
};

/// Opens `path`. RecorderNotFound when its folder does not exist or it is neither a regular
/// file nor a block device; TransportFailure when it cannot be opened or sized.
[[nodiscard]] std::unique_ptr<MmcTarget> open_pseudo_drive(const std::filesystem::path& path,
                                                           const PseudoDriveOptions& options = {});

} // namespace discwright::virtual_recorder
