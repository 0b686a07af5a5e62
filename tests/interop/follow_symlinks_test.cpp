// --follow-symlinks: links are replaced by what they point to, judged by xorriso; a link back
// into its own folder chain is refused before anything is written.

#include <filesystem>

#include <gtest/gtest.h>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

TEST(FollowSymlinks, LinksBecomeWhatTheyPointTo) {
    TempTree tree{{"data/a.txt", "alpha\n"},
                  {"data/sub/b.txt", "beta\n"},
                  {"link-to-file", Symlink{"data/a.txt"}},
                  {"link-to-dir", Symlink{"data/sub"}}};
    TempDir out;
    const std::string image = (out / "follow.iso").string();
    RunResult r = run_discwright(
        {"image", "create", "-q", "--follow-symlinks", "-o", image, tree.path().string()});
    ASSERT_TRUE(r.ok()) << r.describe();
    TempDir extracted;
    RunResult x = extract_with(Reader::Xorriso, image, extracted.path());
    ASSERT_TRUE(x.ok()) << x.describe();
    Manifest got = Manifest::of_tree(extracted.path());
    EXPECT_EQ(got.at("link-to-file").type, EntryType::File);
    EXPECT_EQ(got.at("link-to-file").sha256, sha256_hex("alpha\n"));
    EXPECT_EQ(got.at("link-to-dir").type, EntryType::Directory);
    EXPECT_EQ(got.at("link-to-dir/b.txt").sha256, sha256_hex("beta\n"));
}

TEST(FollowSymlinks, ALoopIsRefusedNamingTheLink) {
    TempTree tree{{"top/inner/file.txt", "x\n"}, {"top/inner/back", Symlink{".."}}};
    TempDir out;
    const std::string image = (out / "loop.iso").string();
    RunResult r = run_discwright(
        {"image", "create", "--json", "--follow-symlinks", "-o", image, tree.path().string()});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    EXPECT_NE(r.err.find("top/inner/back"), std::string::npos) << r.describe();
    auto lines = json_lines(r.out);
    ASSERT_FALSE(lines.empty()) << r.describe();
    EXPECT_EQ(lines.back().value("code", ""), "SymlinkLoop") << r.describe();
    EXPECT_FALSE(std::filesystem::exists(image));
    EXPECT_TRUE(std::filesystem::is_empty(out.path())) << "a temporary file was left behind";

    // Without --follow-symlinks the same tree is fine: the link is recorded (Rock Ridge SL).
    RunResult plain = run_discwright({"image", "create", "-q", "-o", image, tree.path().string()});
    EXPECT_TRUE(plain.ok()) << plain.describe();
}

} // namespace
} // namespace discwright::test
