// FileSystemImage's import (IMAPI ImportFileSystem / ImportSpecificFileSystem): an earlier
// session's tree merged into the image, its files referring to their old extents.

#include <algorithm>

#include <sys/stat.h>

#include "discwright/file_system_image.h"
#include "discwright/image_reader.h"
#include "fs/image_paths.h"
#include "fs/item_tree.h"

namespace discwright {

namespace {

fs::ItemKind kind_of(FsiItemType t) {
    switch (t) {
    case FsiItemType::Directory:
        return fs::ItemKind::Directory;
    case FsiItemType::Symlink:
        return fs::ItemKind::Symlink;
    case FsiItemType::CharDevice:
        return fs::ItemKind::CharDevice;
    case FsiItemType::BlockDevice:
        return fs::ItemKind::BlockDevice;
    case FsiItemType::Fifo:
        return fs::ItemKind::Fifo;
    case FsiItemType::Socket:
        return fs::ItemKind::Socket;
    default:
        return fs::ItemKind::File;
    }
}

/// Hard-link groups of an import are keyed by the data's first block on a device number no
/// host file system uses.
constexpr u64 imported_device = 0xFFFF'FFFF'0000'0000;

} // namespace

FsType FileSystemImage::identify_file_systems(const ImageReader& reader) {
    return reader.file_systems();
}

FsType FileSystemImage::default_file_system_for_import(FsType available) {
    return ImageReader::default_file_system(available);
}

FsType FileSystemImage::import_file_system(const ImageReader& reader,
                                           const ImportProgressHandler& progress,
                                           CancellationToken cancel) {
    const FsType ns = default_file_system_for_import(reader.file_systems());
    if (ns == FsType::None)
        throw Error(ErrorCode::NoSupportedFileSystem,
                    fmt::format("{}: the session at LBA {} has no file system discwright reads",
                                reader.stream().description(), reader.session().start_block));
    import_specific_file_system(reader, ns, progress, cancel);
    return ns;
}

void FileSystemImage::import_specific_file_system(const ImageReader& reader, FsType ns,
                                                  const ImportProgressHandler& progress,
                                                  CancellationToken cancel) {
    const ImageTree tree = reader.read_tree(ns, progress, cancel);
    const u64 point = change_point();
    auto& items = tree_for_write();
    const u32 source = items.add_source(fs::ImportedSource{reader.stream_ptr()});
    const CharacterSet charset = m_options.character_set;
    try {
        // Breadth-first: every folder is placed before its children.
        std::vector<fs::ItemId> placed(tree.size(), fs::no_item);
        placed[0] = fs::root_item;
        for (u32 i = 1; i < tree.size(); ++i) {
            const ImageEntry& e = tree.at(i);
            const fs::ItemId parent = placed[e.parent];
            if (parent == fs::no_item) continue;
            const std::string path = tree.path(i);
            fs::check_name(e.name, path, charset);
            const bool directory = e.type == FsiItemType::Directory;
            if (const fs::ItemId existing = items.child(parent, e.name); existing != fs::no_item) {
                const bool existing_dir = items.is_dir(existing);
                if (directory && !existing_dir)
                    throw Error(ErrorCode::ImportDirectoryExistsAsFile,
                                fmt::format("cannot import folder '{}': the image already has a "
                                            "file there",
                                            path))
                        .with_path(path);
                if (!directory && existing_dir)
                    throw Error(ErrorCode::ImportFileExistsAsDirectory,
                                fmt::format("cannot import file '{}': the image already has a "
                                            "folder there",
                                            path))
                        .with_path(path);
                if (directory) placed[i] = existing; // folders merge; items in memory win
                continue;
            }
            fs::ItemRecord r;
            r.kind = kind_of(e.type);
            r.mode = e.mode;
            r.uid = e.uid;
            r.gid = e.gid;
            r.modify_time = e.modify_time;
            r.access_time = e.access_time;
            r.creation_time = e.attribute_time;
            if (e.hidden) r.flags |= fs::item_hidden;
            if (r.kind == fs::ItemKind::File) {
                r.size = e.size;
                r.source = source;
                if (e.links > 1 && !e.extents.empty())
                    r.link_group =
                        items.link_group_for(imported_device | source, e.extents.front().lba);
            }
            const fs::ItemId id = items.add(parent, e.name, r);
            if (directory) placed[i] = id;
            if (r.kind == fs::ItemKind::Symlink) items.set_symlink_target(id, e.symlink_target);
            if (r.kind == fs::ItemKind::CharDevice || r.kind == fs::ItemKind::BlockDevice)
                items.set_device(id, e.device);
            if (r.kind == fs::ItemKind::File && r.size) items.set_imported_extents(id, e.extents);
        }

        ImageOptions o = m_options;
        // The next session goes after everything written: the last session's end, or the
        // end of the image file when a writer padded it (xorriso does).
        u64 end = std::max(reader.session().end_block,
                           (reader.stream().size() + block_size - 1) / block_size);
        for (const auto& s : reader.sessions())
            end = std::max(end, s.end_block);
        if (end > 0xFFFF'FFFFu)
            throw Error(ErrorCode::FileSystemReadConsistency,
                        fmt::format("{}: its last session ends at block {}, past ISO 9660's "
                                    "32-bit addresses",
                                    reader.stream().description(), end));
        o.session_start_block = static_cast<u32>(end);
        const FsType writable =
            FsType::Iso9660 | FsType::Joliet | FsType::RockRidge | FsType::Iso9660_1999;
        // The set of the session imported, without UDF (not written after block 0 yet); a
        // UDF-only session gives ISO 9660 + Joliet + Rock Ridge, so its names survive.
        o.file_systems = (reader.file_systems() & writable) | FsType::Iso9660;
        if ((reader.file_systems() & writable) == FsType::None)
            o.file_systems = FsType::Iso9660 | FsType::Joliet | FsType::RockRidge;
        if (has(o.file_systems, FsType::Iso9660_1999))
            o.iso_level = 4;
        else if (o.iso_level == 4)
            o.iso_level = 3;
        set_options(std::move(o));
    } catch (...) {
        items.rollback_to(point);
        throw;
    }
    m_imported_volume_name = reader.volume(ns).volume_id;
}

} // namespace discwright
