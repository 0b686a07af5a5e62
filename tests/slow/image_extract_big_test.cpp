// Slow judged test (ctest -L slow): a 5 GiB file in an image made by xorriso at ISO level 3 is
// recorded as several extents (ECMA-119 6.5.1, 9.1.6 multi-extent flag). `discwright image ls`
// must show one file of the whole size whose extents add up to it, and `discwright image
// extract` must give back the same bytes.

#include <cerrno>
#include <cstdint>
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

constexpr std::uint64_t kBigSize = 5 * kGiB + 12345;
/// Source (sparse, ~0) + image (5 GiB) + extraction (5 GiB) + slack.
constexpr std::uint64_t kNeededSpace = 12 * kGiB;

TEST(BigImageRead, MultiExtentFileFromXorrisoIsListedAndExtracted) {
    TempDir work{"discwright-slow-read"};
    const std::uint64_t available = free_bytes(work.path());
    if (available < kNeededSpace)
        GTEST_SKIP() << "needs " << kNeededSpace / kGiB << " GiB free under " << work.path()
                     << ", has " << available / kGiB << " GiB";

    TempTree tree{{"big.bin", Sparse{kBigSize}}, {"after.txt", "a small file after it\n"}};
    ASSERT_NO_FATAL_FAILURE(write_markers(
        tree / "big.bin", kBigSize,
        {0, 4 * kGiB - 2048 - 9, 4 * kGiB - 2048, 4 * kGiB, 4 * kGiB + 4096, kBigSize - 11}));
    tree.finish(); // pin the mtime again after the writes
    const Manifest expected = Manifest::of_tree(tree.path());

    const fs::path image = work / "big.iso";
    RunResult made = run({"xorriso", "-as", "mkisofs", "-iso-level", "3", "-R", "-o",
                          image.string(), tree.path().string()});
    ASSERT_EQ(made.exit_status, 0) << made.describe();
    ASSERT_GT(fs::file_size(image), kBigSize);

    RunResult ls = run_discwright({"--json", "image", "ls", image.string(), "/big.bin"});
    ASSERT_EQ(ls.exit_status, 0) << ls.describe();
    const auto lines = json_lines(ls.out);
    ASSERT_EQ(lines.size(), 2u) << ls.out;
    const auto& entry = lines.front();
    EXPECT_EQ(entry["size"], kBigSize);
    ASSERT_GE(entry["extents"].size(), 2u) << "a 5 GiB file needs several extents";
    std::uint64_t held = 0;
    for (const auto& x : entry["extents"]) {
        EXPECT_LT(x["bytes"].get<std::uint64_t>(), 4 * kGiB) << x.dump();
        held += x["bytes"].get<std::uint64_t>();
    }
    EXPECT_EQ(held, kBigSize) << entry.dump();

    const fs::path dir = work / "out";
    RunResult x = run_discwright({"image", "extract", image.string(), dir.string()});
    EXPECT_EQ(x.exit_status, 0) << x.describe();
    std::error_code ec;
    fs::remove(image, ec); // the image is not needed for the comparison; free its 5 GiB now
    EXPECT_TRUE(
        manifests_match("discwright extraction", expected, Manifest::of_tree(dir), kPosixFields));
    fs::remove_all(dir, ec);
}

} // namespace
} // namespace discwright::test
