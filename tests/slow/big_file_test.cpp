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

#include "big_file_support.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kBigSize = 5 * kGiB;
/// Source (sparse, ~0) + image (5 GiB) + one extraction at a time (5 GiB) + slack.
constexpr std::uint64_t kNeededSpace = 12 * kGiB;

TEST(BigFile, FiveGibFileReadBackByXorrisoAndBsdtar) {
    TempDir work{"discwright-slow"};
    const std::uint64_t available = free_bytes(work.path());
    if (available < kNeededSpace)
        GTEST_SKIP() << "needs " << kNeededSpace / kGiB << " GiB free under " << work.path()
                     << ", has " << available / kGiB << " GiB";

    TempTree tree{{"big.bin", Sparse{kBigSize}}, {"small.txt", "small file after the big one\n"}};
    ASSERT_NO_FATAL_FAILURE(
        write_markers(tree / "big.bin", kBigSize,
                      {0, 2048, 4 * kGiB - 4096, 4 * kGiB - 2048 - 7, 4 * kGiB - 1, 4 * kGiB,
                       4 * kGiB + 2048, kBigSize - 17}));
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
