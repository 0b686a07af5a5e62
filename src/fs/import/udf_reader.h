#pragma once
// Reading a UDF volume (ECMA-167, OSTA UDF 1.02-2.60) into an ImageTree: the recognition
// sequence, an anchor, the volume descriptor sequence (main, else reserve), the partitions and
// their maps (physical, and the 2.50+ metadata partition through its Metadata File, else its
// Mirror), then the file set's tree from its root File Entry.
//
// Image bytes are untrusted: every descriptor's tag (checksum, identifier and CRC) is verified,
// every address is mapped through its partition and checked against it and the image, a folder
// met twice is a loop, and sizes are bounded, so a hostile image gives
// FileSystemReadConsistency naming the block, never a crash or a hang.

#include <optional>
#include <string>
#include <vector>

#include "discwright/image_reader.h"
#include "fs/import/block_source.h"

namespace discwright::fs::import {

/// What a UDF volume's descriptors say, enough to read its tree.
struct UdfVolume {
    u16 revision = 0;              ///< the domain identifier's suffix, e.g. 0x0250
    std::string volume_id;         ///< primary volume descriptor
    std::string logical_volume_id; ///< logical volume descriptor
    u64 anchor_block = 0;          ///< where the anchor read was found (absolute)
    u64 end_block = 0;             ///< the partition's end (absolute)
    struct Map {
        bool metadata = false;
        u64 start = 0, length = 0; ///< the physical partition, absolute blocks
        /// Metadata partition: runs of the Metadata File, absolute (first block, blocks).
        std::vector<std::pair<u64, u64>> runs;
    };
    std::vector<Map> maps; ///< by partition reference number
    u16 file_set_partition = 0;
    u32 file_set_block = 0;
    /// The logical volume integrity descriptor's counts (UDF 2.2.6.4), when it reads.
    struct Integrity {
        bool closed = false;
        u32 files = 0, directories = 0;
    };
    std::optional<Integrity> integrity;
};

/// The UDF volume of the session starting at `session_start`, or nullopt when its recognition
/// sequence has no NSR02/NSR03 descriptor or no anchor verifies. A volume that is recognised
/// but damaged: FileSystemReadConsistency; one that needs what discwright does not read (a
/// virtual or sparable partition): FileSystemFeatureNotSupported.
std::optional<UdfVolume> find_udf_volume(const BlockSource& image, u64 session_start);

/// The volume's tree. Children are sorted by name; names are UTF-8.
ImageTree read_udf_tree(const BlockSource& image, const UdfVolume& volume,
                        const ImportProgressHandler& progress, const CancellationToken& cancel);

} // namespace discwright::fs::import
