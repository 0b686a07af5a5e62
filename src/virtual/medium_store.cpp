#include "virtual/medium_store.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "virtual/fault_plan.h"

namespace discwright::virtual_recorder {

namespace {

constexpr std::string_view format_name = "discwright-virtual-drive";
constexpr int format_version = 1;

std::string errno_text(int e) {
    return std::error_code(e, std::generic_category()).message();
}

std::string_view track_state_name(TrackState s) {
    switch (s) {
    case TrackState::Reserved:
        return "reserved";
    case TrackState::Incomplete:
        return "incomplete";
    case TrackState::Complete:
        return "complete";
    }
    return "complete";
}

TrackState parse_track_state(const std::string& s) {
    if (s == "reserved") return TrackState::Reserved;
    if (s == "incomplete") return TrackState::Incomplete;
    if (s == "complete") return TrackState::Complete;
    throw std::invalid_argument(fmt::format("unknown track state '{}'", s));
}

nlohmann::json medium_json(const MediumRecord& m) {
    nlohmann::json sessions = nlohmann::json::array();
    for (const auto& s : m.sessions) {
        nlohmann::json tracks = nlohmann::json::array();
        for (const auto& t : s.tracks)
            tracks.push_back({{"start", t.start},
                              {"size", t.size},
                              {"written", t.written},
                              {"state", track_state_name(t.state)}});
        sessions.push_back({{"closed", s.closed}, {"tracks", std::move(tracks)}});
    }
    return {{"type", to_string(m.type)},
            {"formatted", m.formatted},
            {"capacity", m.capacity},
            {"finalized", m.finalized},
            {"write_protected", m.write_protected},
            {"next_start", m.next_start},
            {"recorded_end", m.recorded_end},
            {"sessions", std::move(sessions)}};
}

MediumRecord medium_from_json(const nlohmann::json& j) {
    MediumRecord m;
    const auto type_name = j.at("type").get<std::string>();
    const auto type = parse_media_type(type_name);
    if (!type) throw std::invalid_argument(fmt::format("unknown media type '{}'", type_name));
    m.type = *type;
    m.formatted = j.at("formatted").get<bool>();
    m.capacity = j.at("capacity").get<u64>();
    m.finalized = j.at("finalized").get<bool>();
    m.write_protected = j.value("write_protected", false);
    m.next_start = j.at("next_start").get<u64>();
    m.recorded_end = j.at("recorded_end").get<u64>();
    for (const auto& s : j.at("sessions")) {
        SessionRecord session;
        session.closed = s.at("closed").get<bool>();
        for (const auto& t : s.at("tracks"))
            session.tracks.push_back(
                {.start = t.at("start").get<u64>(),
                 .size = t.at("size").get<u64>(),
                 .written = t.at("written").get<u64>(),
                 .state = parse_track_state(t.at("state").get<std::string>())});
        m.sessions.push_back(std::move(session));
    }
    // Medium checks the consistency of what the file claims.
    return Medium::from_record(std::move(m)).record();
}

std::filesystem::path json_path(const std::filesystem::path& path) {
    return VirtualRecorder::metadata_path(path);
}

std::string read_text(const std::filesystem::path& file, const std::filesystem::path& drive) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(ErrorCode::RecorderNotFound,
                    fmt::format("virtual recorder '{}': no drive there ({} is missing)",
                                drive.string(), file.string()))
            .with_path(drive.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void close_fd(int fd) {
    if (fd >= 0) ::close(fd);
}

std::string read_all(int fd, const std::filesystem::path& file) {
    std::string text;
    char buffer[8192];
    for (;;) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw Error(ErrorCode::TransportFailure,
                        fmt::format("virtual recorder metadata: cannot read: {} ({})",
                                    errno_text(errno), file.string()))
                .with_path(file.string());
        if (n == 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

} // namespace

std::string encode_drive_record(const DriveRecord& record) {
    nlohmann::json j;
    j["format"] = format_name;
    j["version"] = format_version;
    j["tray_open"] = record.tray_open;
    j["medium"] = record.medium ? medium_json(*record.medium) : nlohmann::json(nullptr);
    to_json(j["faults"], record.faults);
    if (record.throttle_speed_x)
        j["throttle_speed_x"] = *record.throttle_speed_x;
    else
        j["throttle_speed_x"] = nullptr;
    return j.dump(2) + "\n";
}

DriveRecord decode_drive_record(std::string_view text, std::string_view where) {
    try {
        const auto j = nlohmann::json::parse(text);
        if (j.value("format", std::string{}) != format_name)
            throw std::invalid_argument("not a discwright virtual drive");
        if (j.value("version", 0) != format_version)
            throw std::invalid_argument(
                fmt::format("version {} is not {}", j.value("version", 0), format_version));
        DriveRecord r;
        r.tray_open = j.at("tray_open").get<bool>();
        if (!j.at("medium").is_null()) r.medium = medium_from_json(j.at("medium"));
        if (j.contains("faults")) from_json(j.at("faults"), r.faults);
        if (j.contains("throttle_speed_x") && !j.at("throttle_speed_x").is_null())
            r.throttle_speed_x = j.at("throttle_speed_x").get<double>();
        return r;
    } catch (const Error& e) {
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("virtual recorder metadata: {} ({})", e.message(), where))
            .with_path(std::string(where));
    } catch (const std::exception& e) {
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("virtual recorder metadata: {} ({})", e.what(), where))
            .with_path(std::string(where));
    }
}

void MediumStore::create(const std::filesystem::path& path, const DriveRecord& record,
                         ExistingMedium existing) {
    std::error_code ec;
    const bool data_exists = std::filesystem::exists(path, ec);
    const bool json_exists = std::filesystem::exists(json_path(path), ec);
    if ((data_exists || json_exists) && existing == ExistingMedium::Refuse)
        throw Error(ErrorCode::FileExists,
                    fmt::format("cannot create virtual recorder '{}': {} exists", path.string(),
                                data_exists ? path.string() : json_path(path).string()))
            .with_path(path.string());
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(ErrorCode::OutputWriteFailure,
                    fmt::format("cannot create virtual recorder '{}': {}", path.string(),
                                errno_text(errno)))
            .with_path(path.string());
    MediumStore store(path, fd);
    // Replacing a medium a drive is writing would tear its burn; between commands it is fine:
    // the drive reloads the new state at its next command.
    if (!store.try_lock())
        throw Error(ErrorCode::RecorderLocked,
                    fmt::format("cannot replace virtual recorder '{}': the virtual medium {} is "
                                "being written by another process",
                                path.string(), path.string()))
            .with_path(path.string());
    store.erase_data();
    store.save(record);
}

MediumStore MediumStore::open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        throw Error(e == ENOENT ? ErrorCode::RecorderNotFound : ErrorCode::TransportFailure,
                    fmt::format("cannot open virtual recorder '{}': {}", path.string(),
                                e == ENOENT ? std::string("no such medium file") : errno_text(e)))
            .with_path(path.string())
            .with_drive("virtual:" + path.string());
    }
    MediumStore store(path, fd);
    store.reload();
    return store;
}

DriveRecord MediumStore::read_state(const std::filesystem::path& path) {
    const auto meta = json_path(path);
    if (!std::filesystem::exists(path))
        throw Error(ErrorCode::RecorderNotFound,
                    fmt::format("virtual recorder '{}': no such medium file", path.string()))
            .with_path(path.string());
    return decode_drive_record(read_text(meta, path), meta.string());
}

MediumStore::MediumStore(std::filesystem::path path, int fd)
    : m_path(std::move(path)), m_meta_path(json_path(m_path)), m_fd(fd) {}

MediumStore::MediumStore(MediumStore&& other) noexcept
    : m_path(std::move(other.m_path)), m_meta_path(std::move(other.m_meta_path)),
      m_fd(std::exchange(other.m_fd, -1)), m_meta_fd(std::exchange(other.m_meta_fd, -1)),
      m_meta_dev(other.m_meta_dev), m_meta_ino(other.m_meta_ino),
      m_locked(std::exchange(other.m_locked, false)), m_loaded(std::move(other.m_loaded)) {}

MediumStore& MediumStore::operator=(MediumStore&& other) noexcept {
    if (this != &other) {
        close_fd(m_fd);
        close_fd(m_meta_fd);
        m_path = std::move(other.m_path);
        m_meta_path = std::move(other.m_meta_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_meta_fd = std::exchange(other.m_meta_fd, -1);
        m_meta_dev = other.m_meta_dev;
        m_meta_ino = other.m_meta_ino;
        m_locked = std::exchange(other.m_locked, false);
        m_loaded = std::move(other.m_loaded);
    }
    return *this;
}

MediumStore::~MediumStore() {
    close_fd(m_fd); // closing the descriptor releases the flock
    close_fd(m_meta_fd);
}

bool MediumStore::try_lock() {
    if (m_locked) return true;
    if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) {
        m_locked = true;
        return true;
    }
    const int e = errno;
    if (e == EWOULDBLOCK || e == EINTR) return false;
    throw Error(ErrorCode::TransportFailure,
                fmt::format("virtual recorder '{}': locking the medium failed: {}", m_path.string(),
                            errno_text(e)))
        .with_path(m_path.string());
}

void MediumStore::lock_for_change() {
    // A drive holds the lock for the length of one command, or from its first unsaved WRITE
    // until that write is saved. One command takes far less than the grace below, so a lock
    // still held after it is a burn in progress.
    constexpr int attempts = 200;
    constexpr auto pause = std::chrono::milliseconds(1);
    for (int i = 0; !try_lock(); ++i) {
        if (i == attempts)
            throw Error(ErrorCode::RecorderLocked,
                        fmt::format("cannot change virtual recorder '{}': the virtual medium {} "
                                    "is being written by another process",
                                    m_path.string(), m_path.string()))
                .with_path(m_path.string())
                .with_drive("virtual:" + m_path.string());
        std::this_thread::sleep_for(pause);
    }
}

void MediumStore::unlock() {
    if (!m_locked) return;
    ::flock(m_fd, LOCK_UN);
    m_locked = false;
}

bool MediumStore::changed_on_disk() const {
    struct stat st {};
    if (m_meta_fd < 0 || ::stat(m_meta_path.c_str(), &st) != 0) return true;
    return st.st_ino != m_meta_ino || st.st_dev != m_meta_dev;
}

void MediumStore::reload() {
    const int meta_fd = ::open(m_meta_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (meta_fd < 0) {
        const int e = errno;
        throw Error(e == ENOENT ? ErrorCode::RecorderNotFound : ErrorCode::TransportFailure,
                    fmt::format("virtual recorder '{}': cannot read {}: {}", m_path.string(),
                                m_meta_path.string(), errno_text(e)))
            .with_path(m_path.string())
            .with_drive("virtual:" + m_path.string());
    }
    try {
        auto record = decode_drive_record(read_all(meta_fd, m_meta_path), m_meta_path.string());
        adopt_metadata(meta_fd);
        m_loaded = std::move(record);
    } catch (...) {
        close_fd(meta_fd);
        throw;
    }
}

void MediumStore::adopt_metadata(int meta_fd) {
    struct stat st {};
    if (::fstat(meta_fd, &st) != 0) {
        const int e = errno;
        close_fd(meta_fd);
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("virtual recorder '{}': cannot stat {}: {}", m_path.string(),
                                m_meta_path.string(), errno_text(e)))
            .with_path(m_meta_path.string());
    }
    close_fd(m_meta_fd);
    m_meta_fd = meta_fd;
    m_meta_dev = st.st_dev;
    m_meta_ino = st.st_ino;
}

void MediumStore::save(const DriveRecord& record) {
    auto temp = m_meta_path;
    temp += fmt::format(".tmp{}", ::getpid());
    const auto text = encode_drive_record(record);
    // errno is read first, before anything else can change it.
    const auto fail = [&](std::string_view verb, const std::filesystem::path& file, int fd) {
        const int e = errno;
        close_fd(fd);
        std::error_code ec;
        std::filesystem::remove(temp, ec);
        return Error(ErrorCode::TransportFailure,
                     fmt::format("virtual recorder '{}': cannot {} {}: {}", m_path.string(), verb,
                                 file.string(), errno_text(e)))
            .with_path(m_meta_path.string());
    };
    const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw fail("create", temp, -1);
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw fail("write", temp, fd);
        done += static_cast<std::size_t>(n);
    }
    // The new file gets a new inode, which is how other stores notice the save.
    if (::rename(temp.c_str(), m_meta_path.c_str()) != 0) throw fail("replace", m_meta_path, fd);
    adopt_metadata(fd);
    m_loaded = record;
}

void MediumStore::write_blocks(u64 lba, std::span<const std::byte> data) {
    std::size_t done = 0;
    const auto offset = static_cast<off_t>(lba * block_size);
    while (done < data.size()) {
        const auto n = ::pwrite(m_fd, data.data() + done, data.size() - done,
                                offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw Error(ErrorCode::TransportFailure,
                        fmt::format("virtual recorder '{}': writing {} bytes at LBA {} failed: {}",
                                    m_path.string(), data.size(), lba,
                                    n < 0 ? errno_text(errno) : std::string("nothing written")))
                .with_path(m_path.string())
                .with_lba(lba);
        done += static_cast<std::size_t>(n);
    }
}

void MediumStore::read_blocks(u64 lba, std::span<std::byte> data) {
    std::size_t done = 0;
    const auto offset = static_cast<off_t>(lba * block_size);
    while (done < data.size()) {
        const auto n = ::pread(m_fd, data.data() + done, data.size() - done,
                               offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw Error(ErrorCode::TransportFailure,
                        fmt::format("virtual recorder '{}': reading {} bytes at LBA {} failed: {}",
                                    m_path.string(), data.size(), lba, errno_text(errno)))
                .with_path(m_path.string())
                .with_lba(lba);
        if (n == 0) {
            std::memset(data.data() + done, 0, data.size() - done);
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

void MediumStore::erase_data() {
    if (::ftruncate(m_fd, 0) != 0)
        throw Error(ErrorCode::TransportFailure,
                    fmt::format("virtual recorder '{}': emptying the medium failed: {}",
                                m_path.string(), errno_text(errno)))
            .with_path(m_path.string());
}

} // namespace discwright::virtual_recorder
