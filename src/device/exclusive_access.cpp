#include "device/exclusive_access.h"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include "discwright/error.h"

namespace discwright::device {
namespace {

constexpr std::size_t max_client_name = 64;
/// Lock file names stay well below NAME_MAX (255) with the hash suffix and ".lock".
constexpr std::size_t max_plain_name = 160;
/// A holder writes its name right after taking the lock, and owner() probes hold a shared lock
/// for an instant: both make a lock look held by nobody known for a moment, so a refused
/// acquire looks again a few times before it gives up.
constexpr int lock_attempts = 64;

struct Holder {
    std::string name;
    long pid = 0;
};

std::string errno_text(int err) {
    return std::strerror(err);
}

/// "name\npid\n" as written by take_lock_file; nullopt for an empty or foreign file.
std::optional<Holder> read_holder(int fd) {
    std::array<char, 256> buf{};
    const ssize_t n = pread(fd, buf.data(), buf.size(), 0);
    if (n <= 0) return std::nullopt;
    const std::string_view text(buf.data(), static_cast<std::size_t>(n));
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos || nl == 0) return std::nullopt;
    Holder h{std::string(text.substr(0, nl)), 0};
    const std::string pid_text(text.substr(nl + 1));
    h.pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (h.pid <= 0) return std::nullopt;
    return h;
}

bool process_alive(long pid) {
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string hex64(u64 v) {
    return fmt::format("{:016x}", v);
}

/// FNV-1a: a stable, dependency-free hash; collisions only matter among ids sharing 160
/// leading characters.
u64 fnv1a(std::string_view s) {
    u64 h = 0xcbf29ce484222325ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

Error locked_error(std::string_view unique_id, const Holder& holder) {
    return Error(ErrorCode::RecorderLocked, fmt::format("drive {} is held by '{}' (pid {})",
                                                        unique_id, holder.name, holder.pid))
        .with_owner(holder.name)
        .with_drive(std::string(unique_id));
}

/// A folder we create for ourselves must be ours and not a link planted by someone else.
void ensure_private_directory(const std::filesystem::path& dir) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw Error(
            ErrorCode::TransportFailure,
            fmt::format("lock folder cannot be created: {} ({})", errno_text(errno), dir.string()))
            .with_path(dir.string());
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("lock folder is not a folder of this user ({})", dir.string()))
            .with_path(dir.string());
}

void create_directories(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw Error(
            ErrorCode::TransportFailure,
            fmt::format("lock folder cannot be created: {} ({})", ec.message(), dir.string()))
            .with_path(dir.string());
}

std::string read_proc_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// proc(5) escapes space, tab, newline and backslash in mountinfo paths as \ooo.
std::string decode_mount_path(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            const std::string_view oct = s.substr(i + 1, 3);
            bool ok = true;
            int v = 0;
            for (char c : oct) {
                ok = ok && c >= '0' && c <= '7';
                v = v * 8 + (c - '0');
            }
            if (ok) {
                out.push_back(static_cast<char>(v));
                i += 3;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

} // namespace

void validate_client_name(std::string_view client_name) {
    auto fail = [&](std::string_view why) {
        throw Error(ErrorCode::ClientNameIsNotValid,
                    fmt::format("client name '{}' is not valid: {}", client_name, why));
    };
    if (client_name.empty()) fail("it is empty");
    if (client_name.size() > max_client_name)
        fail(fmt::format("{} characters, at most {} allowed", client_name.size(), max_client_name));
    for (char c : client_name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok)
            fail(fmt::format("character 0x{:02x} is outside [A-Za-z0-9_.-]",
                             static_cast<unsigned char>(c)));
    }
}

std::optional<std::string> find_mount_point(std::string_view mountinfo, u32 major, u32 minor) {
    const std::string wanted = fmt::format("{}:{}", major, minor);
    while (!mountinfo.empty()) {
        const std::size_t end = mountinfo.find('\n');
        std::string_view line = mountinfo.substr(0, end);
        mountinfo = end == std::string_view::npos ? std::string_view() : mountinfo.substr(end + 1);
        // Fields: mount id, parent id, major:minor, root, mount point, ...
        std::array<std::string_view, 5> fields;
        std::size_t n = 0;
        while (n < fields.size() && !line.empty()) {
            const std::size_t sp = line.find(' ');
            fields[n++] = line.substr(0, sp);
            line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
        }
        if (n == fields.size() && fields[2] == wanted) return decode_mount_path(fields[4]);
    }
    return std::nullopt;
}

std::filesystem::path ExclusiveAccess::lock_directory() {
    if (const char* v = std::getenv("DISCWRIGHT_LOCK_DIR"); v && *v) {
        create_directories(v);
        return v;
    }
    if (const char* v = std::getenv("XDG_RUNTIME_DIR"); v && *v) {
        const std::filesystem::path base = std::filesystem::path(v) / "discwright";
        ensure_private_directory(base);
        ensure_private_directory(base / "locks");
        return base / "locks";
    }
    if (access("/run/lock", W_OK) == 0) {
        // Shared by every user, like /tmp: sticky and world-writable.
        const std::filesystem::path dir = "/run/lock/discwright";
        if (mkdir(dir.c_str(), 01777) == 0) chmod(dir.c_str(), 01777);
        struct stat st {};
        if (lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && access(dir.c_str(), W_OK) == 0)
            return dir;
    }
    const std::filesystem::path base =
        std::filesystem::path("/tmp") / fmt::format("discwright-{}", getuid());
    ensure_private_directory(base);
    ensure_private_directory(base / "locks");
    return base / "locks";
}

std::filesystem::path ExclusiveAccess::lock_path(std::string_view unique_id) {
    std::string name;
    for (char c : unique_id) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (plain)
            name.push_back(c);
        else
            name += fmt::format("_{:02X}", static_cast<unsigned char>(c));
    }
    if (name.size() > max_plain_name)
        name = name.substr(0, max_plain_name) + "-" + hex64(fnv1a(unique_id));
    return lock_directory() / (name + ".lock");
}

std::optional<std::string> ExclusiveAccess::owner(std::string_view unique_id) {
    const std::filesystem::path path = lock_path(unique_id);
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt; // never locked
    std::optional<std::string> result;
    for (int attempt = 0; attempt < lock_attempts; ++attempt) {
        if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
            flock(fd, LOCK_UN);
            result.reset(); // contents left by a crashed holder are not an owner
            break;
        }
        if (auto holder = read_holder(fd)) {
            result = holder->name;
            break;
        }
        result = "unknown";
        sched_yield();
    }
    close(fd);
    return result;
}

ExclusiveAccess::ExclusiveAccess(std::string unique_id, std::filesystem::path device_node)
    : m_unique_id(std::move(unique_id)), m_device_node(std::move(device_node)) {}

ExclusiveAccess::~ExclusiveAccess() {
    drop();
}

void ExclusiveAccess::acquire(ExclusiveAccessMode mode, std::string_view client_name) {
    validate_client_name(client_name);
    if (m_count > 0) {
        ++m_count;
        return;
    }
    if (mode == ExclusiveAccessMode::Polite && !m_device_node.empty()) {
        struct stat st {};
        if (stat(m_device_node.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
            if (auto at = find_mount_point(read_proc_file("/proc/self/mountinfo"),
                                           major(st.st_rdev), minor(st.st_rdev)))
                throw Error(ErrorCode::RecorderLocked,
                            fmt::format("drive {} has a file system mounted at {}: unmount it or "
                                        "acquire with force ({})",
                                        m_unique_id, *at, m_device_node.string()))
                    .with_drive(m_unique_id)
                    .with_path(*at);
        }
    }
    take_lock_file(client_name);
    try {
        open_device_exclusively(mode);
    } catch (...) {
        drop();
        throw;
    }
    m_count = 1;
}

void ExclusiveAccess::release() {
    if (m_count == 0)
        throw Error(
            ErrorCode::InvalidParam,
            fmt::format("exclusive access cannot be released: it is not held ({})", m_unique_id))
            .with_drive(m_unique_id);
    if (--m_count == 0) drop();
}

void ExclusiveAccess::take_lock_file(std::string_view client_name) {
    const std::filesystem::path path = lock_path(m_unique_id);
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    bool writable = true;
    if (fd < 0 && errno == EACCES) {
        // Created by another user in the shared folder: the lock still works, the name is
        // just not published.
        fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        writable = false;
    }
    if (fd < 0)
        throw Error(ErrorCode::TransportFailure, fmt::format("lock file cannot be opened: {} ({})",
                                                             errno_text(errno), path.string()))
            .with_path(path.string())
            .with_drive(m_unique_id);
    std::optional<Holder> holder;
    for (int attempt = 0; attempt < lock_attempts; ++attempt) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            if (writable) {
                const std::string text = fmt::format("{}\n{}\n", client_name, getpid());
                if (ftruncate(fd, 0) != 0 ||
                    pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
                    writable = false; // the lock holds; only the published name is missing
            }
            m_lock_fd = fd;
            return;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const int err = errno;
            close(fd);
            throw Error(
                ErrorCode::TransportFailure,
                fmt::format("lock file cannot be locked: {} ({})", errno_text(err), path.string()))
                .with_path(path.string())
                .with_drive(m_unique_id);
        }
        holder = read_holder(fd);
        if (holder && process_alive(holder->pid)) break;
        holder.reset();
        sched_yield();
    }
    close(fd);
    throw locked_error(m_unique_id, holder.value_or(Holder{"unknown", 0}));
}

void ExclusiveAccess::open_device_exclusively(ExclusiveAccessMode mode) {
    if (m_device_node.empty()) return;
    // O_NONBLOCK: an optical drive's node opens without a medium only this way.
    const int fd = open(m_device_node.c_str(), O_RDONLY | O_NONBLOCK | O_EXCL | O_CLOEXEC);
    if (fd >= 0) {
        m_device_fd = fd;
        return;
    }
    const int err = errno;
    if (err == EBUSY && mode == ExclusiveAccessMode::Force) return; // mounted: lock file only
    if (err == EBUSY)
        throw Error(ErrorCode::RecorderLocked,
                    fmt::format("drive {} is held by another program: the kernel refused an "
                                "exclusive open ({})",
                                m_unique_id, m_device_node.string()))
            .with_drive(m_unique_id)
            .with_path(m_device_node.string());
    throw Error(err == ENOENT ? ErrorCode::RecorderNotFound : ErrorCode::TransportFailure,
                fmt::format("drive {} cannot be opened exclusively: {} ({})", m_unique_id,
                            errno_text(err), m_device_node.string()))
        .with_drive(m_unique_id)
        .with_path(m_device_node.string());
}

void ExclusiveAccess::drop() {
    if (m_device_fd >= 0) close(m_device_fd);
    m_device_fd = -1;
    if (m_lock_fd >= 0) {
        // Emptied before unlocking, so nobody reads this holder after it let go.
        if (ftruncate(m_lock_fd, 0) != 0) {
            // A stale name is harmless: owner() only believes names of locked files.
        }
        close(m_lock_fd);
    }
    m_lock_fd = -1;
    m_count = 0;
}

} // namespace discwright::device
