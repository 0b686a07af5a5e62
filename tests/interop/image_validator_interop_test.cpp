// ImageValidator over images of other writers: what xorriso and genisoimage write by default,
// and with their common options, checks without errors; so does what our CLI writes. The
// relaxations those writers offer are warnings, and the test names the ones it expects.

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/image_reader.h"
#include "discwright/image_validator.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

/// Names that sort differently under ECMA-119 9.3 and byte order, case, spaces, dots, a hidden
/// file, links, empty files, a folder of several blocks, and non-ASCII names.
std::vector<TreeEntry> common_entries() {
    std::vector<TreeEntry> e = {
        {"Docs/Read Me.txt", "hello\n"},
        {"Docs/read.me", "lower\n"},
        {"a b.c", "space\n"},
        {"a.b", "dot\n"},
        {"A", Folder{}},
        {"empty", ""},
        {"empty2", ""},
        {".hidden", "hidden\n"},
        {"h1", "linked\n"},
        {"h2", HardLink{"h1"}},
        {"link", Symlink{"Docs/Read Me.txt"}},
        {"Übersicht – naïve.txt", "unicode\n"},
        {"big.bin", PseudoRandom{300 * 1024, 3}},
    };
    for (int i = 0; i < 120; ++i)
        e.push_back({"many/entry number " + std::to_string(i) + ".dat", std::to_string(i)});
    return e;
}

std::vector<TreeEntry> with_deep(std::vector<TreeEntry> e, int levels = 12) {
    std::string path = "deep";
    for (int i = 1; i <= levels; ++i) {
        path += "/level" + std::to_string(i);
        e.push_back({path + "/here.txt", path});
    }
    return e;
}

std::string describe(const ValidationReport& r) {
    std::string out =
        std::to_string(r.errors()) + " errors, " + std::to_string(r.warnings()) + " warnings";
    for (const auto& p : r.problems)
        out +=
            "\n  " +
            std::string(p.severity == ValidationProblem::Severity::Error ? "error " : "warning ") +
            p.check + " (LBA " + (p.lba ? std::to_string(*p.lba) : "-") + "): " + p.message;
    return out;
}

bool reported(const ValidationReport& r, std::string_view id) {
    return std::any_of(r.problems.begin(), r.problems.end(),
                       [&](const ValidationProblem& p) { return p.check == id; });
}

struct Made {
    TempDir dir;
    std::string image;
};

/// Runs `argv` (its "OUT" argument replaced by the image path) on a tree of `entries`.
Made make(std::vector<std::string> argv, const std::vector<TreeEntry>& entries) {
    TempTree tree(entries);
    Made m;
    m.image = (m.dir / "image.iso").string();
    for (auto& a : argv) {
        if (a == "OUT") a = m.image;
        if (a == "SRC") a = tree.path().string();
    }
    const RunResult r =
        argv.front() == "discwright" ? run_discwright({argv.begin() + 1, argv.end()}) : run(argv);
    EXPECT_TRUE(r.ok()) << r.describe();
    return m;
}

ValidationReport check_file(const std::string& path) {
    ImageValidator v;
    v.set_path(path);
    EXPECT_NO_THROW(v.validate());
    return v.check();
}

FsType file_systems_of(const std::string& path) {
    return ImageReader(std::make_shared<FileStream>(path)).file_systems();
}

TEST(ImageValidatorInterop, XorrisoRockRidgeAndJoliet) {
    const auto m = make({"xorriso", "-as", "mkisofs", "-R", "-J", "-o", "OUT", "SRC"},
                        with_deep(common_entries()));
    EXPECT_EQ(file_systems_of(m.image), FsType::Iso9660 | FsType::RockRidge | FsType::Joliet);
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
    // xorriso keeps deep folders in place under Rock Ridge instead of relocating them.
    EXPECT_TRUE(reported(r, "directory-depth")) << describe(r);
}

TEST(ImageValidatorInterop, XorrisoDefaults) {
    // xorriso writes Rock Ridge even when -R is not given.
    const auto m = make({"xorriso", "-as", "mkisofs", "-o", "OUT", "SRC"}, common_entries());
    EXPECT_EQ(file_systems_of(m.image), FsType::Iso9660 | FsType::RockRidge);
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
}

TEST(ImageValidatorInterop, XorrisoPlain) {
    const auto m =
        make({"xorriso", "-as", "mkisofs", "--norock", "-o", "OUT", "SRC"}, common_entries());
    EXPECT_EQ(file_systems_of(m.image), FsType::Iso9660);
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
}

TEST(ImageValidatorInterop, XorrisoSessionsOnAFile) {
    // xorriso on a file: sessions from block 32 on, each recording its own size, and a copy of
    // the newest superblock at block 0.
    TempTree first{{"one/a.txt", "first\n"}, {"one/b.txt", "first\n"}};
    TempTree second(common_entries());
    TempDir dir;
    const std::string image = (dir / "sessions.iso").string();
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {"xorriso", "-outdev", image, "-map", first.path().string(), "/s1", "-commit"},
             {"xorriso", "-dev", image, "-map", second.path().string(), "/s2", "-commit"},
             {"xorriso", "-dev", image, "-rm", "/s1/one/a.txt", "--", "-commit"}}) {
        const RunResult r = run(argv);
        ASSERT_TRUE(r.ok()) << r.describe();
    }
    ASSERT_EQ(ImageReader::find_sessions(FileStream(image)).size(), 3u);
    const auto r = check_file(image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
}

TEST(ImageValidatorInterop, GenisoimageRockRidgeAndJoliet) {
    const auto m =
        make({"genisoimage", "-quiet", "-R", "-J", "-o", "OUT", "SRC"}, common_entries());
    EXPECT_EQ(file_systems_of(m.image), FsType::Iso9660 | FsType::RockRidge | FsType::Joliet);
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
}

TEST(ImageValidatorInterop, GenisoimageLevelOne) {
    // Without Rock Ridge, genisoimage drops folders below level 8 and points the '..' of the
    // deepest one it keeps at that folder itself (record-dot); the tree here is shallower.
    const auto m =
        make({"genisoimage", "-quiet", "-iso-level", "1", "-o", "OUT", "SRC"}, common_entries());
    const auto r = check_file(m.image);
    EXPECT_TRUE(r.problems.empty()) << describe(r);
}

TEST(ImageValidatorInterop, GenisoimageDeepTreeRelocatedToRrMoved) {
    const auto m =
        make({"genisoimage", "-quiet", "-R", "-o", "OUT", "SRC"}, with_deep(common_entries(), 14));
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
    EXPECT_FALSE(reported(r, "directory-depth")) << "relocated, so 8 levels at most\n"
                                                 << describe(r);
    // The relocation is there to be checked: the image has a RR_MOVED folder.
    const ImageTree plain =
        ImageReader(std::make_shared<FileStream>(m.image)).read_tree(FsType::Iso9660);
    EXPECT_TRUE(plain.find("/RR_MOVED"));
}

TEST(ImageValidatorInterop, GenisoimageJolietLong) {
    auto entries = common_entries();
    entries.push_back({std::string(90, 'j') + ".txt", "long joliet\n"});
    const auto m =
        make({"genisoimage", "-quiet", "-R", "-J", "-joliet-long", "-o", "OUT", "SRC"}, entries);
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
    EXPECT_TRUE(reported(r, "joliet-name-length")) << describe(r);
}

TEST(ImageValidatorInterop, GenisoimageRelaxedNamesAreWarnings) {
    const auto m = make({"genisoimage", "-quiet", "-l", "-d", "-N", "-allow-lowercase",
                         "-relaxed-filenames", "-o", "OUT", "SRC"},
                        common_entries());
    const auto r = check_file(m.image);
    EXPECT_EQ(r.errors(), 0u) << describe(r);
    for (const char* id : {"iso-name-chars", "iso-name-version"})
        EXPECT_TRUE(reported(r, id)) << id << "\n" << describe(r);
}

class OurCli : public testing::TestWithParam<std::vector<std::string>> {};

TEST_P(OurCli, ImagesCheckWithoutProblems) {
    std::vector<std::string> argv = {"discwright", "image", "create", "-q", "-o", "OUT"};
    for (const auto& a : GetParam())
        argv.push_back(a);
    argv.push_back("SRC");
    const auto m = make(argv, with_deep(common_entries()));
    const auto r = check_file(m.image);
    EXPECT_TRUE(r.problems.empty()) << describe(r);
}

INSTANTIATE_TEST_SUITE_P(
    ImageValidatorInterop, OurCli,
    testing::Values(std::vector<std::string>{},
                    std::vector<std::string>{"--fs", "iso9660", "--iso-level", "1"},
                    std::vector<std::string>{"--fs", "iso9660,joliet", "--iso-level", "2"},
                    std::vector<std::string>{"--fs", "iso9660,rockridge", "--iso-level", "3"},
                    std::vector<std::string>{"--fs", "iso9660,joliet,rockridge", "--iso-level",
                                             "4"}));

} // namespace
} // namespace discwright::test
