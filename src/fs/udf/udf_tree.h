#pragma once
// UdfTree: the file set of a UDF volume: the File Set Descriptor and, for every item, its
// File Entry (Extended File Entry from UDF 2.00), and every directory's File Identifier
// Descriptors. The File Set Descriptor and its terminator take two blocks of their own (at
// the partition's start: pycdlib looks for them nowhere else); the rest is one "ICB area":
// per directory, depth first (sub-folders by name), its File Entry, its FIDs when they do not
// fit inside the File Entry, then the File Entries of its other children, by name.
//
// A hard-linked file has one File Entry, at its first name. Data of files is placed by
// FilePlacement (shared with ISO 9660 and Joliet); when UDF is the only namespace, files small
// enough live inside their File Entry and cost no data block (ECMA-167 4/14.6.8, type 3).
// Unique IDs follow the File Entry's place in the area: root 0, others 16 + offset (UDF
// 3.2.1.1 keeps 1-15 free).
//
// Steps as DirectoryTreeWriter: plan() names and sizes, reserve() places the area, render()
// produces bytes on demand; names of files are not kept but made again when rendering.

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "fs/iso9660/directory_tree_writer.h"
#include "fs/item_tree.h"
#include "fs/layout/file_placement.h"
#include "fs/layout/layout_builder.h"
#include "fs/names/directory_names.h"
#include "fs/names/name_rules.h"
#include "fs/udf/encoding.h"

namespace discwright::fs::udf {

struct TreeConfig {
    Revision revision = 0x0102;
    bool embed_file_data = false;    // UDF is the only namespace: small files inside their FE
    bool metadata_partition = false; // UDF 2.50+: ICBs in partition reference 1
    bool requested = true;
};

/// Where things are, once the layout is known.
struct Addresses {
    u16 icb_partition = 0;      // partition reference of the ICB area (0 physical, 1 metadata)
    u32 file_set = 0;           // the File Set Descriptor's block, relative to that partition
    u32 icb_base = 0;           // the area's first block, relative to that partition
    u64 physical_start = 0;     // absolute LBA of the physical partition's block 0
    UnixTime recorded = 0;      // the file set's recording time
    std::u16string volume_name; // logical volume and file set identifier
};

class UdfTree final : public ExtentRenderer {
public:
    explicit UdfTree(TreeConfig config);

    /// Names every directory's children and sizes every File Entry; problems go to the report.
    void plan(const iso9660::PlanEnv& env);
    /// Blocks of the ICB area (File Entries, directory data).
    [[nodiscard]] u32 blocks() const { return m_blocks; }
    /// Files of 1..embedded_bytes() bytes live in their File Entry (0: none).
    [[nodiscard]] u64 embedded_bytes() const {
        return m_config.embed_file_data ? m_embed_limit : 0;
    }
    /// Places the File Set Descriptor and its terminator (2 blocks); returns the first block.
    u64 reserve_file_set(LayoutBuilder& layout);
    /// Places the ICB area as consecutive extents (each at most a few hundred blocks); returns
    /// its first absolute block.
    u64 reserve_icbs(LayoutBuilder& layout);
    void set_addresses(Addresses a, const FilePlacement* placement) {
        m_addr = std::move(a);
        m_placement = placement;
    }

    /// The File Set Descriptor's address, for the Logical Volume Descriptor.
    [[nodiscard]] LongAd file_set_location() const;
    /// LVID counts (UDF 2.2.6.4): names of non-directories (hard links counted), directories
    /// with the root; the next free unique ID.
    [[nodiscard]] u32 file_count() const { return m_file_names; }
    [[nodiscard]] u32 directory_count() const { return static_cast<u32>(m_dirs.size()); }
    [[nodiscard]] u64 next_unique_id() const { return 16 + m_blocks; }

    void render(u32 extent, std::span<std::byte> out) const override;

    /// The UDF names of `dir`'s children, UTF-8 (FileSystemName).
    [[nodiscard]] std::vector<std::pair<ItemId, std::string>> child_names(ItemId dir) const;

private:
    struct Dir {
        ItemId item = root_item;
        u32 parent = 0;      // index in m_dirs
        u32 fe = 0;          // area offset of its File Entry
        u32 data_blocks = 0; // 0: FIDs inside the File Entry
        u32 fid_bytes = 0;
        u32 subdirs = 0;
    };
    struct Extent {
        u32 dir = 0;              // index in m_dirs
        u32 first = 0, count = 0; // head: 0,0; else a range of the folder's File Entry list
        u32 offset = 0, blocks = 0;
        bool head = false;
    };
    struct Listing {                   // one folder's children, made again on demand
        std::vector<NamedEntry> names; // FID order
        std::vector<ItemId> entries;   // items whose File Entry follows the folder's, in order
    };

    Listing list(u32 dir, const iso9660::PlanEnv* env) const;
    const Listing& cached(u32 dir) const;
    std::string fids(u32 dir, const Listing& l, u32 first_block) const;
    void render_head(const Extent& e, std::span<std::byte> out) const;
    void render_entry(ItemId id, u32 offset, std::span<std::byte> out) const;
    [[nodiscard]] LongAd icb_of(ItemId id) const;
    [[nodiscard]] u64 unique_id(ItemId id) const { return id == root_item ? 0 : 16 + m_fe[id]; }
    [[nodiscard]] u32 header_bytes() const;
    [[nodiscard]] u16 tag_version() const { return m_config.revision >= 0x0200 ? 3 : 2; }

    TreeConfig m_config;
    UdfNameRules m_rules;
    const ItemTree* m_tree = nullptr;
    const FilePlacement* m_placement = nullptr;
    Addresses m_addr;
    u32 m_embed_limit = 0;
    u32 m_blocks = 0;
    u32 m_file_names = 0;
    std::vector<Dir> m_dirs;
    std::unordered_map<ItemId, u32> m_dir_of_item;
    ChunkedVector<u32> m_fe;                        // area offset of each item's File Entry
    std::unordered_map<ItemId, u32> m_extra_blocks; // symlinks whose target needs blocks
    std::unordered_map<u32, u16> m_link_counts;     // hard-link group -> names
    std::vector<Extent> m_extents;

    mutable std::mutex m_cache_mutex;
    mutable u32 m_cached_dir = 0xffff'ffff;
    mutable Listing m_cached;
};

/// ECMA-167 4/14.16: a symbolic link's target as path components.
[[nodiscard]] std::string encode_symlink_target(std::string_view target);
/// ECMA-167 4/14.9.5: UDF permissions from POSIX mode bits.
[[nodiscard]] u32 permissions_from_mode(u32 mode);

} // namespace discwright::fs::udf
