#include "fs/import/tree_reader.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_set>

#include <sys/stat.h>

#include "fs/import/directory_records.h"
#include "fs/import/system_use_reader.h"
#include "fs/iso9660/dates.h"
#include "fs/names/name_rules.h"

namespace discwright::fs::import {

namespace {

/// A name as the namespace shows it: Joliet decoded from UTF-16BE, and for files the
/// ";version" and a dot before it with no extension ("README.;1") removed, as readers do.
std::string decode_name(std::string_view id, FsType ns, bool directory) {
    std::string name;
    if (ns == FsType::Joliet) {
        name = utf16_to_utf8(from_utf16be_bytes(std::string(id.substr(0, id.size() & ~1u))));
    } else {
        name = std::string(id);
    }
    if (!directory) {
        if (auto semi = name.rfind(';'); semi != std::string::npos) {
            const bool digits = semi + 1 < name.size() &&
                                std::all_of(name.begin() + static_cast<long>(semi) + 1, name.end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
            if (digits || semi + 1 == name.size()) name.resize(semi);
        }
        if (ns != FsType::Joliet && name.size() > 1 && name.back() == '.') name.pop_back();
    }
    return name;
}

FsiItemType type_of_mode(u32 mode) {
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return FsiItemType::Directory;
    case S_IFLNK:
        return FsiItemType::Symlink;
    case S_IFCHR:
        return FsiItemType::CharDevice;
    case S_IFBLK:
        return FsiItemType::BlockDevice;
    case S_IFIFO:
        return FsiItemType::Fifo;
    case S_IFSOCK:
        return FsiItemType::Socket;
    default:
        return FsiItemType::File;
    }
}

class TreeBuilder {
public:
    TreeBuilder(const BlockSource& image, const TreeRequest& request,
                const ImportProgressHandler& progress, const CancellationToken& cancel)
        : m_image(image), m_request(request), m_progress(progress), m_cancel(cancel),
          m_rr_enabled(request.ns == FsType::RockRidge), m_su(image),
          m_directory_budget(image.stream().size()) {}

    ImageTree build() {
        ImageEntry root;
        root.type = FsiItemType::Directory;
        const u64 lba = m_request.root.extent_location.value();
        root.size = m_request.root.data_length.value();
        root.extents.push_back({lba, root.size});
        set_plain_attributes(root, m_request.root);
        m_entries.push_back(std::move(root));
        m_visited.insert(lba);
        m_pending.push_back({0, 0, 0});
        while (!m_pending.empty()) {
            m_cancel.throw_if_cancelled();
            const Pending p = m_pending.front();
            m_pending.pop_front();
            read_directory(p);
        }
        return ImageTree(std::move(m_entries));
    }

private:
    struct Pending {
        u32 index;
        u32 depth;
        u64 path_bytes; // the length of its path; 0 for the root ("/" adds nothing)
    };

    std::string path_of(u32 index) const {
        if (index == 0) return "/";
        std::vector<u32> chain;
        for (u32 i = index; i != 0; i = m_entries[i].parent)
            chain.push_back(i);
        std::string p;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it)
            p += "/" + m_entries[*it].name;
        return p;
    }

    static void set_plain_attributes(ImageEntry& e, const iso9660::DirectoryRecordHeader& h) {
        const UnixTime t = iso9660::unix_time(h.recorded).value_or(0);
        e.modify_time = e.access_time = e.attribute_time = t;
        e.hidden = h.flags & iso9660::flag_existence;
        e.mode = e.type == FsiItemType::Directory ? (S_IFDIR | 0555) : (S_IFREG | 0444);
    }

    /// `directory`: the record is a folder (ECMA-119 9.1.6 bit 1, or a Rock Ridge CL).
    static void apply_rock_ridge(ImageEntry& e, const RockRidge& rr, bool directory,
                                 const RecordPath& path, u64 lba) {
        if (rr.mode) {
            // RRIP 4.1.1: the file type in PX agrees with the record. A file that claims to be
            // a folder would be read as one without an extent to read.
            const u32 type = *rr.mode & S_IFMT;
            if (directory ? (type != 0 && type != S_IFDIR) : type == S_IFDIR)
                damaged(fmt::format("'{}': the {} record at LBA {} has the Rock Ridge mode {:o} "
                                    "(PX), which says {}",
                                    path, directory ? "folder" : "file", lba, *rr.mode,
                                    directory ? "it is not a folder" : "it is a folder"),
                        lba, path.str());
            e.mode = *rr.mode;
            if (!directory) e.type = type_of_mode(*rr.mode);
        }
        if (rr.links) e.links = *rr.links;
        if (rr.uid) e.uid = *rr.uid;
        if (rr.gid) e.gid = *rr.gid;
        if (rr.device) e.device = *rr.device;
        if (rr.symlink && !directory) {
            e.type = FsiItemType::Symlink;
            e.symlink_target = *rr.symlink;
            if (!rr.mode) e.mode = S_IFLNK | 0777;
        }
        if (rr.modify) e.modify_time = *rr.modify;
        if (rr.access) e.access_time = *rr.access;
        if (rr.attributes) e.attribute_time = *rr.attributes;
        e.creation_time = rr.creation;
    }

    /// The first record of a directory extent (its "."), for the size of a relocated folder.
    iso9660::DirectoryRecordHeader dot_record(u64 lba, const RecordPath& record) {
        if (!m_image.contains(lba, block_size))
            damaged(fmt::format("folder '{}': LBA {} (a Rock Ridge CL target) lies past the end "
                                "of the image ({} blocks)",
                                record, lba, m_image.blocks()),
                    lba, record.str());
        std::vector<std::byte> block;
        try {
            block = m_image.read(lba, block_size, "Rock Ridge CL target");
        } catch (Error& e) {
            e.with_path(record.str());
            throw;
        }
        const std::string path = record.str(); // a CL costs a block read already
        DirectoryExtent extent(block, lba, path);
        auto dot = extent.next();
        if (!dot || !dot->is_dot())
            damaged(fmt::format("folder '{}': LBA {} (a Rock Ridge CL target) does not start "
                                "with a '.' record",
                                path, lba),
                    lba, path);
        return dot->header;
    }

    void read_directory(const Pending& p) {
        const std::string dir_path = path_of(p.index); // at most max_path_bytes
        const u64 lba = m_entries[p.index].extents.at(0).lba;
        const u64 bytes = m_entries[p.index].size;
        if (bytes > max_directory_bytes)
            damaged(fmt::format("folder '{}' at LBA {} claims {} bytes of records (more than {})",
                                dir_path, lba, bytes, max_directory_bytes),
                    lba, dir_path);
        // Past the end of the image: read() says so, before allocating. Inside it, the
        // folders read so far and this one may not add up to more than the image.
        if (m_image.contains(lba, bytes) && bytes > m_directory_budget)
            damaged(fmt::format("folder '{}' at LBA {}: its {} bytes of records bring the tree's "
                                "folders past the image's {} bytes (directory extents overlap)",
                                dir_path, lba, bytes, m_image.stream().size()),
                    lba, dir_path);
        const auto data = m_image.read(lba, bytes, fmt::format("folder '{}'", dir_path), dir_path);
        m_directory_budget -= bytes;
        if (m_progress)
            m_progress({m_request.ns, dir_path == "/" ? "/" : dir_path + "/", m_dirs_done, 0,
                        m_files_done});
        ++m_dirs_done;

        DirectoryExtent extent(data, lba, dir_path);
        std::vector<ImageEntry> children;
        children.reserve(std::min<u64>(bytes / 34, 4096)); // 34: the shortest record
        std::string pending_multi; // identifier of a file whose next extent follows
        bool first = true;
        while (auto r = extent.next()) {
            if (first && p.index == 0 && r->is_dot() && m_rr_enabled) {
                if (auto sp = find_sp(r->system_use)) {
                    m_skip = sp->skip;
                    m_root_rr = true;
                    RockRidge rr = m_su.read(r->system_use, 0, {"/", {}}, r->lba);
                    apply_rock_ridge(m_entries[0], rr, true, {"/", {}}, r->lba);
                }
            }
            first = false;
            if (r->is_dot() || r->is_dotdot()) continue;
            if (r->flags() & iso9660::flag_associated) continue;

            const bool use_rr = m_rr_enabled && m_root_rr;
            if (!pending_multi.empty() && r->identifier == pending_multi && !children.empty()) {
                ImageEntry& last = children.back();
                if (r->data_length()) last.extents.push_back({r->location(), r->data_length()});
                last.size += r->data_length();
                if (!(r->flags() & iso9660::flag_multi_extent)) pending_multi.clear();
                continue;
            }
            pending_multi.clear();

            RockRidge rr;
            if (use_rr) {
                const std::string id = decode_name(r->identifier, m_request.ns, r->is_directory());
                rr = m_su.read(r->system_use, m_skip, {dir_path, id}, r->lba);
            }
            if (rr.relocated) continue; // shown where its CL placeholder is

            ImageEntry e;
            e.parent = p.index;
            bool directory = r->is_directory();
            u64 dir_lba = r->location();
            u64 dir_bytes = r->data_length();
            if (rr.child_link) directory = true;
            e.name = (use_rr && rr.name) ? std::move(*rr.name)
                                         : decode_name(r->identifier, m_request.ns, directory);
            if (rr.child_link) {
                dir_lba = *rr.child_link;
                dir_bytes = dot_record(dir_lba, {dir_path, e.name}).data_length.value();
            }
            e.type = directory ? FsiItemType::Directory : FsiItemType::File;
            set_plain_attributes(e, r->header);
            if (use_rr) apply_rock_ridge(e, rr, directory, {dir_path, e.name}, r->lba);
            e.zisofs = rr.zisofs && !directory;
            if (directory) {
                e.size = dir_bytes;
                e.extents.push_back({dir_lba, dir_bytes});
            } else {
                e.size = r->data_length();
                if (e.size) e.extents.push_back({r->location(), r->data_length()});
                if (r->flags() & iso9660::flag_multi_extent) pending_multi = r->identifier;
                if (e.type != FsiItemType::File) {
                    e.size = 0; // links and devices carry no data
                    e.extents.clear();
                }
            }
            children.push_back(std::move(e));
        }

        std::stable_sort(children.begin(), children.end(),
                         [](const ImageEntry& a, const ImageEntry& b) { return a.name < b.name; });
        if (children.size() > std::numeric_limits<u32>::max() - m_entries.size())
            damaged(fmt::format("folder '{}' at LBA {}: more than {} entries in the tree", dir_path,
                                lba, std::numeric_limits<u32>::max()),
                    lba, dir_path);
        const u32 first_child = static_cast<u32>(m_entries.size());
        m_entries[p.index].first_child = first_child;
        m_entries[p.index].child_count = static_cast<u32>(children.size());
        for (auto& c : children) {
            const u32 index = static_cast<u32>(m_entries.size());
            if (c.type == FsiItemType::Directory) {
                const u64 child_lba = c.extents.at(0).lba;
                const RecordPath path{dir_path, c.name};
                if (!m_visited.insert(child_lba).second)
                    damaged(fmt::format("folder '{}' points at LBA {}, a folder already read "
                                        "(a directory loop)",
                                        path, child_lba),
                            child_lba, path.str());
                if (p.depth + 1 > max_tree_depth)
                    damaged(fmt::format("folder '{}' is nested more than {} levels deep", path,
                                        max_tree_depth),
                            child_lba, path.str());
                const u64 path_bytes = p.path_bytes + 1 + c.name.size();
                if (path_bytes > max_path_bytes)
                    damaged(fmt::format("folder '{}' at LBA {} has a path longer than {} bytes",
                                        path, child_lba, max_path_bytes),
                            child_lba, path.str());
                m_pending.push_back({index, p.depth + 1, path_bytes});
            } else {
                ++m_files_done;
            }
            m_entries.push_back(std::move(c));
        }
    }

    const BlockSource& m_image;
    const TreeRequest& m_request;
    const ImportProgressHandler& m_progress;
    const CancellationToken& m_cancel;
    bool m_rr_enabled;
    bool m_root_rr = false;
    u8 m_skip = 0;
    SystemUseReader m_su;
    std::vector<ImageEntry> m_entries;
    std::deque<Pending> m_pending;
    std::unordered_set<u64> m_visited;
    u64 m_directory_budget; // bytes of directory extents the image still justifies
    u64 m_dirs_done = 0, m_files_done = 0;
};

} // namespace

ImageTree read_tree(const BlockSource& image, const TreeRequest& request,
                    const ImportProgressHandler& progress, const CancellationToken& cancel) {
    return TreeBuilder(image, request, progress, cancel).build();
}

} // namespace discwright::fs::import
