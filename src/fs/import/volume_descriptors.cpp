#include "fs/import/volume_descriptors.h"

#include <algorithm>
#include <cstring>

#include "fs/import/directory_records.h"
#include "fs/import/system_use_reader.h"
#include "fs/iso9660/dates.h"
#include "fs/names/name_rules.h"

namespace discwright::fs::import {

namespace {

constexpr u64 max_descriptors = 64;
/// How far past a session's end the next one is looked for.
constexpr u64 max_session_gap = 512;

bool is_cd001(const std::byte* b) {
    return std::memcmp(b + 1, "CD001", 5) == 0;
}

iso9660::VolumeDescriptor as_descriptor(const std::vector<std::byte>& block) {
    iso9660::VolumeDescriptor vd;
    std::memcpy(&vd, block.data(), sizeof vd);
    return vd;
}

/// Joliet's escape sequences (%/@, %/C, %/E) name levels 1-3.
int joliet_level_of(const iso9660::VolumeDescriptor& vd) {
    const auto& e = vd.escape_sequences;
    if (e[0] != '%' || e[1] != '/') return 0;
    switch (e[2]) {
    case '@':
        return 1;
    case 'C':
        return 2;
    case 'E':
        return 3;
    default:
        return 0;
    }
}

template <std::size_t N> std::string trimmed(const std::array<char, N>& field, bool utf16) {
    std::string_view raw(field.data(), N);
    if (utf16) {
        std::string bytes(raw.substr(0, N & ~std::size_t{1}));
        std::string s = utf16_to_utf8(from_utf16be_bytes(bytes));
        while (!s.empty() && (s.back() == ' ' || s.back() == '\0'))
            s.pop_back();
        return s;
    }
    std::string s(raw);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0'))
        s.pop_back();
    return s;
}

/// The session a descriptor set describes, or nullopt when `start` + 16 holds none.
std::optional<ImageSession> session_at(const BlockSource& image, u64 start) {
    if (!image.contains(start + 16, block_size)) return std::nullopt;
    auto set = read_descriptor_set(image, start);
    if (!set) return std::nullopt;
    ImageSession s;
    s.start_block = start;
    s.end_block = set->primary->volume_space_size.value();
    s.file_systems = FsType::Iso9660;
    if (set->joliet) s.file_systems = s.file_systems | FsType::Joliet;
    if (set->enhanced) s.file_systems = s.file_systems | FsType::Iso9660_1999;
    try {
        if (has_rock_ridge(image, *set->primary))
            s.file_systems = s.file_systems | FsType::RockRidge;
    } catch (const Error&) {
        // A damaged root is reported when the tree is read; the session still exists.
    }
    s.volume_id = trimmed(set->primary->volume_identifier, false);
    s.boot_catalog_lba = set->boot_catalog;
    return s;
}

} // namespace

std::optional<DescriptorSet> read_descriptor_set(const BlockSource& image, u64 session_start) {
    DescriptorSet set;
    set.session_start = session_start;
    for (u64 i = 0; i < max_descriptors; ++i) {
        const u64 lba = session_start + 16 + i;
        if (!image.contains(lba, block_size)) break;
        const auto block = image.read(lba, block_size, "volume descriptor");
        if (!is_cd001(block.data())) break;
        const u8 type = static_cast<u8>(block[0]);
        if (i == 0 && type != 1) return std::nullopt;
        if (type == 255) {
            set.terminated = true;
            break;
        }
        if (type == 1 && !set.primary) {
            set.primary = as_descriptor(block);
            set.primary_lba = lba;
        } else if (type == 2) {
            auto vd = as_descriptor(block);
            if (vd.version == 2 && vd.file_structure_version == 2) {
                if (!set.enhanced) {
                    set.enhanced = vd;
                    set.enhanced_lba = lba;
                }
            } else if (int level = joliet_level_of(vd); level && !set.joliet) {
                set.joliet = vd;
                set.joliet_lba = lba;
                set.joliet_level = level;
            }
        } else if (type == 0) {
            // El Torito 2.0: "EL TORITO SPECIFICATION" at BP 8, the catalog's LBA at BP 72.
            if (std::memcmp(block.data() + 7, "EL TORITO SPECIFICATION", 23) == 0) {
                u32 catalog = 0;
                for (int k = 3; k >= 0; --k)
                    catalog = (catalog << 8) | static_cast<u8>(block[71 + k]);
                set.boot_catalog = catalog;
            }
        }
    }
    if (!set.primary) return std::nullopt;
    return set;
}

VolumeInfo volume_info(const iso9660::VolumeDescriptor& vd, FsType type, int joliet_level) {
    const bool utf16 = type == FsType::Joliet;
    VolumeInfo v;
    v.type = type;
    v.volume_id = trimmed(vd.volume_identifier, utf16);
    v.system_id = trimmed(vd.system_identifier, utf16);
    v.volume_set_id = trimmed(vd.volume_set_identifier, utf16);
    v.publisher_id = trimmed(vd.publisher_identifier, utf16);
    v.data_preparer_id = trimmed(vd.data_preparer_identifier, utf16);
    v.application_id = trimmed(vd.application_identifier, utf16);
    v.volume_space_blocks = vd.volume_space_size.value();
    const auto root = root_record(vd);
    v.root_lba = root.extent_location.value();
    v.root_bytes = root.data_length.value();
    v.creation_time = iso9660::unix_time(vd.creation);
    v.modification_time = iso9660::unix_time(vd.modification);
    v.expiration_time = iso9660::unix_time(vd.expiration);
    v.effective_time = iso9660::unix_time(vd.effective);
    v.joliet_level = joliet_level;
    v.path_table_bytes = vd.path_table_size.value();
    v.l_path_table_lba = vd.type_l_path_table;
    v.m_path_table_lba = vd.type_m_path_table;
    return v;
}

bool has_rock_ridge(const BlockSource& image, const iso9660::VolumeDescriptor& primary) {
    const auto root = root_record(primary);
    const u64 lba = root.extent_location.value();
    if (!image.contains(lba, block_size)) return false;
    const auto block = image.read(lba, block_size, "root folder");
    DirectoryExtent extent(block, lba, "/");
    const auto first = extent.next();
    if (!first) return false;
    return find_sp(first->system_use).has_value();
}

namespace {

/// A session the chain only guesses might be at `start`. On a disc the blocks between sessions
/// (a CD's run-out, lead-out and lead-in) cannot be read at all: a failed read there means no
/// session, not a damaged image.
std::optional<ImageSession> probe_session_at(const BlockSource& image, u64 start) {
    try {
        return session_at(image, start);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::ImportReadFailure) return std::nullopt;
        throw;
    }
}

/// The sessions from `start` on, each found past the end of the one before.
std::vector<ImageSession> session_chain(const BlockSource& image, const ImageSession& first,
                                        u64 start, bool emulated) {
    std::vector<ImageSession> sessions;
    for (int guard = 0; guard < 4096; ++guard) {
        auto s = start == 0 ? std::optional<ImageSession>(first) : session_at(image, start);
        if (!s) break;
        // A session's volume space size is its absolute end (mkisofs -C, discwright), or its
        // own size (xorriso's sessions on files): the reading that leads to the next session
        // is right; xorriso's layout is tried with sizes first, everything else with ends.
        const u64 recorded = s->end_block;
        std::vector<u64> ends;
        if (emulated) ends.push_back(start + recorded);
        if (recorded > start) ends.push_back(recorded);
        if (!emulated) ends.push_back(start + recorded);
        std::optional<u64> next;
        for (u64 end : ends) {
            // Writers pad after a session (xorriso: 300 KiB, then to 32 blocks), so the next
            // may start up to max_session_gap blocks later, on a multiple of 16.
            for (u64 candidate = end; candidate <= end + max_session_gap;
                 candidate = (candidate / 16 + 1) * 16) {
                if (candidate > start && probe_session_at(image, candidate)) {
                    next = candidate;
                    s->end_block = end;
                    break;
                }
            }
            if (next) break;
        }
        if (!next) {
            // The last session: xorriso's superblock copy knows its end; otherwise the first
            // reading that fits in the image.
            s->end_block = ends.back();
            for (auto it = ends.rbegin(); it != ends.rend(); ++it)
                if (*it <= image.blocks()) s->end_block = *it;
            if (emulated && first.end_block > start && first.end_block <= image.blocks())
                s->end_block = first.end_block;
        }
        sessions.push_back(*s);
        if (!next) break;
        start = *next;
    }
    return sessions;
}

/// The root folder's block of the session at `start`, or nullopt.
std::optional<u64> root_lba(const BlockSource& image, u64 start) {
    auto set = read_descriptor_set(image, start);
    if (!set) return std::nullopt;
    return root_record(*set->primary).extent_location.value();
}

} // namespace

std::vector<ImageSession> find_sessions(const BlockSource& image) {
    auto first = session_at(image, 0);
    if (!first) return {};
    // xorriso on overwritable media and files: sessions begin at block 32 or later, and block
    // 0 holds a copy of the newest session's superblock (its volume size is the absolute end
    // of the last session). The copy is what tells this layout from an image whose file data
    // happens to hold another ISO image at block 32.
    if (first->end_block > 32 && session_at(image, 32)) {
        // (Sessions appended later by another writer leave the copy behind: any session of
        // the chain may be the one it copies.)
        auto chain = session_chain(image, *first, 32, true);
        const auto copied = root_lba(image, 0);
        for (const auto& s : chain)
            if (root_lba(image, s.start_block) == copied) return chain;
    }
    auto chain = session_chain(image, *first, 0, false);
    if (chain.empty()) chain.push_back(*first);
    return chain;
}

} // namespace discwright::fs::import
