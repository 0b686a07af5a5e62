#include "discwright/file_system_image.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "discwright/file_system_image_result.h"
#include "fs/iso9660/dates.h"
#include "fs/item_tree.h"
#include "fs/layout/image_plan.h"
#include "fs/udf/udf_volume.h"

namespace discwright {

namespace {

/// Rough metadata cost of one item across namespaces, for the cheap check at add time; the
/// exact size comes from the layout at create_result_image().
constexpr u64 metadata_bytes_per_item = 320;
constexpr u64 fixed_metadata_blocks = 24;

void validate(const ImageOptions& o) {
    if (o.iso_level < 1 || o.iso_level > 4)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("ISO 9660 interchange level {} does not exist: use 1, 2, 3 or 4",
                                o.iso_level))
            .with_option("iso_level");
    if (u32(o.file_systems) & ~31u)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("unknown file system bits {:#x}", u32(o.file_systems)))
            .with_option("file_systems");
    const auto revisions = FileSystemImage::udf_revisions_supported();
    if (std::find(revisions.begin(), revisions.end(), o.udf_revision) == revisions.end())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("UDF revision {:#x} is not one discwright writes: use 1.02, "
                                "1.50, 2.00, 2.01, 2.50 or 2.60",
                                static_cast<unsigned>(o.udf_revision)))
            .with_option("udf_revision");
    if (has(o.file_systems, FsType::Udf) && o.session_start_block != 0)
        throw Error(ErrorCode::FileSystemFeatureNotSupported,
                    fmt::format("UDF is written only in an image that starts at block 0; this "
                                "session starts at {} (append ISO 9660 and Joliet sessions, or "
                                "make a new disc)",
                                o.session_start_block))
            .with_option("file_systems");
    if (!has(o.file_systems, FsType::Iso9660 | FsType::Joliet | FsType::RockRidge |
                                 FsType::Iso9660_1999 | FsType::Udf))
        throw Error(ErrorCode::NoOutput, "no file system to create was chosen")
            .with_option("file_systems");
    if (o.volume_name.size() > 32)
        throw Error(ErrorCode::InvalidVolumeName,
                    fmt::format("volume name '{}' has {} bytes; at most 32 fit ISO 9660",
                                o.volume_name, o.volume_name.size()))
            .with_option("volume_name");
    for (char c : o.volume_name)
        if (static_cast<unsigned char>(c) < 32 || c == '/' || c == '\\')
            throw Error(ErrorCode::InvalidVolumeName,
                        fmt::format("volume name '{}' holds a control character, '/' or '\\'",
                                    o.volume_name))
                .with_option("volume_name");
}

} // namespace

FsType FileSystemImage::file_systems_supported() {
    return FsType::Iso9660 | FsType::Joliet | FsType::RockRidge | FsType::Iso9660_1999 |
           FsType::Udf;
}

FileSystemImage::FileSystemImage(ImageOptions options, Clock clock)
    : m_clock(clock), m_tree(std::make_shared<fs::ItemTree>()) {
    validate(options);
    m_options = std::move(options);
    fs::ItemRecord root = m_tree->at(fs::root_item);
    const UnixTime now = m_clock.now();
    root.creation_time = root.access_time = root.modify_time = now;
    m_tree->set_attributes(fs::root_item, root);
    m_tree->forget_before(m_tree->change_point());
    m_locked_point = m_tree->change_point();
}

FileSystemImage::~FileSystemImage() = default;

FsiDirectoryItem FileSystemImage::root() {
    return FsiDirectoryItem(*this, fs::root_item);
}

fs::ItemTree& FileSystemImage::tree_for_write() {
    // A result shares the tree it was made from; the first change after it copies the tree.
    // The cached plan (used_blocks) is only an estimate: drop it rather than copy for it.
    m_plan_cache.reset();
    if (m_tree.use_count() > 1) m_tree = std::make_shared<fs::ItemTree>(*m_tree);
    return *m_tree;
}

void FileSystemImage::set_options(ImageOptions options) {
    validate(options);
    if (options.compliance == Compliance::Strict && m_options.compliance != Compliance::Strict &&
        (file_count() || directory_count()))
        throw Error(ErrorCode::FileSystemNotEmpty,
                    "strict compliance can be chosen only while the image is empty")
            .with_option("compliance");
    ImageOptions previous = std::exchange(m_options, std::move(options));
    m_plan_cache.reset();
    m_plan_cache_point = ~u64{0};
    if (m_options.max_media_blocks) {
        u64 used = 0;
        try {
            used = used_blocks();
        } catch (...) {
            m_options = std::move(previous);
            throw;
        }
        if (used > m_options.max_media_blocks) {
            u64 limit = m_options.max_media_blocks;
            m_options = std::move(previous);
            throw Error(ErrorCode::ImageTooBig,
                        fmt::format("the image already takes {} blocks, more than the {} asked for",
                                    used, limit))
                .with_option("max_media_blocks");
        }
    }
}

void FileSystemImage::set_max_media_blocks(u64 blocks) {
    ImageOptions o = m_options;
    o.max_media_blocks = blocks;
    set_options(std::move(o));
}

void FileSystemImage::choose_image_defaults_for_media_type(MediaType media) {
    auto capacity = nominal_capacity(media);
    if (!capacity)
        throw Error(
            ErrorCode::InvalidParam,
            fmt::format("media type '{}' has no image defaults: discwright does not write it",
                        to_string(media)))
            .with_option("media");
    ImageOptions o = m_options;
    // ISO 9660 + Joliet + Rock Ridge at level 3 on every medium: read by Windows, macOS,
    // Linux and every archive tool, and records files of any size. DVDs add UDF 1.02 (the
    // bridge DVD players and every UDF reader take; Windows reads files over 4 GiB from it),
    // Blu-ray discs UDF 2.50, the revision BD players expect (docs/file-system-images.md).
    o.file_systems = FsType::Iso9660 | FsType::Joliet | FsType::RockRidge;
    switch (media) {
    case MediaType::CdRom:
    case MediaType::CdR:
    case MediaType::CdRw:
        break;
    case MediaType::BdRom:
    case MediaType::BdR:
    case MediaType::BdRe:
    case MediaType::BdRDualLayer:
    case MediaType::BdReDualLayer:
        o.file_systems = o.file_systems | FsType::Udf;
        o.udf_revision = UdfRevision::V2_50;
        break;
    default:
        o.file_systems = o.file_systems | FsType::Udf;
        o.udf_revision = UdfRevision::V1_02;
        break;
    }
    o.iso_level = 3;
    o.max_media_blocks = capacity->value;
    set_options(std::move(o));
}

std::size_t FileSystemImage::file_count() const {
    return m_tree->file_count();
}
std::size_t FileSystemImage::directory_count() const {
    return m_tree->directory_count();
}

FsiItemType FileSystemImage::exists(std::string_view path) const {
    fs::ItemId id = m_tree->resolve(fs::root_item, path);
    return id == fs::no_item ? FsiItemType::NotFound : fs::item_type(m_tree->at(id).kind);
}

std::shared_ptr<const fs::ImagePlan> FileSystemImage::quiet_plan() const {
    if (m_plan_cache && m_plan_cache_point == m_tree->change_point()) return m_plan_cache;
    ImageOptions o = m_options;
    o.compliance = Compliance::Relaxed; // an estimate, not a verdict
    m_plan_cache = fs::ImagePlan::build({m_tree, o, m_clock.now(), nullptr});
    m_plan_cache_point = m_tree->change_point();
    return m_plan_cache;
}

u64 FileSystemImage::used_blocks() const {
    return quiet_plan()->total_blocks();
}

u64 FileSystemImage::remaining_media_blocks() const {
    if (!m_options.max_media_blocks) return 0;
    u64 used = used_blocks();
    return used >= m_options.max_media_blocks ? 0 : m_options.max_media_blocks - used;
}

std::string FileSystemImage::volume_name_iso9660() const {
    return fs::iso_volume_identifier(m_options.volume_name.empty()
                                         ? fs::default_volume_name(m_clock.now())
                                         : m_options.volume_name);
}

std::string FileSystemImage::volume_name_udf() const {
    return fs::utf16_to_utf8(fs::udf::UdfVolume::volume_identifier(
        m_options.volume_name.empty() ? fs::default_volume_name(m_clock.now())
                                      : m_options.volume_name));
}

std::string FileSystemImage::volume_name_joliet() const {
    return fs::utf16_to_utf8(fs::joliet_volume_identifier(
        m_options.volume_name.empty() ? fs::default_volume_name(m_clock.now())
                                      : m_options.volume_name));
}

u64 FileSystemImage::change_point() const {
    return m_tree->change_point();
}

void FileSystemImage::rollback_to_change_point(u64 point) {
    if (point < m_locked_point)
        throw Error(
            ErrorCode::ChangePointLocked,
            fmt::format("change point {} is before the locked-in point {}", point, m_locked_point));
    if (point > change_point())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("change point {} is in the future (now {})", point, change_point()))
            .with_option("change_point");
    tree_for_write().rollback_to(point);
}

void FileSystemImage::lock_in_change_point() {
    m_locked_point = change_point();
    tree_for_write().forget_before(m_locked_point);
}

void FileSystemImage::check_size_limit(u64 point, std::string_view path) {
    const u64 limit = m_options.max_media_blocks;
    if (!limit) return;
    const fs::ItemTree& t = *m_tree;
    u64 estimate = t.data_blocks_estimate() + fixed_metadata_blocks +
                   (t.file_count() + t.directory_count()) * metadata_bytes_per_item / block_size;
    if (has(m_options.file_systems, FsType::Udf)) {
        // Anchor at 256 and the descriptors before it; a File Entry block per item beside
        // ISO 9660 (alone, UDF keeps small files inside theirs: no more than their data).
        estimate += fs::udf::anchor_sector + 2;
        if (has(m_options.file_systems, ~FsType::Udf))
            estimate += t.file_count() + t.directory_count();
    }
    if (estimate <= limit) return;
    tree_for_write().rollback_to(point);
    throw Error(ErrorCode::ImageSizeLimit,
                fmt::format("adding '{}' would grow the image to about {} blocks, past the limit "
                            "of {} blocks ({} MiB); choose larger media or set no limit",
                            path, estimate, limit, limit * block_size >> 20))
        .with_path(std::string(path));
}

FileSystemImageResult FileSystemImage::create_result_image(CancellationToken cancel) {
    cancel.throw_if_cancelled();
    const UnixTime now = m_options.volume_date.value_or(m_clock.now());
    const auto start = std::chrono::steady_clock::now();
    const u64 items = file_count() + directory_count();
    emit(ProgressEvent{ProgressAction::LayingOut, 0, -1, 0, items, {}});
    auto plan = fs::ImagePlan::build({m_tree, m_options, now, &m_events});
    emit(ProgressEvent{
        ProgressAction::LayingOut,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
        0,
        items,
        items,
        {}});
    const u64 limit = m_options.max_media_blocks;
    if (limit && plan->total_blocks() > limit)
        throw Error(ErrorCode::ImageTooBig,
                    fmt::format("the image needs {} blocks ({} MiB) but the medium holds {} "
                                "blocks ({} MiB)",
                                plan->total_blocks(), plan->total_blocks() * block_size >> 20,
                                limit, limit * block_size >> 20));
    return FileSystemImageResult(std::move(plan));
}

} // namespace discwright
