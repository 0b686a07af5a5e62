// Judged on a machine with a real optical drive, opt-in: set DISCWRIGHT_TEST_DRIVE to its node
// (e.g. DISCWRIGHT_TEST_DRIVE=/dev/sr0 ctest -L judged -R SgIoDrive). The drive needs no disc;
// these tests only identify it and ask what it can do. Without the variable they are skipped.

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "device/command_runner.h"
#include "device/open_transport.h"
#include "scsi/commands.h"
#include "scsi/configuration.h"
#include "scsi/inquiry.h"
#include "scsi/sense.h"

namespace discwright {
namespace {

std::string test_drive() {
    const char* node = std::getenv("DISCWRIGHT_TEST_DRIVE");
    return node != nullptr ? std::string(node) : std::string();
}

#define SKIP_WITHOUT_DRIVE()                                                                       \
    if (test_drive().empty())                                                                      \
    GTEST_SKIP() << "set DISCWRIGHT_TEST_DRIVE=/dev/srN to run against a real drive"

TEST(SgIoDrive, InquiryAndConfiguration) {
    SKIP_WITHOUT_DRIVE();
    device::CommandRunner runner(device::open_transport(test_drive()));
    EXPECT_EQ(runner.transport().address(), device::parse_drive_address(test_drive()).normalised);
    EXPECT_GE(runner.transport().limits().max_transfer_bytes, 2048u);

    auto inquiry = scsi::decode_inquiry(runner.read(scsi::inquiry()));
    EXPECT_EQ(inquiry.peripheral_device_type, 5) << "not an MMC drive: " << inquiry.product;
    EXPECT_FALSE(inquiry.product.empty());

    // MMC-6 6.6: every MMC-2 or later drive answers; the profile list names what it can use.
    auto config = scsi::decode_configuration(
        runner.read(scsi::get_configuration({.request = scsi::ConfigurationRequest::All,
                                             .starting_feature = FeatureCode::ProfileList,
                                             .allocation_length = 4096})));
    EXPECT_FALSE(config.features.empty());
    EXPECT_EQ(config.features.front().code, FeatureCode::ProfileList);
}

TEST(SgIoDrive, TestUnitReadyAnswersWithOrWithoutADisc) {
    SKIP_WITHOUT_DRIVE();
    device::CommandRunner runner(device::open_transport(test_drive()));
    auto result = runner.execute_raw(scsi::test_unit_ready(), {});
    if (result.good()) return;
    ASSERT_EQ(result.status, scsi::ScsiStatus::CheckCondition);
    auto sense = scsi::decode_sense(result.sense);
    EXPECT_TRUE(sense.valid);
    // No disc, a disc spinning up, or a changed disc: all a drive may say here.
    EXPECT_TRUE(sense.key == scsi::SenseKey::NotReady || sense.key == scsi::SenseKey::UnitAttention)
        << fmt::format("{}", sense);
}

} // namespace
} // namespace discwright
