#pragma once
// DataPlacer: file data is placed once for every namespace. Files go in depth-first order of
// the tree (children by name), so a folder's files are neighbours on the disc; hard-linked
// files share one extent.

#include <map>
#include <vector>

#include "fs/item_tree.h"
#include "fs/layout/layout_builder.h"

namespace discwright::fs {

class FilePlacement {
public:
    /// Places every file with data, in order, into `layout`. A file imported from an earlier
    /// session keeps its old blocks when they lie before `session_start` and are contiguous
    /// (the new session refers to them); otherwise its bytes are copied into this session.
    /// Files of 1 to `embedded_bytes` bytes are not placed: UDF records them inside their File
    /// Entry (only when UDF is the image's one namespace).
    void place(const ItemTree& tree, LayoutBuilder& layout, u64 session_start,
               u64 embedded_bytes = 0);

    /// The first block of an item's data (0 for an item without data).
    [[nodiscard]] u32 lba(ItemId id) const { return id < m_lba.size() ? m_lba[id] : 0; }
    /// Files with data in block order (hard-link groups once), this session's only.
    [[nodiscard]] const std::vector<ItemId>& order() const { return m_order; }
    /// Rock Ridge: the number of names of an item's data, and a serial number shared by them.
    [[nodiscard]] u32 links(const ItemTree& tree, ItemId id) const;
    [[nodiscard]] u32 serial(const ItemTree& tree, ItemId id) const;

private:
    ChunkedVector<u32> m_lba;
    std::vector<ItemId> m_order;
    std::map<u32, std::pair<ItemId, u32>> m_groups; // link group -> (first item, members)
};

} // namespace discwright::fs
