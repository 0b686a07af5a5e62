#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "device/udev_drives.h"
#include "discwright/disc_master.h"
#include "support/expect_error.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::ScopedEnv;

/// A registry file and list of this test's own; the machine's real drives come first.
class DiscMasterTest : public ::testing::Test {
protected:
    void registry(const std::string& text) { std::ofstream(m_dir / "drives") << text; }

    test::TempDir m_dir;
    ScopedEnv m_file{"DISCWRIGHT_DRIVES_FILE", (m_dir / "drives").string()};
    ScopedEnv m_list{"DISCWRIGHT_DRIVES", std::nullopt};
    std::size_t m_real = device::detect_drives().size();
};

TEST_F(DiscMasterTest, RegisteredDrivesFollowRealOnesOnceEach) {
    registry("virtual:" + (m_dir / "d1").string() + "\n# comment\nfile:/tmp/stick.img\n");
    ScopedEnv list("DISCWRIGHT_DRIVES", "file:/tmp/stick.img iscsi://h/iqn.2020-01.x:y/2 virtual:" +
                                            (m_dir / "./d1").string());
    const DiscMaster master;
    ASSERT_EQ(master.size(), m_real + 3);
    const RecorderInfo& d1 = master[m_real];
    EXPECT_EQ(d1.unique_id, "virtual:" + (m_dir / "d1").string());
    EXPECT_EQ(d1.address, d1.unique_id);
    EXPECT_EQ(d1.kind, RecorderKind::Virtual);
    EXPECT_EQ(master[m_real + 1].unique_id, "file:/tmp/stick.img");
    EXPECT_EQ(master[m_real + 2].unique_id, "iscsi://h:3260/iqn.2020-01.x:y/2");
    EXPECT_EQ(master[m_real + 2].kind, RecorderKind::Iscsi);
    for (std::size_t i = 0; i < m_real; ++i)
        EXPECT_EQ(master[i].kind, RecorderKind::SgIo);

    const auto ids = master.unique_ids();
    ASSERT_EQ(ids.size(), master.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        EXPECT_EQ(ids[i], master[i].unique_id);
    test::expect_error(ErrorCode::InvalidParam, [&] { (void)master[master.size()]; });
}

TEST_F(DiscMasterTest, BadRegistryLineFailsTheSnapshot) {
    registry("virtual:/ok\n\nvirtual\n");
    const Error e = test::expect_error(ErrorCode::InvalidParam, [] { DiscMaster master; });
    EXPECT_NE(e.message().find("line 3"), std::string::npos) << e.message();
}

TEST_F(DiscMasterTest, RefreshTakesANewSnapshot) {
    registry("virtual:/srv/a\n");
    DiscMaster master;
    ASSERT_EQ(master.size(), m_real + 1);
    registry("virtual:/srv/a\nvirtual:/srv/b\n");
    EXPECT_EQ(master.size(), m_real + 1); // a snapshot, as IMAPI's enumerator
    master.refresh();
    ASSERT_EQ(master.size(), m_real + 2);
    EXPECT_EQ(master[m_real + 1].unique_id, "virtual:/srv/b");
}

TEST_F(DiscMasterTest, ResolvesIndexesIdsAndAddresses) {
    registry("virtual:/srv/d1\niscsi://u%pw@h/iqn.2020-01.x:y/0\n");
    const DiscMaster master;
    EXPECT_EQ(master.resolve(std::to_string(m_real)), "virtual:/srv/d1");
    EXPECT_EQ(master.resolve("virtual:/srv/d1"), "virtual:/srv/d1");
    EXPECT_EQ(master.resolve("virtual:/srv/x/../d1"), "virtual:/srv/d1");
    // The unique id has no secret; opening needs it.
    EXPECT_EQ(master.resolve("iscsi://h:3260/iqn.2020-01.x:y/0"),
              "iscsi://u%pw@h/iqn.2020-01.x:y/0");
    // Explicit addresses need no registration.
    EXPECT_EQ(master.resolve("file:/tmp/../tmp/new.img"), "file:/tmp/new.img");
    EXPECT_EQ(master.resolve("iscsi://other/iqn.2020-01.x:z/1"),
              "iscsi://other:3260/iqn.2020-01.x:z/1");
}

TEST_F(DiscMasterTest, UnknownDrivesNameWhatWasAskedAndWhatExists) {
    registry("virtual:/srv/d1\n");
    const DiscMaster master;
    for (std::string asked : {std::to_string(m_real + 1), std::string("udev:pci-nothing"),
                              std::string("nonsense"), std::string("/dev/no-such-drive")}) {
        const Error e =
            test::expect_error(ErrorCode::RecorderNotFound, [&] { (void)master.resolve(asked); });
        EXPECT_NE(e.message().find("'" + asked + "'"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("virtual:/srv/d1"), std::string::npos) << e.message();
        EXPECT_EQ(e.context().drive, asked);
    }
}

TEST_F(DiscMasterTest, SupportedEnvironmentNeedsAUsableDrive) {
    if (m_real > 0) GTEST_SKIP() << "this machine has real drives";
    registry("virtual:/nonexistent-folder/d1\n");
    EXPECT_FALSE(DiscMaster().is_supported_environment());
    registry("virtual:" + (m_dir / "d1").string() + "\n");
    EXPECT_TRUE(DiscMaster().is_supported_environment());
    registry("");
    EXPECT_FALSE(DiscMaster().is_supported_environment());
}

TEST_F(DiscMasterTest, MonitoringStartsAndStops) {
    DiscMaster master;
    int events = 0;
    master.on_device_added([&](const std::string&) { ++events; });
    master.on_device_removed([&](const std::string&) { ++events; });
    try {
        master.start_monitoring();
    } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::TransportFailure) << e.what();
        GTEST_SKIP() << "no uevent source here: " << e.what();
    }
    EXPECT_TRUE(master.monitoring());
    master.start_monitoring();
    EXPECT_TRUE(master.monitoring());
    master.stop_monitoring();
    EXPECT_FALSE(master.monitoring());
    master.stop_monitoring();
    EXPECT_EQ(events, 0);
}

TEST(DriveDetection, ScansSysfsForDrivesWithNodes) {
    const std::string scsi0 = "sys/devices/pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0";
    const std::string scsi1 = "sys/devices/pci0000:00/0000:00:14.0/usb1/host6/target6:0:0/6:0:0:0";
    const test::TempTree tree{
        {scsi0 + "/vendor", "HL-DT-ST\n"},
        {scsi0 + "/model", "DVDRAM GH24NSD1 \n"},
        {scsi0 + "/scsi_generic/sg1", test::Folder{}},
        {scsi1 + "/vendor", "ASUS    \n"},
        {scsi1 + "/model", "SDRW-08U9M-U\n"},
        {"sys/class/block/sr10/device", test::Symlink{"../../../devices/pci0000:00/0000:00:14.0/"
                                                      "usb1/host6/target6:0:0/6:0:0:0"}},
        {"sys/class/block/sr2/device", test::Symlink{"../../../devices/pci0000:00/0000:00:1f.2/"
                                                     "ata2/host1/target1:0:0/1:0:0:0"}},
        {"sys/class/block/sr3/device", test::Symlink{"../../../devices/none"}},
        {"sys/class/block/vda", test::Folder{}},
        {"sys/class/block/srx", test::Folder{}},
        {"dev/sr10", ""},
        {"dev/sr2", ""},
        {"dev/vda", ""},
    };
    const auto drives = device::sysfs_drives(tree / "sys/class/block", tree / "dev");
    ASSERT_EQ(drives.size(), 2u); // sr3 has no node: a host drive seen from a container
    EXPECT_EQ(drives[0].address, (tree / "dev/sr2").string());
    EXPECT_EQ(drives[0].unique_id, "sysfs:pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0");
    EXPECT_EQ(drives[0].vendor, "HL-DT-ST");
    EXPECT_EQ(drives[0].product, "DVDRAM GH24NSD1");
    EXPECT_EQ(drives[0].kind, RecorderKind::SgIo);
    EXPECT_EQ(drives[0].device_nodes,
              (std::vector<std::string>{(tree / "dev/sr2").string(), (tree / "dev/sg1").string()}));
    EXPECT_EQ(drives[1].address, (tree / "dev/sr10").string());
    EXPECT_EQ(drives[1].vendor, "ASUS");
    EXPECT_EQ(drives[1].device_nodes.size(), 1u);
}

TEST(DriveDetection, NodeNamesSortNaturally) {
    EXPECT_TRUE(device::node_name_less("/dev/sr2", "/dev/sr10"));
    EXPECT_FALSE(device::node_name_less("/dev/sr10", "/dev/sr2"));
    EXPECT_TRUE(device::node_name_less("/dev/sr0", "/dev/sr1"));
    EXPECT_FALSE(device::node_name_less("/dev/sr1", "/dev/sr1"));
    EXPECT_TRUE(device::node_name_less("/dev/sr1", "/dev/sr1a"));
    EXPECT_TRUE(device::node_name_less("/dev/sg9", "/dev/sr0"));
}

TEST(DriveDetection, DiffReportsAddedAndRemovedIds) {
    auto drive = [](std::string id) {
        RecorderInfo d;
        d.unique_id = std::move(id);
        return d;
    };
    const auto changes =
        device::diff_drives({drive("udev:a"), drive("udev:b")}, {drive("udev:b"), drive("udev:c")});
    EXPECT_EQ(changes.added, std::vector<std::string>{"udev:c"});
    EXPECT_EQ(changes.removed, std::vector<std::string>{"udev:a"});
    EXPECT_TRUE(device::diff_drives({drive("udev:a")}, {drive("udev:a")}).empty());
}

TEST(RecorderKind, HasNames) {
    EXPECT_EQ(to_string(RecorderKind::SgIo), "sg_io");
    EXPECT_EQ(to_string(RecorderKind::File), "file");
}

} // namespace
} // namespace discwright
