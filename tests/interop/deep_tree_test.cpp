// Deep trees with long names: folders relocated more than once (ECMA-119 6.8.2.1, RRIP 4.1.5),
// folder names long enough to live in continuation areas (SUSP 5.1). Streaming readers
// (libarchive) read folders in block order, so this also judges where extents are placed. The
// relocation folder must be invisible to both readers.

#include <string>

#include <gtest/gtest.h>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

TEST(DeepTree, NestedRelocationsAndLongFolderNamesReadBackEverywhere) {
    std::vector<TreeEntry> entries;
    for (int chain = 0; chain < 3; ++chain) {
        std::string path = "chain" + std::to_string(chain);
        for (int level = 1; level <= 20; ++level) {
            std::string name = "level" + std::to_string(level);
            if (level % 4 == chain) name += "_" + std::string(200, static_cast<char>('a' + level));
            path += "/" + name;
            entries.push_back({path + "/file.txt", path});
            if (level % 5 == 0) entries.push_back({path + "/up", Symlink{"../file.txt"}});
        }
    }
    TempTree tree(entries);
    const Manifest expected = Manifest::of_tree(tree.path());
    TempDir out;
    const std::string image = (out / "deep.iso").string();
    RunResult r = run_discwright({"image", "create", "-q", "-o", image, tree.path().string()});
    ASSERT_TRUE(r.ok()) << r.describe();

    EXPECT_TRUE(
        readers_extract_as(image, expected, kContentFields, {Reader::Xorriso, Reader::Bsdtar}));
    // pycdlib is not asked here: it lists the relocated folders inside .rr_moved as well as
    // where their CL placeholders put them, and its dump refuses the duplicate paths.
}

} // namespace
} // namespace discwright::test
