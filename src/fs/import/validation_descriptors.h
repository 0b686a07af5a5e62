#pragma once
// The volume descriptor set of one session, checked descriptor by descriptor (ECMA-119 8):
// versions, block size, volume space, both-byte-order fields, dates, identifiers, the root
// record, and the terminator.

#include <optional>

#include "fs/import/block_source.h"
#include "fs/import/validation_log.h"
#include "fs/iso9660/on_disk.h"

namespace discwright::fs::import {

struct CheckedDescriptors {
    std::optional<iso9660::VolumeDescriptor> primary, joliet, enhanced;
    u64 primary_lba = 0, joliet_lba = 0, enhanced_lba = 0;
    u64 first_lba = 0; ///< the set, terminator included: [first_lba, first_lba + blocks)
    u64 blocks = 0;
};

/// Reads and checks the descriptors from block `session_start` + 16 on. `session_end` is where
/// ImageReader::find_sessions found the session to end: the primary volume's space size, or
/// the session start plus it (xorriso records each session's own size in sessions on files).
/// `primary` is empty when there is none first (volume-recognition is reported).
CheckedDescriptors check_descriptors(const BlockSource& image, u64 session_start,
                                     std::optional<u64> session_end, ProblemLog& log);

} // namespace discwright::fs::import
