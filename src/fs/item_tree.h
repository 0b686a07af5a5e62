#pragma once
// The image tree: every staged item in one compact table (STYLE.md section 5).
//
// Per-file memory budget (1,000,000 files, names ~20 bytes):
//   ItemRecord                     72 B  (static_assert below)
//   name bytes in the NameArena    ~20 B (the name as given, once)
//   child-lookup slot            5-11 B  (open addressing, load 3/8 to 3/4)
//   total                        ~100 B  — under DESIGN.md's 200 B target.
// Host paths are not stored per file: a file added by add_tree finds its path from its tree
// base and its image path. Rare facts (symlink targets, device numbers, streams, hard-link
// groups) live in side tables keyed by ItemId.
//
// Every change is journalled so that rollback_to(change_point) restores the exact earlier tree
// (IMAPI's RollbackToChangePoint, and add_tree's atomicity).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "discwright/clock.h"
#include "discwright/file_system_image.h"
#include "discwright/image_reader.h"
#include "discwright/stream.h"
#include "discwright/types.h"

namespace discwright::fs {

using ItemId = u32;
inline constexpr ItemId no_item = 0xffff'ffff;
inline constexpr ItemId root_item = 0;

enum class ItemKind : u8 {
    Directory,
    File,
    Symlink,
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    Removed,
};

enum ItemFlags : u8 {
    item_hidden = 1,
};

struct ItemRecord {
    ItemId parent = no_item;
    ItemId first_child = no_item; // directories: newest child first
    ItemId next_sibling = no_item;
    u32 name_offset = 0;
    u16 name_length = 0;
    ItemKind kind = ItemKind::File;
    u8 flags = 0;
    u32 mode = 0; // st_mode, type bits included
    u32 uid = 0;
    u32 gid = 0;
    u32 source = 0;     // index into the source table; 0 = none
    u32 link_group = 0; // hard-link group + 1; 0 = none
    u64 size = 0;
    i64 creation_time = 0;
    i64 access_time = 0;
    i64 modify_time = 0;
};
static_assert(sizeof(ItemRecord) <= 72, "ItemRecord is the per-file memory budget");

/// Where a file's bytes come from.
struct HostFileSource {
    std::string path;
};
struct TreeBaseSource { // items added by add_tree: host path = host_dir + path below image_dir
    std::string host_dir;
    ItemId image_dir;
};
struct StreamSource {
    StreamPtr stream;
};
struct ImportedSource { // items imported from an earlier session: their extents on `media`
    StreamPtr media;
};
using Source =
    std::variant<std::monostate, HostFileSource, TreeBaseSource, StreamSource, ImportedSource>;

/// Fixed-size chunks, so growth never copies the table (a reallocating vector would briefly
/// hold two copies, tripling peak memory at a million files).
template <class T, unsigned ChunkBits = 12> class ChunkedVector {
public:
    static constexpr std::size_t chunk = std::size_t{1} << ChunkBits;
    T& operator[](std::size_t i) { return m_chunks[i >> ChunkBits][i & (chunk - 1)]; }
    const T& operator[](std::size_t i) const { return m_chunks[i >> ChunkBits][i & (chunk - 1)]; }
    std::size_t size() const { return m_size; }
    void push_back(const T& v) {
        if ((m_size >> ChunkBits) >= m_chunks.size())
            m_chunks.push_back(std::make_unique<T[]>(chunk));
        (*this)[m_size++] = v;
    }
    void truncate(std::size_t n) {
        if (n >= m_size) return;
        m_size = n;
        m_chunks.resize((n + chunk - 1) >> ChunkBits);
    }
    ChunkedVector() = default;
    ChunkedVector(const ChunkedVector& o) : m_size(o.m_size) {
        for (const auto& c : o.m_chunks) {
            m_chunks.push_back(std::make_unique<T[]>(chunk));
            std::copy(c.get(), c.get() + chunk, m_chunks.back().get());
        }
    }

private:
    std::vector<std::unique_ptr<T[]>> m_chunks;
    std::size_t m_size = 0;
};

/// Names as given, UTF-8, appended in item order (so rollback truncates it).
class NameArena {
public:
    u32 add(std::string_view name);
    std::string_view get(u32 offset, u16 length) const {
        return {m_chunks[offset >> chunk_bits].get() + (offset & (chunk_size - 1)), length};
    }
    void truncate(u32 offset);
    NameArena() = default;
    NameArena(const NameArena& o);

private:
    static constexpr unsigned chunk_bits = 20;
    static constexpr u32 chunk_size = 1u << chunk_bits;
    std::vector<std::unique_ptr<char[]>> m_chunks;
    u32 m_end = 0; // offset of the next name
};

class ItemTree {
public:
    ItemTree();
    ItemTree(const ItemTree&);

    [[nodiscard]] const ItemRecord& at(ItemId id) const { return m_items[id]; }
    [[nodiscard]] std::size_t item_slots() const { return m_items.size(); }
    [[nodiscard]] std::string_view name(ItemId id) const {
        const auto& r = m_items[id];
        return m_names.get(r.name_offset, r.name_length);
    }
    [[nodiscard]] std::string path(ItemId id) const;
    /// Appends "/name/.../name" of `id` below `top` (an ancestor, excluded) to `out`.
    void append_path_below(std::string& out, ItemId id, ItemId top) const;
    [[nodiscard]] bool is_dir(ItemId id) const { return m_items[id].kind == ItemKind::Directory; }
    [[nodiscard]] bool is_live(ItemId id) const {
        return id < m_items.size() && m_items[id].kind != ItemKind::Removed;
    }

    /// The child of `dir` called `name`, or no_item.
    [[nodiscard]] ItemId child(ItemId dir, std::string_view name) const;
    /// Resolves a '/'-separated path below `from` ("" and "/" are `from` itself for relative
    /// lookups; a leading '/' starts at the root). no_item when absent.
    [[nodiscard]] ItemId resolve(ItemId from, std::string_view path) const;
    template <class F> void for_each_child(ItemId dir, F&& f) const {
        for (ItemId c = m_items[dir].first_child; c != no_item; c = m_items[c].next_sibling)
            f(c);
    }
    [[nodiscard]] std::vector<ItemId> children(ItemId dir) const;

    /// Adds an item under `parent` (which must be a live directory without a child `name`).
    ItemId add(ItemId parent, std::string_view name, const ItemRecord& attributes);
    /// Unlinks one item (its children must be removed first).
    void remove(ItemId id);
    /// Replaces the record's attributes (not its place or name), journalled.
    void set_attributes(ItemId id, const ItemRecord& attributes);

    u32 add_source(Source s);
    [[nodiscard]] const Source& source(u32 index) const { return m_sources[index]; }
    /// The host path of an item's data, or "" when it has none or a stream.
    [[nodiscard]] std::string host_path(ItemId id) const;
    /// The item's data stream when it was given one (or imported: its old extents).
    [[nodiscard]] StreamPtr stream(ItemId id) const;

    /// Imported files: where their bytes are in the earlier session.
    void set_imported_extents(ItemId id, std::vector<ImageExtent> extents) {
        m_imported[id] = std::move(extents);
    }
    /// nullptr for an item that was not imported.
    [[nodiscard]] const std::vector<ImageExtent>* imported_extents(ItemId id) const;

    void set_symlink_target(ItemId id, std::string target) { m_symlinks[id] = std::move(target); }
    [[nodiscard]] std::string_view symlink_target(ItemId id) const;
    void set_device(ItemId id, u64 rdev) { m_devices[id] = rdev; }
    [[nodiscard]] u64 device(ItemId id) const;
    /// The hard-link group for a host inode, made on first use.
    u32 link_group_for(u64 dev, u64 ino);

    [[nodiscard]] std::size_t file_count() const { return m_file_count; }
    [[nodiscard]] std::size_t directory_count() const { return m_dir_count; }
    /// Sum of file data blocks (each hard-link group once is not tracked here: an upper bound).
    [[nodiscard]] u64 data_blocks_estimate() const { return m_data_blocks; }

    /// ChangePoint: modifications so far.
    [[nodiscard]] u64 change_point() const { return m_counter; }
    /// Undoes every change after `point`.
    void rollback_to(u64 point);
    /// Forgets journal entries at or before `point` (nothing may roll back past it).
    void forget_before(u64 point);

private:
    struct JournalEntry {
        enum class Kind : u8 { AddRange, Remove, SetAttributes } kind;
        u64 counter; // the change point after this entry's first change
        ItemId id;
        u32 count = 0;             // AddRange: items id .. id+count-1
        ItemId previous = no_item; // Remove: sibling before the item
        ItemRecord old{};          // SetAttributes
    };
    ItemId append(std::string_view name, const ItemRecord& attributes);
    void link_child(ItemId parent, ItemId id);
    void unlink_child(ItemId id, ItemId* previous_out);
    void count(const ItemRecord& r, int sign);
    void undo_last_add();

    // Child lookup: open addressing on hash(parent, name); slot holds id+1, 0 empty, ~0 deleted.
    u64 hash_of(ItemId parent, std::string_view name) const;
    void index_insert(ItemId id);
    void index_erase(ItemId id);
    void index_grow();
    std::vector<u32> m_slots;
    std::size_t m_slots_used = 0; // live + deleted

    ChunkedVector<ItemRecord> m_items;
    NameArena m_names;
    std::vector<Source> m_sources;
    std::unordered_map<ItemId, std::string> m_symlinks;
    std::unordered_map<ItemId, u64> m_devices;
    std::unordered_map<ItemId, std::vector<ImageExtent>> m_imported;
    std::map<std::pair<u64, u64>, u32> m_inode_groups; // (dev, ino) -> group + 1
    u32 m_link_groups = 0;
    std::vector<JournalEntry> m_journal;
    u64 m_counter = 0;
    std::size_t m_file_count = 0;
    std::size_t m_dir_count = 0;
    u64 m_data_blocks = 0;
};

[[nodiscard]] FsiItemType item_type(ItemKind k);

} // namespace discwright::fs
