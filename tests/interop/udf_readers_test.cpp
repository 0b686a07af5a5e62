// Judged tests of UDF images (DESIGN.md 9): images made by the discwright CLI with --fs udf
// (alone, or bridged with ISO 9660 + Joliet + Rock Ridge) for every revision are read back by
// independent readers, and what each sees is compared with a Manifest of the source tree.
//
//   udfinfo (udftools)  the volume: revision, file and folder counts, closed integrity,
//                       read-only access, and no warning about any descriptor
//   7-Zip (-tudf)       names and data of the UDF namespace. 7-Zip refuses a whole UDF volume
//                       that holds anything but files and folders (a symlink, a device), so
//                       its trees have neither
//   pycdlib udf         names, data, symlink targets and link counts; pycdlib reads UDF only
//                       beside an ISO 9660 volume and without a metadata partition (1.02-2.01;
//                       it takes File Entries only: 1.02 and 1.50)
//   xorriso             the ISO 9660 / Rock Ridge side of a bridge image still reads as the tree

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

const std::string kImageDate = "1700000000";
const std::vector<std::string> kBridge = {"--fs", "iso9660,joliet,rockridge,udf"};
const std::vector<std::string> kUdfOnly = {"--fs", "udf"};

RunResult create_image(const fs::path& out, const std::vector<std::string>& sources,
                       const std::vector<std::string>& options) {
    std::vector<std::string> args{"image", "create", "-o", out.string(), "--date", kImageDate};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), sources.begin(), sources.end());
    return run_discwright(args);
}

std::vector<char> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// udfinfo's "key=value" lines.
struct UdfInfo {
    RunResult run;
    std::map<std::string, std::string> values;
};
UdfInfo udfinfo(const fs::path& image) {
    UdfInfo info{run({"udfinfo", image.string()}), {}};
    std::istringstream lines(info.run.out);
    for (std::string line; std::getline(lines, line);) {
        auto eq = line.find('=');
        if (eq != std::string::npos) info.values.emplace(line.substr(0, eq), line.substr(eq + 1));
    }
    return info;
}

/// udfinfo accepts the volume without a warning and reports what it should.
testing::AssertionResult udfinfo_reports(const fs::path& image, const std::string& revision,
                                         std::size_t files, std::size_t folders) {
    const UdfInfo info = udfinfo(image);
    if (!info.run.ok() || info.run.err.find("Warning") != std::string::npos ||
        info.run.err.find("Error") != std::string::npos)
        return testing::AssertionFailure() << "udfinfo complains:\n" << info.run.describe();
    const std::map<std::string, std::string> want = {
        {"udfrev", revision},
        {"numfiles", std::to_string(files)},
        {"numdirs", std::to_string(folders)},
        {"integrity", "closed"},
        {"accesstype", "readonly"},
        {"blocksize", "2048"},
    };
    for (const auto& [key, value] : want) {
        auto it = info.values.find(key);
        if (it == info.values.end() || it->second != value)
            return testing::AssertionFailure()
                   << "udfinfo " << key << "=" << (it == info.values.end() ? "(none)" : it->second)
                   << ", expected " << value << "\n"
                   << info.run.describe();
    }
    return testing::AssertionSuccess();
}

/// 7-Zip's extraction of the UDF namespace (-tudf: never its ISO 9660 fallback).
testing::AssertionResult seven_zip_extracts_udf_as(const fs::path& image, const Manifest& expected,
                                                   const fs::path& into) {
    const RunResult r = run({"7z", "x", "-y", "-tudf", "-o" + into.string(), image.string()});
    if (!r.ok()) return testing::AssertionFailure() << "7z failed:\n" << r.describe();
    const RunResult type = run({"7z", "l", image.string()});
    if (type.out.find("Type = Udf") == std::string::npos)
        return testing::AssertionFailure() << "7z does not see a UDF volume:\n" << type.describe();
    return manifests_match("7z (UDF) extraction", expected, Manifest::of_tree(into),
                           kContentFields);
}

std::size_t count_of(const Manifest& m, EntryType t) {
    return m.count(t);
}

/// Files of every size class around UDF's boundaries, names UDF must keep, depth and a hard
/// link; no symlink (7-Zip).
std::vector<TreeEntry> rich_tree() {
    std::vector<TreeEntry> t = {
        {"empty", std::string()},
        {"one", std::string("x")},
        {"Ünïcödé/日本語 ファイル.txt", std::string("unicode\n")},
        {"Ünïcödé/emoji 😀.txt", std::string("astral\n")},
        {"names/" + std::string(250, 'n') + ".txt", std::string("254 bytes of name\n")},
        {"names/" +
             [] {
                 std::string s;
                 for (int i = 0; i < 85; ++i)
                     s += "語";
                 return s;
             }(),
         std::string("a name of 255 UTF-8 bytes\n")},
        {"names/Case", std::string("upper")},
        {"names/case", std::string("lower")},
        {"d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/leaf.txt", std::string("deep\n")},
        {"empty folder", Folder{}},
        {"links/original.bin", PseudoRandom{3000, 9}},
        {"links/second name.bin", HardLink{"links/original.bin"}},
    };
    // Around the File Entry's room for data (1832 bytes in an Extended File Entry, 1872 in a
    // File Entry) and around a block.
    for (std::uint64_t size : {1831, 1832, 1833, 1871, 1872, 1873, 2047, 2048, 2049, 4097, 70000})
        t.push_back({"sizes/" + std::to_string(size), PseudoRandom{size, size}});
    return t;
}

struct Case {
    std::string revision;
    bool bridge;
};
void PrintTo(const Case& c, std::ostream* os) {
    *os << "UDF " << c.revision << (c.bridge ? " with ISO 9660" : " alone");
}
std::string case_name(const testing::TestParamInfo<Case>& info) {
    std::string r = info.param.revision;
    r.erase(std::remove(r.begin(), r.end(), '.'), r.end());
    return "Udf" + r + (info.param.bridge ? "Bridge" : "Only");
}

class UdfRevision : public testing::TestWithParam<Case> {};

TEST_P(UdfRevision, ReadersSeeTheTree) {
    const Case c = GetParam();
    TempTree tree(rich_tree());
    TempDir work;
    const fs::path image = work / "udf.iso";
    std::vector<std::string> options = c.bridge ? kBridge : kUdfOnly;
    options.insert(options.end(), {"--udf-revision", c.revision});
    const RunResult made = create_image(image, {tree.path().string()}, options);
    ASSERT_TRUE(made.ok()) << made.describe();

    const Manifest source = Manifest::of_tree(tree.path());
    const std::size_t folders = count_of(source, EntryType::Directory) + 1;
    const std::size_t files = source.size() - count_of(source, EntryType::Directory);
    EXPECT_TRUE(udfinfo_reports(image, c.revision, files, folders));
    EXPECT_TRUE(seven_zip_extracts_udf_as(image, source, work / "7z"));

    if (c.bridge && c.revision < "2.00") {
        const PycdlibView udf = pycdlib_view(image, Namespace::Udf);
        ASSERT_TRUE(udf.ok()) << udf.run.describe() << udf.error;
        EXPECT_TRUE(manifests_match("pycdlib udf", source, udf.manifest,
                                    {Field::Type, Field::Size, Field::Sha256, Field::Nlink}));
    }
    if (c.bridge) {
        EXPECT_TRUE(readers_extract_as(image, source, kContentFields, {Reader::Xorriso}));
    }
}

INSTANTIATE_TEST_SUITE_P(Revisions, UdfRevision,
                         testing::Values(Case{"1.02", false}, Case{"1.50", false},
                                         Case{"2.00", false}, Case{"2.01", false},
                                         Case{"2.50", false}, Case{"2.60", false},
                                         Case{"1.02", true}, Case{"1.50", true}, Case{"2.00", true},
                                         Case{"2.01", true}, Case{"2.50", true},
                                         Case{"2.60", true}),
                         case_name);

TEST(UdfImage, SymlinksAreRecordedAsPathComponents) {
    TempTree tree{{"a/target.txt", std::string("t")},      {"a/relative", Symlink{"target.txt"}},
                  {"a/up", Symlink{"../b/./x"}},           {"absolute", Symlink{"/usr/share/doc"}},
                  {"dangling", Symlink{"nowhere/at/all"}}, {"b/x", std::string("x")}};
    TempDir work;
    for (const std::string revision : {"1.02", "1.50"}) {
        const fs::path image = work / ("links-" + revision + ".iso");
        std::vector<std::string> options = kBridge;
        options.insert(options.end(), {"--udf-revision", revision});
        const RunResult made = create_image(image, {tree.path().string()}, options);
        ASSERT_TRUE(made.ok()) << made.describe();
        EXPECT_TRUE(udfinfo_reports(image, revision, 6, 3));
        const PycdlibView udf = pycdlib_view(image, Namespace::Udf);
        ASSERT_TRUE(udf.ok()) << udf.run.describe() << udf.error;
        EXPECT_TRUE(manifests_match("pycdlib udf", Manifest::of_tree(tree.path()), udf.manifest,
                                    {Field::Type, Field::Size, Field::Sha256, Field::LinkTarget}));
    }
    // Alone, UDF still records them (7-Zip, which refuses such a volume, is not asked).
    const fs::path alone = work / "links-only.iso";
    const RunResult made =
        create_image(alone, {tree.path().string()}, {"--fs", "udf", "--udf-revision", "2.60"});
    ASSERT_TRUE(made.ok()) << made.describe();
    EXPECT_TRUE(udfinfo_reports(alone, "2.60", 6, 3));
}

TEST(UdfImage, TenThousandFiles) {
    std::vector<TreeEntry> entries;
    for (int i = 0; i < 10'000; ++i)
        entries.push_back({"f" + std::to_string(i % 40) + "/file-" + std::to_string(i) + ".txt",
                           std::string("content ") + std::to_string(i)});
    TempTree tree(entries);
    TempDir work;
    const Manifest source = Manifest::of_tree(tree.path());
    for (const auto& [revision, options] :
         std::vector<std::pair<std::string, std::vector<std::string>>>{{"2.01", kUdfOnly},
                                                                       {"2.50", kBridge}}) {
        const fs::path image = work / ("many-" + revision + ".iso");
        std::vector<std::string> o = options;
        o.insert(o.end(), {"--udf-revision", revision});
        const RunResult made = create_image(image, {tree.path().string()}, o);
        ASSERT_TRUE(made.ok()) << made.describe();
        EXPECT_TRUE(udfinfo_reports(image, revision, 10'000, 41));
        EXPECT_TRUE(seven_zip_extracts_udf_as(image, source, work / ("7z-" + revision)));
    }
}

TEST(UdfImage, SmallFilesLiveInTheirFileEntryWhenUdfIsAlone) {
    // 1,000 files of 100 bytes: alone, UDF spends one block per file (its File Entry holds the
    // data); beside ISO 9660 the data needs blocks of its own, which the File Entries share.
    std::vector<TreeEntry> entries;
    for (int i = 0; i < 1000; ++i)
        entries.push_back({"s/" + std::to_string(i), PseudoRandom{100, std::uint64_t(i)}});
    TempTree tree(entries);
    TempDir work;
    ASSERT_TRUE(create_image(work / "alone.iso", {tree.path().string()},
                             {"--fs", "udf", "--udf-revision", "2.01"})
                    .ok());
    ASSERT_TRUE(create_image(work / "bridge.iso", {tree.path().string()},
                             {"--fs", "iso9660,joliet,rockridge,udf", "--udf-revision", "2.01"})
                    .ok());
    const auto alone = fs::file_size(work / "alone.iso") / 2048;
    const auto bridge = fs::file_size(work / "bridge.iso") / 2048;
    EXPECT_LT(alone, 258 + 1000 + 40) << "one block per small file and a few for the volume";
    EXPECT_GT(bridge, 258 + 2000) << "a File Entry and a data block per file";
    EXPECT_TRUE(
        seven_zip_extracts_udf_as(work / "alone.iso", Manifest::of_tree(tree.path()), work / "x"));
}

TEST(UdfImage, SameInputSameBytes) {
    TempTree tree(rich_tree());
    TempDir work;
    for (const auto& options : std::vector<std::vector<std::string>>{
             {"--fs", "udf", "--udf-revision", "2.01"},
             {"--fs", "iso9660,joliet,rockridge,udf", "--udf-revision", "2.60",
              "--udf-redundant-metadata"}}) {
        ASSERT_TRUE(create_image(work / "a.iso", {tree.path().string()}, options).ok());
        ASSERT_TRUE(create_image(work / "b.iso", {tree.path().string()}, options).ok());
        const auto a = read_bytes(work / "a.iso");
        ASSERT_GT(a.size(), 258u * 2048) << "no UDF image was written";
        EXPECT_EQ(a, read_bytes(work / "b.iso")) << "options " << options[1] << " " << options[3];
    }
}

TEST(UdfImage, RedundantMetadataIsReadAndCostsTheCopy) {
    TempTree tree(rich_tree());
    TempDir work;
    ASSERT_TRUE(create_image(work / "one.iso", {tree.path().string()},
                             {"--fs", "udf", "--udf-revision", "2.50"})
                    .ok());
    const RunResult made =
        create_image(work / "two.iso", {tree.path().string()},
                     {"--fs", "udf", "--udf-revision", "2.50", "--udf-redundant-metadata"});
    ASSERT_TRUE(made.ok()) << made.describe();
    EXPECT_GT(fs::file_size(work / "two.iso"), fs::file_size(work / "one.iso"));
    const Manifest source = Manifest::of_tree(tree.path());
    const std::size_t folders = count_of(source, EntryType::Directory) + 1;
    EXPECT_TRUE(udfinfo_reports(work / "two.iso", "2.50", source.size() - folders + 1, folders));
    EXPECT_TRUE(seven_zip_extracts_udf_as(work / "two.iso", source, work / "x"));
}

TEST(UdfImage, BadUdfOptionsNameTheOptionAndWriteNothing) {
    TempTree tree{{"a", std::string("a")}};
    TempDir work;
    const fs::path out = work / "out.iso";
    RunResult r =
        create_image(out, {tree.path().string()}, {"--fs", "udf", "--udf-revision", "3.00"});
    EXPECT_EQ(r.exit_status, 1) << r.describe();
    EXPECT_NE(r.err.find("--udf-revision"), std::string::npos) << r.describe();
    EXPECT_NE(r.err.find("3.00"), std::string::npos) << r.describe();
    EXPECT_FALSE(fs::exists(out));

    // UDF in an appended session: refused before anything is written.
    ASSERT_TRUE(create_image(work / "first.iso", {tree.path().string()}, {}).ok());
    r = create_image(out, {tree.path().string()},
                     {"--import", (work / "first.iso").string(), "--append", "--fs",
                      "iso9660,joliet,rockridge,udf"});
    EXPECT_NE(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.err.find("UDF"), std::string::npos) << r.describe();
    EXPECT_FALSE(fs::exists(out));
}

TEST(UdfImage, StrictModeRefusesANameUdfMustCut) {
    // 255 Latin characters need 256 bytes of CS0: relaxed mode cuts and reports, strict refuses.
    const std::string long_name(251, 'l');
    TempTree tree{{long_name + ".txt", std::string("x")}};
    TempDir work;
    const fs::path out = work / "strict.iso";
    RunResult r = create_image(out, {tree.path().string()}, {"--fs", "udf", "--strict"});
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    EXPECT_NE(r.err.find(long_name), std::string::npos) << r.describe();
    EXPECT_FALSE(fs::exists(out));
    r = create_image(out, {tree.path().string()}, {"--fs", "udf"});
    ASSERT_TRUE(r.ok()) << r.describe();
    const fs::path x = work / "x";
    ASSERT_TRUE(run({"7z", "x", "-y", "-tudf", "-o" + x.string(), out.string()}).ok());
    const Manifest got = Manifest::of_tree(x);
    ASSERT_EQ(got.size(), 1u) << got.dump();
    EXPECT_EQ(got.paths().front().size(), 254u) << "cut to 254 characters, extension kept";
    EXPECT_TRUE(got.paths().front().ends_with(".txt"));
}

} // namespace
} // namespace discwright::test
