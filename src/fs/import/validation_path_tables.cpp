#include "fs/import/validation_path_tables.h"

#include <unordered_map>

#include "core/byte_io.h"
#include "fs/import/validation_names.h"
#include "fs/names/name_rules.h"

namespace discwright::fs::import {

namespace {

/// The largest table a volume can need: 65,535 folders (16-bit parent numbers), each with an
/// 8-byte header, an identifier of at most 255 bytes and a padding byte.
constexpr u64 max_path_table_bytes = u64{65535} * (8 + 256);

struct PathRecord {
    std::string identifier;
    u8 extended_attribute_length = 0;
    u32 location = 0;
    u16 parent = 0;
    u64 lba = 0; ///< the table block holding the record
    bool operator==(const PathRecord& o) const {
        return identifier == o.identifier &&
               extended_attribute_length == o.extended_attribute_length && location == o.location &&
               parent == o.parent;
    }
};

struct Table {
    std::string name; ///< "type L path table of the primary volume"
    u64 lba = 0;
    bool big_endian = false;
    bool optional = false;
};

class PathTableChecker {
public:
    PathTableChecker(const SessionContext& ctx, const NamespaceVolume& volume, const TreeWalk& walk,
                     ExtentMap& extents)
        : m_ctx(ctx), m_log(ctx.log), m_volume(volume), m_walk(walk), m_extents(extents),
          m_size(volume.descriptor->path_table_size.value()) {}

    void run() {
        const auto& vd = *m_volume.descriptor;
        const std::string volume = m_volume.name();
        const Table l{fmt::format("type L path table of the {}", volume), vd.type_l_path_table,
                      false, false};
        const Table m{fmt::format("type M path table of the {}", volume), vd.type_m_path_table,
                      true, false};
        const auto l_records = read(l);
        const auto m_records = read(m);
        if (l_records) validate(*l_records, l);
        if (m_records && (!l_records || *l_records != *m_records)) {
            validate(*m_records, m);
            if (l_records) mismatch(*l_records, *m_records, l, m);
        }
        for (const auto& [lba, big_endian] :
             {std::pair<u64, bool>{vd.optional_type_l_path_table, false},
              std::pair<u64, bool>{vd.optional_type_m_path_table, true}}) {
            const Table opt{fmt::format("optional type {} path table of the {}",
                                        big_endian ? 'M' : 'L', volume),
                            lba, big_endian, true};
            const auto& main = big_endian ? m_records : l_records;
            const Table& main_table = big_endian ? m : l;
            if (auto records = read(opt); records && main && *records != *main)
                mismatch(*main, *records, main_table, opt);
        }
    }

private:
    std::optional<std::vector<PathRecord>> read(const Table& t) {
        if (t.lba == 0) {
            if (!t.optional)
                m_log.add(Check::PathTableLocation, m_volume.descriptor_lba, {},
                          fmt::format("the {} is missing (its location is 0)", t.name));
            return std::nullopt;
        }
        if (m_size == 0) {
            if (!t.optional)
                m_log.add(Check::PathTableRecord, m_volume.descriptor_lba, {},
                          fmt::format("the {} has a size of 0; it needs at least the root's "
                                      "record",
                                      t.name));
            return std::nullopt;
        }
        if (m_size > max_path_table_bytes) {
            if (!t.optional)
                m_log.add(Check::PathTableRecord, m_volume.descriptor_lba, {},
                          fmt::format("the {} has a size of {} bytes, more than 65,535 folders "
                                      "can fill ({})",
                                      t.name, m_size, max_path_table_bytes));
            return std::nullopt;
        }
        const u64 blocks = BlockCount::for_bytes(m_size).value;
        if (!m_ctx.inside(t.lba, blocks)) {
            m_log.add(Check::PathTableLocation, t.lba, {},
                      fmt::format("the {} at LBA {} ({} bytes) ends past {}", t.name, t.lba, m_size,
                                  m_ctx.end_named(t.lba + blocks)));
            return std::nullopt;
        }
        m_extents.add({t.lba, blocks, m_size, ExtentUse::Kind::PathTable, t.name});
        std::vector<std::byte> bytes;
        try {
            bytes = m_ctx.image.read(t.lba, m_size, "path table");
        } catch (const Error& e) {
            m_log.add(
                Check::ReadFailure, t.lba, {},
                fmt::format("the {} at LBA {} cannot be read: {}", t.name, t.lba, e.message()));
            return std::nullopt;
        }
        std::vector<PathRecord> records;
        core::ByteReader in(bytes, {t.lba, "path table"});
        bool reported_padding = false;
        while (in.remaining() > 0) {
            const u64 lba = t.lba + in.position() / block_size;
            const auto bad = [&](std::string why) {
                m_log.add(Check::PathTableRecord, lba, {},
                          fmt::format("the {}: record {} at offset {} {} (ECMA-119 9.4)", t.name,
                                      records.size() + 1, in.position(), why));
            };
            if (in.remaining() < sizeof(iso9660::LPathTableRecordHeader)) {
                bad(fmt::format("has only {} bytes left in the table's {}", in.remaining(),
                                m_size));
                break;
            }
            PathRecord r;
            r.lba = lba;
            u8 id_length = 0;
            if (t.big_endian) {
                const auto h = in.read<iso9660::MPathTableRecordHeader>();
                id_length = h.directory_identifier_length;
                r.extended_attribute_length = h.extended_attribute_length;
                r.location = h.extent_location;
                r.parent = h.parent_directory_number;
            } else {
                const auto h = in.read<iso9660::LPathTableRecordHeader>();
                id_length = h.directory_identifier_length;
                r.extended_attribute_length = h.extended_attribute_length;
                r.location = h.extent_location;
                r.parent = h.parent_directory_number;
            }
            const std::size_t padded = id_length + (id_length % 2);
            if (id_length == 0) {
                bad("has an identifier length of 0");
                break;
            }
            if (padded > in.remaining()) {
                bad(fmt::format("needs {} bytes for its identifier, more than the table's size "
                                "leaves",
                                padded));
                break;
            }
            r.identifier = in.read_text(id_length);
            if (id_length % 2 && in.read<u8>() != 0 && !reported_padding) {
                reported_padding = true;
                m_log.add(Check::PathTablePadding, lba, {},
                          fmt::format("the {}: record {} has a padding byte that is not zero "
                                      "(ECMA-119 9.4.6)",
                                      t.name, records.size() + 1));
            }
            records.push_back(std::move(r));
        }
        return records;
    }

    std::string shown(const std::string& id) const {
        return id == std::string(1, '\0') ? "/" : display_identifier(m_volume.ns, id);
    }

    void validate(const std::vector<PathRecord>& records, const Table& t) {
        if (records.empty()) return;
        const auto& root = records[0];
        if (root.identifier != std::string(1, '\0') || root.parent != 1)
            m_log.add(Check::PathTableRecord, root.lba, "/",
                      fmt::format("the {}: the first record is not the root's (identifier 00, "
                                  "parent 1)",
                                  t.name));
        check_order(records, t);
        check_against_tree(records, t);
    }

    void check_order(const std::vector<PathRecord>& records, const Table& t) {
        // ECMA-119 6.9.1: by level, then parent number, then identifier (9.3 order; plain
        // code units are accepted as for directory records).
        const bool utf16 = m_volume.ns == FsType::Joliet;
        std::vector<u32> level(records.size(), 0);
        level[0] = 1;
        std::size_t first_bad_name = 0;
        bool bytes_sorted = true;
        for (std::size_t i = 1; i < records.size(); ++i) {
            const PathRecord& r = records[i];
            const PathRecord& prev = records[i - 1];
            if (r.parent == 0 || r.parent > i) {
                m_log.add(Check::PathTableRecord, r.lba, {},
                          fmt::format("the {}: record {} ('{}') names parent {}, not an earlier "
                                      "record",
                                      t.name, i + 1, shown(r.identifier), r.parent));
                continue;
            }
            level[i] = level[r.parent - 1] ? level[r.parent - 1] + 1 : 0;
            if (!level[i] || !level[i - 1]) continue;
            std::string why;
            if (level[i] < level[i - 1])
                why = fmt::format("at level {} follows one at level {}", level[i], level[i - 1]);
            else if (level[i] == level[i - 1] && r.parent < prev.parent)
                why =
                    fmt::format("with parent {} follows one with parent {}", r.parent, prev.parent);
            if (!why.empty()) {
                m_log.add(Check::PathTableOrder, r.lba, {},
                          fmt::format("the {}: record {} ('{}') {}", t.name, i + 1,
                                      shown(r.identifier), why));
                continue;
            }
            if (level[i] == level[i - 1] && r.parent == prev.parent) {
                if (!first_bad_name && ecma119_less(r.identifier, prev.identifier, utf16))
                    first_bad_name = i;
                if (r.identifier < prev.identifier) bytes_sorted = false;
            }
        }
        if (first_bad_name && !bytes_sorted) {
            const PathRecord& r = records[first_bad_name];
            m_log.add(Check::PathTableOrder, r.lba, {},
                      fmt::format("the {}: record {} ('{}') comes after '{}' of the same parent, "
                                  "out of name order",
                                  t.name, first_bad_name + 1, shown(r.identifier),
                                  shown(records[first_bad_name - 1].identifier)));
        }
    }

    static std::string key(u32 parent_number, const std::string& identifier) {
        std::string k;
        k.reserve(identifier.size() + 4);
        for (int shift = 24; shift >= 0; shift -= 8)
            k += static_cast<char>((parent_number >> shift) & 0xff);
        return k + identifier;
    }

    void check_against_tree(const std::vector<PathRecord>& records, const Table& t) {
        const auto& dirs = m_walk.directories;
        std::unordered_map<std::string, u32> index;
        index.reserve(records.size());
        for (u32 i = 1; i < records.size(); ++i)
            if (!index.try_emplace(key(records[i].parent, records[i].identifier), i).second)
                m_log.add(Check::PathTableEntry, records[i].lba, {},
                          fmt::format("the {}: records {} and an earlier one both name '{}' "
                                      "under parent {}",
                                      t.name, i + 1, shown(records[i].identifier),
                                      records[i].parent));
        std::vector<u32> number(dirs.size(), 0); // 1-based record number of each folder
        std::vector<bool> used(records.size(), false);
        number[0] = 1;
        used[0] = true;
        if (records[0].location != dirs[0].lba)
            m_log.add(Check::PathTableEntry, records[0].lba, "/",
                      fmt::format("the {} gives the root folder LBA {}, the volume descriptor "
                                  "LBA {}",
                                  t.name, records[0].location, dirs[0].lba));
        for (std::size_t d = 1; d < dirs.size(); ++d) {
            const WalkedDirectory& dir = dirs[d];
            if (!number[dir.parent]) continue; // its parent is missing already
            const auto it = index.find(key(number[dir.parent], dir.identifier));
            if (it == index.end()) {
                m_log.add(Check::PathTableEntry, t.lba, dir.path,
                          fmt::format("folder '{}' (LBA {}) is not in the {} under parent "
                                      "record {}",
                                      dir.path, dir.lba, t.name, number[dir.parent]));
                continue;
            }
            const PathRecord& r = records[it->second];
            used[it->second] = true;
            number[d] = it->second + 1;
            if (r.location != dir.lba)
                m_log.add(Check::PathTableEntry, r.lba, dir.path,
                          fmt::format("'{}': record {} of the {} gives LBA {}, but the folder "
                                      "is at LBA {}",
                                      dir.path, it->second + 1, t.name, r.location, dir.lba));
        }
        for (std::size_t i = 1; i < records.size(); ++i)
            if (!used[i])
                m_log.add(Check::PathTableEntry, records[i].lba, {},
                          fmt::format("the {}: record {} ('{}', LBA {}, parent {}) names no "
                                      "folder of the tree",
                                      t.name, i + 1, shown(records[i].identifier),
                                      records[i].location, records[i].parent));
    }

    void mismatch(const std::vector<PathRecord>& a, const std::vector<PathRecord>& b,
                  const Table& ta, const Table& tb) {
        std::size_t i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i])
            ++i;
        const u64 lba = i < b.size() ? b[i].lba : tb.lba;
        m_log.add(Check::PathTableMismatch, lba, {},
                  i < a.size() && i < b.size()
                      ? fmt::format("the {} (LBA {}) and the {} (LBA {}) differ from record {} "
                                    "on: '{}' LBA {} parent {} against '{}' LBA {} parent {}",
                                    ta.name, ta.lba, tb.name, tb.lba, i + 1, shown(a[i].identifier),
                                    a[i].location, a[i].parent, shown(b[i].identifier),
                                    b[i].location, b[i].parent)
                      : fmt::format("the {} (LBA {}) has {} records, the {} (LBA {}) {}", ta.name,
                                    ta.lba, a.size(), tb.name, tb.lba, b.size()));
    }

    const SessionContext& m_ctx;
    ProblemLog& m_log;
    const NamespaceVolume& m_volume;
    const TreeWalk& m_walk;
    ExtentMap& m_extents;
    u32 m_size;
};

} // namespace

void check_path_tables(const SessionContext& ctx, const NamespaceVolume& volume,
                       const TreeWalk& walk, ExtentMap& extents) {
    PathTableChecker(ctx, volume, walk, extents).run();
}

} // namespace discwright::fs::import
