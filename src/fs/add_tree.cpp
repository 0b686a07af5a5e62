// FsiDirectoryItem::add_tree: a host folder into the image, atomically. Entries are read
// sorted by name, so the same folder always gives the same item numbers (and so the same
// image bytes). Files are not opened here: their size, times and owner are taken now, their
// bytes when the image is produced.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "discwright/file_system_image.h"
#include "fs/host_record.h"
#include "fs/host_tree_scanner.h"
#include "fs/image_paths.h"
#include "fs/item_tree.h"

namespace discwright {

namespace {

struct Frame {
    std::string host;   // host folder path
    fs::ItemId dir;     // its image folder
    std::size_t parent; // frame index of the folder above (for loop detection), or npos
    dev_t dev;
    ino_t ino;
};

[[noreturn]] void read_failure(const std::string& path, int err) {
    throw Error(ErrorCode::DirectoryReadFailure,
                fmt::format("cannot read '{}': {}", path, std::strerror(err)))
        .with_path(path);
}

} // namespace

void FsiDirectoryItem::add_tree(const std::string& source, BaseDirectory base, Symlinks symlinks,
                                CancellationToken cancel) {
    struct stat top {};
    if (::stat(source.c_str(), &top) != 0) read_failure(source, errno);
    if (!S_ISDIR(top.st_mode))
        throw Error(ErrorCode::NotDir, fmt::format("'{}' is not a folder", source))
            .with_path(source);
    std::string host = source;
    while (host.size() > 1 && host.back() == '/')
        host.pop_back();

    const u64 point = m_image->change_point();
    const auto start = std::chrono::steady_clock::now();
    auto& tree = m_image->tree_for_write();
    const CharacterSet charset = m_image->options().character_set;
    const Clock& clock = m_image->clock();
    try {
        fs::ItemId dest = m_id;
        fs::ItemRecord top_record = fs::host_record(top, m_image->clock());
        if (base == BaseDirectory::Include) {
            std::string name = host.substr(host.rfind('/') + 1);
            if (name.empty() || name == "." || name == "..")
                throw Error(ErrorCode::InvalidPath,
                            fmt::format("'{}' has no folder name to include", source))
                    .with_path(source);
            fs::check_name(name, name, charset);
            fs::ItemId existing = tree.child(m_id, name);
            if (existing != fs::no_item && !tree.is_dir(existing)) {
                tree.remove(existing); // the source wins (IMAPI AddTree)
                existing = fs::no_item;
            }
            if (existing == fs::no_item)
                dest = tree.add(m_id, name, top_record);
            else {
                tree.set_attributes(existing, top_record);
                dest = existing;
            }
        } else {
            tree.set_attributes(m_id, top_record); // the folder's contents become this one
        }
        const u32 source_index = tree.add_source(fs::TreeBaseSource{host, dest});

        // The listing and stat calls run on the scanner's thread, in this loop's order.
        fs::HostTreeScanner scanner(host, symlinks == Symlinks::Follow, top.st_dev, top.st_ino);
        std::vector<Frame> frames{{host, dest, std::string::npos, top.st_dev, top.st_ino}};
        std::vector<std::size_t> stack{0};
        u64 added = 0;
        while (!stack.empty()) {
            cancel.throw_if_cancelled();
            const std::size_t fi = stack.back();
            stack.pop_back();
            const Frame frame = frames[fi];
            const std::unique_ptr<fs::ScannedFolder> folder = scanner.next();
            if (!folder || folder->host != frame.host)
                throw Error(
                    ErrorCode::Internal,
                    fmt::format("the scan of '{}' lost its place at '{}'", source, frame.host));
            const std::string dir_path = frame.dir == fs::root_item ? "" : tree.path(frame.dir);
            for (std::size_t ei = 0; ei < folder->entries.size(); ++ei) {
                if (folder->failure && ei == folder->failed_at)
                    std::rethrow_exception(folder->failure);
                fs::ScannedEntry& entry = folder->entries[ei];
                const std::string& name = entry.name;
                const struct stat& st = entry.st;
                if (symlinks == Symlinks::Follow && S_ISDIR(st.st_mode))
                    for (std::size_t a = fi; a != std::string::npos; a = frames[a].parent)
                        if (frames[a].dev == st.st_dev && frames[a].ino == st.st_ino)
                            throw Error(ErrorCode::SymlinkLoop,
                                        fmt::format("symlink '{}/{}' leads back to its own "
                                                    "folder '{}'",
                                                    frame.host, name, frames[a].host))
                                .with_path(frame.host + "/" + name);
                const std::string image_path = dir_path + "/" + name;
                fs::check_name(name, image_path, charset);
                fs::ItemRecord r = fs::host_record(st, clock);
                r.source = source_index;
                if (r.kind == fs::ItemKind::File && st.st_nlink > 1)
                    r.link_group = tree.link_group_for(st.st_dev, st.st_ino);

                fs::ItemId existing = tree.child(frame.dir, name);
                if (existing != fs::no_item) {
                    if (tree.is_dir(existing) && r.kind == fs::ItemKind::Directory) {
                        tree.set_attributes(existing, r);
                        frames.push_back(
                            {frame.host + "/" + name, existing, fi, st.st_dev, st.st_ino});
                        stack.push_back(frames.size() - 1);
                        continue;
                    }
                    // The source wins: replace the image item (and what is below it).
                    std::vector<fs::ItemId> order{existing};
                    for (std::size_t i = 0; i < order.size(); ++i)
                        tree.for_each_child(order[i], [&](fs::ItemId c) { order.push_back(c); });
                    for (auto it = order.rbegin(); it != order.rend(); ++it)
                        tree.remove(*it);
                }
                fs::ItemId id = tree.add(frame.dir, name, r);
                if (r.kind == fs::ItemKind::Symlink) {
                    tree.set_symlink_target(id, std::move(entry.link_target));
                } else if (r.kind == fs::ItemKind::CharDevice ||
                           r.kind == fs::ItemKind::BlockDevice) {
                    tree.set_device(id, (u64{major(st.st_rdev)} << 32) | minor(st.st_rdev));
                } else if (r.kind == fs::ItemKind::Directory) {
                    frames.push_back({frame.host + "/" + name, id, fi, st.st_dev, st.st_ino});
                    stack.push_back(frames.size() - 1);
                }
                if (++added % 4096 == 0)
                    m_image->emit(ProgressEvent{
                        ProgressAction::AddingTree,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                            .count(),
                        -1, added, 0, image_path});
            }
            if (folder->failure) std::rethrow_exception(folder->failure);
        }
        m_image->check_size_limit(point, tree.path(dest));
    } catch (Error& e) {
        if (m_image->change_point() != point) m_image->tree_for_write().rollback_to(point);
        e.add_frame(fmt::format("while adding '{}'", source));
        throw;
    }
}

} // namespace discwright
