#include "fs/item_tree.h"

#include <algorithm>
#include <cstring>

#include "discwright/error.h"
#include "fs/import/extent_stream.h"

namespace discwright::fs {

u32 NameArena::add(std::string_view name) {
    if (name.size() > 0xffff)
        throw Error(ErrorCode::InvalidPath,
                    fmt::format("name of {} bytes is too long", name.size()));
    u32 in_chunk = m_end & (chunk_size - 1);
    if (m_chunks.empty() || in_chunk + name.size() > chunk_size) {
        if (!m_chunks.empty()) m_end = static_cast<u32>(m_chunks.size()) << chunk_bits;
        m_chunks.push_back(std::make_unique<char[]>(chunk_size));
        in_chunk = 0;
    }
    u32 at = m_end;
    std::memcpy(m_chunks[at >> chunk_bits].get() + in_chunk, name.data(), name.size());
    m_end += static_cast<u32>(name.size());
    return at;
}

void NameArena::truncate(u32 offset) {
    m_end = offset;
    m_chunks.resize((offset >> chunk_bits) + 1);
}

NameArena::NameArena(const NameArena& o) : m_end(o.m_end) {
    for (const auto& c : o.m_chunks) {
        m_chunks.push_back(std::make_unique<char[]>(chunk_size));
        std::memcpy(m_chunks.back().get(), c.get(), chunk_size);
    }
}

FsiItemType item_type(ItemKind k) {
    switch (k) {
    case ItemKind::Directory:
        return FsiItemType::Directory;
    case ItemKind::File:
        return FsiItemType::File;
    case ItemKind::Symlink:
        return FsiItemType::Symlink;
    case ItemKind::CharDevice:
        return FsiItemType::CharDevice;
    case ItemKind::BlockDevice:
        return FsiItemType::BlockDevice;
    case ItemKind::Fifo:
        return FsiItemType::Fifo;
    case ItemKind::Socket:
        return FsiItemType::Socket;
    case ItemKind::Removed:
        return FsiItemType::NotFound;
    }
    return FsiItemType::NotFound;
}

ItemTree::ItemTree() {
    m_sources.emplace_back(); // index 0: no source
    ItemRecord root;
    root.kind = ItemKind::Directory;
    root.mode = 040755;
    m_items.push_back(root);
    m_names.add("");
    m_slots.assign(1024, 0);
}

ItemTree::ItemTree(const ItemTree&) = default;

std::string ItemTree::path(ItemId id) const {
    if (id == root_item) return "/";
    std::string out;
    append_path_below(out, id, root_item);
    return out;
}

void ItemTree::append_path_below(std::string& out, ItemId id, ItemId top) const {
    // Two walks up, one to size the path and one to fill it from the end: one allocation, as
    // this runs for every file read and every file's progress events.
    std::size_t length = 0;
    for (ItemId i = id; i != top && i != no_item; i = m_items[i].parent)
        length += 1 + m_items[i].name_length;
    std::size_t end = out.size() + length;
    out.resize(end, '/');
    for (ItemId i = id; i != top && i != no_item; i = m_items[i].parent) {
        const std::string_view part = name(i);
        end -= part.size();
        std::copy(part.begin(), part.end(), out.begin() + static_cast<std::ptrdiff_t>(end));
        --end; // the '/' before it is already there
    }
}

u64 ItemTree::hash_of(ItemId parent, std::string_view name) const {
    // FNV-1a over the parent id and the name bytes.
    u64 h = 1469598103934665603ull;
    auto mix = [&](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
    for (int i = 0; i < 4; ++i)
        mix(static_cast<unsigned char>(parent >> (8 * i)));
    for (char c : name)
        mix(static_cast<unsigned char>(c));
    return h;
}

ItemId ItemTree::child(ItemId dir, std::string_view name) const {
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash_of(dir, name) & mask;; i = (i + 1) & mask) {
        u32 s = m_slots[i];
        if (s == 0) return no_item;
        if (s == 0xffff'ffff) continue;
        ItemId id = s - 1;
        const auto& r = m_items[id];
        if (r.parent == dir && r.kind != ItemKind::Removed && this->name(id) == name) return id;
    }
}

void ItemTree::index_insert(ItemId id) {
    if ((m_slots_used + 1) * 4 > m_slots.size() * 3) index_grow(); // load <= 3/4
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash_of(m_items[id].parent, name(id)) & mask;; i = (i + 1) & mask) {
        if (m_slots[i] == 0 || m_slots[i] == 0xffff'ffff) {
            if (m_slots[i] == 0) ++m_slots_used;
            m_slots[i] = id + 1;
            return;
        }
    }
}

void ItemTree::index_erase(ItemId id) {
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash_of(m_items[id].parent, name(id)) & mask;; i = (i + 1) & mask) {
        if (m_slots[i] == 0) return;
        if (m_slots[i] == id + 1) {
            m_slots[i] = 0xffff'ffff;
            return;
        }
    }
}

void ItemTree::index_grow() {
    std::size_t live = 0;
    for (u32 s : m_slots)
        if (s != 0 && s != 0xffff'ffff) ++live;
    std::size_t size = m_slots.size();
    while ((live + 1) * 2 > size)
        size *= 2; // load <= 1/2 after the rehash
    std::vector<u32> old;
    old.swap(m_slots);
    m_slots.assign(size, 0);
    m_slots_used = 0;
    for (u32 s : old)
        if (s != 0 && s != 0xffff'ffff) index_insert(s - 1);
}

ItemId ItemTree::resolve(ItemId from, std::string_view path) const {
    ItemId at = from;
    if (!path.empty() && path.front() == '/') at = root_item;
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        auto part = path.substr(i, j - i);
        i = j + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (at != root_item) at = m_items[at].parent;
            continue;
        }
        if (!is_dir(at)) return no_item;
        at = child(at, part);
        if (at == no_item) return no_item;
    }
    return at;
}

std::vector<ItemId> ItemTree::children(ItemId dir) const {
    std::vector<ItemId> out;
    for_each_child(dir, [&](ItemId c) { out.push_back(c); });
    return out;
}

void ItemTree::count(const ItemRecord& r, int sign) {
    if (r.kind == ItemKind::Directory)
        m_dir_count += sign;
    else if (r.kind != ItemKind::Removed) {
        m_file_count += sign;
        u64 blocks = BlockCount::for_bytes(r.size).value;
        m_data_blocks = sign > 0 ? m_data_blocks + blocks : m_data_blocks - blocks;
    }
}

ItemId ItemTree::append(std::string_view name, const ItemRecord& attributes) {
    if (m_items.size() >= no_item - 1)
        throw Error(ErrorCode::InvalidParam, "the image holds the most items it can (4 billion)");
    ItemRecord r = attributes;
    r.name_offset = m_names.add(name);
    r.name_length = static_cast<u16>(name.size());
    r.first_child = no_item;
    r.next_sibling = no_item;
    ItemId id = static_cast<ItemId>(m_items.size());
    m_items.push_back(r);
    ++m_counter;
    if (!m_journal.empty() && m_journal.back().kind == JournalEntry::Kind::AddRange &&
        m_journal.back().id + m_journal.back().count == id)
        ++m_journal.back().count;
    else
        m_journal.push_back({JournalEntry::Kind::AddRange, m_counter, id, 1});
    return id;
}

void ItemTree::link_child(ItemId parent, ItemId id) {
    auto& r = m_items[id];
    r.parent = parent;
    r.next_sibling = m_items[parent].first_child;
    m_items[parent].first_child = id;
    index_insert(id);
    count(r, +1);
}

void ItemTree::unlink_child(ItemId id, ItemId* previous_out) {
    auto& r = m_items[id];
    ItemId prev = no_item;
    for (ItemId c = m_items[r.parent].first_child; c != id; c = m_items[c].next_sibling)
        prev = c;
    if (prev == no_item)
        m_items[r.parent].first_child = r.next_sibling;
    else
        m_items[prev].next_sibling = r.next_sibling;
    if (previous_out) *previous_out = prev;
    index_erase(id);
    count(r, -1);
}

ItemId ItemTree::add(ItemId parent, std::string_view name, const ItemRecord& attributes) {
    ItemId id = append(name, attributes);
    link_child(parent, id);
    return id;
}

void ItemTree::remove(ItemId id) {
    ItemId prev = no_item;
    unlink_child(id, &prev);
    ++m_counter;
    JournalEntry e{JournalEntry::Kind::Remove, m_counter, id};
    e.previous = prev;
    e.old = m_items[id];
    m_journal.push_back(e);
    m_items[id].kind = ItemKind::Removed;
}

void ItemTree::set_attributes(ItemId id, const ItemRecord& attributes) {
    auto& r = m_items[id];
    ++m_counter;
    JournalEntry e{JournalEntry::Kind::SetAttributes, m_counter, id};
    e.old = r;
    m_journal.push_back(e);
    count(r, -1);
    ItemRecord n = attributes;
    n.parent = r.parent;
    n.first_child = r.first_child;
    n.next_sibling = r.next_sibling;
    n.name_offset = r.name_offset;
    n.name_length = r.name_length;
    n.kind = r.kind;
    n.flags = static_cast<u8>((attributes.flags & item_hidden) | (r.flags & ~item_hidden));
    r = n;
    count(r, +1);
}

void ItemTree::undo_last_add() {
    auto& e = m_journal.back();
    ItemId id = e.id + e.count - 1;
    const auto& r = m_items[id];
    if (r.kind != ItemKind::Removed) unlink_child(id, nullptr);
    m_names.truncate(r.name_offset);
    m_items.truncate(id);
    m_symlinks.erase(id);
    m_devices.erase(id);
    m_imported.erase(id);
    if (--e.count == 0) m_journal.pop_back();
    --m_counter;
}

void ItemTree::rollback_to(u64 point) {
    while (m_counter > point && !m_journal.empty()) {
        auto& e = m_journal.back();
        switch (e.kind) {
        case JournalEntry::Kind::AddRange:
            undo_last_add();
            continue;
        case JournalEntry::Kind::Remove: {
            ItemRecord r = e.old;
            m_items[e.id] = r;
            auto& parent = m_items[r.parent];
            if (e.previous == no_item) {
                m_items[e.id].next_sibling = parent.first_child;
                parent.first_child = e.id;
            } else {
                m_items[e.id].next_sibling = m_items[e.previous].next_sibling;
                m_items[e.previous].next_sibling = e.id;
            }
            index_insert(e.id);
            count(r, +1);
            break;
        }
        case JournalEntry::Kind::SetAttributes:
            count(m_items[e.id], -1);
            m_items[e.id] = e.old;
            count(e.old, +1);
            break;
        }
        m_journal.pop_back();
        --m_counter;
    }
}

void ItemTree::forget_before(u64 point) {
    auto keep = std::find_if(m_journal.begin(), m_journal.end(), [&](const JournalEntry& e) {
        return e.counter + (e.kind == JournalEntry::Kind::AddRange ? e.count - 1 : 0) > point;
    });
    m_journal.erase(m_journal.begin(), keep);
    // A run of adds that straddles the point keeps only the adds after it.
    if (!m_journal.empty() && m_journal.front().kind == JournalEntry::Kind::AddRange &&
        m_journal.front().counter <= point) {
        auto& e = m_journal.front();
        const auto forgotten = static_cast<u32>(point - e.counter + 1);
        e.id += forgotten;
        e.count -= forgotten;
        e.counter += forgotten;
    }
}

u32 ItemTree::add_source(Source s) {
    m_sources.push_back(std::move(s));
    return static_cast<u32>(m_sources.size() - 1);
}

std::string ItemTree::host_path(ItemId id) const {
    const Source& s = m_sources[m_items[id].source];
    if (auto* f = std::get_if<HostFileSource>(&s)) return f->path;
    if (auto* t = std::get_if<TreeBaseSource>(&s)) {
        std::string out = t->host_dir;
        append_path_below(out, id, t->image_dir);
        return out;
    }
    return {};
}

StreamPtr ItemTree::stream(ItemId id) const {
    const Source& source = m_sources[m_items[id].source];
    if (auto* s = std::get_if<StreamSource>(&source)) return s->stream;
    if (auto* s = std::get_if<ImportedSource>(&source)) {
        const auto* extents = imported_extents(id);
        return std::make_shared<import::ExtentStream>(
            s->media, extents ? *extents : std::vector<ImageExtent>{}, m_items[id].size, path(id));
    }
    return nullptr;
}

const std::vector<ImageExtent>* ItemTree::imported_extents(ItemId id) const {
    auto it = m_imported.find(id);
    return it == m_imported.end() ? nullptr : &it->second;
}

std::string_view ItemTree::symlink_target(ItemId id) const {
    auto it = m_symlinks.find(id);
    return it == m_symlinks.end() ? std::string_view{} : std::string_view{it->second};
}

u64 ItemTree::device(ItemId id) const {
    auto it = m_devices.find(id);
    return it == m_devices.end() ? 0 : it->second;
}

u32 ItemTree::link_group_for(u64 dev, u64 ino) {
    auto [it, inserted] = m_inode_groups.try_emplace({dev, ino}, m_link_groups + 1);
    if (inserted) ++m_link_groups;
    return it->second;
}

} // namespace discwright::fs
