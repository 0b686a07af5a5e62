#include "fs/udf/udf_tree.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstring>

#include "core/byte_io.h"
#include "fs/layout/item_data.h"

namespace discwright::fs::udf {

namespace {

/// The most blocks one rendered extent of File Entries holds, so that rendering a folder of
/// a million files never needs a buffer of its size.
constexpr u32 max_extent_blocks = 256;

/// What an ICB records, for File Entry and Extended File Entry alike (the one accessor view).
struct IcbFields {
    FileType type = FileType::Regular;
    u16 flags = 0;
    u32 uid = 0, gid = 0, permissions = 0;
    u16 links = 1;
    u64 information_length = 0;
    u64 blocks_recorded = 0;
    UnixTime access = 0, modification = 0, creation = 0;
    u64 unique_id = 0;
    std::string_view extended_attributes;
    std::string_view allocation; // allocation descriptors, or the data itself when embedded
};

/// Writes a File Entry (revisions before 2.00) or Extended File Entry into `block` and seals
/// it at `location`.
void encode_icb(std::span<std::byte> block, const IcbFields& f, bool extended, u16 version,
                u32 location) {
    IcbTag icb{};
    icb.strategy_type = 4;
    icb.maximum_number_of_entries = 1;
    icb.file_type = static_cast<u8>(f.type);
    icb.flags = f.flags;
    core::ByteWriter out(block);
    if (extended) {
        ExtendedFileEntry e{};
        e.icb_tag = icb;
        e.uid = f.uid;
        e.gid = f.gid;
        e.permissions = f.permissions;
        e.file_link_count = f.links;
        e.information_length = f.information_length;
        e.object_size = f.information_length;
        e.logical_blocks_recorded = f.blocks_recorded;
        e.access_date_and_time = timestamp(f.access);
        e.modification_date_and_time = timestamp(f.modification);
        e.creation_date_and_time = timestamp(f.creation);
        e.attribute_date_and_time = timestamp(f.modification);
        e.checkpoint = 1;
        e.implementation_identifier = implementation_identifier();
        e.unique_id = f.unique_id;
        e.length_of_extended_attributes = static_cast<u32>(f.extended_attributes.size());
        e.length_of_allocation_descriptors = static_cast<u32>(f.allocation.size());
        out.put(e);
    } else {
        FileEntry e{};
        e.icb_tag = icb;
        e.uid = f.uid;
        e.gid = f.gid;
        e.permissions = f.permissions;
        e.file_link_count = f.links;
        e.information_length = f.information_length;
        e.logical_blocks_recorded = f.blocks_recorded;
        e.access_date_and_time = timestamp(f.access);
        e.modification_date_and_time = timestamp(f.modification);
        e.attribute_date_and_time = timestamp(f.modification);
        e.checkpoint = 1;
        e.implementation_identifier = implementation_identifier();
        e.unique_id = f.unique_id;
        e.length_of_extended_attributes = static_cast<u32>(f.extended_attributes.size());
        e.length_of_allocation_descriptors = static_cast<u32>(f.allocation.size());
        out.put(e);
    }
    out.text(f.extended_attributes);
    out.text(f.allocation);
    const std::size_t length = out.bytes_written();
    out.zeros(block.size() - length);
    seal_tag(block.first(length), extended ? TagId::ExtendedFileEntry : TagId::FileEntry, version,
             location);
}

FileType file_type(ItemKind k) {
    switch (k) {
    case ItemKind::Directory:
        return FileType::Directory;
    case ItemKind::Symlink:
        return FileType::Symlink;
    case ItemKind::CharDevice:
        return FileType::CharacterDevice;
    case ItemKind::BlockDevice:
        return FileType::BlockDevice;
    case ItemKind::Fifo:
        return FileType::Fifo;
    case ItemKind::Socket:
        return FileType::Socket;
    default:
        return FileType::Regular;
    }
}

u16 mode_flags(u32 mode) {
    u16 f = 0;
    if (mode & S_ISUID) f |= icb_setuid;
    if (mode & S_ISGID) f |= icb_setgid;
    if (mode & S_ISVTX) f |= icb_sticky;
    return f;
}

template <class T> std::string bytes_of(const T& v) {
    std::string s(sizeof(T), '\0');
    core::ByteWriter(std::as_writable_bytes(std::span(s.data(), s.size()))).put(v);
    return s;
}

/// Allocation descriptors for `bytes` bytes at partition block `block`, split below 2^30
/// (UDF 2.3.10): short_ad in the ICB's own partition, long_ad naming `partition`.
std::string allocation_descriptors(u64 bytes, u32 block, bool long_ads, u16 partition) {
    std::string out;
    while (bytes > 0) {
        const u64 n = std::min(bytes, max_extent_bytes);
        if (long_ads) {
            LongAd ad{};
            ad.extent_length = static_cast<u32>(n);
            ad.extent_location.logical_block_number = block;
            ad.extent_location.partition_reference_number = partition;
            out += bytes_of(ad);
        } else {
            ShortAd ad{};
            ad.extent_length = static_cast<u32>(n);
            ad.extent_position = block;
            out += bytes_of(ad);
        }
        bytes -= n;
        block += static_cast<u32>(n / block_size);
    }
    return out;
}

/// FID size: ECMA-167 4/14.4, padded to a multiple of 4 (4/14.4.9).
template <class Out>
void encode_fid(Out& out, u8 characteristics, const LongAd& icb, std::string_view identifier) {
    FileIdentifierDescriptor f{};
    f.file_version_number = 1;
    f.file_characteristics = characteristics;
    f.length_of_file_identifier = static_cast<u8>(identifier.size());
    f.icb = icb;
    out.put(f);
    out.text(identifier);
    const std::size_t n = sizeof(FileIdentifierDescriptor) + identifier.size();
    out.zeros((4 - n % 4) % 4);
}
std::size_t fid_size(std::string_view identifier) {
    core::SizeCounter n;
    encode_fid(n, 0, LongAd{}, identifier);
    return n.bytes();
}

} // namespace

u32 permissions_from_mode(u32 mode) {
    // ECMA-167 4/14.9.5: other in bits 0-2, group in 5-7, owner in 10-12 (execute, write,
    // read); the change-attribute and delete bits are left clear on a read-only volume.
    return (mode & 07) | ((mode & 070) << 2) | ((mode & 0700) << 4);
}

std::string encode_symlink_target(std::string_view target) {
    std::string out;
    auto component = [&](u8 type, std::string_view name) {
        const std::string id = name.empty() ? std::string() : encode_cs0(utf8_to_utf16(name));
        PathComponentHeader h{};
        h.component_type = type;
        h.length_of_component_identifier = static_cast<u8>(std::min<std::size_t>(id.size(), 255));
        out += bytes_of(h);
        out.append(id, 0, h.length_of_component_identifier);
    };
    std::size_t i = 0;
    if (!target.empty() && target[0] == '/') {
        component(2, {}); // ECMA-167 4/14.16.1.1: the root directory
        i = 1;
    }
    while (i < target.size()) {
        std::size_t j = target.find('/', i);
        if (j == std::string_view::npos) j = target.size();
        const std::string_view part = target.substr(i, j - i);
        if (part == ".")
            component(4, {});
        else if (part == "..")
            component(3, {});
        else if (!part.empty())
            component(5, part);
        i = j + 1;
    }
    return out;
}

UdfTree::UdfTree(TreeConfig config) : m_config(config) {
    m_embed_limit = block_size - header_bytes();
}

u32 UdfTree::header_bytes() const {
    return m_config.revision >= 0x0200 ? sizeof(ExtendedFileEntry) : sizeof(FileEntry);
}

UdfTree::Listing UdfTree::list(u32 dir, const iso9660::PlanEnv* env) const {
    const ItemTree& tree = *m_tree;
    Listing l;
    std::vector<NameRequest> requests;
    tree.for_each_child(m_dirs[dir].item, [&](ItemId c) {
        requests.push_back(
            {c, tree.name(c), tree.is_dir(c) ? EntryKind::Directory : EntryKind::File});
        if (!tree.is_dir(c)) l.entries.push_back(c);
    });
    l.names = name_directory(m_rules, requests, {}, false);
    if (env)
        for (const auto& e : l.names)
            if (e.reason)
                env->report.mapped(Namespace::Udf, tree.path(e.id), std::string(tree.name(e.id)),
                                   m_rules.display(e.identifier), e.reason,
                                   ErrorCode::RestrictedNameViolation, m_config.requested);
    std::sort(l.entries.begin(), l.entries.end(),
              [&](ItemId a, ItemId b) { return tree.name(a) < tree.name(b); });
    return l;
}

const UdfTree::Listing& UdfTree::cached(u32 dir) const {
    // Callers hold m_cache_mutex.
    if (m_cached_dir != dir) {
        m_cached = list(dir, nullptr);
        m_cached_dir = dir;
    }
    return m_cached;
}

void UdfTree::plan(const iso9660::PlanEnv& env) {
    const ItemTree& tree = env.tree;
    m_tree = &tree;
    m_dirs.clear();
    m_dir_of_item.clear();
    m_extents.clear();
    m_extra_blocks.clear();
    m_link_counts.clear();
    m_file_names = 0;
    m_fe.truncate(0);
    for (std::size_t i = 0; i < tree.item_slots(); ++i)
        m_fe.push_back(0);

    const bool long_ads = m_config.metadata_partition;
    const u64 max_file_bytes = (block_size - header_bytes()) /
                               (long_ads ? sizeof(LongAd) : sizeof(ShortAd)) * max_extent_bytes;
    std::unordered_map<u32, ItemId> group_owner;
    u32 offset = 0;
    m_dirs.push_back(Dir{});
    m_dir_of_item[root_item] = 0;
    std::vector<u32> stack{0};
    while (!stack.empty()) {
        const u32 d = stack.back();
        stack.pop_back();
        Listing l = list(d, &env);
        m_dirs[d].fe = offset;
        m_fe[m_dirs[d].item] = offset++;
        u64 fid_bytes = fid_size({});
        std::vector<std::pair<std::string_view, u32>> subdirs;
        for (const auto& e : l.names) {
            fid_bytes += fid_size(e.identifier);
            if (e.kind == EntryKind::Directory) {
                Dir sub;
                sub.item = e.id;
                sub.parent = d;
                m_dir_of_item[e.id] = static_cast<u32>(m_dirs.size());
                subdirs.emplace_back(tree.name(e.id), static_cast<u32>(m_dirs.size()));
                m_dirs.push_back(sub);
                ++m_dirs[d].subdirs;
            } else {
                ++m_file_names;
            }
        }
        if (fid_bytes > 0xffff'ffffu)
            throw Error(ErrorCode::Internal, "UDF directory larger than 4 GiB");
        m_dirs[d].fid_bytes = static_cast<u32>(fid_bytes);
        // FIDs in blocks of their own even when they would fit in the File Entry: pycdlib and
        // older Windows readers do not read a folder recorded inside its ICB.
        m_dirs[d].data_blocks = static_cast<u32>(BlockCount::for_bytes(fid_bytes).value);
        offset += m_dirs[d].data_blocks;
        m_extents.push_back({d, 0, 0, m_dirs[d].fe, offset - m_dirs[d].fe, true});

        // The File Entries of the folder's other children, in chunks.
        Extent chunk{d, 0, 0, offset, 0, false};
        for (u32 i = 0; i < l.entries.size(); ++i) {
            const ItemId c = l.entries[i];
            const auto& r = tree.at(c);
            if (r.link_group) {
                ++m_link_counts[r.link_group];
                auto [it, first] = group_owner.try_emplace(r.link_group, c);
                if (!first) {
                    m_fe[c] = m_fe[it->second];
                    continue;
                }
            }
            u32 blocks = 1;
            if (r.kind == ItemKind::Symlink) {
                const u64 bytes = encode_symlink_target(tree.symlink_target(c)).size();
                if (bytes > block_size - header_bytes()) {
                    const u32 extra = static_cast<u32>(BlockCount::for_bytes(bytes).value);
                    m_extra_blocks[c] = extra;
                    blocks += extra;
                }
            }
            if (r.kind == ItemKind::File && r.size > max_file_bytes)
                env.report.problem(ErrorCode::DataTooBig,
                                   fmt::format("'{}' is {} bytes: a UDF {}.{:02x} File Entry "
                                               "records at most {} bytes",
                                               tree.path(c), r.size, m_config.revision >> 8,
                                               m_config.revision & 0xff, max_file_bytes),
                                   tree.path(c));
            if (chunk.blocks + blocks > max_extent_blocks && chunk.blocks > 0) {
                m_extents.push_back(chunk);
                chunk = Extent{d, i, 0, offset, 0, false};
            }
            m_fe[c] = offset;
            offset += blocks;
            chunk.count = i + 1 - chunk.first;
            chunk.blocks += blocks;
        }
        if (chunk.blocks > 0) m_extents.push_back(chunk);

        std::sort(subdirs.begin(), subdirs.end());
        for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it)
            stack.push_back(it->second);
    }
    m_blocks = offset;
}

u64 UdfTree::reserve_file_set(LayoutBuilder& layout) {
    const u64 start = layout.next_block();
    layout.reserve_metadata(*this, 0, 2);
    return start;
}

u64 UdfTree::reserve_icbs(LayoutBuilder& layout) {
    const u64 start = layout.next_block();
    for (u32 i = 0; i < m_extents.size(); ++i)
        layout.reserve_metadata(*this, i + 1, m_extents[i].blocks);
    if (layout.next_block() - start != m_blocks)
        throw Error(ErrorCode::Internal, fmt::format("UDF ICB area: {} blocks reserved, {} planned",
                                                     layout.next_block() - start, m_blocks));
    return start;
}

LongAd UdfTree::icb_of(ItemId id) const {
    LongAd ad{};
    ad.extent_length = block_size;
    ad.extent_location.logical_block_number = m_addr.icb_base + m_fe[id];
    ad.extent_location.partition_reference_number = m_addr.icb_partition;
    ad.implementation_unique_id = static_cast<u32>(unique_id(id));
    return ad;
}

LongAd UdfTree::file_set_location() const {
    LongAd ad{};
    ad.extent_length = block_size;
    ad.extent_location.logical_block_number = m_addr.file_set;
    ad.extent_location.partition_reference_number = m_addr.icb_partition;
    return ad;
}

std::string UdfTree::fids(u32 dir, const Listing& l, u32 first_block) const {
    const ItemTree& tree = *m_tree;
    std::string out(m_dirs[dir].fid_bytes, '\0');
    const auto bytes = std::as_writable_bytes(std::span(out.data(), out.size()));
    core::ByteWriter w(bytes);
    auto seal = [&](std::size_t at) {
        seal_tag(bytes.subspan(at, w.bytes_written() - at), TagId::FileIdentifier, tag_version(),
                 first_block + static_cast<u32>(at / block_size));
    };
    std::size_t at = 0;
    encode_fid(w, fid_parent | fid_directory, icb_of(m_dirs[m_dirs[dir].parent].item), {});
    seal(at);
    for (const auto& e : l.names) {
        at = w.bytes_written();
        u8 c = 0;
        if (e.kind == EntryKind::Directory) c |= fid_directory;
        if (tree.at(e.id).flags & item_hidden) c |= fid_hidden;
        encode_fid(w, c, icb_of(e.id), e.identifier);
        seal(at);
    }
    if (w.bytes_written() != out.size())
        throw Error(ErrorCode::Internal,
                    fmt::format("UDF directory '{}': {} FID bytes planned, {} written",
                                tree.path(m_dirs[dir].item), out.size(), w.bytes_written()));
    return out;
}

void UdfTree::render_head(const Extent& e, std::span<std::byte> out) const {
    const Dir& d = m_dirs[e.dir];
    const auto& r = m_tree->at(d.item);
    const u32 fe_block = m_addr.icb_base + d.fe;
    std::lock_guard lock(m_cache_mutex);
    const Listing& l = cached(e.dir);
    const std::string data = fids(e.dir, l, d.data_blocks ? fe_block + 1 : fe_block);
    IcbFields f;
    f.type = FileType::Directory;
    f.uid = r.uid;
    f.gid = r.gid;
    f.permissions = permissions_from_mode(r.mode);
    f.links = static_cast<u16>(std::min<u32>(1 + d.subdirs, 0xffff));
    f.information_length = data.size();
    f.access = r.access_time;
    f.modification = r.modify_time;
    f.creation = r.creation_time;
    f.unique_id = unique_id(d.item);
    std::string ads;
    if (d.data_blocks) {
        f.flags = icb_short_ad | mode_flags(r.mode);
        f.blocks_recorded = d.data_blocks;
        ads = allocation_descriptors(data.size(), fe_block + 1, false, 0);
        f.allocation = ads;
        std::memcpy(out.data() + block_size, data.data(), data.size());
    } else {
        f.flags = icb_embedded | mode_flags(r.mode);
        f.allocation = data;
    }
    encode_icb(out.first(block_size), f, m_config.revision >= 0x0200, tag_version(), fe_block);
}

void UdfTree::render_entry(ItemId id, u32 offset, std::span<std::byte> out) const {
    const ItemTree& tree = *m_tree;
    const auto& r = tree.at(id);
    const u32 fe_block = m_addr.icb_base + offset;
    IcbFields f;
    f.type = file_type(r.kind);
    f.uid = r.uid;
    f.gid = r.gid;
    f.permissions = permissions_from_mode(r.mode);
    f.access = r.access_time;
    f.modification = r.modify_time;
    f.creation = r.creation_time;
    f.unique_id = unique_id(id);
    if (r.link_group) {
        auto it = m_link_counts.find(r.link_group);
        if (it != m_link_counts.end()) f.links = it->second;
    }
    const u16 ad_type = m_config.metadata_partition ? icb_long_ad : icb_short_ad;
    std::string ads, ea;
    std::vector<std::byte> embedded;
    switch (r.kind) {
    case ItemKind::File:
        f.information_length = r.size;
        if (r.size == 0) {
            f.flags = ad_type;
        } else if (r.size <= embedded_bytes()) {
            embedded.resize(r.size);
            const StreamPtr data = open_item_data(tree, id);
            if (data->read_at(0, embedded) != embedded.size())
                throw Error(ErrorCode::DataStreamInconsistency,
                            fmt::format("'{}' became shorter than its staged {} bytes",
                                        tree.path(id), r.size))
                    .with_path(tree.path(id));
            check_item_unchanged(tree, id, *data);
            f.flags = icb_embedded;
            f.allocation = {reinterpret_cast<const char*>(embedded.data()), embedded.size()};
        } else {
            const u64 lba = m_placement->lba(id);
            f.flags = ad_type;
            f.blocks_recorded = BlockCount::for_bytes(r.size).value;
            ads = allocation_descriptors(r.size, static_cast<u32>(lba - m_addr.physical_start),
                                         m_config.metadata_partition, 0);
            f.allocation = ads;
        }
        break;
    case ItemKind::Symlink: {
        const std::string target = encode_symlink_target(tree.symlink_target(id));
        f.information_length = target.size();
        auto extra = m_extra_blocks.find(id);
        if (extra == m_extra_blocks.end()) {
            f.flags = icb_embedded;
            ads = target;
        } else {
            f.flags = icb_short_ad;
            f.blocks_recorded = extra->second;
            ads = allocation_descriptors(target.size(), fe_block + 1, false, 0);
            std::memcpy(out.data() + block_size, target.data(), target.size());
        }
        f.allocation = ads;
        break;
    }
    case ItemKind::CharDevice:
    case ItemKind::BlockDevice: {
        // ECMA-167 4/14.10.7: the device numbers as an extended attribute after the header.
        ExtendedAttributeHeaderDescriptor h{};
        h.implementation_attributes_location = 48;
        h.application_attributes_location = 48;
        DeviceSpecificationAttribute dev{};
        dev.attribute_type = 12;
        dev.attribute_subtype = 1;
        dev.attribute_length = sizeof dev;
        const u64 rdev = tree.device(id);
        dev.major_device_identification = static_cast<u32>(major(rdev));
        dev.minor_device_identification = static_cast<u32>(minor(rdev));
        ea = bytes_of(h) + bytes_of(dev);
        seal_tag(std::as_writable_bytes(std::span(ea.data(), sizeof h)),
                 TagId::ExtendedAttributeHeader, tag_version(), fe_block);
        f.extended_attributes = ea;
        f.flags = icb_embedded;
        break;
    }
    default:
        f.flags = icb_embedded;
        break;
    }
    f.flags = static_cast<u16>(f.flags | mode_flags(r.mode));
    encode_icb(out.first(block_size), f, m_config.revision >= 0x0200, tag_version(), fe_block);
}

void UdfTree::render(u32 extent, std::span<std::byte> out) const {
    std::memset(out.data(), 0, out.size());
    if (extent == 0) { // ECMA-167 4/14.1 and 4/14.2
        FileSetDescriptor fsd{};
        fsd.recording_date_and_time = timestamp(m_addr.recorded);
        fsd.interchange_level = 3;
        fsd.maximum_interchange_level = 3;
        fsd.character_set_list = 1;
        fsd.maximum_character_set_list = 1;
        fsd.logical_volume_identifier_character_set = cs0_charspec();
        fill_dstring(fsd.logical_volume_identifier, m_addr.volume_name);
        fsd.file_set_character_set = cs0_charspec();
        fill_dstring(fsd.file_set_identifier, m_addr.volume_name);
        fsd.root_directory_icb = icb_of(root_item);
        fsd.domain_identifier = domain_identifier(m_config.revision);
        core::ByteWriter(out.first(sizeof fsd)).put(fsd);
        seal_tag(out.first(sizeof fsd), TagId::FileSet, tag_version(), m_addr.file_set);
        TerminatingDescriptor td{};
        core::ByteWriter(out.subspan(block_size, sizeof td)).put(td);
        seal_tag(out.subspan(block_size, sizeof td), TagId::Terminating, tag_version(),
                 m_addr.file_set + 1);
        return;
    }
    if (extent - 1 >= m_extents.size())
        throw Error(ErrorCode::Internal, fmt::format("UDF extent {} does not exist", extent));
    const Extent& e = m_extents[extent - 1];
    if (out.size() != u64{e.blocks} * block_size)
        throw Error(ErrorCode::Internal,
                    fmt::format("UDF extent {}: {} bytes asked, {} blocks reserved", extent,
                                out.size(), e.blocks));
    if (e.head) {
        render_head(e, out);
        return;
    }
    std::vector<ItemId> items;
    {
        std::lock_guard lock(m_cache_mutex);
        const Listing& l = cached(e.dir);
        items.assign(l.entries.begin() + e.first, l.entries.begin() + e.first + e.count);
    }
    for (ItemId c : items) {
        const u32 offset = m_fe[c];
        if (offset < e.offset || offset >= e.offset + e.blocks) continue; // a later hard link
        if (m_tree->at(c).link_group) {
            // Two names of one file in this folder: the File Entry is written once, at the
            // name that placed it (the first in name order).
            bool first = true;
            for (ItemId o : items) {
                if (o == c) break;
                if (m_tree->at(o).link_group == m_tree->at(c).link_group) first = false;
            }
            if (!first) continue;
        }
        auto extra = m_extra_blocks.find(c);
        const u32 blocks = 1 + (extra == m_extra_blocks.end() ? 0 : extra->second);
        render_entry(c, offset,
                     out.subspan(u64{offset - e.offset} * block_size, u64{blocks} * block_size));
    }
}

std::vector<std::pair<ItemId, std::string>> UdfTree::child_names(ItemId dir) const {
    std::vector<std::pair<ItemId, std::string>> out;
    auto it = m_dir_of_item.find(dir);
    if (it == m_dir_of_item.end()) return out;
    std::lock_guard lock(m_cache_mutex);
    for (const auto& e : cached(it->second).names)
        out.emplace_back(e.id, m_rules.display(e.identifier));
    return out;
}

} // namespace discwright::fs::udf
