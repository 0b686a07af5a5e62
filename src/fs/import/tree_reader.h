#pragma once
// One namespace's directory tree, read breadth-first so that every folder's children are
// contiguous. Each directory extent is read once; a folder met twice is a loop.

#include "discwright/image_reader.h"
#include "fs/import/block_source.h"
#include "fs/iso9660/on_disk.h"

namespace discwright::fs::import {

struct TreeRequest {
    FsType ns = FsType::Iso9660; ///< Iso9660, RockRidge, Joliet or Iso9660_1999
    iso9660::DirectoryRecordHeader root;
};

/// Limits that turn a hostile image into an error instead of a hang or an exhausted memory.
/// Besides these, the directory extents of one tree add up to at most the image's size (each
/// is read once, and they do not overlap in a sound image), so the entries of a tree, one per
/// record of at least 34 bytes, are bounded by the image's size too.
inline constexpr u32 max_tree_depth = 1024;
inline constexpr u64 max_directory_bytes = u64{256} << 20;
/// A folder's path is built once (for messages and progress), so this bounds that work by the
/// number of folders. It is far beyond ECMA-119 6.8.2.1 (255) and PATH_MAX (4096, what one
/// system call takes).
inline constexpr u64 max_path_bytes = 32 * 1024;

ImageTree read_tree(const BlockSource& image, const TreeRequest& request,
                    const ImportProgressHandler& progress, const CancellationToken& cancel);

} // namespace discwright::fs::import
