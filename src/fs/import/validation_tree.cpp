#include "fs/import/validation_tree.h"

#include <algorithm>
#include <unordered_map>

#include "core/byte_io.h"
#include "fs/import/directory_records.h"
#include "fs/import/tree_reader.h"
#include "fs/import/validation_dates.h"
#include "fs/import/validation_names.h"
#include "fs/import/validation_susp.h"
#include "fs/names/name_rules.h"

namespace discwright::fs::import {

namespace {

using iso9660::DirectoryRecordHeader;

constexpr u32 max_levels = 8;       // ECMA-119 6.8.2.1
constexpr u32 max_path_bytes = 255; // ECMA-119 6.8.2.1
constexpr std::size_t record_header = sizeof(DirectoryRecordHeader);

/// A record of a folder other than "." and "..", for the order and duplicate checks.
struct Listed {
    std::string identifier;
    u64 lba = 0;
    bool directory = false;
    bool repeat = false; ///< a later extent of a multi-extent file, or an associated file
};

struct ChildLinkUse {
    u64 target = 0;
    u32 directory = 0; ///< the folder holding the CL record
    std::string path;
    u64 record_lba = 0;
};

/// A multi-extent file whose next record is to continue it (ECMA-119 6.5.1, 9.1.6).
struct OpenMultiExtent {
    std::string identifier;
    std::string path;
    u32 length = 0;
    u64 lba = 0;
};

class TreeChecker {
public:
    TreeChecker(const SessionContext& ctx, const NamespaceVolume& volume, ExtentMap& extents)
        : m_ctx(ctx), m_log(ctx.log), m_volume(volume), m_extents(extents),
          m_primary(volume.ns == FsType::Iso9660), m_utf16(volume.ns == FsType::Joliet),
          m_su(ctx, extents) {}

    TreeWalk run() {
        const auto root = root_record(*m_volume.descriptor);
        WalkedDirectory r;
        r.lba = root.extent_location.value();
        r.bytes = root.data_length.value();
        r.identifier = std::string(1, '\0');
        r.path = "/";
        m_dir_at.emplace(r.lba, 0);
        m_walk.directories.push_back(std::move(r));
        for (u32 i = 0; i < m_walk.directories.size(); ++i) {
            m_ctx.cancel.throw_if_cancelled();
            read_directory(i);
        }
        if (m_primary) {
            check_child_links();
            m_su.finish(m_volume.name());
        }
        return std::move(m_walk);
    }

private:
    std::string child_path(const std::string& dir, std::string_view id) const {
        return (dir == "/" ? std::string() : dir) + "/" + display_identifier(m_volume.ns, id);
    }

    void read_directory(u32 index) {
        const WalkedDirectory dir = m_walk.directories[index]; // the vector grows below
        const std::string& path = dir.path;
        if (dir.bytes == 0) {
            m_log.add(Check::DirectoryExtent, dir.lba, path,
                      fmt::format("'{}': folder at LBA {} has a data length of 0", path, dir.lba));
            return;
        }
        if (dir.bytes % block_size)
            m_log.add(Check::DirectoryLength, dir.lba, path,
                      fmt::format("'{}': folder at LBA {} has a data length of {} bytes, not a "
                                  "whole number of blocks",
                                  path, dir.lba, dir.bytes));
        const u64 blocks = BlockCount::for_bytes(dir.bytes).value;
        if (!m_ctx.inside(dir.lba, blocks)) {
            m_log.add(Check::DirectoryExtent, dir.lba, path,
                      fmt::format("'{}': folder extent at LBA {} ({} bytes) ends past {}", path,
                                  dir.lba, dir.bytes, m_ctx.end_named(dir.lba + blocks)));
            return;
        }
        if (dir.bytes > max_directory_bytes) {
            m_log.add(Check::DirectoryExtent, dir.lba, path,
                      fmt::format("'{}': folder at LBA {} claims {} bytes of records (more than "
                                  "{})",
                                  path, dir.lba, dir.bytes, max_directory_bytes));
            return;
        }
        m_extents.add({dir.lba, blocks, dir.bytes, ExtentUse::Kind::Directory, path});
        std::vector<std::byte> data;
        try {
            data = m_ctx.image.read(dir.lba, dir.bytes, "folder");
        } catch (const Error& e) {
            m_log.add(Check::ReadFailure, dir.lba, path,
                      fmt::format("'{}': folder at LBA {} cannot be read: {}", path, dir.lba,
                                  e.message()));
            return;
        }

        std::vector<Listed> listed;
        std::optional<OpenMultiExtent> open_multi;
        bool saw_dot = false, saw_dotdot = false, reported_padding = false;
        std::size_t count = 0;
        std::size_t pos = 0;
        while (pos < data.size()) {
            const std::size_t block_end =
                std::min<std::size_t>((pos / block_size + 1) * block_size, data.size());
            const u64 lba = dir.lba + pos / block_size;
            const u8 length = static_cast<u8>(data[pos]);
            if (length == 0) { // ECMA-119 6.8.1.1: the rest of the block is unused, all zeros
                if (!reported_padding &&
                    std::any_of(data.begin() + static_cast<long>(pos),
                                data.begin() + static_cast<long>(block_end),
                                [](std::byte b) { return b != std::byte{0}; })) {
                    reported_padding = true;
                    m_log.add(Check::RecordPadding, lba, path,
                              fmt::format("'{}': bytes after the last record of block {} are "
                                          "not zero",
                                          path, lba));
                }
                pos = block_end;
                continue;
            }
            const std::size_t offset = pos % block_size;
            const auto bad = [&](Check check, std::string why) {
                m_log.add(check, lba, path,
                          fmt::format("'{}': directory record at LBA {} offset {} {}", path, lba,
                                      offset, why));
            };
            if (length < record_header + 1) {
                bad(Check::RecordLength,
                    fmt::format("is {} bytes, shorter than the 34 a record needs", length));
                pos = block_end;
                continue;
            }
            if (pos + length > block_end) {
                bad(Check::RecordLength,
                    fmt::format("is {} bytes and crosses the end of its block (ECMA-119 6.8.1.1)",
                                length));
                pos = block_end;
                continue;
            }
            const auto bytes = std::span<const std::byte>(data).subspan(pos, length);
            pos += length;
            core::ByteReader in(bytes, {lba, "directory record"});
            const auto h = in.read<DirectoryRecordHeader>();
            const std::size_t id_length = h.file_identifier_length;
            if (id_length == 0) {
                bad(Check::RecordIdentifier, "has an empty identifier");
                continue;
            }
            if (record_header + id_length > length) {
                bad(Check::RecordLength,
                    fmt::format("is {} bytes, too short for its {}-byte identifier", length,
                                id_length));
                continue;
            }
            const std::string id = in.read_text(id_length);
            std::size_t su_start = record_header + id_length;
            if (id_length % 2 == 0) { // ECMA-119 9.1.12: a padding byte follows
                if (su_start < length && bytes[su_start] != std::byte{0})
                    bad(Check::RecordPadding, "has a padding byte that is not zero");
                ++su_start;
            }
            if (length % 2)
                bad(Check::RecordPadding,
                    fmt::format("is {} bytes, an odd length (ECMA-119 9.1.13)", length));
            const auto su =
                su_start < length ? bytes.subspan(su_start) : std::span<const std::byte>{};
            const bool is_dot = id_length == 1 && id[0] == '\0';
            const bool is_dotdot = id_length == 1 && id[0] == '\1';
            const std::string where = is_dot || is_dotdot ? path : child_path(path, id);
            common_checks(h, where, lba);
            SystemUseSite site{SystemUseSite::Role::Other, false,
                               static_cast<bool>(h.flags & iso9660::flag_directory), lba,
                               offset + su_start};
            if (is_dot || is_dotdot) {
                if (count != (is_dot ? 0u : 1u)) {
                    bad(Check::RecordIdentifier, fmt::format("is a '{}' record in position {}",
                                                             is_dot ? "." : "..", count + 1));
                } else if (is_dot) {
                    saw_dot = true;
                    dot(index, dir, h, su, site);
                } else {
                    saw_dotdot = true;
                    dotdot(index, dir, h, su, site);
                }
                ++count;
                continue;
            }
            ++count;
            entry(index, dir, h, id, su, site, where, open_multi, listed);
        }
        if (!saw_dot)
            m_log.add(Check::RecordDot, dir.lba, path,
                      fmt::format("'{}': the folder at LBA {} does not start with a '.' record "
                                  "(ECMA-119 6.8.2.2)",
                                  path, dir.lba));
        if (!saw_dotdot)
            m_log.add(Check::RecordDot, dir.lba, path,
                      fmt::format("'{}': the folder at LBA {} has no '..' record second "
                                  "(ECMA-119 6.8.2.2)",
                                  path, dir.lba));
        if (open_multi)
            m_log.add(Check::MultiExtent, open_multi->lba, open_multi->path,
                      fmt::format("'{}': its last record is flagged multi-extent, but the "
                                  "folder ends there",
                                  open_multi->path));
        check_order(listed, path);
    }

    void common_checks(const DirectoryRecordHeader& h, const std::string& where, u64 lba) {
        const auto both = [&](const auto& field, std::string_view name) {
            if (!field.consistent())
                m_log.add(Check::RecordBothByteOrder, lba, where,
                          fmt::format("'{}': the record's {} reads {} little-endian but {} "
                                      "big-endian",
                                      where, name, field.le.value(), field.be.value()));
        };
        both(h.extent_location, "extent location (BP 3-10)");
        both(h.data_length, "data length (BP 11-18)");
        both(h.volume_sequence_number, "volume sequence number (BP 29-32)");
        if (auto why = date_problem(h.recorded))
            m_log.add(Check::RecordDate, lba, where,
                      fmt::format("'{}': the recording date has {} (ECMA-119 9.1.5)", where, *why));
    }

    void dot(u32 index, const WalkedDirectory& dir, const DirectoryRecordHeader& h,
             std::span<const std::byte> su, SystemUseSite site) {
        const u32 location = h.extent_location.value();
        bool ok = true;
        if (!(h.flags & iso9660::flag_directory)) {
            ok = false;
            m_log.add(Check::RecordDot, site.lba, dir.path,
                      fmt::format("'{}': the '.' record lacks the directory flag", dir.path));
        }
        if (location != dir.lba) {
            ok = false;
            m_log.add(Check::RecordDot, site.lba, dir.path,
                      fmt::format("'{}': the '.' record points at LBA {}, not at the folder's "
                                  "own extent (LBA {})",
                                  dir.path, location, dir.lba));
        } else if (h.data_length.value() != dir.bytes) {
            m_log.add(Check::RecordDot, site.lba, dir.path,
                      fmt::format("'{}': the '.' record gives {} bytes, the record naming the "
                                  "folder {}",
                                  dir.path, h.data_length.value(), dir.bytes));
        }
        m_walk.directories[index].dot_ok = ok;
        if (!m_primary) return;
        site.role = SystemUseSite::Role::Dot;
        site.root = index == 0;
        if (site.root) m_su.start(su, site);
        (void)m_su.check(su, site, dir.path);
    }

    void dotdot(u32 index, const WalkedDirectory& dir, const DirectoryRecordHeader& h,
                std::span<const std::byte> su, SystemUseSite site) {
        const WalkedDirectory& parent = m_walk.directories[dir.parent];
        if (!(h.flags & iso9660::flag_directory))
            m_log.add(Check::RecordDot, site.lba, dir.path,
                      fmt::format("'{}': the '..' record lacks the directory flag", dir.path));
        if (h.extent_location.value() == dir.lba && index != 0 && m_utf16)
            // xorriso (libisofs) writes Joliet trees so; readers find parents by path.
            m_log.add(Check::JolietDotDot, site.lba, dir.path,
                      fmt::format("'{}': the '..' record points at the folder itself (LBA {}), "
                                  "not at its parent '{}' (LBA {})",
                                  dir.path, dir.lba, parent.path, parent.lba));
        else if (h.extent_location.value() != parent.lba)
            m_log.add(Check::RecordDot, site.lba, dir.path,
                      fmt::format("'{}': the '..' record points at LBA {}, not at the parent "
                                  "folder '{}' (LBA {})",
                                  dir.path, h.extent_location.value(), parent.path, parent.lba));
        if (!m_primary) return;
        site.role = SystemUseSite::Role::DotDot;
        const auto rr = m_su.check(su, site, dir.path);
        m_walk.directories[index].parent_link = rr.parent_link;
    }

    void entry(u32 index, const WalkedDirectory& dir, const DirectoryRecordHeader& h,
               const std::string& id, std::span<const std::byte> su, const SystemUseSite& site,
               const std::string& path, std::optional<OpenMultiExtent>& open_multi,
               std::vector<Listed>& listed) {
        const bool directory = h.flags & iso9660::flag_directory;
        const bool associated = h.flags & iso9660::flag_associated;
        RecordSystemUse rr;
        if (m_primary) rr = m_su.check(su, site, path);
        // A Rock Ridge placeholder (CL) is a file record named as the folder it stands for.
        if (!associated)
            check_identifier(m_volume.ns, id, directory || rr.child_link, path, site.lba, m_log);

        bool repeat = associated;
        if (open_multi) {
            if (id == open_multi->identifier) {
                repeat = true;
                if (open_multi->length % block_size)
                    m_log.add(Check::MultiExtent, open_multi->lba, path,
                              fmt::format("'{}': an extent before the last is {} bytes, not a "
                                          "whole number of blocks (ECMA-119 6.5.1)",
                                          path, open_multi->length));
            } else {
                m_log.add(Check::MultiExtent, open_multi->lba, open_multi->path,
                          fmt::format("'{}': flagged multi-extent, but the next record is '{}'",
                                      open_multi->path, path));
            }
            open_multi.reset();
        }
        if (h.flags & iso9660::flag_multi_extent) {
            if (directory)
                m_log.add(Check::MultiExtent, site.lba, path,
                          fmt::format("'{}': a folder record flagged multi-extent", path));
            else
                open_multi = OpenMultiExtent{id, path, h.data_length.value(), site.lba};
        }
        listed.push_back({id, site.lba, directory || rr.child_link, repeat});

        if (directory) {
            add_directory(index, dir, h, id, path, rr, site.lba);
            return;
        }
        if (m_primary && dir.path_length + 1 + id.size() > max_path_bytes)
            m_log.add(Check::DirectoryDepth, site.lba, path,
                      fmt::format("'{}': a path of {} bytes, more than the {} ECMA-119 6.8.2.1 "
                                  "allows",
                                  path, dir.path_length + 1 + id.size(), max_path_bytes));
        if (rr.child_link) m_child_links.push_back({*rr.child_link, index, path, site.lba});
        const u32 length = h.data_length.value();
        if (length == 0) return; // an empty file may point anywhere
        const u64 start = h.extent_location.value();
        const u64 blocks = h.extended_attribute_length + BlockCount::for_bytes(length).value;
        if (!m_ctx.inside(start, blocks)) {
            m_log.add(Check::ExtentOutsideVolume, site.lba, path,
                      fmt::format("'{}': its data at LBA {} ({} bytes) ends past {}", path, start,
                                  length, m_ctx.end_named(start + blocks)));
            return;
        }
        m_extents.add({start, blocks, length, ExtentUse::Kind::File, path});
    }

    void add_directory(u32 index, const WalkedDirectory& dir, const DirectoryRecordHeader& h,
                       const std::string& id, const std::string& path, const RecordSystemUse& rr,
                       u64 record_lba) {
        const u64 location = h.extent_location.value();
        const auto next = static_cast<u32>(m_walk.directories.size());
        const auto [it, fresh] = m_dir_at.try_emplace(location, next);
        if (!fresh) {
            bool ancestor = false;
            for (u32 i = index;; i = m_walk.directories[i].parent) {
                if (i == it->second) ancestor = true;
                if (i == 0 || ancestor) break;
            }
            m_log.add(Check::DirectoryLoop, record_lba, path,
                      fmt::format("'{}': points at LBA {}, the extent of folder '{}'{}", path,
                                  location, m_walk.directories[it->second].path,
                                  ancestor ? ", one of its ancestors (a directory loop)" : ""));
            return;
        }
        WalkedDirectory d;
        d.lba = location;
        d.bytes = h.data_length.value();
        d.parent = index;
        d.identifier = id;
        d.path = path;
        d.depth = dir.depth + 1;
        d.path_length = dir.path_length + 1 + static_cast<u32>(id.size());
        d.relocated = rr.relocated;
        if (m_primary && d.depth == max_levels + 1)
            m_log.add(Check::DirectoryDepth, record_lba, path,
                      fmt::format("'{}' is at level {} of the ISO 9660 tree; ECMA-119 6.8.2.1 "
                                  "allows {} (Rock Ridge writers relocate deeper folders)",
                                  path, d.depth, max_levels));
        if (m_primary && d.path_length > max_path_bytes && dir.path_length <= max_path_bytes)
            m_log.add(Check::DirectoryDepth, record_lba, path,
                      fmt::format("'{}': a path of {} bytes, more than the {} ECMA-119 6.8.2.1 "
                                  "allows",
                                  path, d.path_length, max_path_bytes));
        m_walk.directories.push_back(std::move(d));
    }

    void check_order(const std::vector<Listed>& listed, const std::string& path) {
        // ECMA-119 9.3 (on UCS-2 code units for Joliet). The mkisofs family sorts Joliet
        // names by plain code units, which differs where a name holds a space or a dot;
        // both orders are accepted, a folder in neither is an error.
        std::size_t first_bad = 0;
        bool bytes_sorted = true;
        for (std::size_t k = 1; k < listed.size(); ++k) {
            const std::string& a = listed[k - 1].identifier;
            const std::string& b = listed[k].identifier;
            if (!first_bad && ecma119_less(b, a, m_utf16)) first_bad = k;
            if (b < a) bytes_sorted = false;
        }
        if (first_bad && !bytes_sorted) {
            const auto& a = listed[first_bad - 1];
            const auto& b = listed[first_bad];
            m_log.add(Check::RecordOrder, b.lba, path,
                      fmt::format("'{}': record '{}' comes after '{}', out of the order of "
                                  "ECMA-119 9.3",
                                  path, display_identifier(m_volume.ns, b.identifier),
                                  display_identifier(m_volume.ns, a.identifier)));
        }

        std::vector<const Listed*> names;
        for (const auto& l : listed)
            if (!l.repeat) names.push_back(&l);
        std::sort(names.begin(), names.end(),
                  [](const Listed* a, const Listed* b) { return a->identifier < b->identifier; });
        for (std::size_t k = 1; k < names.size(); ++k)
            if (names[k]->identifier == names[k - 1]->identifier)
                m_log.add(Check::DuplicateName, names[k]->lba,
                          child_path(path, names[k]->identifier),
                          fmt::format("'{}': two records of the folder are named '{}'", path,
                                      display_identifier(m_volume.ns, names[k]->identifier)));
        // The names readers show, computed once per record.
        std::vector<std::pair<std::string_view, const Listed*>> shown;
        shown.reserve(names.size());
        for (const Listed* l : names)
            shown.emplace_back(shown_identifier(m_volume.ns, l->identifier, l->directory), l);
        std::stable_sort(shown.begin(), shown.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t k = 1; k < shown.size(); ++k) {
            const Listed& a = *shown[k - 1].second;
            const Listed& b = *shown[k].second;
            if (shown[k].first == shown[k - 1].first && a.identifier != b.identifier)
                m_log.add(Check::DuplicateNameVersion, b.lba, child_path(path, b.identifier),
                          fmt::format("'{}': records '{}' and '{}' differ only in their version, "
                                      "and readers show them as one name",
                                      path, display_identifier(m_volume.ns, a.identifier),
                                      display_identifier(m_volume.ns, b.identifier)));
        }
    }

    /// RRIP 4.1.5: each CL points at a relocated folder (RE) that starts with its own "."
    /// record and whose ".." carries a PL back to the CL's folder.
    void check_child_links() {
        std::unordered_map<u64, std::string> targets;
        for (const auto& cl : m_child_links) {
            if (const auto [it, fresh] = targets.try_emplace(cl.target, cl.path); !fresh) {
                m_log.add(Check::RripCl, cl.record_lba, cl.path,
                          fmt::format("'{}': CL points at LBA {}, as '{}' does already", cl.path,
                                      cl.target, it->second));
                continue;
            }
            if (!m_ctx.inside(cl.target, 1)) {
                m_log.add(Check::RripCl, cl.record_lba, cl.path,
                          fmt::format("'{}': CL points at LBA {}, past {}", cl.path, cl.target,
                                      m_ctx.end_named(cl.target + 1)));
                continue;
            }
            const auto at = m_dir_at.find(cl.target);
            if (at == m_dir_at.end()) {
                m_log.add(Check::RripCl, cl.record_lba, cl.path,
                          fmt::format("'{}': CL points at LBA {}, which {} (RRIP 4.1.5.1)", cl.path,
                                      cl.target,
                                      starts_with_dot(cl.target)
                                          ? "is a folder outside the ISO 9660 tree"
                                          : "does not start with a '.' record pointing at "
                                            "itself"));
                continue;
            }
            const WalkedDirectory& target = m_walk.directories[at->second];
            if (!target.dot_ok)
                m_log.add(Check::RripCl, cl.record_lba, cl.path,
                          fmt::format("'{}': CL points at folder '{}' (LBA {}), which does not "
                                      "start with a '.' record pointing at itself",
                                      cl.path, target.path, cl.target));
            if (!target.relocated)
                m_log.add(Check::RripCl, cl.record_lba, cl.path,
                          fmt::format("'{}': CL points at folder '{}' (LBA {}), whose record "
                                      "has no RE entry (RRIP 4.1.5.3)",
                                      cl.path, target.path, cl.target));
            const WalkedDirectory& holder = m_walk.directories[cl.directory];
            if (!target.parent_link)
                m_log.add(Check::RripPl, cl.target, target.path,
                          fmt::format("'{}': relocated folder (CL from '{}') has no PL entry in "
                                      "its '..' record (RRIP 4.1.5.2)",
                                      target.path, cl.path));
            else if (*target.parent_link != holder.lba)
                m_log.add(Check::RripPl, cl.target, target.path,
                          fmt::format("'{}': PL points at LBA {}, but the CL placeholder '{}' is "
                                      "in folder '{}' (LBA {})",
                                      target.path, *target.parent_link, cl.path, holder.path,
                                      holder.lba));
        }
        for (const auto& d : m_walk.directories)
            if (d.parent_link && !targets.contains(d.lba))
                m_log.add(Check::RripPl, d.lba, d.path,
                          fmt::format("'{}': its '..' record has a PL entry, but no CL entry "
                                      "points at the folder",
                                      d.path));
    }

    bool starts_with_dot(u64 lba) const {
        try {
            const auto block = m_ctx.image.read(lba, block_size, "CL target");
            core::ByteReader in(block, {lba, "CL target"});
            const auto h = in.read<DirectoryRecordHeader>();
            const u8 id = in.read<u8>();
            return h.length > record_header && h.file_identifier_length == 1 && id == 0 &&
                   h.extent_location.value() == lba;
        } catch (const Error&) {
            return false;
        }
    }

    const SessionContext& m_ctx;
    ProblemLog& m_log;
    const NamespaceVolume& m_volume;
    ExtentMap& m_extents;
    bool m_primary;
    bool m_utf16;
    SystemUseChecker m_su;
    TreeWalk m_walk;
    std::unordered_map<u64, u32> m_dir_at; // directory extent -> index in m_walk
    std::vector<ChildLinkUse> m_child_links;
};

} // namespace

std::string NamespaceVolume::name() const {
    switch (ns) {
    case FsType::Joliet:
        return "Joliet volume";
    case FsType::Iso9660_1999:
        return "ISO 9660:1999 volume";
    default:
        return "primary volume";
    }
}

TreeWalk check_tree(const SessionContext& ctx, const NamespaceVolume& volume, ExtentMap& extents) {
    return TreeChecker(ctx, volume, extents).run();
}

} // namespace discwright::fs::import
