#include "support/temp_tree.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace discwright::test {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
    throw std::runtime_error(what + " '" + path.string() + "': " + std::strerror(errno));
}

/// Makes every folder under `dir` traversable and writable so remove_all cannot be refused.
void unlock(const fs::path& dir) {
    ::chmod(dir.c_str(), 0700);
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) == 0 && S_ISDIR(st.st_mode)) unlock(it->path());
    }
}

/// splitmix64: small, fast, and the same on every machine.
class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t m_state;
};

void fill_pseudo_random(std::string& out, std::size_t n, SplitMix& rng) {
    out.resize(n);
    for (std::size_t i = 0; i < n; i += 8) {
        std::uint64_t v = rng.next();
        for (std::size_t k = 0; k < 8 && i + k < n; ++k)
            out[i + k] = static_cast<char>((v >> (8 * k)) & 0xff);
    }
}

void write_all(int fd, const char* data, std::size_t n, const fs::path& path) {
    while (n > 0) {
        ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail("write", path);
        }
        data += w;
        n -= static_cast<std::size_t>(w);
    }
}

int create_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail("create", path);
    return fd;
}

void close_file(int fd, const fs::path& path) {
    if (::close(fd) != 0) fail("close", path);
}

std::size_t depth(const std::string& p) {
    return std::count(p.begin(), p.end(), '/');
}

} // namespace

// ---------------------------------------------------------------------------------------------

TempDir::TempDir(std::string_view prefix) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = (tmp && *tmp ? std::string(tmp) : std::string("/tmp")) + "/" +
                          std::string(prefix) + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) fail("mkdtemp", pattern);
    m_path = pattern;
}

TempDir::~TempDir() {
    if (m_path.empty()) return;
    unlock(m_path);
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

TempDir::TempDir(TempDir&& other) noexcept : m_path(std::move(other.m_path)) {
    other.m_path.clear();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        TempDir old(std::move(*this));
        m_path = std::move(other.m_path);
        other.m_path.clear();
    }
    return *this;
}

// ---------------------------------------------------------------------------------------------

std::string pseudo_random_bytes(std::uint64_t size, std::uint64_t seed) {
    SplitMix rng(seed);
    std::string out;
    fill_pseudo_random(out, static_cast<std::size_t>(size), rng);
    return out;
}

TempTree::TempTree(std::initializer_list<TreeEntry> entries) {
    for (const auto& e : entries)
        add(e);
    finish();
}

TempTree::TempTree(const std::vector<TreeEntry>& entries) {
    for (const auto& e : entries)
        add(e);
    finish();
}

void TempTree::add(const TreeEntry& entry) {
    if (entry.path.empty() || entry.path.front() == '/')
        throw std::invalid_argument("TempTree: path must be relative: '" + entry.path + "'");
    const fs::path target = path() / entry.path;

    // Parents first; each gets the default attributes (its mtime is pinned in finish()).
    std::string parent;
    for (std::size_t slash = entry.path.find('/'); slash != std::string::npos;
         slash = entry.path.find('/', slash + 1)) {
        parent = entry.path.substr(0, slash);
        const fs::path p = path() / parent;
        if (::mkdir(p.c_str(), 0755) == 0)
            m_pending.emplace_back(parent, Attrs{});
        else if (errno != EEXIST)
            fail("mkdir", p);
    }

    std::visit(
        [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, std::string>) {
                int fd = create_file(target);
                write_all(fd, c.data(), c.size(), target);
                close_file(fd, target);
            } else if constexpr (std::is_same_v<T, Sparse>) {
                int fd = create_file(target);
                if (::ftruncate(fd, static_cast<off_t>(c.size)) != 0) fail("ftruncate", target);
                close_file(fd, target);
            } else if constexpr (std::is_same_v<T, PseudoRandom>) {
                int fd = create_file(target);
                SplitMix rng(c.seed);
                std::string chunk;
                constexpr std::uint64_t kChunk = 1 << 20; // a multiple of 8: same stream
                for (std::uint64_t done = 0; done < c.size; done += kChunk) {
                    fill_pseudo_random(
                        chunk, static_cast<std::size_t>(std::min(kChunk, c.size - done)), rng);
                    write_all(fd, chunk.data(), chunk.size(), target);
                }
                close_file(fd, target);
            } else if constexpr (std::is_same_v<T, Folder>) {
                if (::mkdir(target.c_str(), 0755) != 0 && errno != EEXIST) fail("mkdir", target);
            } else if constexpr (std::is_same_v<T, Symlink>) {
                if (::symlink(c.target.c_str(), target.c_str()) != 0) fail("symlink", target);
            } else if constexpr (std::is_same_v<T, HardLink>) {
                const fs::path existing = path() / c.existing;
                if (::link(existing.c_str(), target.c_str()) != 0) fail("link", target);
            } else if constexpr (std::is_same_v<T, Fifo>) {
                if (::mkfifo(target.c_str(), 0644) != 0) fail("mkfifo", target);
            }
        },
        entry.content);
    const Attrs& a = entry.attrs;
    const bool no_attrs = !a.mode && !a.uid && !a.gid && !a.mtime && !a.atime;
    // A second name of a hard link shares the first one's inode: leave its attributes alone.
    if (!(std::holds_alternative<HardLink>(entry.content) && no_attrs))
        m_pending.emplace_back(entry.path, entry.attrs);
}

void TempTree::finish() {
    // Deepest first; a stable sort keeps the spec's order among equals, so a later entry's
    // attributes (e.g. on the second name of a hard link) win.
    std::vector<std::pair<std::string, Attrs>> order = m_pending;
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return depth(a.first) > depth(b.first); });
    for (const auto& [rel, attrs] : order) {
        const fs::path p = path() / rel;
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) fail("lstat", p);
        if (attrs.uid || attrs.gid) {
            if (::lchown(p.c_str(), attrs.uid ? *attrs.uid : static_cast<uid_t>(-1),
                         attrs.gid ? *attrs.gid : static_cast<gid_t>(-1)) != 0)
                fail("lchown", p);
        }
        // chown clears setuid/setgid, so the mode comes after it; symlinks have no mode.
        if (attrs.mode && !S_ISLNK(st.st_mode)) {
            if (::chmod(p.c_str(), *attrs.mode) != 0) fail("chmod", p);
        }
        const std::int64_t mtime = attrs.mtime.value_or(kDefaultMtime);
        const std::int64_t atime = attrs.atime.value_or(mtime);
        struct timespec times[2] = {{static_cast<time_t>(atime), 0},
                                    {static_cast<time_t>(mtime), 0}};
        if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) fail("utimensat", p);
    }
    struct timespec root_times[2] = {{kDefaultMtime, 0}, {kDefaultMtime, 0}};
    ::utimensat(AT_FDCWD, path().c_str(), root_times, 0);
}

} // namespace discwright::test
