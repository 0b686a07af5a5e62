#include "fs/layout/file_placement.h"

#include <algorithm>
#include <optional>

namespace discwright::fs {

namespace {

/// The first block of an imported file's data when the data is one contiguous run ending at
/// or before `limit` (so a new session can point at it), else nullopt.
std::optional<u32> reusable_blocks(const std::vector<ImageExtent>& extents, u64 limit) {
    if (extents.empty()) return std::nullopt;
    u64 next = extents.front().lba;
    for (std::size_t i = 0; i < extents.size(); ++i) {
        const auto& e = extents[i];
        // Data inside a UDF File Entry starts mid-block: ISO 9660 cannot point at it.
        if (e.lba != next || e.offset != 0) return std::nullopt;
        if (i + 1 < extents.size() && e.bytes % block_size) return std::nullopt;
        next = e.lba + (e.bytes + block_size - 1) / block_size;
    }
    if (next > limit || extents.front().lba > 0xFFFF'FFFFu) return std::nullopt;
    return static_cast<u32>(extents.front().lba);
}

} // namespace

void FilePlacement::place(const ItemTree& tree, LayoutBuilder& layout, u64 session_start,
                          u64 embedded_bytes) {
    for (std::size_t i = m_lba.size(); i < tree.item_slots(); ++i)
        m_lba.push_back(0);
    // Iterative depth-first walk; each folder's children sorted by their names as given.
    std::vector<ItemId> stack{root_item};
    std::vector<ItemId> kids;
    while (!stack.empty()) {
        ItemId dir = stack.back();
        stack.pop_back();
        kids.clear();
        tree.for_each_child(dir, [&](ItemId c) { kids.push_back(c); });
        std::sort(kids.begin(), kids.end(),
                  [&](ItemId a, ItemId b) { return tree.name(a) < tree.name(b); });
        for (ItemId c : kids) {
            const auto& r = tree.at(c);
            if (r.kind != ItemKind::File) continue;
            if (r.link_group) {
                auto [it, first] = m_groups.try_emplace(r.link_group, c, 0);
                ++it->second.second;
                if (!first) {
                    m_lba[c] = m_lba[it->second.first];
                    continue;
                }
            }
            if (r.size <= embedded_bytes) continue;
            if (const auto* old = tree.imported_extents(c)) {
                if (auto lba = reusable_blocks(*old, session_start)) {
                    m_lba[c] = *lba;
                    continue;
                }
            }
            m_lba[c] = layout.place_file(c, r.size);
            m_order.push_back(c);
        }
        // Push sub-folders in reverse so the first by name is visited first.
        for (auto it = kids.rbegin(); it != kids.rend(); ++it)
            if (tree.is_dir(*it)) stack.push_back(*it);
    }
}

u32 FilePlacement::links(const ItemTree& tree, ItemId id) const {
    const auto& r = tree.at(id);
    if (!r.link_group) return 1;
    auto it = m_groups.find(r.link_group);
    return it == m_groups.end() ? 1 : it->second.second;
}

u32 FilePlacement::serial(const ItemTree& tree, ItemId id) const {
    const auto& r = tree.at(id);
    if (r.link_group) {
        auto it = m_groups.find(r.link_group);
        if (it != m_groups.end()) return it->second.first + 1;
    }
    return id + 1;
}

} // namespace discwright::fs
