#pragma once
// What the slow big-file tests share: room on the disk, and sparse files with markers.

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <string>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace discwright::test {

inline std::uint64_t free_bytes(const std::filesystem::path& where) {
    struct statvfs s {};
    if (::statvfs(where.c_str(), &s) != 0) return 0;
    return static_cast<std::uint64_t>(s.f_bavail) * s.f_frsize;
}

/// Writes a short marker ("<offset>") at each offset of a (sparse) file of `size` bytes, cut at
/// its end. An all-zero file would let a reader that reads the wrong extent still produce the
/// right hash; markers where extent arithmetic goes wrong make it change.
inline void write_markers(const std::filesystem::path& file, std::uint64_t size,
                          std::initializer_list<std::uint64_t> offsets) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    for (std::uint64_t off : offsets) {
        const std::string marker = "<" + std::to_string(off) + ">";
        const std::string bytes =
            marker.substr(0, std::min<std::uint64_t>(marker.size(), size - off));
        ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(off)),
                  static_cast<ssize_t>(bytes.size()))
            << std::strerror(errno);
    }
    ASSERT_EQ(::close(fd), 0);
}

} // namespace discwright::test
