#pragma once
// One namespace's directory hierarchy, walked breadth first with each directory extent read
// once, every record checked (ECMA-119 6.8, 9.1, 9.3), names checked by the namespace's rules,
// and on the primary tree the SUSP / Rock Ridge entries. What the path table check needs (the
// folders, in order) is returned.

#include <optional>
#include <string>
#include <vector>

#include "fs/import/validation_context.h"
#include "fs/iso9660/on_disk.h"

namespace discwright::fs::import {

struct WalkedDirectory {
    u64 lba = 0;
    u32 bytes = 0;
    u32 parent = 0;                 ///< index into TreeWalk::directories (the root is its own)
    std::string identifier;         ///< as recorded; the root's is one 00 byte
    std::string path;               ///< "/A/B" in the namespace ("/" for the root)
    u32 depth = 1;                  ///< the root is level 1 (ECMA-119 6.8.2.1)
    u32 path_length = 0;            ///< bytes of its path: 1 + identifier per level below the root
    bool dot_ok = false;            ///< its "." record is first and points at itself
    bool relocated = false;         ///< Rock Ridge: its record carries RE
    std::optional<u32> parent_link; ///< Rock Ridge: PL of its ".." record
};

struct TreeWalk {
    std::vector<WalkedDirectory> directories; ///< breadth first; [0] is the root
};

struct NamespaceVolume {
    FsType ns = FsType::Iso9660; ///< Iso9660 (with Rock Ridge when present), Joliet, Iso9660_1999
    const iso9660::VolumeDescriptor* descriptor = nullptr;
    u64 descriptor_lba = 0;
    [[nodiscard]] std::string name() const;
};

/// Walks and checks one namespace's tree, adding its folders and files to `extents`.
TreeWalk check_tree(const SessionContext& ctx, const NamespaceVolume& volume, ExtentMap& extents);

} // namespace discwright::fs::import
