// ImageReader and ImageTree (include/discwright/image_reader.h).

#include "discwright/image_reader.h"

#include <algorithm>

#include "fs/import/block_source.h"
#include "fs/import/directory_records.h"
#include "fs/import/extent_stream.h"
#include "fs/import/tree_reader.h"
#include "fs/import/udf_reader.h"
#include "fs/import/volume_descriptors.h"

namespace discwright {

namespace {

VolumeInfo udf_volume_info(const fs::import::UdfVolume& udf) {
    VolumeInfo v;
    v.type = FsType::Udf;
    v.volume_id = udf.volume_id;
    v.volume_set_id = udf.logical_volume_id;
    v.volume_space_blocks = std::max(udf.end_block, udf.anchor_block + 1);
    return v;
}

} // namespace

std::string ImageTree::path(u32 index) const {
    if (index == 0) return "/";
    std::vector<u32> chain;
    for (u32 i = index; i != 0; i = m_entries.at(i).parent) {
        // read_tree puts parents first; a tree made by hand may not, or may loop.
        if (chain.size() >= m_entries.size())
            throw Error(ErrorCode::InvalidParam,
                        fmt::format("image tree: entry {} has a loop in its parents", index));
        chain.push_back(i);
    }
    std::string p;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        p += "/" + m_entries[*it].name;
    return p;
}

std::optional<u32> ImageTree::find(std::string_view path) const {
    if (m_entries.empty()) return std::nullopt;
    u32 at = 0;
    while (!path.empty()) {
        while (!path.empty() && path.front() == '/')
            path.remove_prefix(1);
        if (path.empty()) break;
        const auto slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
        const ImageEntry& dir = m_entries[at];
        if (dir.type != FsiItemType::Directory) return std::nullopt;
        if (u64{dir.first_child} + dir.child_count > m_entries.size()) return std::nullopt;
        const auto begin = m_entries.begin() + dir.first_child;
        const auto end = begin + dir.child_count;
        auto it = std::lower_bound(
            begin, end, part, [](const ImageEntry& e, std::string_view n) { return e.name < n; });
        if (it == end || it->name != part) return std::nullopt;
        at = static_cast<u32>(it - m_entries.begin());
    }
    return at;
}

std::size_t ImageTree::file_count() const {
    return static_cast<std::size_t>(
        std::count_if(m_entries.begin(), m_entries.end(),
                      [](const auto& e) { return e.type != FsiItemType::Directory; }));
}

std::size_t ImageTree::directory_count() const {
    if (m_entries.empty()) return 0;
    return m_entries.size() - 1 - file_count();
}

ImageReader::ImageReader(StreamPtr image, ReaderOptions options) : m_image(std::move(image)) {
    fs::import::BlockSource source(*m_image);
    m_sessions = fs::import::find_sessions(source);
    std::optional<fs::import::DescriptorSet> set;
    bool unlisted = false;
    if (options.session_start) {
        set = fs::import::read_descriptor_set(source, *options.session_start);
        if (!set)
            throw Error(ErrorCode::NoValidVolumeDescriptor,
                        fmt::format("{}: no ISO 9660 volume descriptor at LBA {} (session start "
                                    "{} + 16)",
                                    m_image->description(), *options.session_start + 16,
                                    *options.session_start))
                .with_lba(*options.session_start + 16);
        auto it = std::find_if(m_sessions.begin(), m_sessions.end(), [&](const ImageSession& s) {
            return s.start_block == *options.session_start;
        });
        if (it != m_sessions.end()) {
            m_session = *it;
        } else {
            // A session the chain cannot reach (on a disc, the drive's table of contents names
            // it): listed with the others.
            m_session.start_block = *options.session_start;
            m_session.end_block = set->primary->volume_space_size.value();
            unlisted = true;
        }
    } else {
        if (m_sessions.empty()) {
            // No ISO 9660: a UDF volume alone (what IMAPI writes for FsiFileSystemUDF).
            if (auto udf = fs::import::find_udf_volume(source, 0)) {
                m_session.start_block = 0;
                // The whole image: the partition, and the anchor after it.
                m_session.end_block = std::max(udf->end_block, udf->anchor_block + 1);
                m_session.file_systems = FsType::Udf;
                m_session.volume_id = udf->volume_id;
                m_sessions.push_back(m_session);
                m_volumes.push_back(udf_volume_info(*udf));
                return;
            }
        }
        if (m_sessions.empty())
            throw Error(ErrorCode::NoValidVolumeDescriptor,
                        fmt::format("{}: no ISO 9660 volume descriptor at LBA 16; not an ISO "
                                    "9660 image{}",
                                    m_image->description(),
                                    m_image->size() < 17 * block_size ? " (too short)" : ""))
                .with_lba(16);
        m_session = m_sessions.back();
        set = fs::import::read_descriptor_set(source, m_session.start_block);
        if (!set)
            throw Error(ErrorCode::DataStreamInconsistency,
                        fmt::format("{}: the volume descriptors of the session at LBA {} are gone "
                                    "(the image changed while it was read)",
                                    m_image->description(), m_session.start_block))
                .with_lba(m_session.start_block + 16);
    }
    m_session.file_systems = FsType::Iso9660;
    if (set->joliet) m_session.file_systems = m_session.file_systems | FsType::Joliet;
    if (set->enhanced) m_session.file_systems = m_session.file_systems | FsType::Iso9660_1999;
    try {
        if (fs::import::has_rock_ridge(source, *set->primary))
            m_session.file_systems = m_session.file_systems | FsType::RockRidge;
    } catch (const Error&) {
    }
    try {
        // A UDF volume beside ISO 9660 (the bridge); a damaged one leaves ISO 9660 readable.
        if (auto udf = fs::import::find_udf_volume(source, m_session.start_block)) {
            m_session.file_systems = m_session.file_systems | FsType::Udf;
            m_volumes.push_back(udf_volume_info(*udf));
        }
    } catch (const Error&) {
    }
    m_session.boot_catalog_lba = set->boot_catalog;
    m_volumes.push_back(fs::import::volume_info(*set->primary, FsType::Iso9660, 0));
    m_session.volume_id = m_volumes.back().volume_id;
    if (set->joliet)
        m_volumes.push_back(
            fs::import::volume_info(*set->joliet, FsType::Joliet, set->joliet_level));
    if (set->enhanced)
        m_volumes.push_back(fs::import::volume_info(*set->enhanced, FsType::Iso9660_1999, 0));
    if (unlisted) {
        m_sessions.push_back(m_session);
        std::sort(m_sessions.begin(), m_sessions.end(),
                  [](const ImageSession& a, const ImageSession& b) {
                      return a.start_block < b.start_block;
                  });
    }
}

std::vector<ImageSession> ImageReader::find_sessions(const Stream& image) {
    return fs::import::find_sessions(fs::import::BlockSource(image));
}

FsType ImageReader::default_file_system(FsType available) {
    for (FsType t :
         {FsType::RockRidge, FsType::Joliet, FsType::Iso9660_1999, FsType::Iso9660, FsType::Udf})
        if (has(available, t)) return t;
    return FsType::None;
}

const VolumeInfo& ImageReader::volume(FsType ns) const {
    const FsType want = ns == FsType::RockRidge ? FsType::Iso9660 : ns;
    for (const auto& v : m_volumes)
        if (v.type == want) return v;
    throw Error(ErrorCode::FileSystemNotFound,
                fmt::format("{}: the session at LBA {} has no {} volume (it has {})",
                            m_image->description(), m_session.start_block, to_string(ns),
                            to_string(m_session.file_systems)));
}

ImageTree ImageReader::read_tree(FsType ns, const ImportProgressHandler& progress,
                                 CancellationToken cancel) const {
    if (ns != FsType::Iso9660 && ns != FsType::RockRidge && ns != FsType::Joliet &&
        ns != FsType::Iso9660_1999 && ns != FsType::Udf)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("read_tree reads one namespace, not '{}'", to_string(ns)));
    if (!has(m_session.file_systems, ns))
        throw Error(ErrorCode::FileSystemNotFound,
                    fmt::format("{}: the session at LBA {} has no {} tree (it has {})",
                                m_image->description(), m_session.start_block, to_string(ns),
                                to_string(m_session.file_systems)));
    fs::import::BlockSource source(*m_image);
    if (ns == FsType::Udf) {
        const auto udf = fs::import::find_udf_volume(source, m_session.start_block);
        if (!udf)
            throw Error(ErrorCode::DataStreamInconsistency,
                        fmt::format("{}: the UDF volume of the session at LBA {} is gone (the "
                                    "image changed while it was read)",
                                    m_image->description(), m_session.start_block));
        return fs::import::read_udf_tree(source, *udf, progress, cancel);
    }
    // Read again, not kept: the stream is the truth, and a file may have changed since.
    const auto set = fs::import::read_descriptor_set(source, m_session.start_block);
    const std::optional<fs::iso9660::VolumeDescriptor>* vd = nullptr;
    if (set)
        vd = ns == FsType::Joliet         ? &set->joliet
             : ns == FsType::Iso9660_1999 ? &set->enhanced
                                          : &set->primary;
    if (!vd || !vd->has_value())
        throw Error(ErrorCode::DataStreamInconsistency,
                    fmt::format("{}: the {} volume descriptor of the session at LBA {} is gone "
                                "(the image changed while it was read)",
                                m_image->description(), to_string(ns), m_session.start_block))
            .with_lba(m_session.start_block + 16);
    fs::import::TreeRequest request{ns, fs::import::root_record(**vd)};
    return fs::import::read_tree(source, request, progress, cancel);
}

namespace {

void refuse_compressed(const ImageEntry& file, const std::string& path) {
    if (file.zisofs)
        throw Error(ErrorCode::FileSystemFeatureNotSupported,
                    fmt::format("'{}' is zisofs-compressed (Rock Ridge ZF), which discwright does "
                                "not decompress",
                                path))
            .with_path(path);
}

} // namespace

StreamPtr ImageReader::open(const ImageEntry& file) const {
    refuse_compressed(file, file.name);
    return std::make_shared<fs::import::ExtentStream>(m_image, file.extents, file.size, file.name);
}

StreamPtr ImageReader::open(const ImageTree& tree, u32 index) const {
    const ImageEntry& file = tree.at(index);
    refuse_compressed(file, tree.path(index));
    return std::make_shared<fs::import::ExtentStream>(m_image, file.extents, file.size,
                                                      tree.path(index));
}

} // namespace discwright
