// FsiDirectoryItem::add_tree: a host folder into the image, atomically. Entries are read
// sorted by name, so the same folder always gives the same item numbers (and so the same
// image bytes). Files are not opened here: their size, times and owner are taken now, their
// bytes when the image is produced.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discwright/file_system_image.h"
#include "fs/host_record.h"
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

/// A source folder, open, with its entries sorted by name. Entries are looked at relative to
/// the folder's descriptor, so the kernel does not walk the whole path again for each.
class OpenFolder {
public:
    explicit OpenFolder(const std::string& path) : m_path(path) {
        // O_NOATIME, as for files: listing a source folder must not change it.
        m_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
        if (m_fd < 0 && errno == EPERM)
            m_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m_fd < 0) read_failure(path, errno);
        const int list_fd = ::dup(m_fd); // fdopendir owns it; m_fd stays for fstatat
        DIR* d = list_fd < 0 ? nullptr : ::fdopendir(list_fd);
        if (!d) {
            const int err = errno;
            if (list_fd >= 0) ::close(list_fd);
            ::close(m_fd);
            read_failure(path, err);
        }
        errno = 0;
        while (dirent* e = ::readdir(d)) {
            std::string_view n = e->d_name;
            if (n != "." && n != "..") m_names.emplace_back(n);
            errno = 0;
        }
        const int err = errno;
        ::closedir(d);
        if (err) {
            ::close(m_fd);
            read_failure(path, err);
        }
        std::sort(m_names.begin(), m_names.end());
    }
    ~OpenFolder() { ::close(m_fd); }
    OpenFolder(const OpenFolder&) = delete;
    OpenFolder& operator=(const OpenFolder&) = delete;

    [[nodiscard]] const std::vector<std::string>& names() const { return m_names; }
    /// lstat (or stat, following a link) of one entry.
    struct stat stat_of(const std::string& name, bool follow) const {
        struct stat st {};
        if (::fstatat(m_fd, name.c_str(), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
            const int err = errno;
            if (follow)
                throw Error(ErrorCode::DirectoryReadFailure,
                            fmt::format("symlink '{}/{}' points to nothing readable: {}", m_path,
                                        name, std::strerror(err)))
                    .with_path(m_path + "/" + name);
            read_failure(m_path + "/" + name, err);
        }
        return st;
    }
    std::string link_target(const std::string& name, std::size_t size_hint) const {
        std::string target(size_hint + 1, '\0');
        const ssize_t n = ::readlinkat(m_fd, name.c_str(), target.data(), target.size());
        if (n < 0) read_failure(m_path + "/" + name, errno);
        target.resize(static_cast<std::size_t>(n));
        return target;
    }

private:
    std::string m_path;
    int m_fd = -1;
    std::vector<std::string> m_names;
};

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

        std::vector<Frame> frames{{host, dest, std::string::npos, top.st_dev, top.st_ino}};
        std::vector<std::size_t> stack{0};
        u64 added = 0;
        while (!stack.empty()) {
            cancel.throw_if_cancelled();
            const std::size_t fi = stack.back();
            stack.pop_back();
            const Frame frame = frames[fi];
            const OpenFolder folder(frame.host);
            for (const std::string& name : folder.names()) {
                std::string path = frame.host + "/" + name;
                struct stat st = folder.stat_of(name, false);
                if (S_ISLNK(st.st_mode) && symlinks == Symlinks::Follow) {
                    st = folder.stat_of(name, true);
                    if (S_ISDIR(st.st_mode))
                        for (std::size_t a = fi; a != std::string::npos; a = frames[a].parent)
                            if (frames[a].dev == st.st_dev && frames[a].ino == st.st_ino)
                                throw Error(ErrorCode::SymlinkLoop,
                                            fmt::format("symlink '{}' leads back to its own "
                                                        "folder '{}'",
                                                        path, frames[a].host))
                                    .with_path(path);
                }
                const std::string image_path = tree.path(frame.dir) + "/" + name;
                fs::check_name(name, image_path, charset);
                fs::ItemRecord r = fs::host_record(st, clock);
                r.source = source_index;
                if (r.kind == fs::ItemKind::File && st.st_nlink > 1)
                    r.link_group = tree.link_group_for(st.st_dev, st.st_ino);

                fs::ItemId existing = tree.child(frame.dir, name);
                if (existing != fs::no_item) {
                    if (tree.is_dir(existing) && r.kind == fs::ItemKind::Directory) {
                        tree.set_attributes(existing, r);
                        frames.push_back({path, existing, fi, st.st_dev, st.st_ino});
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
                    tree.set_symlink_target(
                        id, folder.link_target(name, static_cast<std::size_t>(st.st_size)));
                } else if (r.kind == fs::ItemKind::CharDevice ||
                           r.kind == fs::ItemKind::BlockDevice) {
                    tree.set_device(id, (u64{major(st.st_rdev)} << 32) | minor(st.st_rdev));
                } else if (r.kind == fs::ItemKind::Directory) {
                    frames.push_back({path, id, fi, st.st_dev, st.st_ino});
                    stack.push_back(frames.size() - 1);
                }
                if (++added % 4096 == 0)
                    m_image->emit(ProgressEvent{
                        ProgressAction::AddingTree,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                            .count(),
                        -1, added, 0, image_path});
            }
        }
        m_image->check_size_limit(point, tree.path(dest));
    } catch (Error& e) {
        if (m_image->change_point() != point) m_image->tree_for_write().rollback_to(point);
        e.add_frame(fmt::format("while adding '{}'", source));
        throw;
    }
}

} // namespace discwright
