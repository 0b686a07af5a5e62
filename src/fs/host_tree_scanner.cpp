#include "fs/host_tree_scanner.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "discwright/error.h"
#include "discwright/types.h"

namespace discwright::fs {

namespace {

[[noreturn]] void read_failure(const std::string& path, int err) {
    throw Error(ErrorCode::DirectoryReadFailure,
                fmt::format("cannot read '{}': {}", path, std::strerror(err)))
        .with_path(path);
}

/// Closes a descriptor when the scope ends.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

/// The entry names of an open folder, sorted, so the same folder always gives the same item
/// numbers (and so the same image bytes). getdents64 straight into one buffer: no DIR stream,
/// no second descriptor.
std::vector<std::string> sorted_names(int fd, const std::string& path) {
    std::vector<std::string> names;
    alignas(8) char buffer[32 << 10];
    for (;;) {
        const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) read_failure(path, errno);
        if (n == 0) break;
        for (long at = 0; at < n;) {
            // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
            u16 reclen;
            std::memcpy(&reclen, buffer + at + 16, sizeof reclen);
            if (reclen < 20 || at + reclen > n) read_failure(path, EIO);
            const std::string_view name(buffer + at + 19, ::strnlen(buffer + at + 19, reclen - 19));
            if (name != "." && name != "..") names.emplace_back(name);
            at += reclen;
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string link_target(int dir_fd, const std::string& name, const std::string& path,
                        std::size_t size_hint) {
    // The size lstat gives is a hint (0 on some file systems): grow until the target fits.
    std::string target(std::max<std::size_t>(size_hint, 63) + 1, '\0');
    for (;;) {
        const ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
        if (n < 0) read_failure(path, errno);
        if (static_cast<std::size_t>(n) < target.size()) {
            target.resize(static_cast<std::size_t>(n));
            return target;
        }
        target.resize(target.size() * 2);
    }
}

} // namespace

HostTreeScanner::HostTreeScanner(std::string root, bool follow, dev_t dev, ino_t ino)
    : m_follow(follow) {
    m_thread = std::thread([this, root = std::move(root), dev, ino] {
        try {
            walk(root, dev, ino);
        } catch (...) {
            // Only allocation can fail outside a folder's own record: end the walk there and
            // let the reader meet it as the next folder's failure.
            auto f = std::make_unique<ScannedFolder>();
            f->failure = std::current_exception();
            std::lock_guard lock(m_mutex);
            m_queue.push_back(std::move(f));
        }
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_ready.notify_all();
    });
}

HostTreeScanner::~HostTreeScanner() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_room.notify_all();
    m_thread.join();
}

std::unique_ptr<ScannedFolder> HostTreeScanner::next() {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_queue.empty() || m_finished; });
    if (m_queue.empty()) return nullptr;
    std::unique_ptr<ScannedFolder> f = std::move(m_queue.front());
    m_queue.pop_front();
    m_queued_entries -= f->entries.size();
    lock.unlock();
    m_room.notify_all();
    return f;
}

bool HostTreeScanner::wait_for_room(std::size_t entries) {
    std::unique_lock lock(m_mutex);
    // An empty queue always has room, so one huge folder still goes through.
    m_room.wait(lock, [&] {
        return m_stop || m_queue.empty() ||
               (m_queue.size() < max_folders_ahead &&
                m_queued_entries + entries <= max_entries_ahead);
    });
    return !m_stop;
}

void HostTreeScanner::walk(std::string root, dev_t dev, ino_t ino) {
    struct Frame {
        std::string host;
        std::size_t parent; // frame index of the folder above, or npos
        dev_t dev;
        ino_t ino;
    };
    std::vector<Frame> frames{{std::move(root), std::string::npos, dev, ino}};
    std::vector<std::size_t> stack{0};
    while (!stack.empty()) {
        const std::size_t fi = stack.back();
        stack.pop_back();
        auto folder = std::make_unique<ScannedFolder>();
        folder->host = frames[fi].host;
        const std::string& host = folder->host;
        try {
            // O_NOATIME, as for files: listing a source folder must not change it.
            Fd dir{::open(host.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME)};
            if (dir.fd < 0 && errno == EPERM)
                dir.fd = ::open(host.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dir.fd < 0) read_failure(host, errno);
            std::vector<std::string> names = sorted_names(dir.fd, host);
            folder->entries.reserve(names.size());
            for (std::string& name : names) {
                folder->failed_at = folder->entries.size();
                ScannedEntry& e = folder->entries.emplace_back();
                e.name = std::move(name);
                auto path = [&] { return host + "/" + e.name; };
                // Entries are looked at relative to the folder's descriptor, so the kernel
                // does not walk the whole path again for each.
                if (::fstatat(dir.fd, e.name.c_str(), &e.st, AT_SYMLINK_NOFOLLOW) != 0)
                    read_failure(path(), errno);
                bool followed = false;
                if (S_ISLNK(e.st.st_mode) && m_follow) {
                    if (::fstatat(dir.fd, e.name.c_str(), &e.st, 0) != 0) {
                        const int err = errno;
                        throw Error(ErrorCode::DirectoryReadFailure,
                                    fmt::format("symlink '{}' points to nothing readable: {}",
                                                path(), std::strerror(err)))
                            .with_path(path());
                    }
                    followed = true;
                }
                if (S_ISLNK(e.st.st_mode))
                    e.link_target =
                        link_target(dir.fd, e.name, path(), static_cast<std::size_t>(e.st.st_size));
                if (!S_ISDIR(e.st.st_mode)) continue;
                bool loop = false;
                if (followed) // add_tree names the loop; the walk just does not go round it
                    for (std::size_t a = fi; a != std::string::npos && !loop; a = frames[a].parent)
                        loop = frames[a].dev == e.st.st_dev && frames[a].ino == e.st.st_ino;
                if (!loop) {
                    frames.push_back({path(), fi, e.st.st_dev, e.st.st_ino});
                    stack.push_back(frames.size() - 1);
                }
            }
            folder->failed_at = folder->entries.size();
        } catch (...) {
            folder->failure = std::current_exception();
            // What add_tree sees ends at the failure: it stops there, so the walk does too.
            if (!wait_for_room(folder->entries.size())) return;
            std::lock_guard lock(m_mutex);
            m_queued_entries += folder->entries.size();
            m_queue.push_back(std::move(folder));
            m_ready.notify_all();
            return;
        }
        if (!wait_for_room(folder->entries.size())) return;
        {
            std::lock_guard lock(m_mutex);
            m_queued_entries += folder->entries.size();
            m_queue.push_back(std::move(folder));
        }
        m_ready.notify_all();
    }
}

} // namespace discwright::fs
