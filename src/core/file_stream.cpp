// FileStream: a host file read with pread. The size is fixed when the file is opened; a file
// that shrinks afterwards is reported, never padded (STYLE.md section 7: no silent zeros).

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discwright/error.h"
#include "discwright/stream.h"

namespace discwright {

namespace {

std::string describe_errno(int err) {
    return std::generic_category().message(err);
}

} // namespace

FileStream::FileStream(std::string path) : m_path(std::move(path)) {
    // O_NOATIME: reading a source must not change it; an image of the same folder made twice
    // would otherwise record different access times. Only the owner (or root) may ask for it.
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
    if (m_fd < 0 && errno == EPERM) m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        int err = errno;
        throw Error(ErrorCode::DataStreamCreateFailure,
                    fmt::format("cannot open '{}': {}", m_path, describe_errno(err)))
            .with_path(m_path);
    }
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) {
        int err = errno;
        ::close(m_fd);
        throw Error(ErrorCode::DataStreamCreateFailure,
                    fmt::format("cannot stat '{}': {}", m_path, describe_errno(err)))
            .with_path(m_path);
    }
    if (S_ISREG(st.st_mode)) {
        m_size = static_cast<u64>(st.st_size);
    } else if (S_ISBLK(st.st_mode)) {
        // A block device reports st_size 0; its size is where its end is.
        off_t end = ::lseek(m_fd, 0, SEEK_END);
        if (end < 0) {
            int err = errno;
            ::close(m_fd);
            throw Error(
                ErrorCode::DataStreamCreateFailure,
                fmt::format("cannot find the size of '{}': {}", m_path, describe_errno(err)))
                .with_path(m_path);
        }
        m_size = static_cast<u64>(end);
    } else {
        ::close(m_fd);
        throw Error(ErrorCode::DataStreamCreateFailure,
                    fmt::format("cannot open '{}': not a regular file or block device", m_path))
            .with_path(m_path);
    }
}

FileStream::~FileStream() {
    if (m_fd >= 0) ::close(m_fd);
}

std::size_t FileStream::read_at(u64 offset, std::span<std::byte> buffer) const {
    if (offset >= m_size) return 0;
    const std::size_t wanted =
        static_cast<std::size_t>(std::min<u64>(buffer.size(), m_size - offset));
    std::size_t done = 0;
    while (done < wanted) {
        ssize_t got =
            ::pread(m_fd, buffer.data() + done, wanted - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            int err = errno;
            if (err == EINTR) continue;
            throw Error(ErrorCode::DataStreamReadFailure,
                        fmt::format("cannot read '{}': {} (offset {})", m_path, describe_errno(err),
                                    offset + done))
                .with_path(m_path);
        }
        if (got == 0)
            throw Error(ErrorCode::DataStreamInconsistency,
                        fmt::format("'{}' shrank after staging: {} bytes expected, {} found",
                                    m_path, m_size, offset + done))
                .with_path(m_path);
        done += static_cast<std::size_t>(got);
    }
    return done;
}

} // namespace discwright
