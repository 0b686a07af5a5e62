#include "support/manifest.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

namespace discwright::test {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
    throw std::runtime_error(what + " '" + path.string() + "': " + std::strerror(errno));
}

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Sha256 {
public:
    Sha256() : m_ctx(EVP_MD_CTX_new()) {
        if (!m_ctx || EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
    }
    void update(const void* data, std::size_t n) {
        if (EVP_DigestUpdate(m_ctx.get(), data, n) != 1)
            throw std::runtime_error("EVP_DigestUpdate failed");
    }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(m_ctx.get(), md, &len) != 1)
            throw std::runtime_error("EVP_DigestFinal_ex failed");
        std::string out;
        out.reserve(len * 2);
        for (unsigned int i = 0; i < len; ++i)
            out += fmt::format("{:02x}", md[i]);
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> m_ctx;
};

EntryType type_of(mode_t m) {
    if (S_ISREG(m)) return EntryType::File;
    if (S_ISDIR(m)) return EntryType::Directory;
    if (S_ISLNK(m)) return EntryType::Symlink;
    if (S_ISFIFO(m)) return EntryType::Fifo;
    if (S_ISCHR(m)) return EntryType::CharDevice;
    if (S_ISBLK(m)) return EntryType::BlockDevice;
    return EntryType::Socket;
}

void walk(const fs::path& dir, const std::string& rel, Manifest& out) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) fail("opendir", dir);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    for (const auto& name : names) {
        const fs::path p = dir / name;
        const std::string r = rel.empty() ? name : rel + "/" + name;
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) fail("lstat", p);
        ManifestEntry e;
        e.type = type_of(st.st_mode);
        e.mode = st.st_mode & 07777;
        e.uid = st.st_uid;
        e.gid = st.st_gid;
        e.mtime = st.st_mtim.tv_sec;
        e.nlink = static_cast<std::uint32_t>(st.st_nlink);
        if (e.type == EntryType::File) {
            e.size = static_cast<std::uint64_t>(st.st_size);
            e.sha256 = sha256_of_file(p);
        } else if (e.type == EntryType::Symlink) {
            std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
            ssize_t n = ::readlink(p.c_str(), target.data(), target.size());
            if (n < 0) fail("readlink", p);
            target.resize(static_cast<std::size_t>(n));
            e.link_target = std::move(target);
        } else if (e.type == EntryType::CharDevice || e.type == EntryType::BlockDevice) {
            e.rdev = st.st_rdev;
        }
        out.add(r, e);
        if (e.type == EntryType::Directory) walk(p, r, out);
    }
}

std::string describe(const ManifestEntry& e) {
    std::string s = fmt::format("{:<9} {:04o} {}:{} mtime={}", to_string(e.type), e.mode, e.uid,
                                e.gid, e.mtime);
    if (e.type == EntryType::File)
        s += fmt::format(" size={} sha256={} nlink={}", e.size, e.sha256.substr(0, 16), e.nlink);
    if (e.type == EntryType::Symlink) s += fmt::format(" -> '{}'", e.link_target);
    return s;
}

/// The differences between two entries on `fields`, e.g. "size 2047 != 2048; mode 0644 != 0600".
std::string compare(const ManifestEntry& x, const ManifestEntry& y, const Fields& fields) {
    std::vector<std::string> d;
    for (Field f : fields) {
        switch (f) {
        case Field::Type:
            if (x.type != y.type)
                d.push_back(fmt::format("type {} != {}", to_string(x.type), to_string(y.type)));
            break;
        case Field::Size:
            if (x.size != y.size) d.push_back(fmt::format("size {} != {}", x.size, y.size));
            break;
        case Field::Sha256:
            if (x.sha256 != y.sha256)
                d.push_back(
                    fmt::format("sha256 {} != {}", x.sha256.substr(0, 16), y.sha256.substr(0, 16)));
            break;
        case Field::LinkTarget:
            if (x.link_target != y.link_target)
                d.push_back(fmt::format("target '{}' != '{}'", x.link_target, y.link_target));
            break;
        case Field::Mode:
            if (x.mode != y.mode) d.push_back(fmt::format("mode {:04o} != {:04o}", x.mode, y.mode));
            break;
        case Field::Owner:
            if (x.uid != y.uid || x.gid != y.gid)
                d.push_back(fmt::format("owner {}:{} != {}:{}", x.uid, x.gid, y.uid, y.gid));
            break;
        case Field::Mtime:
            if (x.mtime != y.mtime) d.push_back(fmt::format("mtime {} != {}", x.mtime, y.mtime));
            break;
        case Field::Nlink:
            if (x.type != EntryType::Directory && x.nlink != y.nlink)
                d.push_back(fmt::format("nlink {} != {}", x.nlink, y.nlink));
            break;
        }
    }
    std::string out;
    for (const auto& s : d)
        out += (out.empty() ? "" : "; ") + s;
    return out;
}

void append_section(std::string& out, std::string_view title, const std::vector<std::string>& lines,
                    std::size_t max_lines) {
    if (lines.empty()) return;
    out += fmt::format("{} ({}):\n", title, lines.size());
    for (std::size_t i = 0; i < lines.size() && i < max_lines; ++i)
        out += "  " + lines[i] + "\n";
    if (lines.size() > max_lines)
        out += fmt::format("  ... and {} more\n", lines.size() - max_lines);
}

} // namespace

std::string_view to_string(EntryType type) {
    switch (type) {
    case EntryType::File:
        return "file";
    case EntryType::Directory:
        return "directory";
    case EntryType::Symlink:
        return "symlink";
    case EntryType::Fifo:
        return "fifo";
    case EntryType::CharDevice:
        return "char_device";
    case EntryType::BlockDevice:
        return "block_device";
    case EntryType::Socket:
        return "socket";
    }
    return "?";
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 h;
    h.update(bytes.data(), bytes.size());
    return h.hex();
}

std::string sha256_of_file(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open", file);
    Sha256 h;
    std::vector<char> buf(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            errno = saved;
            fail("read", file);
        }
        if (n == 0) break;
        h.update(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return h.hex();
}

Manifest Manifest::of_tree(const fs::path& dir) {
    Manifest m;
    walk(dir, "", m);
    return m;
}

void Manifest::add(std::string path, ManifestEntry entry) {
    m_entries.insert_or_assign(std::move(path), std::move(entry));
}

const ManifestEntry* Manifest::find(std::string_view path) const {
    auto it = m_entries.find(path);
    return it == m_entries.end() ? nullptr : &it->second;
}

const ManifestEntry& Manifest::at(std::string_view path) const {
    if (const ManifestEntry* e = find(path)) return *e;
    throw std::out_of_range(fmt::format("manifest has no entry '{}'", path));
}

std::vector<std::string> Manifest::paths() const {
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto& [p, e] : m_entries)
        out.push_back(p);
    return out;
}

std::size_t Manifest::count(EntryType type) const {
    return static_cast<std::size_t>(
        std::count_if(m_entries.begin(), m_entries.end(),
                      [&](const auto& kv) { return kv.second.type == type; }));
}

Manifest Manifest::without(std::string_view path) const {
    const std::string prefix = std::string(path) + "/";
    return filtered([&](const std::string& p, const ManifestEntry&) {
        return p != path && p.compare(0, prefix.size(), prefix) != 0;
    });
}

Manifest Manifest::filtered(
    const std::function<bool(const std::string&, const ManifestEntry&)>& keep) const {
    Manifest out;
    for (const auto& [p, e] : m_entries)
        if (keep(p, e)) out.m_entries.emplace(p, e);
    return out;
}

Manifest Manifest::renamed(const std::function<std::string(const std::string&)>& rename) const {
    Manifest out;
    for (const auto& [p, e] : m_entries)
        out.m_entries.insert_or_assign(rename(p), e);
    return out;
}

std::string Manifest::dump(std::size_t max_lines) const {
    std::string out;
    std::size_t i = 0;
    for (const auto& [p, e] : m_entries) {
        if (i++ == max_lines) {
            out += fmt::format("  ... and {} more\n", m_entries.size() - max_lines);
            break;
        }
        out += fmt::format("  {}  [{}]\n", p, describe(e));
    }
    return out;
}

std::string diff(const Manifest& expected, const Manifest& actual, const Fields& fields,
                 std::size_t max_lines) {
    std::vector<std::string> missing, extra, different;
    for (const auto& [p, e] : expected.entries()) {
        const ManifestEntry* a = actual.find(p);
        if (!a) {
            missing.push_back(fmt::format("{}  [{}]", p, describe(e)));
            continue;
        }
        std::string d = compare(e, *a, fields);
        if (!d.empty()) different.push_back(fmt::format("{}: {} (expected != actual)", p, d));
    }
    for (const auto& [p, a] : actual.entries())
        if (!expected.find(p)) extra.push_back(fmt::format("{}  [{}]", p, describe(a)));
    std::string out;
    append_section(out, "missing (expected, not found)", missing, max_lines);
    append_section(out, "extra (found, not expected)", extra, max_lines);
    append_section(out, "different", different, max_lines);
    return out;
}

testing::AssertionResult manifests_match(std::string_view who, const Manifest& expected,
                                         const Manifest& actual, const Fields& fields) {
    std::string d = diff(expected, actual, fields);
    if (d.empty()) return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << who << " differs from the expected manifest (" << expected.size() << " expected, "
           << actual.size() << " found):\n"
           << d;
}

} // namespace discwright::test
