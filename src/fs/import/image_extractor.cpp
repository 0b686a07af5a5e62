// extract_image (include/discwright/image_extractor.h): items of an image tree into a host
// folder. Two passes: the first walks the chosen items and checks every name and extent, so a
// hostile image is refused before anything is written; the second creates each item relative
// to a descriptor of its parent folder, never through a path and never through a symlink.

#include "discwright/image_extractor.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs/import/tree_reader.h"

namespace discwright {

namespace {

constexpr u64 read_chunk = u64{1} << 20;  // bytes per pread / pwrite
constexpr u64 range_chunk = u64{8} << 20; // bytes per copy_file_range call
constexpr std::size_t max_listed_problems = 20;

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

/// A descriptor closed when it goes out of scope.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        std::swap(m_fd, o.m_fd);
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    [[nodiscard]] int get() const { return m_fd; }
    /// Closes now; 0, or the errno of a failed close (a delayed write error).
    int close() {
        const int r = ::close(std::exchange(m_fd, -1));
        return r == 0 ? 0 : errno;
    }

private:
    int m_fd = -1;
};

/// Why a name may not become a host name, or nullptr when it may.
const char* unsafe_name(const std::string& name) {
    if (name.empty()) return "an empty name";
    if (name == "." || name == "..") return "a name that means a folder itself or its parent";
    if (name.find('/') != std::string::npos) return "a name holding '/'";
    if (name.find('\0') != std::string::npos) return "a name holding NUL";
    return nullptr;
}

struct Problem {
    ErrorCode code;
    std::string path;
    std::string message;
    std::optional<u64> lba;
};

class Extraction {
public:
    Extraction(const Stream& image, const ImageTree& tree, const std::string& destination,
               const ExtractOptions& options, const ExtractEventHandler& events,
               CancellationToken cancel)
        : m_image(image), m_tree(tree), m_entries(tree.entries()), m_options(options),
          m_events(events), m_cancel(std::move(cancel)), m_native_fd(image.native_fd()) {
        m_destination = destination;
        while (m_destination.size() > 1 && m_destination.back() == '/')
            m_destination.pop_back();
    }

    ExtractReport run(std::span<const std::string> paths) {
        if (m_entries.empty() || m_entries[0].type != FsiItemType::Directory)
            throw Error(ErrorCode::InvalidParam, "the image tree has no root folder");
        const std::vector<u32> roots = select(paths);
        check(roots);
        Fd dest = open_destination();
        for (u32 root : roots) {
            m_cancel.throw_if_cancelled();
            if (root == 0) {
                m_path.clear();
                extract_children(dest.get(), 0);
            } else {
                extract_chosen(dest.get(), root);
            }
        }
        progress();
        return m_report;
    }

private:
    // ---- choosing and checking ---------------------------------------------------------------

    /// The entries named by `paths`, without any that lies under another chosen one.
    std::vector<u32> select(std::span<const std::string> paths) const {
        if (paths.empty()) return {0};
        std::vector<u32> chosen;
        for (const auto& p : paths) {
            auto at = m_tree.find(p);
            if (!at)
                throw Error(ErrorCode::ItemNotFound, fmt::format("'{}' is not in the image", p))
                    .with_path(p);
            chosen.push_back(*at);
        }
        std::sort(chosen.begin(), chosen.end());
        chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
        if (chosen.front() == 0) return {0};
        std::vector<u32> roots;
        for (u32 c : chosen) {
            const auto chain = ancestors(c);
            if (std::none_of(chain.begin(), chain.end(), [&](u32 a) {
                    return std::binary_search(chosen.begin(), chosen.end(), a);
                }))
                roots.push_back(c);
        }
        return roots;
    }

    /// The folders from the root (not included) down to `index` (not included), by parent
    /// links; a chain that never reaches the root is a damaged tree.
    std::vector<u32> ancestors(u32 index) const {
        std::vector<u32> chain;
        for (u32 a = m_entries.at(index).parent; index != 0 && a != 0; a = m_entries.at(a).parent) {
            chain.push_back(a);
            if (chain.size() > fs::import::max_tree_depth)
                throw Error(ErrorCode::FileSystemReadConsistency,
                            fmt::format("item {} of the image tree is nested more than {} levels "
                                        "deep, or its parents form a loop",
                                        index, fs::import::max_tree_depth));
        }
        std::reverse(chain.begin(), chain.end());
        return chain;
    }

    /// "/a/b" for a chain of entries.
    std::string path_of(const std::vector<u32>& chain) const {
        std::string p;
        for (u32 a : chain)
            p += '/' + m_entries[a].name;
        return p;
    }

    void problem(ErrorCode code, const std::string& path, std::string message,
                 std::optional<u64> lba = std::nullopt) {
        m_problems.push_back({code, path, std::move(message), lba});
    }

    /// Checks one entry met at `path` (its image path).
    void check_entry(const ImageEntry& e, const std::string& path) {
        if (const char* why = unsafe_name(e.name))
            problem(ErrorCode::UnsafePath, path,
                    fmt::format("'{}': {} would leave the extraction folder", path, why));
        if (e.type == FsiItemType::NotFound)
            problem(ErrorCode::FileSystemReadConsistency, path,
                    fmt::format("'{}' has no item type", path));
        if (e.type == FsiItemType::Symlink &&
            (e.symlink_target.empty() || e.symlink_target.find('\0') != std::string::npos))
            problem(ErrorCode::FileSystemReadConsistency, path,
                    fmt::format("symlink '{}' has an empty target or one holding NUL", path));
        if (e.type != FsiItemType::File) return;
        if (e.zisofs) {
            problem(ErrorCode::FileSystemFeatureNotSupported, path,
                    fmt::format("'{}' is zisofs-compressed (Rock Ridge ZF), which discwright does "
                                "not decompress",
                                path));
            return;
        }
        const u64 image_bytes = m_image.size();
        u64 held = 0;
        for (const auto& x : e.extents) {
            if (x.lba > image_bytes / block_size ||
                x.bytes + x.offset > image_bytes - x.lba * block_size) {
                problem(ErrorCode::FileSystemReadConsistency, path,
                        fmt::format("'{}': its data at LBA {} ({} bytes) lies past the end of the "
                                    "image ({} blocks)",
                                    path, x.lba, x.bytes, image_bytes / block_size),
                        x.lba);
                return;
            }
            held += x.bytes;
        }
        if (held < e.size)
            problem(ErrorCode::FileSystemReadConsistency, path,
                    fmt::format("'{}' is {} bytes but its extents hold {}", path, e.size, held));
        m_bytes_total += e.size;
    }

    /// Walks every chosen item once (a tree that reaches an entry twice is damaged), checking
    /// names and extents and counting the work. Throws once, listing every problem.
    void check(const std::vector<u32>& roots) {
        std::vector<bool> seen(m_entries.size());
        struct Frame {
            u32 dir;
            u32 next;
            std::size_t path_length;
            u32 depth;
        };
        std::vector<Frame> stack;
        std::string path;
        const auto enter = [&](u32 index, u32 depth) {
            const ImageEntry& e = m_entries[index];
            if (index != 0) {
                check_entry(e, path);
                ++m_items_total;
            }
            if (e.type != FsiItemType::Directory) return;
            if (u64{e.first_child} + e.child_count > m_entries.size())
                throw Error(ErrorCode::FileSystemReadConsistency,
                            fmt::format("folder '{}' has children past the end of the tree",
                                        path.empty() ? "/" : path))
                    .with_path(path.empty() ? "/" : path);
            if (depth > fs::import::max_tree_depth)
                throw Error(ErrorCode::FileSystemReadConsistency,
                            fmt::format("folder '{}' is nested more than {} levels deep", path,
                                        fs::import::max_tree_depth))
                    .with_path(path);
            stack.push_back({index, 0, path.size(), depth});
        };
        for (u32 root : roots) {
            // The folders leading to a chosen item are created too: their names count.
            auto chain = ancestors(root);
            path.clear();
            for (u32 a : chain) {
                path += '/' + m_entries[a].name;
                check_entry(m_entries[a], path);
            }
            if (root != 0) path += '/' + m_entries[root].name;
            seen[root] = true;
            enter(root, static_cast<u32>(chain.size()) + (root != 0));
            while (!stack.empty()) {
                Frame& f = stack.back();
                const ImageEntry& dir = m_entries[f.dir];
                if (f.next == dir.child_count) {
                    path.resize(f.path_length);
                    stack.pop_back();
                    continue;
                }
                const u32 child = dir.first_child + f.next++;
                const u32 depth_now = f.depth + 1;
                path.resize(f.path_length);
                path += '/';
                path += m_entries[child].name;
                if (seen[child])
                    throw Error(
                        ErrorCode::FileSystemReadConsistency,
                        fmt::format("'{}' is reached twice in the image tree (a loop)", path))
                        .with_path(path);
                seen[child] = true;
                enter(child, depth_now);
            }
        }
        if (m_problems.empty()) return;
        const auto unsafe = std::find_if(m_problems.begin(), m_problems.end(), [](const auto& p) {
            return p.code == ErrorCode::UnsafePath;
        });
        const Problem& first = unsafe != m_problems.end() ? *unsafe : m_problems.front();
        std::string message = first.message;
        if (m_problems.size() > 1) {
            message = fmt::format("{} problems make the image unsafe to extract; nothing was "
                                  "written:",
                                  m_problems.size());
            for (std::size_t i = 0; i < m_problems.size() && i < max_listed_problems; ++i)
                message += "\n  " + m_problems[i].message;
            if (m_problems.size() > max_listed_problems)
                message +=
                    fmt::format("\n  ... and {} more", m_problems.size() - max_listed_problems);
        }
        Error e(first.code, std::move(message));
        e.with_path(first.path);
        if (first.lba) e.with_lba(*first.lba);
        throw e;
    }

    // ---- host side -------------------------------------------------------------------------

    [[nodiscard]] std::string host_path() const { return m_destination + m_path; }

    [[noreturn]] void fail(const std::string& what, int err) const {
        throw Error(ErrorCode::OutputWriteFailure,
                    fmt::format("cannot {} '{}': {}", what, host_path(), errno_text(err)))
            .with_path(host_path());
    }

    Fd open_destination() {
        if (::mkdir(m_destination.c_str(), 0777) != 0 && errno != EEXIST)
            throw Error(ErrorCode::OutputWriteFailure,
                        fmt::format("cannot create the extraction folder '{}': {}", m_destination,
                                    errno_text(errno)))
                .with_path(m_destination);
        Fd fd(::open(m_destination.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fd.get() < 0)
            throw Error(ErrorCode::OutputWriteFailure,
                        fmt::format("cannot open the extraction folder '{}': {}", m_destination,
                                    errno_text(errno)))
                .with_path(m_destination);
        return fd;
    }

    /// What is at `name` in the folder, without following a symlink; nullopt when nothing.
    std::optional<struct stat> existing(int dir_fd, const std::string& name) const {
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
        if (errno == ENOENT) return std::nullopt;
        fail("inspect", errno);
    }

    [[noreturn]] void exists_error() const {
        throw Error(ErrorCode::FileExists,
                    fmt::format("'{}' exists; extraction does not replace it unless asked to "
                                "(--overwrite)",
                                host_path()))
            .with_path(host_path());
    }

    [[noreturn]] void folder_in_the_way() const {
        throw Error(ErrorCode::ImportFileExistsAsDirectory,
                    fmt::format("'{}' is a folder on the host but not in the image; a folder is "
                                "never replaced",
                                host_path()))
            .with_path(host_path());
    }

    /// Opens (creating it when missing) the folder `name`; `e` is its image entry, or nullptr
    /// for a folder leading to a chosen item. A symlink there is never followed: it is
    /// FileExists, or replaced by the folder. `created` says whether this call made it.
    Fd open_folder(int parent, const std::string& name, const ImageEntry* e, bool& created) {
        const mode_t mode = e && m_options.modes == Modes::Image ? 0700 : 0777;
        created = ::mkdirat(parent, name.c_str(), mode) == 0;
        if (!created) {
            if (errno != EEXIST) fail("create folder", errno);
            const auto st = existing(parent, name);
            if (st && !S_ISDIR(st->st_mode)) {
                if (m_options.existing == Overwrite::Refuse) exists_error();
                if (::unlinkat(parent, name.c_str(), 0) != 0) fail("replace", errno);
                if (::mkdirat(parent, name.c_str(), mode) != 0) fail("create folder", errno);
                created = true;
            }
        }
        Fd fd(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (fd.get() < 0) fail("open folder", errno);
        if (created) ++m_report.directories;
        return fd;
    }

    // ---- items ------------------------------------------------------------------------------

    void progress() {
        if (m_events)
            m_events(ExtractProgressEvent{m_path.empty() ? "/" : m_path, m_items_done,
                                          m_items_total, m_bytes_done, m_bytes_total});
    }

    void warn(std::string message) {
        if (m_events) m_events(WarningEvent{std::move(message), m_path});
    }

    /// A chosen item below the root: the folders leading to it, then the item.
    void extract_chosen(int dest, u32 index) {
        Fd parent;
        int at = dest;
        m_path.clear();
        for (u32 a : ancestors(index)) {
            m_path += '/' + m_entries[a].name;
            bool created = false;
            parent =
                with_frame([&] { return open_folder(at, m_entries[a].name, nullptr, created); });
            at = parent.get();
        }
        extract_item(at, index);
    }

    void extract_children(int dir_fd, u32 dir) {
        const ImageEntry& d = m_entries[dir];
        const std::size_t length = m_path.size();
        for (u32 i = 0; i < d.child_count; ++i) {
            extract_item(dir_fd, d.first_child + i);
            m_path.resize(length);
        }
    }

    void extract_item(int dir_fd, u32 index) {
        m_cancel.throw_if_cancelled();
        const ImageEntry& e = m_entries[index];
        m_path += '/';
        m_path += e.name;
        ++m_items_done;
        if (e.type == FsiItemType::Directory) {
            bool created = false;
            Fd fd = with_frame([&] { return open_folder(dir_fd, e.name, &e, created); });
            const std::size_t length = m_path.size();
            extract_children(fd.get(), index);
            m_path.resize(length);
            // Folders get their mode and times after their contents, which change the times.
            if (created) with_frame([&] { finish_folder(fd.get(), e); });
            return;
        }
        with_frame([&] { extract_leaf(dir_fd, e); });
    }

    template <class F> auto with_frame(F&& f) -> std::invoke_result_t<F> {
        try {
            return f();
        } catch (Error& err) {
            err.add_frame(fmt::format("while extracting '{}'", m_path));
            throw;
        }
    }

    /// A temporary name in the folder; a file goes there first and is renamed into place.
    std::string temp_name() { return fmt::format(".discwright-{}-{}.tmp", ::getpid(), m_temp++); }

    void extract_leaf(int dir_fd, const ImageEntry& e) {
        progress();
        if (e.type == FsiItemType::Socket) {
            ++m_report.skipped;
            warn(fmt::format("socket '{}' skipped: a socket cannot be extracted", m_path));
            return;
        }
        const bool device = e.type == FsiItemType::CharDevice || e.type == FsiItemType::BlockDevice;
        if (device && ::geteuid() != 0) {
            ++m_report.skipped;
            warn(fmt::format("device '{}' skipped: only root can create devices", m_path));
            return;
        }
        if (const auto st = existing(dir_fd, e.name)) {
            if (S_ISDIR(st->st_mode)) folder_in_the_way();
            if (m_options.existing == Overwrite::Refuse) exists_error();
        }
        std::string temp;
        int err = 0;
        for (int attempt = 0; attempt < 100; ++attempt) {
            temp = temp_name();
            if (e.type == FsiItemType::File) {
                write_file(dir_fd, temp, e, err);
            } else if (e.type == FsiItemType::Symlink) {
                err = ::symlinkat(e.symlink_target.c_str(), dir_fd, temp.c_str()) == 0 ? 0 : errno;
            } else {
                const mode_t kind = e.type == FsiItemType::Fifo         ? S_IFIFO
                                    : e.type == FsiItemType::CharDevice ? S_IFCHR
                                                                        : S_IFBLK;
                const dev_t dev = ::makedev(static_cast<unsigned>(e.device >> 32),
                                            static_cast<unsigned>(e.device & 0xffffffffu));
                const mode_t mode = m_options.modes == Modes::Image ? 0600 : 0666;
                err =
                    ::mknodat(dir_fd, temp.c_str(), kind | mode, device ? dev : 0) == 0 ? 0 : errno;
            }
            if (err != EEXIST) break;
        }
        if (err == EPERM && device) {
            ++m_report.skipped;
            warn(fmt::format("device '{}' skipped: {}", m_path, errno_text(err)));
            return;
        }
        if (err) fail("create", err);
        try {
            if (e.type != FsiItemType::File) set_attributes_at(dir_fd, temp, e);
            place(dir_fd, temp, e.name);
        } catch (...) {
            ::unlinkat(dir_fd, temp.c_str(), 0);
            throw;
        }
        if (e.type == FsiItemType::File)
            ++m_report.files;
        else if (e.type == FsiItemType::Symlink)
            ++m_report.symlinks;
        else
            ++m_report.specials;
    }

    /// Writes a file's data and attributes under `temp`; returns EEXIST in `err` when the name
    /// is taken (the caller picks another), else 0. Removes `temp` when anything fails.
    void write_file(int dir_fd, const std::string& temp, const ImageEntry& e, int& err) {
        const mode_t create_mode = m_options.modes == Modes::Image ? 0600 : 0666;
        Fd fd(::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       create_mode));
        if (fd.get() < 0) {
            err = errno;
            return;
        }
        err = 0;
        try {
            copy_data(fd.get(), e);
            set_owner(fd.get(), -1, {}, e);
            if (m_options.modes == Modes::Image && ::fchmod(fd.get(), file_mode(e)) != 0)
                fail("set the mode of", errno);
            if (const auto t = times(e); t && ::futimens(fd.get(), t->data()) != 0)
                fail("set the times of", errno);
            if (const int close_err = fd.close()) fail("write", close_err);
        } catch (...) {
            ::unlinkat(dir_fd, temp.c_str(), 0);
            throw;
        }
    }

    /// The permission bits a non-folder gets: setuid and setgid only with the image's owner.
    [[nodiscard]] mode_t file_mode(const ImageEntry& e) const {
        mode_t mode = e.mode & 07777;
        if (m_options.owners != Ownership::Image || m_owners_failed) mode &= ~mode_t(06000);
        return mode;
    }

    [[nodiscard]] std::optional<std::array<struct timespec, 2>> times(const ImageEntry& e) const {
        if (m_options.times != Times::Image || e.modify_time == 0) return std::nullopt;
        std::array<struct timespec, 2> t{};
        t[0].tv_sec = static_cast<time_t>(e.access_time ? e.access_time : e.modify_time);
        t[1].tv_sec = static_cast<time_t>(e.modify_time);
        return t;
    }

    /// The image's owner, by descriptor (fd >= 0) or by name in `dir_fd`, when asked for.
    void set_owner(int fd, int dir_fd, const std::string& name, const ImageEntry& e) {
        if (m_options.owners != Ownership::Image || m_owners_failed) return;
        const int r = fd >= 0 ? ::fchown(fd, e.uid, e.gid)
                              : ::fchownat(dir_fd, name.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW);
        if (r == 0) return;
        if (errno != EPERM) fail("set the owner of", errno);
        m_owners_failed = true;
        warn(fmt::format("owners are not restored: only root may give files away ('{}' is "
                         "owned by the extracting user)",
                         m_path));
    }

    /// Links, fifos and devices: attributes by name, never following a link.
    void set_attributes_at(int dir_fd, const std::string& temp, const ImageEntry& e) {
        set_owner(-1, dir_fd, temp, e);
        if (e.type != FsiItemType::Symlink && m_options.modes == Modes::Image) {
            // The name was just made in a folder this extraction holds open; fchmodat cannot
            // refuse to follow links on Linux, so check that it is still what was made.
            const auto st = existing(dir_fd, temp);
            if (!st || S_ISLNK(st->st_mode)) fail("set the mode of", ELOOP);
            if (::fchmodat(dir_fd, temp.c_str(), file_mode(e), 0) != 0)
                fail("set the mode of", errno);
        }
        if (const auto t = times(e);
            t && ::utimensat(dir_fd, temp.c_str(), t->data(), AT_SYMLINK_NOFOLLOW) != 0)
            fail("set the times of", errno);
    }

    /// Renames `temp` to `name`: without replacing anything, or replacing what is not a folder.
    void place(int dir_fd, const std::string& temp, const std::string& name) {
        if (m_options.existing == Overwrite::Replace) {
            if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) == 0) return;
            if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) folder_in_the_way();
            fail("rename into place", errno);
        }
        if (::renameat2(dir_fd, temp.c_str(), dir_fd, name.c_str(), RENAME_NOREPLACE) == 0) return;
        if (errno == EEXIST) exists_error();
        if (errno != EINVAL && errno != ENOSYS) fail("rename into place", errno);
        // A file system without RENAME_NOREPLACE: a hard link also refuses an existing name.
        if (::linkat(dir_fd, temp.c_str(), dir_fd, name.c_str(), 0) != 0) {
            if (errno == EEXIST) exists_error();
            fail("rename into place", errno);
        }
        ::unlinkat(dir_fd, temp.c_str(), 0);
    }

    void finish_folder(int fd, const ImageEntry& e) {
        set_owner(fd, -1, {}, e);
        if (m_options.modes == Modes::Image && ::fchmod(fd, e.mode & 07777) != 0)
            fail("set the mode of", errno);
        if (const auto t = times(e); t && ::futimens(fd, t->data()) != 0)
            fail("set the times of", errno);
    }

    // ---- data -------------------------------------------------------------------------------

    void copy_data(int out, const ImageEntry& e) {
        u64 left = e.size, out_at = 0;
        for (const auto& x : e.extents) {
            if (!left) break;
            const u64 n = std::min(left, x.bytes);
            copy_range(out, x.lba * block_size + x.offset, out_at, n, x.lba);
            left -= n;
            out_at += n;
        }
        m_report.bytes += e.size;
    }

    void copy_range(int out, u64 in_at, u64 out_at, u64 n, u64 lba) {
        while (n) {
            m_cancel.throw_if_cancelled();
            u64 done = m_native_fd >= 0 ? copy_by_kernel(out, in_at, out_at, n) : 0;
            if (!done) done = copy_by_reading(out, in_at, out_at, n, lba);
            in_at += done;
            out_at += done;
            n -= done;
            m_bytes_done += done;
            progress();
        }
    }

    /// copy_file_range from the image's own descriptor; 0 when the kernel cannot do it here.
    u64 copy_by_kernel(int out, u64 in_at, u64 out_at, u64 n) {
        for (;;) {
            loff_t in_off = static_cast<loff_t>(in_at), out_off = static_cast<loff_t>(out_at);
            const ssize_t got =
                ::copy_file_range(m_native_fd, &in_off, out, &out_off, std::min(n, range_chunk), 0);
            if (got > 0) return static_cast<u64>(got);
            if (got == 0) return 0; // let the reading path say what is short
            if (errno == EINTR) continue;
            if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                errno == EBADF) {
                m_native_fd = -1; // not between these file systems: read and write instead
                return 0;
            }
            fail("write", errno);
        }
    }

    u64 copy_by_reading(int out, u64 in_at, u64 out_at, u64 n, u64 lba) {
        m_buffer.resize(static_cast<std::size_t>(read_chunk));
        const auto want = static_cast<std::size_t>(std::min(n, read_chunk));
        const std::size_t got = m_image.read_at(in_at, std::span(m_buffer).first(want));
        if (got != want)
            throw Error(ErrorCode::ImportReadFailure,
                        fmt::format("'{}': the image ended while reading its data at LBA {} ({} "
                                    "of {} bytes)",
                                    m_path, lba, got, want))
                .with_path(m_path)
                .with_lba(lba);
        for (std::size_t put = 0; put < got;) {
            const ssize_t w =
                ::pwrite(out, m_buffer.data() + put, got - put, static_cast<off_t>(out_at + put));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) fail("write", errno);
            put += static_cast<std::size_t>(w);
        }
        return got;
    }

    const Stream& m_image;
    const ImageTree& m_tree;
    const std::vector<ImageEntry>& m_entries;
    const ExtractOptions& m_options;
    const ExtractEventHandler& m_events;
    CancellationToken m_cancel;
    int m_native_fd;
    std::string m_destination;
    std::string m_path; // image path of the item in hand ("" at the root)
    std::vector<Problem> m_problems;
    std::vector<std::byte> m_buffer;
    ExtractReport m_report;
    u64 m_items_total = 0, m_items_done = 0, m_bytes_total = 0, m_bytes_done = 0;
    u64 m_temp = 0;
    bool m_owners_failed = false;
};

} // namespace

ExtractReport extract_image(const Stream& image, const ImageTree& tree,
                            std::span<const std::string> paths, const std::string& destination,
                            const ExtractOptions& options, const ExtractEventHandler& events,
                            CancellationToken cancel) {
    return Extraction(image, tree, destination, options, events, std::move(cancel)).run(paths);
}

} // namespace discwright
