#include "fs/import/validation_descriptors.h"

#include <algorithm>
#include <string_view>

#include "core/byte_io.h"
#include "fs/import/directory_records.h"
#include "fs/import/validation_dates.h"
#include "fs/import/validation_names.h"

namespace discwright::fs::import {

namespace {

using iso9660::VolumeDescriptor;

constexpr u64 max_descriptors = 64; // as the reader: a set longer than this is damage
constexpr u8 type_boot = 0, type_primary = 1, type_supplementary = 2, type_partition = 3,
             type_terminator = 255;

enum class Kind : u8 { Primary, Joliet, Enhanced, Supplementary };

std::string_view kind_name(Kind k) {
    switch (k) {
    case Kind::Primary:
        return "primary volume descriptor";
    case Kind::Joliet:
        return "Joliet volume descriptor";
    case Kind::Enhanced:
        return "enhanced volume descriptor";
    case Kind::Supplementary:
        return "supplementary volume descriptor";
    }
    return "volume descriptor";
}

/// Joliet's escape sequences (%/@, %/C, %/E) in BP 89-120.
bool is_joliet(const VolumeDescriptor& vd) {
    const auto& e = vd.escape_sequences;
    return e[0] == '%' && e[1] == '/' && (e[2] == '@' || e[2] == 'C' || e[2] == 'E');
}

template <std::size_t N> std::string_view text_of(const std::array<char, N>& field) {
    std::string_view s(field.data(), N);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

class DescriptorChecker {
public:
    DescriptorChecker(const BlockSource& image, std::optional<u64> session_end, ProblemLog& log)
        : m_image(image), m_session_end(session_end), m_log(log) {}

    /// `primary`: the session's primary descriptor, when `vd` is another one.
    void check(const VolumeDescriptor& vd, u64 lba, Kind kind,
               const VolumeDescriptor* primary) const {
        const std::string_view what = kind_name(kind);
        const u8 version = kind == Kind::Enhanced ? 2 : 1;
        if (vd.version != version)
            m_log.add(
                Check::VdVersion, lba, {},
                fmt::format("{} at LBA {} has version {}, not {}", what, lba, vd.version, version));
        if (vd.file_structure_version != version)
            m_log.add(Check::VdVersion, lba, {},
                      fmt::format("{} at LBA {} has file structure version {}, not {} "
                                  "(ECMA-119 8.4.31)",
                                  what, lba, vd.file_structure_version, version));
        both_orders(vd.volume_space_size, "volume space size (BP 81-88)", what, lba);
        both_orders(vd.volume_set_size, "volume set size (BP 121-124)", what, lba);
        both_orders(vd.volume_sequence_number, "volume sequence number (BP 125-128)", what, lba);
        both_orders(vd.logical_block_size, "logical block size (BP 129-132)", what, lba);
        both_orders(vd.path_table_size, "path table size (BP 133-140)", what, lba);
        if (vd.logical_block_size.value() != block_size)
            m_log.add(Check::VdBlockSize, lba, {},
                      fmt::format("{} at LBA {} has a logical block size of {}, not {}", what, lba,
                                  vd.logical_block_size.value(), block_size));
        const u32 space = vd.volume_space_size.value();
        const u64 end = m_session_end.value_or(space);
        if (primary) {
            if (space != primary->volume_space_size.value())
                m_log.add(Check::VdVolumeSpaceMismatch, lba, {},
                          fmt::format("{} at LBA {} has a volume space of {} blocks, the primary "
                                      "one {}",
                                      what, lba, space, primary->volume_space_size.value()));
        } else if (end > m_image.blocks()) {
            m_log.add(Check::VdVolumeSpace, lba, {},
                      fmt::format("{} at LBA {} says the volume ends at block {}, but the image "
                                  "has {} blocks ({} missing)",
                                  what, lba, end, m_image.blocks(), end - m_image.blocks()));
        } else if (end <= lba) {
            m_log.add(Check::VdVolumeSpace, lba, {},
                      fmt::format("{} at LBA {} says the volume ends at block {}, before the "
                                  "descriptor itself",
                                  what, lba, end));
        }
        const u16 set_size = vd.volume_set_size.value();
        const u16 sequence = vd.volume_sequence_number.value();
        if (set_size == 0 || sequence == 0 || sequence > set_size)
            m_log.add(Check::VdVolumeSet, lba, {},
                      fmt::format("{} at LBA {} is volume {} of a set of {} (ECMA-119 8.4.10, "
                                  "8.4.11)",
                                  what, lba, sequence, set_size));
        check_root(vd, lba, what);
        const std::pair<const iso9660::VolumeDateTime*, std::string_view> dates[] = {
            {&vd.creation, "creation"},
            {&vd.modification, "modification"},
            {&vd.expiration, "expiration"},
            {&vd.effective, "effective"}};
        for (const auto& [date, name] : dates)
            if (auto why = date_problem(*date))
                m_log.add(Check::VdDate, lba, {},
                          fmt::format("{} at LBA {}: the volume {} date has {} (ECMA-119 "
                                      "8.4.26.1)",
                                      what, lba, name, *why));
        if (kind == Kind::Primary) check_identifiers(vd, lba);
    }

private:
    template <class T>
    void both_orders(const core::LeBe<T>& field, std::string_view name, std::string_view what,
                     u64 lba) const {
        if (!field.consistent())
            m_log.add(Check::VdBothByteOrder, lba, {},
                      fmt::format("{} at LBA {}: the {} reads {} little-endian but {} big-endian",
                                  what, lba, name, T(field.le), T(field.be)));
    }

    void check_root(const VolumeDescriptor& vd, u64 lba, std::string_view what) const {
        const auto root = root_record(vd);
        both_orders(root.extent_location, "root record's extent location", what, lba);
        both_orders(root.data_length, "root record's data length", what, lba);
        both_orders(root.volume_sequence_number, "root record's volume sequence number", what, lba);
        std::string why;
        if (root.length != 34)
            why = fmt::format("its length is {}, not 34", root.length);
        else if (root.file_identifier_length != 1 || vd.root_directory_record[33] != 0)
            why = "its identifier is not the single byte 00";
        else if (!(root.flags & iso9660::flag_directory))
            why = "it lacks the directory flag";
        if (!why.empty())
            m_log.add(Check::VdRootRecord, lba, "/",
                      fmt::format("{} at LBA {}: the root directory record is malformed: {} "
                                  "(ECMA-119 8.4.18)",
                                  what, lba, why));
    }

    enum class Charset : u8 { A, D, FileId, AOrFile };

    template <std::size_t N>
    void identifier(const std::array<char, N>& field, Charset set, std::string_view name,
                    u64 lba) const {
        std::string_view s = text_of(field);
        auto file_char = [](char c) { return is_d_character(c) || c == '.' || c == ';'; };
        bool ok = true;
        if (set == Charset::AOrFile && !s.empty() && s.front() == '_') {
            // ECMA-119 8.4.20: 5F then the identifier of a file in the root.
            ok = std::all_of(s.begin() + 1, s.end(), file_char);
        } else if (set == Charset::A || set == Charset::AOrFile) {
            ok = std::all_of(s.begin(), s.end(), is_a_character);
        } else if (set == Charset::D) {
            ok = std::all_of(s.begin(), s.end(), is_d_character);
        } else {
            ok = std::all_of(s.begin(), s.end(), file_char);
        }
        if (!ok)
            m_log.add(Check::VdIdentifier, lba, {},
                      fmt::format("primary volume descriptor at LBA {}: the {} '{}' has "
                                  "characters outside the {} (ECMA-119 7.4, 8.4)",
                                  lba, name, display_identifier(FsType::Iso9660, s),
                                  set == Charset::D        ? "d-characters A-Z 0-9 _"
                                  : set == Charset::FileId ? "characters of a file identifier"
                                                           : "a-characters"));
    }

    void check_identifiers(const VolumeDescriptor& vd, u64 lba) const {
        identifier(vd.system_identifier, Charset::A, "system identifier", lba);
        identifier(vd.volume_identifier, Charset::D, "volume identifier", lba);
        identifier(vd.volume_set_identifier, Charset::D, "volume set identifier", lba);
        identifier(vd.publisher_identifier, Charset::AOrFile, "publisher identifier", lba);
        identifier(vd.data_preparer_identifier, Charset::AOrFile, "data preparer identifier", lba);
        identifier(vd.application_identifier, Charset::AOrFile, "application identifier", lba);
        identifier(vd.copyright_file_identifier, Charset::FileId, "copyright file identifier", lba);
        identifier(vd.abstract_file_identifier, Charset::FileId, "abstract file identifier", lba);
        identifier(vd.bibliographic_file_identifier, Charset::FileId,
                   "bibliographic file identifier", lba);
    }

    const BlockSource& m_image;
    std::optional<u64> m_session_end;
    ProblemLog& m_log;
};

} // namespace

CheckedDescriptors check_descriptors(const BlockSource& image, u64 session_start,
                                     std::optional<u64> session_end, ProblemLog& log) {
    CheckedDescriptors out;
    out.first_lba = session_start + 16;
    DescriptorChecker checker(image, session_end, log);
    bool terminated = false;
    u64 i = 0;
    for (; i < max_descriptors; ++i) {
        const u64 lba = out.first_lba + i;
        if (!image.contains(lba, block_size)) {
            if (i == 0)
                log.add(Check::VolumeRecognition, lba, {},
                        fmt::format("no volume descriptor at LBA {}: the image has only {} "
                                    "blocks",
                                    lba, image.blocks()));
            else
                log.add(Check::VdTerminator, lba, {},
                        fmt::format("the volume descriptor set runs into the image's end at LBA "
                                    "{} without a set terminator (ECMA-119 8.3)",
                                    lba));
            break;
        }
        const auto block = image.read(lba, block_size, "volume descriptor");
        core::ByteReader in(block, {lba, "volume descriptor"});
        const auto vd = in.read<VolumeDescriptor>();
        if (std::string_view(vd.standard_identifier.data(), 5) != "CD001") {
            if (i == 0)
                log.add(Check::VolumeRecognition, lba, {},
                        fmt::format("no ISO 9660 volume descriptor at LBA {} (no 'CD001'): not "
                                    "an ISO 9660 image",
                                    lba));
            else
                log.add(Check::VdTerminator, lba, {},
                        fmt::format("LBA {} is not a volume descriptor (no 'CD001'), and no set "
                                    "terminator came before it (ECMA-119 8.3)",
                                    lba));
            break;
        }
        if (i == 0 && vd.type != type_primary) {
            log.add(Check::VolumeRecognition, lba, {},
                    fmt::format("the first volume descriptor (LBA {}) is of type {}, not a "
                                "primary volume descriptor",
                                lba, vd.type));
            break;
        }
        const VolumeDescriptor* primary = out.primary ? &*out.primary : nullptr;
        switch (vd.type) {
        case type_terminator:
            if (vd.version != 1)
                log.add(Check::VdVersion, lba, {},
                        fmt::format("volume descriptor set terminator at LBA {} has version {}, "
                                    "not 1",
                                    lba, vd.version));
            terminated = true;
            break;
        case type_primary:
            if (out.primary) {
                log.add(Check::VdType, lba, {},
                        fmt::format("LBA {} holds a second primary volume descriptor (the first "
                                    "is at LBA {}); readers use the first",
                                    lba, out.primary_lba));
                break;
            }
            checker.check(vd, lba, Kind::Primary, nullptr);
            out.primary = vd;
            out.primary_lba = lba;
            break;
        case type_supplementary: {
            // ISO 9660:1999 marks its enhanced volume descriptor with version 2 (and file
            // structure version 2); Joliet is a supplementary one with UCS-2 escapes.
            Kind kind = vd.version == 2 ? Kind::Enhanced
                        : is_joliet(vd) ? Kind::Joliet
                                        : Kind::Supplementary;
            checker.check(vd, lba, kind, primary);
            if (kind == Kind::Enhanced && !out.enhanced) {
                out.enhanced = vd;
                out.enhanced_lba = lba;
            } else if (kind == Kind::Joliet && !out.joliet) {
                out.joliet = vd;
                out.joliet_lba = lba;
            }
            break;
        }
        case type_boot:
        case type_partition:
            if (vd.version != 1)
                log.add(Check::VdVersion, lba, {},
                        fmt::format("{} descriptor at LBA {} has version {}, not 1",
                                    vd.type == type_boot ? "boot record" : "volume partition", lba,
                                    vd.version));
            break;
        default:
            log.add(Check::VdType, lba, {},
                    fmt::format("volume descriptor at LBA {} has type {}, which ECMA-119 8.1 "
                                "does not define",
                                lba, vd.type));
            break;
        }
        if (terminated) break;
    }
    if (i == max_descriptors)
        log.add(Check::VdTerminator, out.first_lba + i, {},
                fmt::format("no set terminator among the {} volume descriptors from LBA {}",
                            max_descriptors, out.first_lba));
    out.blocks = std::min<u64>(i + (terminated ? 1 : 0), max_descriptors);
    return out;
}

} // namespace discwright::fs::import
