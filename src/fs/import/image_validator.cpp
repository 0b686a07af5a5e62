// ImageValidator (include/discwright/image_validator.h): IMAPI's three IIsoImageManager
// checks in validate(), and the structural audit of every session and namespace in check().

#include "discwright/image_validator.h"

#include "fs/import/extent_stream.h"
#include "fs/import/udf_reader.h"
#include "fs/import/validation_context.h"
#include "fs/import/validation_descriptors.h"
#include "fs/import/validation_path_tables.h"
#include "fs/import/validation_tree.h"
#include "fs/import/volume_descriptors.h"

namespace discwright {

namespace {

using namespace fs::import;

std::string described(const Stream& s) {
    return fmt::format("'{}'", s.description());
}

/// Every namespace of one session, its descriptors, trees and path tables, then the overlap
/// check over all of them.
/// `session_end`: where find_sessions found the session to end (nullopt: none was found).
void check_session(const BlockSource& image, u64 session_start, std::optional<u64> session_end,
                   ProblemLog& log, const CancellationToken& cancel) {
    const CheckedDescriptors set = check_descriptors(image, session_start, session_end, log);
    if (!set.primary) return;
    SessionContext ctx{image, log, cancel};
    ctx.session_start = session_start;
    ctx.volume_end = session_end.value_or(set.primary->volume_space_size.value());
    ctx.image_blocks = image.blocks();
    ExtentMap extents;
    extents.add({set.first_lba, set.blocks, 0, ExtentUse::Kind::Descriptors,
                 fmt::format("volume descriptor set at LBA {}", set.first_lba)});
    const std::pair<FsType, const std::optional<fs::iso9660::VolumeDescriptor>*> namespaces[] = {
        {FsType::Iso9660, &set.primary},
        {FsType::Joliet, &set.joliet},
        {FsType::Iso9660_1999, &set.enhanced}};
    for (const auto& [ns, vd] : namespaces) {
        if (!*vd) continue;
        const u64 lba = ns == FsType::Iso9660  ? set.primary_lba
                        : ns == FsType::Joliet ? set.joliet_lba
                                               : set.enhanced_lba;
        const NamespaceVolume volume{ns, &**vd, lba};
        try {
            const TreeWalk walk = check_tree(ctx, volume, extents);
            check_path_tables(ctx, volume, walk, extents);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::RequestCancelled) throw;
            log.add(Check::ReadFailure, e.context().lba, e.context().path,
                    fmt::format("{}: checking stopped: {}", volume.name(), e.message()));
        }
    }
    extents.check(log);
}

/// The UDF volume of the session at `start`, when it has one: its descriptors, its tree, every
/// file's extents, and the integrity descriptor's counts. Returns whether a UDF volume is
/// recognised there (damaged or not).
bool check_udf(const BlockSource& image, u64 start, ProblemLog& log,
               const CancellationToken& cancel) {
    std::optional<UdfVolume> udf;
    try {
        udf = find_udf_volume(image, start);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::RequestCancelled) throw;
        log.add(Check::UdfVolume, e.context().lba, e.context().path, e.message());
        return true;
    }
    if (!udf) return false;
    try {
        const ImageTree tree = read_udf_tree(image, *udf, {}, cancel);
        const StreamPtr borrowed(&image.stream(), [](const Stream*) {});
        u32 files = 0;
        for (u32 i = 1; i < tree.size(); ++i) {
            const ImageEntry& e = tree.at(i);
            if (e.type == FsiItemType::Directory) continue;
            ++files;
            if (e.type != FsiItemType::File) continue;
            try {
                // Its extents lie inside the image and hold its size (the constructor checks).
                (void)ExtentStream(borrowed, e.extents, e.size, tree.path(i));
            } catch (const Error& x) {
                log.add(Check::UdfTree, x.context().lba, tree.path(i), x.message());
            }
        }
        const u32 folders = static_cast<u32>(tree.size()) - files;
        if (udf->integrity &&
            (udf->integrity->files != files || udf->integrity->directories != folders))
            log.add(Check::UdfCounts, std::nullopt, {},
                    fmt::format("UDF integrity descriptor counts {} files and {} folders; the "
                                "tree has {} and {}",
                                udf->integrity->files, udf->integrity->directories, files,
                                folders));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::RequestCancelled) throw;
        log.add(Check::UdfTree, e.context().lba, e.context().path, e.message());
    }
    return true;
}

} // namespace

void ImageValidator::set_path(std::string path) {
    auto stream = std::make_shared<FileStream>(path);
    m_stream = std::move(stream);
    m_path = std::move(path);
}

void ImageValidator::set_stream(StreamPtr stream) {
    m_stream = std::move(stream);
    m_path.clear();
}

void ImageValidator::validate() const {
    if (!m_stream)
        throw Error(ErrorCode::NoImage, "no image to validate: set a path or a stream first");
    const u64 size = m_stream->size();
    if (size % block_size)
        throw Error(ErrorCode::ImageNotAligned,
                    fmt::format("{} is {} bytes, not a whole number of {}-byte blocks ({} bytes "
                                "over)",
                                described(*m_stream), size, block_size, size % block_size))
            .with_path(m_path);
    const BlockSource image(*m_stream);
    bool udf = false;
    try {
        udf = find_udf_volume(image, 0).has_value();
    } catch (const Error&) {
        udf = true; // recognised, if damaged: check() says how
    }
    if (!udf && !read_descriptor_set(image, 0))
        throw Error(ErrorCode::NoValidVolumeDescriptor,
                    fmt::format("{}: no ISO 9660 volume recognition sequence (a primary volume "
                                "descriptor at LBA 16){}",
                                described(*m_stream),
                                image.blocks() < 17
                                    ? fmt::format(": the image has only {} blocks", image.blocks())
                                    : ""))
            .with_path(m_path)
            .with_lba(16);
}

ValidationReport ImageValidator::check(CancellationToken cancel) const {
    if (!m_stream)
        throw Error(ErrorCode::NoImage, "no image to check: set a path or a stream first");
    ValidationReport report;
    ProblemLog log(report);
    const u64 size = m_stream->size();
    if (size % block_size)
        log.add(Check::ImageAlignment, std::nullopt, {},
                fmt::format("{} is {} bytes, not a whole number of {}-byte blocks ({} bytes "
                            "over)",
                            described(*m_stream), size, block_size, size % block_size));
    const BlockSource image(*m_stream);
    std::vector<ImageSession> sessions;
    try {
        sessions = find_sessions(image);
    } catch (const Error& e) {
        log.add(Check::ReadFailure, e.context().lba, {},
                fmt::format("{}: sessions cannot be read: {}", described(*m_stream), e.message()));
    }
    // A UDF volume alone is checked as UDF; beside ISO 9660 (a bridge), as both.
    const bool udf_alone = sessions.empty() && check_udf(image, 0, log, cancel);
    if (!sessions.empty() && sessions.front().start_block == 0) check_udf(image, 0, log, cancel);
    // Without a session, the descriptors at LBA 16 say what is wrong.
    if (sessions.empty() && !udf_alone) sessions.push_back(ImageSession{});
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        cancel.throw_if_cancelled();
        if (sessions.size() > 1)
            log.set_prefix(fmt::format("session {} of {} (LBA {}): ", i + 1, sessions.size(),
                                       sessions[i].start_block));
        const std::optional<u64> end =
            sessions[i].end_block ? std::optional<u64>(sessions[i].end_block) : std::nullopt;
        try {
            check_session(image, sessions[i].start_block, end, log, cancel);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::RequestCancelled) throw;
            log.add(Check::ReadFailure, e.context().lba, e.context().path,
                    fmt::format("checking stopped: {}", e.message()));
        }
    }
    log.set_prefix({});
    log.finish();
    return report;
}

} // namespace discwright
