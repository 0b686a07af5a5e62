// Slow judged test: files larger than 1 GiB (more than one UDF extent, UDF 2.3.10) and larger
// than 4 GiB in UDF images, alone (2.01) and bridged (2.50, metadata partition), extracted by
// 7-Zip through UDF and hashed; pycdlib reads a 1.50 bridge of the 1 GiB file (pycdlib reads a
// bridged file only as far as its first ISO 9660 extent, so not the 5 GiB one).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "big_file_support.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kBigSize = 5 * kGiB + 12'345;
constexpr std::uint64_t kGibPlus = kGiB + 3 * 2048 + 1;
/// Sources (sparse) + image (~6.1 GiB) + one extraction (~6.1 GiB) + slack.
constexpr std::uint64_t kNeededSpace = 15 * kGiB;

TEST(UdfBigFile, FilesOverOneAndFourGibReadBackThroughUdf) {
    TempDir work{"discwright-slow"};
    const std::uint64_t available = free_bytes(work.path());
    if (available < kNeededSpace)
        GTEST_SKIP() << "needs " << kNeededSpace / kGiB << " GiB free under " << work.path()
                     << ", has " << available / kGiB << " GiB";

    TempTree tree{{"big.bin", Sparse{kBigSize}},
                  {"gib.bin", Sparse{kGibPlus}},
                  {"small.txt", "small file after the big ones\n"}};
    // Markers around every 2^30 - 2048 extent boundary and around 4 GiB.
    constexpr std::uint64_t ext = (std::uint64_t{1} << 30) - 2048;
    ASSERT_NO_FATAL_FAILURE(write_markers(
        tree / "big.bin", kBigSize,
        {0, ext - 7, ext, 2 * ext - 1, 4 * kGiB - 3, 4 * kGiB, 4 * ext + 5, kBigSize - 17}));
    ASSERT_NO_FATAL_FAILURE(write_markers(tree / "gib.bin", kGibPlus, {0, ext - 1, kGibPlus - 9}));
    tree.finish();
    const Manifest expected = Manifest::of_tree(tree.path());

    struct Case {
        std::string revision;
        std::string fs;
    };
    for (const Case& c : {Case{"2.01", "udf"}, Case{"2.50", "iso9660,joliet,rockridge,udf"},
                          Case{"1.50", "iso9660,joliet,rockridge,udf"}}) {
        SCOPED_TRACE("UDF " + c.revision + " " + c.fs);
        const fs::path image = work / "big.iso";
        std::vector<std::string> args{"image",      "create", "-o", image.string(),   "--date",
                                      "1700000000", "--fs",   c.fs, "--udf-revision", c.revision};
        // The 5 GiB file once, in the 2.50 image (long allocation descriptors); the others take
        // the 1 GiB one (short descriptors) and the small file.
        const bool all = c.revision == "2.50";
        if (!all) {
            args.push_back((tree / "gib.bin").string());
            args.push_back((tree / "small.txt").string());
        } else {
            args.push_back(tree.path().string());
        }
        const RunResult made = run_discwright(args);
        ASSERT_EQ(made.exit_status, 0) << made.describe();
        const RunResult info = run({"udfinfo", image.string()});
        EXPECT_EQ(info.exit_status, 0) << info.describe();
        EXPECT_EQ(info.err.find("Warning"), std::string::npos) << info.describe();

        if (c.revision == "1.50") {
            const PycdlibView udf = pycdlib_view(image, Namespace::Udf);
            ASSERT_TRUE(udf.ok()) << udf.run.describe() << udf.error;
            EXPECT_TRUE(manifests_match("pycdlib udf", expected.without("big.bin"), udf.manifest,
                                        kContentFields));
        } else {
            const fs::path dir = work / "x";
            const RunResult x =
                run({"7z", "x", "-y", "-tudf", "-o" + dir.string(), image.string()});
            EXPECT_EQ(x.exit_status, 0) << x.describe();
            EXPECT_TRUE(manifests_match("7z (UDF)", all ? expected : expected.without("big.bin"),
                                        Manifest::of_tree(dir), kContentFields));
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
        std::error_code ec;
        fs::remove(image, ec);
    }
}

} // namespace
} // namespace discwright::test
