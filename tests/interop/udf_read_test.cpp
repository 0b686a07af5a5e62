// Reading UDF back (image info / ls / extract --fs udf): discwright's own UDF images of every
// revision, alone and bridged, and foreign ones — genisoimage -udf (1.02 bridge) and mkudffs
// (empty volumes; its Blu-ray layout uses a virtual partition, which is refused by name).

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/image_reader.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

namespace fs = std::filesystem;

const std::vector<TreeEntry> kTree = {
    {"a.txt", std::string("alpha\n"), {.mode = 0640}},
    {"Ünïcödé/日本語.txt", std::string("unicode\n")},
    {"sizes/1500", PseudoRandom{1500, 1}}, // inside its File Entry when UDF is alone
    {"sizes/70000", PseudoRandom{70000, 2}},
    {"sizes/empty", std::string()},
    {"links/rel", Symlink{"../a.txt"}},
    {"links/abs", Symlink{"/usr/share/doc"}},
    {"deep/1/2/3/4/5/6/7/8/9/leaf", std::string("deep\n"), {.mode = 0755}},
    {"empty folder", Folder{}},
};

RunResult create(const fs::path& out, const fs::path& tree, const std::vector<std::string>& o) {
    std::vector<std::string> args{"image", "create", "-o", out.string(), "--date", "1700000000"};
    args.insert(args.end(), o.begin(), o.end());
    args.push_back(tree.string());
    return run_discwright(args);
}

class UdfRead : public testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(UdfRead, ExtractGivesBackTheTree) {
    const auto& [revision, file_systems] = GetParam();
    TempTree tree(kTree);
    TempDir work;
    const fs::path image = work / "u.iso";
    const RunResult made =
        create(image, tree.path(), {"--fs", file_systems, "--udf-revision", revision});
    ASSERT_TRUE(made.ok()) << made.describe();
    const RunResult info = run_discwright({"image", "info", image.string()});
    ASSERT_TRUE(info.ok()) << info.describe();
    EXPECT_NE(info.out.find("udf"), std::string::npos) << info.describe();
    const RunResult verified = run_discwright({"image", "verify", image.string()});
    EXPECT_TRUE(verified.ok()) << verified.describe();
    EXPECT_NE(verified.out.find("clean"), std::string::npos) << verified.describe();
    const fs::path out = work / "x";
    const RunResult x =
        run_discwright({"image", "extract", "--fs", "udf", image.string(), out.string()});
    ASSERT_TRUE(x.ok()) << x.describe();
    EXPECT_TRUE(manifests_match(
        "discwright extract --fs udf", Manifest::of_tree(tree.path()), Manifest::of_tree(out),
        {Field::Type, Field::Size, Field::Sha256, Field::LinkTarget, Field::Mode, Field::Mtime}));
}

INSTANTIATE_TEST_SUITE_P(
    Revisions, UdfRead,
    testing::Values(std::pair{std::string("1.02"), std::string("udf")},
                    std::pair{std::string("1.50"), std::string("iso9660,joliet,rockridge,udf")},
                    std::pair{std::string("2.00"), std::string("udf")},
                    std::pair{std::string("2.01"), std::string("iso9660,joliet,rockridge,udf")},
                    std::pair{std::string("2.50"), std::string("udf")},
                    std::pair{std::string("2.60"), std::string("iso9660,joliet,rockridge,udf")}),
    [](const auto& info) {
        std::string n = info.param.first + (info.param.second == "udf" ? "Only" : "Bridge");
        std::erase(n, '.');
        return "Udf" + n;
    });

TEST(UdfBridge, EveryViewAgreesAndSharesOneCopyOfTheData) {
    TempTree tree(kTree);
    TempDir work;
    for (const std::string revision : {"1.02", "2.50"}) {
        const fs::path image = work / ("b" + revision + ".iso");
        ASSERT_TRUE(create(image, tree.path(),
                           {"--fs", "iso9660,joliet,rockridge,udf", "--udf-revision", revision})
                        .ok());
        // Every view extracts to the same tree (names, data, symlinks where the view has them).
        const Manifest source = Manifest::of_tree(tree.path());
        for (const std::string ns : {"udf", "rockridge"}) {
            const fs::path out = work / (ns + revision);
            const RunResult x =
                run_discwright({"image", "extract", "--fs", ns, image.string(), out.string()});
            ASSERT_TRUE(x.ok()) << x.describe();
            EXPECT_TRUE(
                manifests_match(ns + " view", source, Manifest::of_tree(out), kContentFields));
        }
        if (revision == "1.02") {
            // pycdlib cannot open a 2.50/2.60 bridge at all: its bounds check of the logical
            // volume's partition maps refuses any volume with two of them.
            const PycdlibView joliet = pycdlib_view(image, Namespace::Joliet);
            ASSERT_TRUE(joliet.ok()) << joliet.run.describe() << joliet.error;
            const auto not_a_link = [&](const std::string& path, const ManifestEntry&) {
                const ManifestEntry* e = source.find(path);
                return !e || e->type != EntryType::Symlink; // Joliet has no symlinks
            };
            EXPECT_TRUE(manifests_match("pycdlib joliet", source.filtered(not_a_link),
                                        joliet.manifest.filtered(not_a_link),
                                        {Field::Type, Field::Size, Field::Sha256}));
        }

        // One copy of the data: each file's UDF extent is its ISO 9660 extent (files kept
        // inside a File Entry only exist when UDF is alone).
        const ImageReader reader(std::make_shared<FileStream>(image.string()));
        const ImageTree udf = reader.read_tree(FsType::Udf);
        const ImageTree rr = reader.read_tree(FsType::RockRidge);
        std::size_t compared = 0;
        for (u32 i = 1; i < udf.size(); ++i) {
            const ImageEntry& e = udf.at(i);
            if (e.type != FsiItemType::File || e.size == 0) continue;
            const auto other = rr.find(udf.path(i));
            ASSERT_TRUE(other) << udf.path(i);
            ASSERT_FALSE(e.extents.empty());
            ASSERT_FALSE(rr.at(*other).extents.empty());
            EXPECT_EQ(e.extents.front().lba, rr.at(*other).extents.front().lba) << udf.path(i);
            EXPECT_EQ(e.extents.front().offset, 0u);
            ++compared;
        }
        EXPECT_EQ(compared, 5u);
    }
}

TEST(UdfReadForeign, GenisoimageUdfTree) {
    TempTree tree{{"a.txt", std::string("alpha\n")},
                  {"dir/b.bin", PseudoRandom{5000, 3}},
                  {"dir/sub/c", std::string("c\n")}};
    TempDir work;
    const fs::path image = work / "g.iso";
    const RunResult g = run(
        {"genisoimage", "-quiet", "-R", "-J", "-udf", "-o", image.string(), tree.path().string()});
    ASSERT_TRUE(g.ok()) << g.describe();
    const fs::path out = work / "x";
    const RunResult x =
        run_discwright({"image", "extract", "--fs", "udf", image.string(), out.string()});
    ASSERT_TRUE(x.ok()) << x.describe();
    EXPECT_TRUE(manifests_match("genisoimage -udf, read as UDF", Manifest::of_tree(tree.path()),
                                Manifest::of_tree(out), kContentFields));
}

TEST(UdfReadForeign, MkudffsVolumes) {
    TempDir work;
    const fs::path image = work / "m.img";
    for (const std::string revision : {"1.02", "1.50", "2.01"}) {
        {
            std::ofstream f(image, std::ios::binary | std::ios::trunc);
            f.seekp(20 * 1024 * 1024 - 1);
            f.put('\0');
        }
        const RunResult m =
            run({"mkudffs", "-b", "2048", "--media-type=hd", "-r", revision, image.string()});
        ASSERT_TRUE(m.ok()) << m.describe();
        const RunResult ls = run_discwright({"image", "ls", "--fs", "udf", image.string()});
        EXPECT_TRUE(ls.ok()) << revision << "\n" << ls.describe();
        EXPECT_EQ(ls.out, "") << "an empty volume";
    }
    // mkudffs's Blu-ray recordable layout keeps its File Entries in a virtual partition (VAT).
    const RunResult m =
        run({"mkudffs", "-b", "2048", "--media-type=bdr", "-r", "2.50", image.string()});
    ASSERT_TRUE(m.ok()) << m.describe();
    const RunResult ls = run_discwright({"image", "ls", "--fs", "udf", image.string()});
    EXPECT_EQ(ls.exit_status, 2) << ls.describe();
    EXPECT_NE(ls.err.find("Virtual Partition"), std::string::npos) << ls.describe();
}

TEST(UdfReadDamaged, ACorruptFileEntryIsNamedAndTheIsoSideStillReads) {
    TempTree tree{{"a.txt", std::string("alpha\n")}, {"b.txt", std::string("beta\n")}};
    TempDir work;
    const fs::path image = work / "d.iso";
    ASSERT_TRUE(create(image, tree.path(), {"--fs", "iso9660,rockridge,udf"}).ok());
    // Find b.txt's File Entry: a block whose tag is 261 and which records 5 bytes.
    std::fstream f(image, std::ios::in | std::ios::out | std::ios::binary);
    std::vector<char> blk(2048);
    std::uint64_t hit = 0;
    for (std::uint64_t lba = 257;
         f.read(blk.data(), 0), f.seekg(lba * 2048), f.read(blk.data(), 2048); ++lba) {
        if (blk[0] == 5 && blk[1] == 1 && blk[56] == 5) {
            hit = lba;
            break;
        }
    }
    ASSERT_NE(hit, 0u) << "b.txt's File Entry was not found";
    f.clear();
    f.seekp(static_cast<std::streamoff>(hit * 2048 + 100));
    f.put('\x7f');
    f.close();
    const RunResult ls = run_discwright({"image", "ls", "--fs", "udf", image.string()});
    EXPECT_EQ(ls.exit_status, 2) << ls.describe();
    EXPECT_NE(ls.err.find("b.txt"), std::string::npos) << ls.describe();
    EXPECT_NE(ls.err.find(std::to_string(hit)), std::string::npos) << ls.describe();
    const RunResult verified = run_discwright({"image", "verify", image.string()});
    EXPECT_EQ(verified.exit_status, 2) << verified.describe();
    EXPECT_NE(verified.out.find("udf-tree"), std::string::npos) << verified.describe();
    EXPECT_NE(verified.out.find("LBA " + std::to_string(hit)), std::string::npos)
        << verified.describe();
    const RunResult rr = run_discwright({"image", "ls", image.string()});
    EXPECT_TRUE(rr.ok()) << rr.describe();
    EXPECT_NE(rr.out.find("b.txt"), std::string::npos) << rr.describe();
}

TEST(UdfImport, AUdfTreeIsImportedAndAnAppendedSessionCopiesDataInsideFileEntries) {
    TempTree first{{"a.txt", std::string("alpha\n")},
                   {"d/small.txt", PseudoRandom{1500, 5}}, // inside its File Entry
                   {"d/big.bin", PseudoRandom{9000, 6}}};
    TempTree second{{"new.txt", std::string("second session\n")}};
    TempDir work;
    const fs::path a = work / "a.iso";
    ASSERT_TRUE(create(a, first.path(), {"--fs", "udf", "--udf-revision", "2.01"}).ok());
    Manifest want = Manifest::of_tree(first.path());
    const Manifest added = Manifest::of_tree(second.path());
    for (const auto& [path, entry] : added.entries())
        want.add(path, entry);

    // A standalone image from the UDF tree plus the new file.
    const fs::path copy = work / "copy.iso";
    const RunResult c = create(copy, second.path(), {"--import", a.string()});
    ASSERT_TRUE(c.ok()) << c.describe();
    EXPECT_TRUE(readers_extract_as(copy, want, kContentFields, {Reader::Xorriso}));

    // An appended ISO 9660 session after the UDF one: it refers to the old file data, except
    // what lived inside a File Entry, which ISO 9660 cannot point at and is copied.
    const fs::path b = work / "b.iso";
    const RunResult appended = create(b, second.path(), {"--import", a.string(), "--append"});
    ASSERT_TRUE(appended.ok()) << appended.describe();
    const fs::path disc = work / "disc.iso";
    {
        std::ofstream out(disc, std::ios::binary);
        for (const fs::path& part : {a, b}) {
            std::ifstream in(part, std::ios::binary);
            out << in.rdbuf();
        }
    }
    const auto start = fs::file_size(a) / 2048;
    const fs::path x = work / "x";
    const RunResult r =
        run({"xorriso", "-osirrox", "on", "-load", "sbsector", std::to_string(start), "-indev",
             disc.string(), "-extract", "/", x.string()});
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_TRUE(
        manifests_match("xorriso, appended session", want, Manifest::of_tree(x), kContentFields));
}

} // namespace
} // namespace discwright::test
