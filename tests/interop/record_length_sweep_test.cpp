// Every length of Rock Ridge name (1-255 bytes) and a sweep of symlink target lengths, so that
// the system use area of a record meets every boundary: record full (ECMA-119 9.1: at most 255
// bytes, kept even), spill into a continuation area (SUSP 5.1), NM and SL split across entries
// (RRIP 4.1.3, 4.1.4). Every entry must come back from every reader.

#include <string>

#include <gtest/gtest.h>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

std::string name_of_length(std::size_t n, char fill) {
    std::string s = std::to_string(n) + "_";
    s.resize(n, fill);
    return s.substr(0, n);
}

TEST(RecordLengthSweep, EveryNameAndLinkLengthSurvives) {
    std::vector<TreeEntry> entries;
    for (std::size_t n = 3; n <= 255; ++n)
        entries.push_back({"names/" + name_of_length(n, 'n'), std::to_string(n)});
    for (std::size_t n = 1; n <= 600; n += (n < 300 ? 1 : 7)) {
        std::string target = name_of_length(std::min<std::size_t>(n, 200), 't');
        while (target.size() < n)
            target += "/" + name_of_length(std::min<std::size_t>(n - target.size(), 90), 's');
        target.resize(n);
        if (target.back() == '/') target.back() = 'z';
        entries.push_back({"links/l" + std::to_string(n), Symlink{target}});
    }
    TempTree tree(entries);
    const Manifest expected = Manifest::of_tree(tree.path());
    TempDir out;
    const std::string image = (out / "sweep.iso").string();
    RunResult r = run_discwright({"image", "create", "-q", "-o", image, tree.path().string()});
    ASSERT_TRUE(r.ok()) << r.describe();

    EXPECT_TRUE(
        readers_extract_as(image, expected, kContentFields, {Reader::Xorriso, Reader::Bsdtar}));
    PycdlibView rr = pycdlib_view(image, Namespace::RockRidge);
    ASSERT_TRUE(rr.ok()) << rr.run.describe() << rr.error;
    EXPECT_TRUE(manifests_match("pycdlib", expected, rr.manifest, kContentFields));
}

} // namespace
} // namespace discwright::test
