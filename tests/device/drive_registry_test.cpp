#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "device/drive_registry.h"
#include "support/expect_error.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright::device {
namespace {

/// Sets or clears an environment variable for one test and restores it afterwards.
using test::ScopedEnv;

TEST(DriveRegistry, ParsesAddressesCommentsAndBlankLines) {
    const auto drives = parse_drive_registry("# my drives\n"
                                             "\n"
                                             "virtual:/srv/d1\n"
                                             "   file:/tmp/x.img   # the stick image\n"
                                             "iscsi://host/iqn.2004-01.org.example:t1/1\r\n"
                                             "/dev/sg3\n",
                                             "/etc/discwright/drives");
    ASSERT_EQ(drives.size(), 4u);
    EXPECT_EQ(drives[0].unique_id, "virtual:/srv/d1");
    EXPECT_EQ(drives[0].address, "virtual:/srv/d1");
    EXPECT_EQ(drives[0].kind, RecorderKind::Virtual);
    EXPECT_TRUE(drives[0].device_nodes.empty());
    EXPECT_EQ(drives[1].unique_id, "file:/tmp/x.img");
    EXPECT_EQ(drives[1].kind, RecorderKind::File);
    EXPECT_EQ(drives[2].unique_id, "iscsi://host:3260/iqn.2004-01.org.example:t1/1");
    EXPECT_EQ(drives[2].kind, RecorderKind::Iscsi);
    EXPECT_EQ(drives[3].unique_id, "/dev/sg3");
    EXPECT_EQ(drives[3].kind, RecorderKind::SgIo);
    EXPECT_EQ(drives[3].device_nodes, std::vector<std::string>{"/dev/sg3"});
}

TEST(DriveRegistry, HashInsideAPathIsNotAComment) {
    const auto drives = parse_drive_registry("file:/tmp/a#b\n", "/etc/drives");
    ASSERT_EQ(drives.size(), 1u);
    EXPECT_EQ(drives[0].unique_id, "file:/tmp/a#b");
}

TEST(DriveRegistry, RelativePathsAreTakenNextToTheFile) {
    const auto drives =
        parse_drive_registry("virtual:media/d1\nfile:../images/u.img\n", "/etc/dw/drives");
    ASSERT_EQ(drives.size(), 2u);
    EXPECT_EQ(drives[0].unique_id, "virtual:/etc/dw/media/d1");
    EXPECT_EQ(drives[1].unique_id, "file:/etc/images/u.img");
}

TEST(DriveRegistry, BadLineNamesTheFileAndLine) {
    const Error e = test::expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_drive_registry("virtual:/ok\n# fine\nvirtul:/typo\n", "/etc/dw/drives");
    });
    EXPECT_NE(e.message().find("virtul:/typo"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("/etc/dw/drives line 3"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().path, "/etc/dw/drives");
}

TEST(DriveRegistry, ChapSecretStaysInTheAddressOnly) {
    const auto d = registered_drive("iscsi://burner%s3cret@10.0.0.5:3261/iqn.2020-01.x:y/0");
    EXPECT_EQ(d.unique_id, "iscsi://10.0.0.5:3261/iqn.2020-01.x:y/0");
    EXPECT_EQ(d.address, "iscsi://burner%s3cret@10.0.0.5:3261/iqn.2020-01.x:y/0");
}

TEST(DriveRegistry, ListSplitsOnWhiteSpace) {
    const auto drives =
        parse_drive_list("  virtual:/a   file:/b\tvirtual:/c  ", "DISCWRIGHT_DRIVES");
    ASSERT_EQ(drives.size(), 3u);
    EXPECT_EQ(drives[0].unique_id, "virtual:/a");
    EXPECT_EQ(drives[1].unique_id, "file:/b");
    EXPECT_EQ(drives[2].unique_id, "virtual:/c");
    EXPECT_TRUE(parse_drive_list("   ", "DISCWRIGHT_DRIVES").empty());
}

TEST(DriveRegistry, BadListEntryNamesItsOrigin) {
    const Error e = test::expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_drive_list("virtual:/a nonsense", "DISCWRIGHT_DRIVES");
    });
    EXPECT_NE(e.message().find("nonsense"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("DISCWRIGHT_DRIVES"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().option, "DISCWRIGHT_DRIVES");
}

TEST(DriveRegistry, PathFollowsTheEnvironment) {
    ScopedEnv file("DISCWRIGHT_DRIVES_FILE", std::nullopt);
    ScopedEnv xdg("XDG_CONFIG_HOME", std::nullopt);
    ScopedEnv home("HOME", "/home/ann");
    EXPECT_EQ(drive_registry_path(), "/home/ann/.config/discwright/drives");
    {
        ScopedEnv set_xdg("XDG_CONFIG_HOME", "/cfg");
        EXPECT_EQ(drive_registry_path(), "/cfg/discwright/drives");
        ScopedEnv set_file("DISCWRIGHT_DRIVES_FILE", "/t/drives");
        EXPECT_EQ(drive_registry_path(), "/t/drives");
    }
    ScopedEnv no_home("HOME", std::nullopt);
    EXPECT_TRUE(drive_registry_path().empty());
}

TEST(DriveRegistry, FileComesBeforeTheEnvironment) {
    test::TempDir dir;
    const auto file = dir / "drives";
    std::ofstream(file) << "virtual:d1\nfile:/x.img\n";
    ScopedEnv set_file("DISCWRIGHT_DRIVES_FILE", file.string());
    ScopedEnv set_list("DISCWRIGHT_DRIVES", "virtual:/e1 file:/x.img");
    const auto drives = registered_drives();
    ASSERT_EQ(drives.size(), 4u);
    EXPECT_EQ(drives[0].unique_id, "virtual:" + (dir / "d1").string());
    EXPECT_EQ(drives[1].unique_id, "file:/x.img");
    EXPECT_EQ(drives[2].unique_id, "virtual:/e1");
    EXPECT_EQ(drives[3].unique_id, "file:/x.img"); // DiscMaster removes the duplicate
}

TEST(DriveRegistry, MissingFileMeansNoRegisteredDrives) {
    test::TempDir dir;
    ScopedEnv set_file("DISCWRIGHT_DRIVES_FILE", (dir / "absent").string());
    ScopedEnv set_list("DISCWRIGHT_DRIVES", std::nullopt);
    EXPECT_TRUE(registered_drives().empty());
}

} // namespace
} // namespace discwright::device
