// Multisession, judged by other readers: a session appended with `image create --import
// --append` is read by xorriso and isoinfo at its start block, and the first session still
// reads on its own; images grown by xorriso -dev are imported and extended.

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fsys = std::filesystem;

constexpr const char* kDate = "1700000000";

std::uint64_t blocks_of(const fsys::path& p) {
    return fsys::file_size(p) / 2048;
}

void concatenate(const fsys::path& out, std::initializer_list<fsys::path> parts) {
    std::ofstream o(out, std::ios::binary);
    for (const auto& p : parts) {
        std::ifstream i(p, std::ios::binary);
        o << i.rdbuf();
    }
}

/// Paths xorriso lists in the session at `sbsector` (Rock Ridge names).
std::set<std::string> xorriso_paths(const fsys::path& image, std::uint64_t sbsector) {
    RunResult r =
        run({"xorriso", "-abort_on", "FAILURE", "-load", "sbsector", std::to_string(sbsector),
             "-indev", image.string(), "-find", "/", "-exec", "lsdl"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    std::set<std::string> paths;
    std::size_t pos = 0;
    while ((pos = r.out.find(" '/", pos)) != std::string::npos) {
        const auto end = r.out.find("'\n", pos + 2);
        if (end == std::string::npos) break;
        paths.insert(r.out.substr(pos + 2, end - pos - 2));
        pos = end;
    }
    paths.erase("/");
    return paths;
}

/// Paths `isoinfo -R -f` lists in the session at `start` (-T: where the session starts).
std::set<std::string> isoinfo_paths(const fsys::path& image, std::uint64_t start) {
    RunResult r = run({"isoinfo", "-i", image.string(), "-T", std::to_string(start), "-R", "-f"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    std::set<std::string> paths;
    std::size_t pos = 0;
    while (pos < r.out.size()) {
        auto end = r.out.find('\n', pos);
        if (end == std::string::npos) end = r.out.size();
        if (end > pos) paths.insert(r.out.substr(pos, end - pos));
        pos = end + 1;
    }
    return paths;
}

class Multisession : public testing::Test {
protected:
    TempDir work{"discwright-ms"};
    fsys::path at(std::string_view name) const { return work / name; }
};

TEST_F(Multisession, AnAppendedSessionIsReadByXorrisoAndIsoinfoAndTheFirstStillReads) {
    TempTree first{
        {"a/one.txt", "one\n"}, {"a/big.bin", PseudoRandom{3'000'000, 7}}, {"keep/k.txt", "k\n"}};
    TempTree second{{"b/two.txt", "two\n"}, {"a/one.txt", "one, again\n"}};
    RunResult r1 = run_discwright(
        {"image", "create", "-o", at("s1.iso").string(), "--date", kDate, first.path().string()});
    ASSERT_TRUE(r1.ok()) << r1.describe();
    RunResult r2 = run_discwright({"--json", "image", "create", "--import", at("s1.iso").string(),
                                   "--append", "--remove", "keep", "-o", at("s2.iso").string(),
                                   "--date", kDate, second.path().string()});
    ASSERT_TRUE(r2.ok()) << r2.describe();
    const std::uint64_t start = blocks_of(at("s1.iso"));
    EXPECT_LT(blocks_of(at("s2.iso")), 100u) << "the 3 MB file is referred to, not copied";
    bool reported = false;
    for (const auto& j : json_lines(r2.out))
        if (j.contains("session_start")) {
            EXPECT_EQ(j["session_start"].get<std::uint64_t>(), start);
            reported = true;
        }
    EXPECT_TRUE(reported) << r2.out;
    concatenate(at("disc.iso"), {at("s1.iso"), at("s2.iso")});

    const std::set<std::string> expected{"/a", "/a/big.bin", "/a/one.txt", "/b", "/b/two.txt"};
    EXPECT_EQ(xorriso_paths(at("disc.iso"), start), expected);
    EXPECT_EQ(isoinfo_paths(at("disc.iso"), start), expected);

    // The new session's files, old and new, have the right bytes.
    const fsys::path out = at("x2");
    RunResult x =
        run({"xorriso", "-abort_on", "FAILURE", "-load", "sbsector", std::to_string(start),
             "-indev", at("disc.iso").string(), "-osirrox", "on", "-extract", "/", out.string()});
    ASSERT_TRUE(x.ok()) << x.describe();
    Manifest got = Manifest::of_tree(out);
    Manifest want = Manifest::of_tree(first.path());
    Manifest news = Manifest::of_tree(second.path());
    EXPECT_EQ(got.entries().at("a/big.bin").sha256, want.entries().at("a/big.bin").sha256);
    EXPECT_EQ(got.entries().at("a/one.txt").sha256, news.entries().at("a/one.txt").sha256);
    EXPECT_EQ(got.entries().at("b/two.txt").sha256, news.entries().at("b/two.txt").sha256);

    // The first session alone, and at block 0 of the disc, is unchanged.
    EXPECT_TRUE(readers_extract_as(at("s1.iso"), want, kContentFields,
                                   {Reader::Xorriso, Reader::SevenZip, Reader::Bsdtar}));
    EXPECT_EQ(xorriso_paths(at("disc.iso"), 0),
              (std::set<std::string>{"/a", "/a/big.bin", "/a/one.txt", "/keep", "/keep/k.txt"}));
}

TEST_F(Multisession, AnImageGrownByXorrisoIsImportedAndExtended) {
    TempTree a{{"one.txt", "1\n"}}, b{{"two.txt", "2\n"}}, c{{"three.txt", "3\n"}};
    const std::string img = at("grown.iso").string();
    for (const auto* t : {&a, &b}) {
        RunResult g = run({"xorriso", "-abort_on", "FAILURE", "-dev", img, "-map",
                           t->path().string(), t == &a ? "/a" : "/b", "-commit"});
        ASSERT_TRUE(g.ok()) << g.describe();
    }
    RunResult r = run_discwright({"image", "create", "--import", img, "--append", "-o",
                                  at("s3.iso").string(), "--date", kDate, c.path().string()});
    ASSERT_TRUE(r.ok()) << r.describe();
    const std::uint64_t start = blocks_of(at("grown.iso")); // after xorriso's padding
    concatenate(at("disc.iso"), {at("grown.iso"), at("s3.iso")});
    const std::set<std::string> expected{"/a", "/a/one.txt", "/b", "/b/two.txt", "/three.txt"};
    EXPECT_EQ(xorriso_paths(at("disc.iso"), start), expected);
    EXPECT_EQ(isoinfo_paths(at("disc.iso"), start), expected);
}

TEST_F(Multisession, AStandaloneImageFromAnImportCopiesEverything) {
    TempTree first{{"a/one.txt", "one\n"}, {"a/big.bin", PseudoRandom{300'000, 3}}};
    TempTree extra{{"new.txt", "new\n"}};
    ASSERT_TRUE(run_discwright({"image", "create", "-o", at("s1.iso").string(), "--date", kDate,
                                first.path().string()})
                    .ok());
    RunResult r =
        run_discwright({"image", "create", "--import", at("s1.iso").string(), "-o",
                        at("whole.iso").string(), "--date", kDate, extra.path().string()});
    ASSERT_TRUE(r.ok()) << r.describe();
    Manifest want = Manifest::of_tree(first.path());
    const Manifest added = Manifest::of_tree(extra.path());
    for (const auto& [p, e] : added.entries())
        want.add(p, e);
    EXPECT_TRUE(readers_extract_as(at("whole.iso"), want, kContentFields,
                                   {Reader::Xorriso, Reader::SevenZip, Reader::Bsdtar}));
}

TEST_F(Multisession, AppendWithoutImportIsAUsageError) {
    TempTree t{{"x", "x"}};
    RunResult r = run_discwright(
        {"image", "create", "--append", "-o", at("o.iso").string(), t.path().string()});
    EXPECT_EQ(r.exit_status, 1) << r.describe();
    EXPECT_NE(r.err.find("--import"), std::string::npos) << r.err;
    EXPECT_FALSE(fsys::exists(at("o.iso")));
}

} // namespace
} // namespace discwright::test
