#pragma once
// The volume descriptor set of a session (ECMA-119 8): which namespaces it holds, and the
// sessions of an image.

#include <optional>
#include <vector>

#include "discwright/image_reader.h"
#include "fs/import/block_source.h"
#include "fs/iso9660/on_disk.h"

namespace discwright::fs::import {

struct DescriptorSet {
    u64 session_start = 0;
    std::optional<iso9660::VolumeDescriptor> primary, joliet, enhanced;
    u64 primary_lba = 0, joliet_lba = 0, enhanced_lba = 0;
    int joliet_level = 0;
    std::optional<u64> boot_catalog;
    bool terminated = false; ///< a set terminator was found
};

/// The descriptors from block session_start + 16 to the terminator (at most 64 of them).
/// nullopt when block session_start + 16 is not a primary volume descriptor.
std::optional<DescriptorSet> read_descriptor_set(const BlockSource& image, u64 session_start);

/// Identifiers, dates and sizes of one descriptor.
VolumeInfo volume_info(const iso9660::VolumeDescriptor& vd, FsType type, int joliet_level);

/// The sessions of an image, oldest first (see ImageReader::find_sessions).
std::vector<ImageSession> find_sessions(const BlockSource& image);

/// Whether the session's root folder carries the Rock Ridge SP entry (SUSP 5.3).
bool has_rock_ridge(const BlockSource& image, const iso9660::VolumeDescriptor& primary);

} // namespace discwright::fs::import
