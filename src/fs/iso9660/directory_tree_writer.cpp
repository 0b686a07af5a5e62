#include "fs/iso9660/directory_tree_writer.h"

#include <algorithm>
#include <sys/stat.h>

#include "core/byte_io.h"
#include "fs/iso9660/dates.h"
#include "fs/rockridge/system_use.h"

namespace discwright::fs::iso9660 {

namespace {

constexpr std::string_view relocation_dir = "RR_MOVED";
constexpr std::string_view relocation_dir_rr = ".rr_moved";
constexpr unsigned joliet_min_units = 12; // shortest a Joliet name is cut to for a long path
constexpr u32 max_levels = 8;             // ECMA-119 6.8.2.1
constexpr u32 max_path_bytes = 255;       // ECMA-119 6.8.2.1

u32 blocks_of(std::size_t bytes) {
    return static_cast<u32>(BlockCount::for_bytes(bytes).value);
}

} // namespace

// ---- planning -----------------------------------------------------------------------------

DirectoryTreeWriter::DirectoryTreeWriter(TreeConfig config, std::unique_ptr<NameRules> rules)
    : m_config(config), m_rules(std::move(rules)) {}

u32 DirectoryTreeWriter::rr_moved() {
    if (!m_rr_moved) {
        DirNode n;
        n.item = no_item;
        n.identifier = std::string(relocation_dir);
        n.depth = 2;
        n.path_units = 1 + static_cast<u32>(relocation_dir.size());
        m_rr_moved = static_cast<u32>(m_dirs.size());
        m_dirs.push_back(std::move(n));
    }
    return m_rr_moved;
}

void DirectoryTreeWriter::compute_tails(const ItemTree& tree) {
    // Deepest path below each folder in natural Joliet units, bottom-up.
    std::vector<ItemId> dirs{root_item};
    for (std::size_t i = 0; i < dirs.size(); ++i)
        tree.for_each_child(dirs[i], [&](ItemId c) {
            if (tree.is_dir(c)) dirs.push_back(c);
        });
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
        std::pair<u32, u32> best{0, 0};
        tree.for_each_child(*it, [&](ItemId c) {
            const u32 natural = m_rules->natural_units(tree.name(c));
            std::pair<u32, u32> below{0, 0};
            if (tree.is_dir(c)) below = m_tails[c];
            std::pair<u32, u32> here{1 + natural + below.first, 1 + below.second};
            if (here.first > best.first) best = here;
        });
        m_tails[*it] = best;
    }
}

std::vector<NamedEntry> DirectoryTreeWriter::name_children(u32 dir, const PlanEnv* env) const {
    const ItemTree& tree = *m_tree;
    const DirNode& node = m_dirs[dir];
    std::vector<NameRequest> requests;
    tree.for_each_child(node.item, [&](ItemId c) {
        NameRequest r{c, tree.name(c), tree.is_dir(c) ? EntryKind::Directory : EntryKind::File};
        if (m_config.path_limit) {
            std::pair<u32, u32> tail{0, 0};
            if (r.kind == EntryKind::Directory) {
                auto it = m_tails.find(c);
                if (it != m_tails.end()) tail = it->second;
            }
            // Every name fits in 3 bytes of UTF-8 per unit at most: skip exact work when even
            // that would fit.
            const u32 bound = static_cast<u32>(r.source.size());
            u32 natural = 0;
            if (node.path_units + 1 + bound + tail.first > m_config.path_limit)
                natural = m_rules->units(m_rules->map(r.source, r.kind, 0, 0).identifier) -
                          (r.kind == EntryKind::File ? 2 : 0);
            if (natural && node.path_units + 1 + natural + tail.first > m_config.path_limit) {
                u32 avail = m_config.path_limit > node.path_units
                                ? m_config.path_limit - node.path_units
                                : 0;
                u32 share = avail / (1 + tail.second);
                u32 budget = share > 1 ? share - 1 : 0;
                r.max_units = std::max(joliet_min_units, std::min(natural, budget));
            }
        }
        requests.push_back(r);
    });
    std::vector<std::string> taken;
    if (dir == 0 && m_config.relocate_deep)
        taken.push_back(m_rules->collision_key(std::string(relocation_dir)));
    auto entries = name_directory(*m_rules, requests, taken, m_config.utf16);
    if (env) {
        for (const auto& e : entries) {
            if (e.reason)
                env->report.mapped(m_config.ns, tree.path(e.id), std::string(tree.name(e.id)),
                                   m_rules->display(e.identifier), e.reason,
                                   ErrorCode::RestrictedNameViolation, m_config.requested);
            if (m_config.path_limit) {
                const u32 units = node.path_units + 1 + m_rules->units(e.identifier) -
                                  (e.kind == EntryKind::File ? 2 : 0);
                if (units > m_config.path_limit)
                    env->report.warning(
                        fmt::format("'{}' has a {} path of {} units, over the {} a reader may "
                                    "accept: the tree is too deep to shorten",
                                    tree.path(e.id), to_string(m_config.ns), units,
                                    m_config.path_limit),
                        tree.path(e.id), ErrorCode::RestrictedNameViolation, m_config.requested);
            }
        }
    }
    return entries;
}

void DirectoryTreeWriter::plan(const PlanEnv& env) {
    m_tree = &env.tree;
    m_now = env.now;
    m_dirs.clear();
    m_dir_of_item.clear();
    m_rr_moved = 0;
    if (m_config.path_limit) compute_tails(env.tree);

    DirNode root;
    root.item = root_item;
    root.identifier = std::string(1, '\0');
    m_dirs.push_back(root);
    m_dir_of_item[root_item] = 0;

    for (u32 d = 0; d < m_dirs.size(); ++d) {
        if (m_dirs[d].item == no_item) continue; // the relocation folder has no source
        auto entries = name_children(d, &env);
        for (auto& e : entries) {
            if (e.kind != EntryKind::Directory) continue;
            DirNode n;
            n.item = e.id;
            n.parent = n.original_parent = d;
            n.identifier = e.identifier;
            n.depth = m_dirs[d].depth + 1;
            n.path_units = m_dirs[d].path_units + 1 + m_rules->units(e.identifier);
            if (m_config.relocate_deep &&
                (n.depth > max_levels ||
                 n.path_units + 1 + m_config.max_file_units > max_path_bytes)) {
                const bool too_deep = n.depth > max_levels;
                const char* why = too_deep ? "relocated to /RR_MOVED: deeper than 8 levels"
                                           : "relocated to /RR_MOVED: path longer than 255 bytes";
                n.relocated = true;
                n.parent = rr_moved();
                n.depth = 3;
                n.path_units = m_dirs[n.parent].path_units + 1 + m_rules->units(e.identifier);
                const std::string path = env.tree.path(e.id);
                if (env.report.strict() && m_config.requested)
                    env.report.problem(
                        ErrorCode::Iso9660Levels,
                        fmt::format("'{}' is {} for ISO 9660, which allows {} (strict mode)", path,
                                    too_deep ? "nested too deep" : "on too long a path",
                                    too_deep ? "8 levels" : "paths of 255 bytes"),
                        path);
                else
                    env.report.mapped(
                        m_config.ns, path, std::string(env.tree.name(e.id)),
                        fmt::format("/{}/{}", relocation_dir, m_rules->display(e.identifier)), why,
                        ErrorCode::Iso9660Levels, m_config.requested);
            }
            m_dir_of_item[e.id] = static_cast<u32>(m_dirs.size());
            m_dirs.push_back(std::move(n));
        }
        // Sizes do not depend on addresses: size the folder now, while its names are known.
        size_directory(d, &entries);
    }

    if (m_rr_moved) {
        // Name the relocated folders uniquely inside the relocation folder.
        std::vector<NameRequest> requests;
        for (u32 i = 1; i < m_dirs.size(); ++i)
            if (m_dirs[i].relocated)
                requests.push_back({i, env.tree.name(m_dirs[i].item), EntryKind::Directory});
        for (auto& e : name_directory(*m_rules, requests, {}, m_config.utf16))
            m_dirs[e.id].identifier = e.identifier;
    }

    for (u32 i = 1; i < m_dirs.size(); ++i)
        m_dirs[m_dirs[i].parent].children.push_back(i);
    for (auto& n : m_dirs)
        std::sort(n.children.begin(), n.children.end(), [&](u32 a, u32 b) {
            return ecma119_less(m_dirs[a].identifier, m_dirs[b].identifier, m_config.utf16);
        });
    // ECMA-119 6.9.1: path table order is level by level, by parent number, then by name,
    // which is breadth-first order with sorted children.
    m_order.assign(1, 0);
    for (std::size_t i = 0; i < m_order.size(); ++i)
        for (u32 c : m_dirs[m_order[i]].children)
            m_order.push_back(c);
    for (std::size_t i = 0; i < m_order.size(); ++i)
        m_dirs[m_order[i]].number = static_cast<u32>(i + 1);
    if (m_order.size() > 0xffff)
        env.report.problem(ErrorCode::TooManyDirs,
                           fmt::format("{} folders do not fit the {} path table, whose parent "
                                       "numbers have 16 bits (at most 65,535 folders)",
                                       m_order.size(), to_string(m_config.ns)),
                           "/");

    std::string table;
    path_table(table, false);
    m_path_table_bytes = static_cast<u32>(table.size());
    if (m_rr_moved) { // the root lists the relocation folder, known only now
        size_directory(0, nullptr);
        size_directory(m_rr_moved, nullptr);
    }
}

void DirectoryTreeWriter::size_directory(u32 dir, const std::vector<NamedEntry>* entries) {
    Built b = build(dir, entries);
    m_dirs[dir].bytes = static_cast<u32>(b.records.size());
    m_dirs[dir].ce_blocks = blocks_of(b.continuation.size());
}

void DirectoryTreeWriter::reserve(LayoutBuilder& layout) {
    u32 table_blocks = blocks_of(m_path_table_bytes);
    m_l_table_lba = layout.reserve_metadata(*this, 0, table_blocks);
    m_m_table_lba = layout.reserve_metadata(*this, 1, table_blocks);
    // Directory extents go depth first through this tree, the relocation folder's subtree
    // first (as mkisofs lays it out): streaming readers such as libarchive read folders in
    // block order and must meet each relocated folder (RE) before its placeholder (CL).
    // The path table keeps its own order (ECMA-119 6.9.1).
    std::vector<u32> extent_order{0};
    std::vector<u32> stack;
    const auto& top = m_dirs[0].children;
    for (auto it = top.rbegin(); it != top.rend(); ++it)
        if (*it != m_rr_moved) stack.push_back(*it);
    if (m_rr_moved) stack.push_back(m_rr_moved);
    while (!stack.empty()) {
        const u32 d = stack.back();
        stack.pop_back();
        extent_order.push_back(d);
        const auto& kids = m_dirs[d].children;
        stack.insert(stack.end(), kids.rbegin(), kids.rend());
    }
    // Each folder's continuation areas follow its records, so they come before the extents
    // of its subfolders, whose names they may hold.
    for (u32 d : extent_order) {
        m_dirs[d].lba = layout.reserve_metadata(*this, 2 + 2 * d, m_dirs[d].bytes / block_size);
        if (m_dirs[d].ce_blocks)
            m_dirs[d].ce_lba = layout.reserve_metadata(*this, 3 + 2 * d, m_dirs[d].ce_blocks);
    }
    std::lock_guard lock(m_cache_mutex);
    m_cached_dir = 0xffff'ffff;
}

// ---- rendering ----------------------------------------------------------------------------

void DirectoryTreeWriter::path_table(std::string& out, bool big_endian) const {
    for (u32 d : m_order) {
        const DirNode& n = m_dirs[d];
        const u32 parent_number = m_dirs[n.parent].number;
        std::array<std::byte, 8 + 256> buf{};
        core::ByteWriter w(buf);
        const auto len = static_cast<u8>(n.identifier.size());
        if (big_endian)
            w.put(MPathTableRecordHeader{len, 0, n.lba, static_cast<u16>(parent_number)});
        else
            w.put(LPathTableRecordHeader{len, 0, n.lba, static_cast<u16>(parent_number)});
        w.text(n.identifier);
        if (len % 2) w.u8(0); // ECMA-119 9.4.6: padding field
        out.append(reinterpret_cast<const char*>(buf.data()), w.bytes_written());
    }
}

void DirectoryTreeWriter::fill_descriptor(VolumeDescriptor& vd) const {
    const DirNode& root = m_dirs[0];
    core::ByteWriter w(std::as_writable_bytes(std::span(vd.root_directory_record)));
    w.put(DirectoryRecordHeader{34, 0, root.lba, root.bytes,
                                recording_date(m_tree->at(root_item).modify_time), flag_directory,
                                0, 0, 1, 1});
    w.u8(0);
    vd.path_table_size = m_path_table_bytes;
    vd.type_l_path_table = m_l_table_lba;
    vd.type_m_path_table = m_m_table_lba;
}

std::vector<std::pair<ItemId, std::string>> DirectoryTreeWriter::child_names(ItemId dir) const {
    std::vector<std::pair<ItemId, std::string>> out;
    auto it = m_dir_of_item.find(dir);
    if (it == m_dir_of_item.end()) return out;
    for (const auto& e : name_children(it->second, nullptr))
        out.emplace_back(e.id, m_rules->display(e.identifier));
    return out;
}

DirectoryTreeWriter::Built DirectoryTreeWriter::build(u32 dir,
                                                      const std::vector<NamedEntry>* named) const {
    const ItemTree& tree = *m_tree;
    const DirNode& node = m_dirs[dir];
    Built b;
    rockridge::ContinuationSpace space(node.ce_lba);

    auto facts_of_item = [&](ItemId id) {
        const auto& r = tree.at(id);
        rockridge::RecordFacts f;
        f.mode = r.mode;
        f.uid = r.uid;
        f.gid = r.gid;
        f.modify = r.modify_time;
        f.access = r.access_time;
        f.attributes = r.creation_time;
        if (r.kind == ItemKind::Directory) {
            f.mode = (f.mode & 07777) | S_IFDIR;
            u32 subdirs = 0;
            tree.for_each_child(id, [&](ItemId c) { subdirs += tree.is_dir(c); });
            f.links = 2 + subdirs;
            f.serial = id + 1;
        } else {
            f.links = m_placement ? m_placement->links(tree, id) : 1;
            f.serial = m_placement ? m_placement->serial(tree, id) : id + 1;
        }
        if (r.kind == ItemKind::Symlink) f.symlink = tree.symlink_target(id);
        if (r.kind == ItemKind::CharDevice || r.kind == ItemKind::BlockDevice)
            f.device = tree.device(id);
        return f;
    };
    auto facts_of_node = [&](u32 k) {
        if (m_dirs[k].item != no_item) return facts_of_item(m_dirs[k].item);
        rockridge::RecordFacts f; // the relocation folder
        f.mode = S_IFDIR | 0755;
        f.links = 2 + static_cast<u32>(m_dirs[k].children.size());
        f.serial = 0xffff'fff0u;
        f.modify = f.access = f.attributes = m_now;
        return f;
    };

    auto record = [&](u32 extent, u64 length, UnixTime date, u8 flags, std::string_view id,
                      const rockridge::RecordFacts* rr) {
        const std::size_t id_len = id.size();
        const std::size_t pad = id_len % 2 == 0 ? 1 : 0; // ECMA-119 9.1.12
        const std::size_t fixed = sizeof(DirectoryRecordHeader) + id_len + pad;
        // Records keep even lengths, so the longest is 254 bytes: a 255-byte one would round
        // up to 256, which its one-byte length field records as 0, the end of the block.
        constexpr std::size_t longest_record = max_record_length - 1;
        std::string su;
        if (rr && m_config.rock_ridge)
            su = rockridge::place_entries(rockridge::encode_entries(*rr), longest_record - fixed,
                                          space);
        std::size_t len = fixed + su.size();
        len += len % 2;
        if (len > longest_record)
            throw Error(ErrorCode::Internal, fmt::format("directory record of {} bytes for '{}'",
                                                         len, m_rules->display(id)));
        std::size_t in_block = b.records.size() % block_size;
        if (in_block + len > block_size) b.records.append(block_size - in_block, '\0');
        std::array<std::byte, max_record_length + 1> buf{};
        core::ByteWriter w(buf);
        w.put(DirectoryRecordHeader{static_cast<u8>(len), 0, extent, static_cast<u32>(length),
                                    recording_date(date), flags, 0, 0, 1, static_cast<u8>(id_len)});
        w.text(id);
        w.zeros(pad);
        w.text(su);
        w.zeros(len - w.bytes_written());
        b.records.append(reinterpret_cast<const char*>(buf.data()), len);
    };
    auto dir_record = [&](u32 k, std::string_view id, rockridge::RecordFacts* rr) {
        const DirNode& n = m_dirs[k];
        const UnixTime date = n.item != no_item ? tree.at(n.item).modify_time : m_now;
        u8 flags = flag_directory;
        if (n.item != no_item && (tree.at(n.item).flags & item_hidden)) flags |= flag_existence;
        record(n.lba, n.bytes, date, flags, id, rr);
    };

    // "." and ".." (ECMA-119 6.8.2.2).
    {
        auto self = facts_of_node(dir);
        self.root_dot = dir == 0;
        dir_record(dir, std::string_view("\0", 1), &self);
        auto parent = facts_of_node(node.parent);
        if (node.relocated) parent.parent_link = m_dirs[node.original_parent].lba;
        dir_record(node.parent, std::string_view("\1", 1), &parent);
    }

    if (dir == m_rr_moved && dir != 0) {
        for (u32 k : node.children) {
            auto f = facts_of_node(k);
            f.relocated = true;
            f.name = tree.name(m_dirs[k].item);
            dir_record(k, m_dirs[k].identifier, &f);
        }
    } else {
        std::vector<NamedEntry> own;
        if (!named) own = name_children(dir, nullptr);
        const std::vector<NamedEntry>& entries = named ? *named : own;
        // The relocation folder sits among the root's children in sorted place.
        std::size_t rr_at = std::string::npos;
        if (dir == 0 && m_rr_moved)
            rr_at = static_cast<std::size_t>(
                std::partition_point(entries.begin(), entries.end(),
                                     [&](const NamedEntry& e) {
                                         return ecma119_less(e.identifier, relocation_dir,
                                                             m_config.utf16);
                                     }) -
                entries.begin());
        for (std::size_t i = 0; i <= entries.size(); ++i) {
            if (i == rr_at) {
                auto f = facts_of_node(m_rr_moved);
                f.name = relocation_dir_rr;
                // RE on the relocation folder itself hides it from Rock Ridge readers too
                // (libisofs does the same): only the plain ISO 9660 view shows it.
                f.relocated = true;
                dir_record(m_rr_moved, relocation_dir, &f);
            }
            if (i == entries.size()) break;
            const auto& e = entries[i];
            const auto& r = tree.at(e.id);
            auto f = facts_of_item(e.id);
            f.name = tree.name(e.id);
            if (e.kind == EntryKind::Directory) {
                u32 k = m_dir_of_item.at(e.id);
                if (m_dirs[k].relocated) {
                    if (!m_config.rock_ridge) continue; // it is listed in the relocation folder
                    f.child_link = m_dirs[k].lba;       // RRIP 4.1.5.1: placeholder with CL
                    record(0, 0, r.modify_time, r.flags & item_hidden ? flag_existence : 0,
                           e.identifier, &f);
                    continue;
                }
                dir_record(k, e.identifier, &f);
                continue;
            }
            u8 flags = r.flags & item_hidden ? flag_existence : 0;
            const u64 size = r.kind == ItemKind::File ? r.size : 0;
            const u32 lba = size && m_placement ? m_placement->lba(e.id) : 0;
            if (!m_config.multi_extent || size <= max_extent_bytes) {
                record(lba, size, r.modify_time, flags, e.identifier, &f);
                continue;
            }
            // ECMA-119 6.5.1, 9.1.6: one record per extent, all but the last flagged.
            u64 left = size;
            for (u64 k = 0; left > 0; ++k) {
                u64 part = std::min<u64>(left, max_extent_bytes);
                left -= part;
                record(static_cast<u32>(lba + k * (max_extent_bytes / block_size)), part,
                       r.modify_time, left ? (flags | flag_multi_extent) : flags, e.identifier, &f);
            }
        }
    }
    if (b.records.size() % block_size)
        b.records.append(block_size - b.records.size() % block_size, '\0');
    b.continuation = std::move(space.bytes());
    if (b.continuation.size() % block_size)
        b.continuation.append(block_size - b.continuation.size() % block_size, '\0');
    return b;
}

const DirectoryTreeWriter::Built& DirectoryTreeWriter::built(u32 dir) const {
    // Called with m_cache_mutex held.
    if (m_cached_dir != dir) {
        m_cached = build(dir);
        m_cached_dir = dir;
    }
    return m_cached;
}

void DirectoryTreeWriter::render(u32 extent, std::span<std::byte> out) const {
    std::string bytes;
    if (extent < 2) {
        path_table(bytes, extent == 1);
        bytes.resize(static_cast<std::size_t>(blocks_of(bytes.size())) * block_size, '\0');
    } else {
        std::lock_guard lock(m_cache_mutex);
        const Built& b = built((extent - 2) / 2);
        bytes = extent % 2 == 0 ? b.records : b.continuation;
    }
    if (bytes.size() != out.size())
        throw Error(ErrorCode::Internal,
                    fmt::format("{} extent {} rendered {} bytes into a reservation of {}",
                                to_string(m_config.ns), extent, bytes.size(), out.size()));
    std::memcpy(out.data(), bytes.data(), bytes.size());
}

} // namespace discwright::fs::iso9660
