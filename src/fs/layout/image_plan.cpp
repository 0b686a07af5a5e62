#include "fs/layout/image_plan.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <exception>
#include <thread>

#include "core/byte_io.h"
#include "fs/iso9660/dates.h"
#include "fs/names/name_rules.h"

namespace discwright::fs {

namespace {

using iso9660::VolumeDescriptor;

constexpr std::string_view system_identifier = "LINUX";
constexpr std::string_view application_identifier = "DISCWRIGHT 0.1";
constexpr u32 joliet_path_limit = 240; // Joliet specification: path length in UCS-2 units

template <std::size_t N> void fill_text(std::array<char, N>& field, std::string_view s) {
    field.fill(' ');
    for (std::size_t i = 0; i < std::min(N, s.size()); ++i)
        field[i] = s[i];
}

template <std::size_t N> void fill_ucs2(std::array<char, N>& field, std::u16string_view s) {
    // Joliet identifiers: UCS-2 big-endian, padded with UCS-2 spaces.
    for (std::size_t i = 0; i + 1 < N; i += 2) {
        char16_t c = i / 2 < s.size() ? s[i / 2] : u' ';
        field[i] = static_cast<char>(c >> 8);
        field[i + 1] = static_cast<char>(c & 0xff);
    }
    if (N % 2) field[N - 1] = 0;
}

constexpr UnixTime earliest_recordable = -2208988800; // 1900-01-01, ECMA-119 9.1.5
constexpr UnixTime latest_recordable = 5869583999;    // 2155-12-31

/// The identifier fields of a volume descriptor, in its character set (`fill` writes one field:
/// bytes, or UCS-2 for Joliet). Fields discwright has nothing for are left blank.
template <class Text, class Fill>
void fill_identifiers(VolumeDescriptor& vd, Fill fill, Text system, Text volume, Text application) {
    fill(vd.system_identifier, system);
    fill(vd.volume_identifier, volume);
    fill(vd.volume_set_identifier, Text{});
    fill(vd.publisher_identifier, Text{});
    fill(vd.data_preparer_identifier, Text{});
    fill(vd.application_identifier, application);
    fill(vd.copyright_file_identifier, Text{});
    fill(vd.abstract_file_identifier, Text{});
    fill(vd.bibliographic_file_identifier, Text{});
}

void check_items(const ItemTree& tree, const ImageOptions& o, PlanReport& report) {
    for (ItemId id = 0; id < tree.item_slots(); ++id) {
        if (!tree.is_live(id)) continue;
        const auto& r = tree.at(id);
        for (UnixTime t : {r.modify_time, r.access_time, r.creation_time})
            if (t < earliest_recordable || t > latest_recordable) {
                report.warning(fmt::format("'{}' has a time ({} s since 1970) outside 1900-2155; "
                                           "it is recorded as the nearest of those years",
                                           tree.path(id), t),
                               tree.path(id), ErrorCode::InvalidDate);
                break;
            }
        if (o.iso_level >= 3 || r.kind != ItemKind::File) continue;
        if (r.size > iso9660::max_extent_bytes)
            report.problem(ErrorCode::DataTooBig,
                           fmt::format("'{}' is {} bytes: ISO 9660 level {} records at most {} "
                                       "bytes per file; use level 3 (--iso-level 3)",
                                       tree.path(id), tree.at(id).size, o.iso_level,
                                       iso9660::max_extent_bytes),
                           tree.path(id));
    }
}

} // namespace

std::string iso_volume_identifier(std::string_view name) {
    // ECMA-119 8.4.6: d-characters; one '_' per character that is not one.
    std::string out;
    for (std::size_t i = 0; i < name.size() && out.size() < 32; ++i) {
        char c = name[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        bool d = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        out += d ? c : '_';
        if (static_cast<unsigned char>(name[i]) >= 0xc0)
            while (i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xc0) == 0x80)
                ++i;
    }
    return out;
}

std::u16string joliet_volume_identifier(std::string_view name) {
    std::u16string s = utf8_to_utf16(name);
    if (s.size() > 16) s.resize(s[15] >= 0xd800 && s[15] < 0xdc00 ? 15 : 16);
    return s;
}

std::string default_volume_name(UnixTime now) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}{:02}{:02}_{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min);
}

std::shared_ptr<ImagePlan> ImagePlan::build(const PlanRequest& req) {
    std::shared_ptr<ImagePlan> plan(new ImagePlan());
    ImagePlan& p = *plan;
    p.m_tree = req.tree;
    p.m_options = req.options;
    p.m_now = req.now;
    const ImageOptions& o = p.m_options;
    const ItemTree& tree = *p.m_tree;
    const int level = o.iso_level;

    p.m_volume_id = o.volume_name.empty() ? default_volume_name(req.now) : o.volume_name;

    PlanReport report(req.events, o.compliance);
    check_items(tree, o, report);
    {
        const std::string iso_id = iso_volume_identifier(p.m_volume_id);
        std::string upper = p.m_volume_id;
        for (char& c : upper)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (iso_id != upper)
            report.mapped(Namespace::Iso9660, "volume name", p.m_volume_id, iso_id,
                          "characters the namespace does not allow", ErrorCode::InvalidVolumeName,
                          has(o.file_systems, FsType::Iso9660));
        if (has(o.file_systems, FsType::Joliet) && utf8_to_utf16(p.m_volume_id).size() > 16)
            report.mapped(Namespace::Joliet, "volume name", p.m_volume_id,
                          utf16_to_utf8(joliet_volume_identifier(p.m_volume_id)),
                          "truncated to the namespace's length limit",
                          ErrorCode::InvalidVolumeName);
    }

    // ECMA-119 requires the primary volume descriptor and its tree in every ECMA-119 image;
    // Rock Ridge lives on that tree. Joliet and 9660:1999 are extra trees over the same file
    // data. UDF alone makes an image without any (what IMAPI writes for FsiFileSystemUDF).
    const bool ecma119 =
        level == 4 || has(o.file_systems, FsType::Iso9660 | FsType::Joliet | FsType::RockRidge |
                                              FsType::Iso9660_1999);
    if (has(o.file_systems, FsType::Udf)) {
        udf::VolumeConfig u;
        u.revision = static_cast<udf::Revision>(o.udf_revision);
        u.redundant_metadata = o.udf_metadata_copies == UdfMetadataCopies::Two;
        u.embed_file_data = !ecma119;
        u.volume_name = p.m_volume_id;
        u.recorded = o.volume_date.value_or(req.now);
        p.m_udf = std::make_unique<udf::UdfVolume>(std::move(u));
        if (utf8_to_utf16(p.m_volume_id) != udf::UdfVolume::volume_identifier(p.m_volume_id))
            report.mapped(Namespace::Udf, "volume name", p.m_volume_id,
                          utf16_to_utf8(udf::UdfVolume::volume_identifier(p.m_volume_id)),
                          "truncated to the namespace's length limit",
                          ErrorCode::InvalidVolumeName);
    }
    iso9660::TreeConfig iso{Namespace::Iso9660};
    iso.rock_ridge = has(o.file_systems, FsType::RockRidge);
    iso.relocate_deep = true;
    iso.multi_extent = level >= 3;
    iso.max_file_units = level == 1 ? 14 : 33;
    iso.requested = has(o.file_systems, FsType::Iso9660);
    if (ecma119)
        p.m_iso = std::make_unique<iso9660::DirectoryTreeWriter>(
            iso, std::make_unique<Iso9660NameRules>(std::min(level, 3)));
    if (has(o.file_systems, FsType::Joliet)) {
        iso9660::TreeConfig j{Namespace::Joliet};
        j.utf16 = true;
        j.path_limit = joliet_path_limit;
        j.multi_extent = level >= 3;
        p.m_joliet = std::make_unique<iso9660::DirectoryTreeWriter>(
            j, std::make_unique<JolietNameRules>(o.joliet_names == JolietNames::Long ? 103 : 64));
    }
    if (level == 4 || has(o.file_systems, FsType::Iso9660_1999)) {
        iso9660::TreeConfig v{Namespace::Iso9660_1999};
        v.multi_extent = true;
        p.m_iso1999 = std::make_unique<iso9660::DirectoryTreeWriter>(
            v, std::make_unique<Iso9660v2NameRules>());
    }

    // The trees are planned at once: ISO 9660 here, the others on a second thread, which
    // holds its events until the ISO 9660 ones have gone out, so their order never varies.
    PlanReport other_report = PlanReport::held(o.compliance);
    std::exception_ptr other_failure;
    std::thread other;
    if (p.m_joliet || p.m_iso1999 || (p.m_udf && p.m_iso))
        other = std::thread([&] {
            try {
                iso9660::PlanEnv env{tree, req.now, other_report};
                for (auto* w : {p.m_joliet.get(), p.m_iso1999.get()})
                    if (w) w->plan(env);
                if (p.m_udf && p.m_iso) p.m_udf->plan(env);
            } catch (...) {
                other_failure = std::current_exception();
            }
        });
    std::exception_ptr iso_failure;
    try {
        iso9660::PlanEnv env{tree, req.now, report};
        if (p.m_iso)
            p.m_iso->plan(env);
        else
            p.m_udf->plan(env);
    } catch (...) {
        iso_failure = std::current_exception();
    }
    if (other.joinable()) other.join();
    if (iso_failure) std::rethrow_exception(iso_failure);
    if (other_failure) std::rethrow_exception(other_failure);
    other_report.flush_into(report);
    report.throw_if_problems();

    LayoutBuilder layout(o.session_start_block);
    layout.reserve_zero(16); // ECMA-119 6.2.1, ECMA-167 2/8.3.1: system area
    if (p.m_iso) {
        const u32 descriptors = 2 + (p.m_joliet ? 1 : 0) + (p.m_iso1999 ? 1 : 0);
        layout.reserve_metadata(p, 0, descriptors);
    }
    if (p.m_udf) {
        p.m_udf->reserve_head(layout);
        p.m_udf->reserve_partition_start(layout);
    }
    for (auto* w : {p.m_iso.get(), p.m_joliet.get(), p.m_iso1999.get()})
        if (w) w->reserve(layout);
    if (p.m_udf) p.m_udf->reserve_file_set(layout);
    p.m_placement.place(tree, layout, o.session_start_block,
                        p.m_udf ? p.m_udf->embedded_bytes() : 0);
    if (p.m_udf) p.m_udf->reserve_tail(layout, &p.m_placement);
    for (auto* w : {p.m_iso.get(), p.m_joliet.get(), p.m_iso1999.get()})
        if (w) w->set_placement(&p.m_placement);
    p.m_end = layout.next_block();
    p.m_start = o.session_start_block;
    p.m_segments = layout.take_segments();
    p.m_renderers = layout.renderers();
    return plan;
}

const iso9660::DirectoryTreeWriter* ImagePlan::tree_writer(Namespace ns) const {
    switch (ns) {
    case Namespace::Iso9660:
    case Namespace::RockRidge:
        return m_iso.get();
    case Namespace::Joliet:
        return m_joliet.get();
    case Namespace::Iso9660_1999:
        return m_iso1999.get();
    case Namespace::Udf:
        return nullptr;
    }
    return nullptr;
}

void ImagePlan::render(u32, std::span<std::byte> out) const {
    std::memset(out.data(), 0, out.size());
    const auto created = iso9660::volume_date(m_options.volume_date.value_or(m_now));
    const auto unspecified = iso9660::unspecified_volume_date();
    auto common = [&](VolumeDescriptor& vd, u8 type, u8 version) {
        vd.type = type;
        std::memcpy(vd.standard_identifier.data(), "CD001", 5);
        vd.version = version;
        vd.volume_space_size = static_cast<u32>(m_end);
        vd.volume_set_size = 1;
        vd.volume_sequence_number = 1;
        vd.logical_block_size = static_cast<u16>(block_size);
        vd.creation = vd.modification = created;
        vd.expiration = vd.effective = unspecified;
        vd.file_structure_version = version;
    };
    const auto text = [](auto& field, std::string_view s) { fill_text(field, s); };
    const auto ucs2 = [](auto& field, std::u16string_view s) { fill_ucs2(field, s); };
    std::size_t at = 0;
    auto emit = [&](const VolumeDescriptor& vd) {
        core::ByteWriter w(out.subspan(at, block_size));
        w.put(vd);
        at += block_size;
    };

    { // ECMA-119 8.4: primary volume descriptor
        VolumeDescriptor vd{};
        common(vd, 1, 1);
        const std::string volume = iso_volume_identifier(m_volume_id);
        fill_identifiers<std::string_view>(vd, text, system_identifier, volume,
                                           application_identifier);
        m_iso->fill_descriptor(vd);
        // Spaces, as mkisofs and xorriso leave it: implantisomd5 and our own implant take a
        // blank application use area only.
        vd.application_use.fill(' ');
        emit(vd);
    }
    if (m_joliet) { // Joliet: a supplementary volume descriptor with UCS-2 level 3 escapes
        VolumeDescriptor vd{};
        common(vd, 2, 1);
        const std::u16string volume = joliet_volume_identifier(m_volume_id);
        fill_identifiers<std::u16string_view>(vd, ucs2, u"LINUX", volume, u"DISCWRIGHT 0.1");
        vd.escape_sequences[0] = '%'; // Joliet: UCS-2 level 3
        vd.escape_sequences[1] = '/';
        vd.escape_sequences[2] = 'E';
        m_joliet->fill_descriptor(vd);
        emit(vd);
    }
    if (m_iso1999) { // ISO 9660:1999 8.5: enhanced volume descriptor (version 2)
        VolumeDescriptor vd{};
        common(vd, 2, 2);
        std::size_t cut = std::min<std::size_t>(m_volume_id.size(), 32);
        while (cut > 0 && cut < m_volume_id.size() &&
               (static_cast<unsigned char>(m_volume_id[cut]) & 0xc0) == 0x80)
            --cut; // never split a UTF-8 sequence
        const std::string volume = m_volume_id.substr(0, cut);
        fill_identifiers<std::string_view>(vd, text, system_identifier, volume,
                                           application_identifier);
        m_iso1999->fill_descriptor(vd);
        emit(vd);
    }
    // ECMA-119 8.3: volume descriptor set terminator
    iso9660::VolumeDescriptorSetTerminator t{};
    t.type = 255;
    std::memcpy(t.standard_identifier.data(), "CD001", 5);
    t.version = 1;
    core::ByteWriter w(out.subspan(at, block_size));
    w.put(t);
}

} // namespace discwright::fs
