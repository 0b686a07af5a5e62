#pragma once
// DirectoryTreeWriter: one ECMA-119 directory hierarchy (the ISO 9660 tree of the primary
// volume descriptor, the Joliet tree, or the ISO 9660:1999 tree) with its path tables and, for
// the primary tree, Rock Ridge. One class for every namespace (STYLE.md section 4); what
// differs is the NameRules and the TreeConfig.
//
// Steps (STYLE.md section 3): plan() names directories and sizes every extent; reserve()
// places them; fill_descriptor() writes the addresses into a volume descriptor; render()
// produces an extent's bytes on demand. Names of files are not stored: a directory's children
// are named again when its extent is rendered, by the same deterministic pipeline.

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "discwright/error.h"
#include "discwright/events.h"
#include "discwright/file_system_image.h"
#include "fs/iso9660/on_disk.h"
#include "fs/item_tree.h"
#include "fs/layout/file_placement.h"
#include "fs/layout/layout_builder.h"
#include "fs/layout/plan_report.h"
#include "fs/names/directory_names.h"
#include "fs/names/name_rules.h"

namespace discwright::fs::iso9660 {

struct TreeConfig {
    Namespace ns = Namespace::Iso9660;
    bool utf16 = false;           // Joliet: UCS-2 identifiers and order
    bool rock_ridge = false;      // RRIP on this tree
    bool relocate_deep = false;   // ECMA-119 6.8.2.1: at most 8 levels, paths <= 255 bytes
    unsigned path_limit = 0;      // Joliet: 240 UTF-16 units per path; 0 none
    bool multi_extent = false;    // files >= 4 GiB as several extents (level 3)
    unsigned max_file_units = 33; // longest file identifier the rules make ("X.Y;1")
    bool requested = true;        // asked for by the caller: strict mode applies to it
};

struct PlanEnv {
    const ItemTree& tree;
    UnixTime now; // times of made-up folders (RR_MOVED)
    PlanReport& report;
};

class DirectoryTreeWriter final : public ExtentRenderer {
public:
    DirectoryTreeWriter(TreeConfig config, std::unique_ptr<NameRules> rules);

    /// Names every directory, relocates deep ones, numbers them, and sizes every extent.
    void plan(const PlanEnv& env);
    /// Places path tables, directory extents and continuation extents.
    void reserve(LayoutBuilder& layout);
    /// Gives the writer the data placement (needed to render file records).
    void set_placement(const FilePlacement* p) { m_placement = p; }
    /// Root directory record and path table fields of a volume descriptor.
    void fill_descriptor(VolumeDescriptor& vd) const;

    void render(u32 extent, std::span<std::byte> out) const override;

    /// The namespace names of `dir`'s children (for FileSystemName), in UTF-8.
    [[nodiscard]] std::vector<std::pair<ItemId, std::string>> child_names(ItemId dir) const;
    [[nodiscard]] std::size_t directory_count() const { return m_dirs.size(); }

private:
    struct DirNode {
        ItemId item = no_item;   // no_item: the relocation folder
        u32 parent = 0;          // in this tree
        u32 original_parent = 0; // where the source tree has it (differs if relocated)
        bool relocated = false;
        std::string identifier;        // in its parent (for the root: one byte 0x00)
        u32 depth = 1;                 // root = 1
        u32 path_units = 0;            // length of its path in the namespace's unit
        u32 number = 0;                // path table number, 1-based
        u32 lba = 0, bytes = 0;        // directory extent
        u32 ce_lba = 0, ce_blocks = 0; // continuation extent
        std::vector<u32> children;     // sub-folders in this tree
    };
    struct Built {
        std::string records;
        std::string continuation;
    };
    struct ChildEntry {
        ItemId id;
        std::string identifier;
        std::string display;
        const char* reason;
        EntryKind kind;
    };

    std::vector<NamedEntry> name_children(u32 dir, const PlanEnv* env) const;
    /// The records of one folder; `entries` are its named children when already known.
    Built build(u32 dir, const std::vector<NamedEntry>* entries = nullptr) const;
    void size_directory(u32 dir, const std::vector<NamedEntry>* entries);
    const Built& built(u32 dir) const; // cached
    void path_table(std::string& out, bool big_endian) const;
    u32 rr_moved();
    void compute_tails(const ItemTree& tree);

    TreeConfig m_config;
    std::unique_ptr<NameRules> m_rules;
    const ItemTree* m_tree = nullptr;
    const FilePlacement* m_placement = nullptr;
    UnixTime m_now = 0;
    std::vector<DirNode> m_dirs; // index 0 is the root
    std::vector<u32> m_order;    // path table order
    std::unordered_map<ItemId, u32> m_dir_of_item;
    u32 m_rr_moved = 0; // 0: none
    u32 m_path_table_bytes = 0;
    u32 m_l_table_lba = 0, m_m_table_lba = 0;
    // Joliet path budget: deepest tail below each folder (units, components).
    std::unordered_map<ItemId, std::pair<u32, u32>> m_tails;

    mutable std::mutex m_cache_mutex;
    mutable u32 m_cached_dir = 0xffff'ffff;
    mutable Built m_cached;
};

} // namespace discwright::fs::iso9660
