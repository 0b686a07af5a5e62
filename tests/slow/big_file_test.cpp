// Slow judged test (ctest -L slow): a file of 5 GiB, larger than one ISO 9660 extent can hold
// (ECMA-119 9.1.4: data length is 32 bits), so the default level 3 records it as several
// extents (ECMA-119 6.5.1, 9.1.6 multi-extent flag). Two independent readers must extract it
// with the right size and SHA-256.

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kBigSize = 5 * kGiB;
/// Source (sparse, ~0) + image (5 GiB) + one extraction at a time (5 GiB) + slack.
constexpr std::uint64_t kNeededSpace = 12 * kGiB;

std::uint64_t free_bytes(const fs::path& where) {
    struct statvfs s {};
    if (::statvfs(where.c_str(), &s) != 0) return 0;
    return static_cast<std::uint64_t>(s.f_bavail) * s.f_frsize;
}

/// Writes short markers into the sparse file where extent arithmetic goes wrong: the start,
/// around the 4 GiB - 2048 extent limit and 4 GiB, and the very end. An all-zero file would let a
/// reader that reads the wrong extent still produce the right hash.
void write_markers(const fs::path& file) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    const std::uint64_t offsets[] = {0,
                                     2048,
                                     4 * kGiB - 4096,
                                     4 * kGiB - 2048 - 7,
                                     4 * kGiB - 1,
                                     4 * kGiB,
                                     4 * kGiB + 2048,
                                     kBigSize - 17};
    for (std::uint64_t off : offsets) {
        const std::string marker = "@" + std::to_string(off) + "#";
        const std::string bytes =
            marker.substr(0, std::min<std::uint64_t>(marker.size(), kBigSize - off));
        ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(off)),
                  static_cast<ssize_t>(bytes.size()))
            << std::strerror(errno);
    }
    ASSERT_EQ(::close(fd), 0);
}

TEST(BigFile, FiveGibFileReadBackByXorrisoAndBsdtar) {
    TempDir work{"discwright-slow"};
    const std::uint64_t available = free_bytes(work.path());
    if (available < kNeededSpace)
        GTEST_SKIP() << "needs " << kNeededSpace / kGiB << " GiB free under " << work.path()
                     << ", has " << available / kGiB << " GiB";

    TempTree tree{{"big.bin", Sparse{kBigSize}}, {"small.txt", "small file after the big one\n"}};
    ASSERT_NO_FATAL_FAILURE(write_markers(tree / "big.bin"));
    tree.finish(); // pin the mtime again after the writes
    const Manifest expected = Manifest::of_tree(tree.path());
    ASSERT_EQ(expected.at("big.bin").size, kBigSize);

    const fs::path image = work / "big.iso";
    RunResult made = run_discwright(
        {"image", "create", "-o", image.string(), "--date", "1700000000", tree.path().string()});
    ASSERT_EQ(made.exit_status, 0) << made.describe();
    ASSERT_GT(fs::file_size(image), kBigSize);
    ASSERT_EQ(fs::file_size(image) % 2048, 0u);

    for (Reader reader : {Reader::Xorriso, Reader::Bsdtar}) {
        SCOPED_TRACE(std::string(to_string(reader)));
        const fs::path dir = work / ("x-" + std::string(to_string(reader)));
        RunResult x = extract_with(reader, image, dir);
        EXPECT_EQ(x.exit_status, 0) << x.describe();
        // Streams each extracted file through SHA-256; sizes and mtimes too.
        const Manifest seen = Manifest::of_tree(dir).without(".rr_moved");
        EXPECT_TRUE(manifests_match(to_string(reader), expected, seen,
                                    {Field::Type, Field::Size, Field::Sha256, Field::Mtime}));
        std::error_code ec;
        fs::remove_all(dir, ec); // one extraction on disk at a time
    }
}

} // namespace
} // namespace discwright::test
