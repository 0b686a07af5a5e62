// Judged: `discwright burn` as a user runs it, on virtual recorders made by the CLI; what lands
// on the medium is read by xorriso from the medium's data file, not by discwright.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using nlohmann::json;
using test::json_lines;
using test::Manifest;
using test::run_discwright;
using test::RunOptions;
using test::RunResult;

json result_line(const RunResult& r) {
    for (const json& j : json_lines(r.out))
        if (j.is_object() && j.value("event", "") == "result") return j;
    return nullptr;
}

class BurnCli : public ::testing::Test {
protected:
    [[nodiscard]] RunOptions env() const {
        RunOptions o;
        o.extra_env = {"DISCWRIGHT_LOCK_DIR=" + (m_dir / "locks").string(),
                       "DISCWRIGHT_DRIVES_FILE=" + (m_dir / "no-registry").string(),
                       "DISCWRIGHT_DRIVES=", "SOURCE_DATE_EPOCH=1700000000"};
        return o;
    }
    RunResult cli(const std::vector<std::string>& args) const {
        return run_discwright(args, env());
    }
    std::string make_drive(const std::string& media, const std::string& name) {
        const auto path = std::filesystem::absolute(m_dir / name);
        const RunResult r = cli({"virtual", "create", path.string(), "--media", media});
        EXPECT_EQ(r.exit_status, 0) << r.describe();
        return path.string();
    }
    /// xorriso's extraction of the session starting at `lba` of the medium's data file.
    Manifest xorriso_view(const std::string& data_file, std::uint64_t lba = 0) {
        const auto out = m_dir / ("x" + std::to_string(m_extractions++));
        std::vector<std::string> argv = {"xorriso", "-osirrox", "on"};
        if (lba) {
            argv.insert(argv.end(), {"-load", "sbsector", std::to_string(lba)});
        }
        argv.insert(argv.end(), {"-indev", data_file, "-extract", "/", out.string()});
        const RunResult r = test::run(argv);
        EXPECT_EQ(r.exit_status, 0) << r.describe();
        return Manifest::of_tree(out);
    }

    test::TempDir m_dir;
    int m_extractions = 0;
    test::TempTree m_first{{"docs/readme.txt", "first session\n"},
                           {"docs/notes.txt", "notes\n"},
                           {"noise.bin", test::PseudoRandom{700 * test::kKiB + 3, 9}}};
    test::TempTree m_second{{"more/added.txt", "second session\n"},
                            {"noise2.bin", test::PseudoRandom{300 * test::kKiB, 4}}};
};

TEST_F(BurnCli, BurnsAFolderThatXorrisoReadsBackIdentically) {
    const auto drive = make_drive("dvd+r", "dvd");
    const RunResult r =
        cli({"burn", "virtual:" + drive, m_first.path().string(), "--verify", "full", "--json"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const json result = result_line(r);
    ASSERT_TRUE(result.is_object()) << r.describe();
    EXPECT_EQ(result["start_lba"], 0);
    EXPECT_EQ(result["verification"]["level"], "full");
    EXPECT_EQ(result["verification"]["passed"], true);
    EXPECT_TRUE(test::manifests_match("xorriso extraction", Manifest::of_tree(m_first.path()),
                                      xorriso_view(drive), test::kContentFields));
}

TEST_F(BurnCli, DryRunWritesNothing) {
    const auto drive = make_drive("bd-r", "bd");
    const RunResult r =
        cli({"burn", "virtual:" + drive, m_first.path().string(), "--dry-run", "--json"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_EQ(result_line(r)["dry_run"], true);
    const RunResult info = cli({"drive", "info", "virtual:" + drive, "--json"});
    EXPECT_NE(info.out.find("\"blank\""), std::string::npos) << info.describe();
    EXPECT_EQ(std::filesystem::file_size(drive), 0u);
}

TEST_F(BurnCli, AppendingNeedsMultisessionAndKeepsTheOldFiles) {
    const auto drive = make_drive("cd-r", "cd");
    ASSERT_EQ(cli({"burn", "virtual:" + drive, m_first.path().string()}).exit_status, 0);
    const RunResult refused = cli({"burn", "virtual:" + drive, m_second.path().string()});
    EXPECT_EQ(refused.exit_status, 1) << refused.describe();
    EXPECT_NE(refused.err.find("--multisession"), std::string::npos) << refused.describe();

    const RunResult appended =
        cli({"burn", "virtual:" + drive, "--multisession", m_second.path().string(), "--json"});
    ASSERT_EQ(appended.exit_status, 0) << appended.describe();
    const std::uint64_t start = result_line(appended)["start_lba"].get<std::uint64_t>();
    EXPECT_GT(start, 0u);
    // xorriso, told where the second session starts, sees both sessions' files.
    Manifest want = Manifest::of_tree(m_first.path());
    const Manifest second = Manifest::of_tree(m_second.path());
    for (const auto& [path, entry] : second.entries())
        want.add(path, entry);
    EXPECT_TRUE(test::manifests_match("xorriso, session 2", want, xorriso_view(drive, start),
                                      test::kContentFields));
    // The first session is still there on its own.
    EXPECT_TRUE(test::manifests_match("xorriso, session 1", Manifest::of_tree(m_first.path()),
                                      xorriso_view(drive), test::kContentFields));
}

TEST_F(BurnCli, AnAppendToARewritableDiscRetiresTheFirstSessionsUdf) {
    // A UDF bridge first, then an ISO 9660 session: UDF readers must not keep mounting the
    // first session's UDF tree, so the append clears its recognition sequence.
    const auto drive = make_drive("dvd+rw", "dvdrw");
    const RunResult first = cli({"burn", "virtual:" + drive, "--fs", "iso9660,joliet,rockridge,udf",
                                 m_first.path().string()});
    ASSERT_EQ(first.exit_status, 0) << first.describe();
    const RunResult udf_before = test::run({"udfinfo", drive});
    ASSERT_EQ(udf_before.exit_status, 0) << udf_before.describe();

    const RunResult appended =
        cli({"burn", "virtual:" + drive, "--multisession", m_second.path().string()});
    ASSERT_EQ(appended.exit_status, 0) << appended.describe();
    const RunResult udf_after = test::run({"udfinfo", drive});
    EXPECT_NE(udf_after.exit_status, 0) << udf_after.describe();
    EXPECT_NE(udf_after.err.find("Volume Recognition Sequence not found"), std::string::npos)
        << udf_after.describe();
    // Both sessions' files, through the descriptors now at LBA 16.
    Manifest want = Manifest::of_tree(m_first.path());
    const Manifest second = Manifest::of_tree(m_second.path());
    for (const auto& [path, entry] : second.entries())
        want.add(path, entry);
    EXPECT_TRUE(test::manifests_match("xorriso", want, xorriso_view(drive), test::kContentFields));
}

TEST_F(BurnCli, ImageCommandsReadTheDiscInADrive) {
    const auto drive = make_drive("cd-rw", "cdrw");
    ASSERT_EQ(cli({"burn", "virtual:" + drive, m_first.path().string()}).exit_status, 0);
    ASSERT_EQ(
        cli({"burn", "virtual:" + drive, "--multisession", m_second.path().string()}).exit_status,
        0);
    const RunResult info = cli({"image", "info", "virtual:" + drive, "--json"});
    ASSERT_EQ(info.exit_status, 0) << info.describe();
    EXPECT_EQ(result_line(info)["sessions"].size(), 2u) << info.describe();
    const auto out = m_dir / "extracted";
    const RunResult ex = cli({"image", "extract", "virtual:" + drive, out.string()});
    ASSERT_EQ(ex.exit_status, 0) << ex.describe();
    Manifest want = Manifest::of_tree(m_first.path());
    const Manifest second = Manifest::of_tree(m_second.path());
    for (const auto& [path, entry] : second.entries())
        want.add(path, entry);
    EXPECT_TRUE(test::manifests_match("image extract of the drive", want, Manifest::of_tree(out),
                                      test::kContentFields));
    const RunResult verify = cli({"image", "verify", "virtual:" + drive});
    EXPECT_EQ(verify.exit_status, 0) << verify.describe();
    // An empty drive: exit 3 naming it.
    const auto empty = make_drive("dvd+r", "blank");
    const RunResult blank = cli({"image", "ls", "virtual:" + empty});
    EXPECT_NE(blank.exit_status, 0) << blank.describe();
    EXPECT_NE(blank.err.find("blank"), std::string::npos) << blank.describe();
}

TEST_F(BurnCli, AClosedDiscIsRefusedWithExitStatus3) {
    const auto drive = make_drive("bd-r", "closed");
    ASSERT_EQ(cli({"burn", "virtual:" + drive, m_first.path().string(), "--close"}).exit_status, 0);
    const RunResult again =
        cli({"burn", "virtual:" + drive, "--multisession", m_second.path().string()});
    EXPECT_EQ(again.exit_status, 3) << again.describe();
    EXPECT_NE(again.err.find("virtual:" + drive), std::string::npos) << again.describe();
}

TEST_F(BurnCli, BurnsAnImageFileToAPseudoDrive) {
    const auto image = (m_dir / "first.iso").string();
    ASSERT_EQ(cli({"image", "create", "-o", image, m_first.path().string()}).exit_status, 0);
    const auto out = (m_dir / "copy.iso").string();
    const RunResult r = cli({"burn", "file:" + out, "--image", image, "--verify", "full"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_EQ(test::sha256_of_file(out), test::sha256_of_file(image));
    // Burning over it again needs --force-overwrite.
    EXPECT_EQ(cli({"burn", "file:" + out, "--image", image}).exit_status, 3);
    EXPECT_EQ(cli({"burn", "file:" + out, "--image", image, "--force-overwrite"}).exit_status, 0);
}

TEST_F(BurnCli, VerifyComparesADiscWithItsSourceAndNamesTheFirstBadLba) {
    const auto image = (m_dir / "v.iso").string();
    ASSERT_EQ(cli({"image", "create", "-o", image, m_first.path().string()}).exit_status, 0);
    const auto drive = make_drive("bd-re", "v");
    ASSERT_EQ(cli({"burn", "virtual:" + drive, "--image", image, "--verify", "none"}).exit_status,
              0);
    const RunResult ok = cli({"verify", "virtual:" + drive, "--against", image, "--json"});
    ASSERT_EQ(ok.exit_status, 0) << ok.describe();
    EXPECT_EQ(result_line(ok)["passed"], true);
    EXPECT_EQ(cli({"verify", "virtual:" + drive}).exit_status, 0);
    ASSERT_EQ(cli({"virtual", "faults", drive, "--corrupt-read-at", "300"}).exit_status, 0);
    const RunResult bad = cli({"verify", "virtual:" + drive, "--against", image});
    EXPECT_EQ(bad.exit_status, 3) << bad.describe();
    EXPECT_NE(bad.err.find("LBA 300"), std::string::npos) << bad.describe();
    // Quick verification samples: block 300 of a ~380-block image is not in its sample, the
    // descriptor area is.
    ASSERT_EQ(cli({"virtual", "faults", drive, "--corrupt-read-at", "17"}).exit_status, 0);
    EXPECT_EQ(
        cli({"verify", "virtual:" + drive, "--against", image, "--level", "quick"}).exit_status, 3);
}

TEST_F(BurnCli, EraseMakesARewritableDiscTakeAFirstSessionAgain) {
    const auto drive = make_drive("cd-rw", "erase");
    ASSERT_EQ(cli({"burn", "virtual:" + drive, m_first.path().string()}).exit_status, 0);
    const RunResult erased = cli({"erase", "virtual:" + drive, "--json"});
    ASSERT_EQ(erased.exit_status, 0) << erased.describe();
    EXPECT_EQ(result_line(erased)["media"], "cd-rw");
    // Blank again: a plain burn (no --multisession) is accepted and xorriso sees the new tree.
    ASSERT_EQ(cli({"burn", "virtual:" + drive, m_second.path().string()}).exit_status, 0);
    EXPECT_TRUE(test::manifests_match("xorriso after erase", Manifest::of_tree(m_second.path()),
                                      xorriso_view(drive), test::kContentFields));
    const auto once = make_drive("dvd+r", "once");
    const RunResult refused = cli({"erase", "virtual:" + once});
    EXPECT_EQ(refused.exit_status, 3) << refused.describe();
    EXPECT_NE(refused.err.find("cannot be erased"), std::string::npos) << refused.describe();
}

TEST_F(BurnCli, BadOptionsAreUsageErrors) {
    const auto drive = make_drive("dvd+rw", "rw");
    EXPECT_EQ(cli({"burn", "virtual:" + drive}).exit_status, 1);
    EXPECT_EQ(
        cli({"burn", "virtual:" + drive, m_first.path().string(), "--verify", "some"}).exit_status,
        1);
    EXPECT_EQ(
        cli({"burn", "virtual:" + drive, m_first.path().string(), "--speed", "fast"}).exit_status,
        1);
    EXPECT_EQ(cli({"burn", "virtual:" + m_dir.path().string() + "/none", m_first.path().string()})
                  .exit_status,
              3);
}

} // namespace
} // namespace discwright
