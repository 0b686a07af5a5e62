// Judged: the CLI's drive commands as a user runs them, against virtual recorders made by the
// CLI itself and, when tgtd is installed and the test runs as root, against tgt's independent
// MMC emulation over iSCSI. Exit statuses are DESIGN.md section 10's: 0 success, 1 usage,
// 2 bad input, 3 device or media.

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "support/run.h"
#include "support/temp_tree.h"
#include "support/tgt_server.h"

namespace discwright {
namespace {

using nlohmann::json;
using test::json_lines;
using test::run_discwright;
using test::RunOptions;
using test::RunResult;

/// The line with "event": `event` of a --json run; null when there is none.
json event_line(const RunResult& r, const std::string& event) {
    for (const json& j : json_lines(r.out))
        if (j.is_object() && j.value("event", "") == event) return j;
    return nullptr;
}

class DriveCli : public ::testing::Test {
protected:
    /// A private lock folder and drive registry, so the machine's own settings stay out.
    [[nodiscard]] RunOptions env(std::vector<std::string> extra = {}) const {
        RunOptions o;
        o.extra_env = {"DISCWRIGHT_LOCK_DIR=" + (m_dir / "locks").string(),
                       "DISCWRIGHT_DRIVES_FILE=" + (m_dir / "no-registry").string()};
        bool drives = false;
        for (auto& e : extra) {
            drives |= e.starts_with("DISCWRIGHT_DRIVES=");
            o.extra_env.push_back(std::move(e));
        }
        if (!drives) o.extra_env.push_back("DISCWRIGHT_DRIVES=");
        return o;
    }
    RunResult cli(const std::vector<std::string>& args, std::vector<std::string> extra = {}) const {
        return run_discwright(args, env(std::move(extra)));
    }
    /// Makes a virtual recorder with `media` through the CLI; ASSERTs in the caller by result.
    RunResult create(const std::filesystem::path& path, const std::string& media) const {
        return cli({"virtual", "create", path.string(), "--media", media, "--json"});
    }

    test::TempDir m_dir;
    std::filesystem::path m_drive = std::filesystem::absolute(m_dir / "bd");
};

TEST_F(DriveCli, VirtualCreateReportsTheMediumAndRefusesToOverwriteIt) {
    const RunResult made = create(m_drive, "bd-re");
    ASSERT_EQ(made.exit_status, 0) << made.describe();
    const json result = event_line(made, "result");
    ASSERT_TRUE(result.is_object()) << made.describe();
    EXPECT_EQ(result.value("media", ""), "bd-re") << result.dump();
    EXPECT_TRUE(std::filesystem::exists(m_drive));

    const RunResult again = create(m_drive, "bd-re");
    EXPECT_EQ(again.exit_status, 2) << again.describe(); // FileExists: bad input
    const json error = event_line(again, "error");
    ASSERT_TRUE(error.is_object()) << again.describe();
    EXPECT_EQ(error.value("code", ""), "FileExists");

    const RunResult forced =
        cli({"virtual", "create", m_drive.string(), "--media", "dvd+r", "--force", "--json"});
    EXPECT_EQ(forced.exit_status, 0) << forced.describe();
    EXPECT_EQ(event_line(forced, "result").value("media", ""), "dvd+r") << forced.describe();
}

TEST_F(DriveCli, VirtualCreateRefusesAnUnknownMediaNamingTheOption) {
    const RunResult r = create(m_drive, "floppy");
    // An option value the CLI cannot use is InvalidParam, a usage error (exit 1) as for every
    // other command's bad option value (e.g. `image ls --fs udf`).
    EXPECT_EQ(r.exit_status, 1) << r.describe();
    EXPECT_NE(r.err.find("--media"), std::string::npos) << r.describe();
    const json error = event_line(r, "error");
    ASSERT_TRUE(error.is_object()) << r.describe();
    EXPECT_EQ(error.value("option", ""), "--media");
    EXPECT_FALSE(std::filesystem::exists(m_drive));
}

TEST_F(DriveCli, DriveInfoDescribesABlankBdRe) {
    ASSERT_EQ(create(m_drive, "bd-re").exit_status, 0);
    const RunResult r = cli({"--json", "drive", "info", "virtual:" + m_drive.string()});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const json j = event_line(r, "result");
    ASSERT_TRUE(j.is_object()) << r.describe();
    EXPECT_EQ(j.value("unique_id", ""), "virtual:" + m_drive.string());
    EXPECT_EQ(j.value("vendor", ""), "DISCWRIT");
    ASSERT_TRUE(j.contains("media")) << j.dump();
    const json& media = j["media"];
    EXPECT_EQ(media.value("present", false), true) << media.dump();
    EXPECT_EQ(media.value("profile", ""), "BD-RE") << media.dump();
    EXPECT_EQ(media.value("type", ""), "bd-re") << media.dump();
    ASSERT_TRUE(media.contains("state")) << media.dump();
    bool overwrite_only = false;
    for (const json& s : media["state"])
        overwrite_only |= s == "overwrite-only";
    EXPECT_TRUE(overwrite_only) << media["state"].dump();
    ASSERT_TRUE(media.contains("write_speeds")) << media.dump();
    ASSERT_TRUE(media["write_speeds"].is_array());
    EXPECT_FALSE(media["write_speeds"].empty());
    for (const json& w : media["write_speeds"])
        EXPECT_GT(w.value("kilobytes_per_second", 0), 0) << w.dump();
    // The virtual drive answers every question drive info asks.
    EXPECT_TRUE(j["unavailable"].empty()) << j["unavailable"].dump();
}

TEST_F(DriveCli, DrivesListsRegisteredVirtualAndFileDrives) {
    ASSERT_EQ(create(m_drive, "bd-re").exit_status, 0);
    const std::filesystem::path stick = std::filesystem::absolute(m_dir / "stick.img");
    std::ofstream(stick).close();
    std::filesystem::resize_file(stick, 4 * test::kMiB);

    const std::string virtual_address = "virtual:" + m_drive.string();
    const std::string file_address = "file:" + stick.string();
    const RunResult r =
        cli({"drives", "--json"}, {"DISCWRIGHT_DRIVES=" + virtual_address + " " + file_address});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const json j = event_line(r, "result");
    ASSERT_TRUE(j.is_object() && j.contains("drives")) << r.describe();
    std::optional<json> virt, file;
    for (const json& d : j["drives"]) {
        if (d.value("unique_id", "") == virtual_address) virt = d;
        if (d.value("unique_id", "") == file_address) file = d;
    }
    ASSERT_TRUE(virt.has_value()) << j.dump();
    ASSERT_TRUE(file.has_value()) << j.dump();
    EXPECT_EQ(virt->value("kind", ""), "virtual");
    EXPECT_EQ(file->value("kind", ""), "file");
    EXPECT_EQ(virt->value("media", ""), "bd-re") << virt->dump();
    EXPECT_EQ(file->value("media", ""), "disk") << file->dump();
}

TEST_F(DriveCli, DriveInfoOfAMissingVirtualDriveIsADeviceError) {
    const RunResult r =
        cli({"--json", "drive", "info", "virtual:" + (m_dir / "nothing-here").string()});
    EXPECT_EQ(r.exit_status, 3) << r.describe();
    const json error = event_line(r, "error");
    ASSERT_TRUE(error.is_object()) << r.describe();
    EXPECT_EQ(error.value("code", ""), "RecorderNotFound");
}

TEST_F(DriveCli, EjectOpensTheTrayAndInsertClosesIt) {
    ASSERT_EQ(create(m_drive, "bd-re").exit_status, 0);
    const RunResult eject = cli({"eject", "virtual:" + m_drive.string()});
    ASSERT_EQ(eject.exit_status, 0) << eject.describe();

    const RunResult out = cli({"virtual", "inspect", m_drive.string(), "--json"});
    ASSERT_EQ(out.exit_status, 0) << out.describe();
    const json ejected = event_line(out, "result");
    ASSERT_TRUE(ejected.is_object()) << out.describe();
    EXPECT_EQ(ejected.value("medium_present", true), false) << ejected.dump();
    EXPECT_EQ(ejected.value("tray_open", false), true) << ejected.dump();

    const RunResult insert = cli({"virtual", "insert", m_drive.string()});
    ASSERT_EQ(insert.exit_status, 0) << insert.describe();
    const RunResult in = cli({"virtual", "inspect", m_drive.string(), "--json"});
    const json loaded = event_line(in, "result");
    ASSERT_TRUE(loaded.is_object()) << in.describe();
    EXPECT_EQ(loaded.value("medium_present", false), true) << loaded.dump();
    EXPECT_EQ(loaded.value("tray_open", true), false) << loaded.dump();
    EXPECT_EQ(loaded.value("media", ""), "bd-re") << loaded.dump();
}

TEST_F(DriveCli, DriveInfoOverIscsiReportsTgtsBlankDvdPlusR) {
    if (!test::TgtServer::installed()) GTEST_SKIP() << "tgtd is not installed (Debian package tgt)";
    if (geteuid() != 0) GTEST_SKIP() << "tgtd needs root for its management socket";
    test::TgtServer tgt;
    const RunResult r = cli({"--json", "drive", "info", tgt.address()});
    ASSERT_EQ(r.exit_status, 0) << r.describe() << "\ntgtd log:\n" << tgt.log();
    const json j = event_line(r, "result");
    ASSERT_TRUE(j.is_object()) << r.describe();
    const json& media = j["media"];
    EXPECT_EQ(media.value("present", false), true) << media.dump();
    EXPECT_EQ(media.value("profile", ""), "DVD+R") << media.dump();
    ASSERT_TRUE(media.contains("state")) << media.dump();
    bool blank = false;
    for (const json& s : media["state"])
        blank |= s == "blank";
    EXPECT_TRUE(blank) << media["state"].dump();
    EXPECT_EQ(media.value("type", ""), "dvd+r") << media.dump();
    // The capacity of the blank disc is the free space of its invisible track 1 (MMC-6 6.27):
    // tgt reports a 4.7 GB DVD+R's 2,295,104 blocks, with the next writable address 0.
    ASSERT_TRUE(media.contains("tracks") && media["tracks"].size() == 1) << media.dump();
    const json& track = media["tracks"][0];
    EXPECT_EQ(track.value("free_blocks", 0u), 2'295'104u) << track.dump();
    EXPECT_EQ(track.value("next_writable_address", 1u), 0u) << track.dump();
    EXPECT_TRUE(track.value("blank", false)) << track.dump();
    // tgt lacks commands (GET PERFORMANCE, READ FORMAT CAPACITIES ...): drive info lists what
    // it could not learn instead of failing.
    ASSERT_TRUE(j.contains("unavailable")) << j.dump();
    EXPECT_TRUE(j["unavailable"].is_array() || j["unavailable"].is_object()) << j.dump();
    EXPECT_FALSE(j["unavailable"].empty()) << j.dump();
}

} // namespace
} // namespace discwright
