#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scsi/capacity.h"
#include "scsi/commands.h"
#include "scsi/configuration.h"
#include "scsi/disc_information.h"
#include "scsi/feature_descriptors.h"
#include "scsi/inquiry.h"
#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "scsi/sense.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"
#include "support/expect_error.h"
#include "support/temp_tree.h"
#include "virtual/pseudo_drive.h"

namespace discwright::virtual_recorder {
namespace {

using scsi::SenseKey;

constexpr u64 blocks_64 = 64;

struct Reply {
    scsi::CommandResult result;
    std::vector<std::byte> data; // the bytes moved
};

/// Runs one command; `out` is the data-out payload of a write.
Reply run(MmcTarget& drive, const scsi::Cdb& cdb, std::vector<std::byte> out = {}) {
    std::vector<std::byte> buffer = out.empty() ? std::vector<std::byte>(cdb.transfer_length) : out;
    Reply r{drive.execute(cdb, buffer), {}};
    if (cdb.direction == DataDirection::FromDevice)
        r.data.assign(buffer.begin(), buffer.begin() + r.result.transferred);
    return r;
}

Reply good(MmcTarget& drive, const scsi::Cdb& cdb, std::vector<std::byte> out = {}) {
    Reply r = run(drive, cdb, std::move(out));
    EXPECT_TRUE(r.result.good()) << scsi::decode_sense(r.result.sense).description;
    return r;
}

void expect_sense(const Reply& r, SenseKey key, u8 asc, u8 ascq) {
    ASSERT_EQ(r.result.status, scsi::ScsiStatus::CheckCondition);
    const auto s = scsi::decode_sense(r.result.sense);
    EXPECT_TRUE(s.valid);
    EXPECT_EQ(s.key, key);
    EXPECT_EQ(s.asc, asc);
    EXPECT_EQ(s.ascq, ascq);
}

/// `blocks` blocks whose bytes name their block: block n is filled with n + fill.
std::vector<std::byte> pattern(u32 blocks, u8 fill) {
    std::vector<std::byte> v(std::size_t{blocks} * block_size);
    for (u32 b = 0; b < blocks; ++b)
        std::fill_n(v.begin() + std::size_t{b} * block_size, block_size,
                    static_cast<std::byte>(b + fill));
    return v;
}

class PseudoDriveTest : public ::testing::Test {
protected:
    std::unique_ptr<MmcTarget> open_new(u64 max_blocks = blocks_64) {
        return open_pseudo_drive(m_path, {.maximum_bytes = max_blocks * block_size});
    }
    test::TempDir m_dir;
    std::filesystem::path m_path = m_dir / "medium.img";
};

TEST_F(PseudoDriveTest, IdentifiesAsAnMmcDevice) {
    auto drive = open_new();
    const auto id = scsi::decode_inquiry(good(*drive, scsi::inquiry()).data);
    EXPECT_EQ(id.peripheral_device_type, 5);
    EXPECT_EQ(id.vendor, "DISCWRIT");
    EXPECT_EQ(id.product, "File PseudoDrive");
    good(*drive, scsi::test_unit_ready());
    const auto s = scsi::decode_sense(good(*drive, scsi::request_sense()).data);
    EXPECT_TRUE(s.valid);
    EXPECT_EQ(s.key, SenseKey::NoSense);
    // SPC-4 4.2.5.6: a short allocation length cuts the reply.
    EXPECT_EQ(good(*drive, scsi::inquiry({.allocation_length = 8})).data.size(), 8u);
    expect_sense(run(*drive, scsi::inquiry({.evpd = true, .page_code = 0x80})),
                 SenseKey::IllegalRequest, 0x24, 0x00);
}

TEST_F(PseudoDriveTest, ConfigurationIsARandomWritableDisk) {
    auto drive = open_new();
    const auto config = scsi::decode_configuration(
        good(*drive, scsi::get_configuration({.allocation_length = 4096})).data);
    EXPECT_EQ(config.current_profile, Profile::RemovableDisk);
    ASSERT_NE(config.find(FeatureCode::ProfileList), nullptr);
    const auto profiles = scsi::decode_profile_list(*config.find(FeatureCode::ProfileList));
    ASSERT_EQ(profiles.size(), 1u);
    EXPECT_EQ(profiles[0].profile, Profile::RemovableDisk);
    EXPECT_TRUE(profiles[0].current);
    ASSERT_NE(config.find(FeatureCode::Core), nullptr);
    ASSERT_NE(config.find(FeatureCode::RemovableMedium), nullptr);
    EXPECT_FALSE(
        scsi::decode_removable_medium_feature(*config.find(FeatureCode::RemovableMedium)).eject);
    ASSERT_NE(config.find(FeatureCode::RandomReadable), nullptr);
    EXPECT_EQ(scsi::decode_random_readable_feature(*config.find(FeatureCode::RandomReadable))
                  .logical_block_size,
              block_size);
    const FeatureDescriptor* rw = config.find(FeatureCode::RandomWritable);
    ASSERT_NE(rw, nullptr);
    EXPECT_TRUE(rw->current);
    EXPECT_EQ(scsi::decode_random_writable_feature(*rw).last_lba, blocks_64 - 1);
    EXPECT_EQ(config.find(FeatureCode::Formattable), nullptr);

    // RT = 10b: only the starting feature.
    const auto one = scsi::decode_configuration(
        good(*drive, scsi::get_configuration({.request = scsi::ConfigurationRequest::One,
                                              .starting_feature = FeatureCode::RandomWritable,
                                              .allocation_length = 4096}))
            .data);
    ASSERT_EQ(one.features.size(), 1u);
    EXPECT_EQ(one.features[0].code, FeatureCode::RandomWritable);
}

TEST_F(PseudoDriveTest, NewFileIsCreatedByTheFirstWriteAndGrows) {
    auto drive = open_new();
    EXPECT_FALSE(std::filesystem::exists(m_path));
    expect_sense(run(*drive, scsi::read10({.lba = 0, .blocks = 1})), SenseKey::IllegalRequest, 0x21,
                 0x00);

    good(*drive, scsi::write10({.lba = 2, .blocks = 3}), pattern(3, 0x10));
    EXPECT_EQ(std::filesystem::file_size(m_path), 5u * block_size);
    EXPECT_EQ(scsi::decode_capacity(good(*drive, scsi::read_capacity()).data).last_lba, 4u);

    const auto back = good(*drive, scsi::read10({.lba = 0, .blocks = 5})).data;
    ASSERT_EQ(back.size(), 5u * block_size);
    EXPECT_TRUE(std::all_of(back.begin(), back.begin() + 2 * block_size,
                            [](std::byte b) { return b == std::byte{0}; }));
    EXPECT_TRUE(std::equal(back.begin() + 2 * block_size, back.end(), pattern(3, 0x10).begin()));

    // Up to the last block of the capacity, and not one further.
    good(*drive, scsi::write12({.lba = blocks_64 - 2, .blocks = 2}), pattern(2, 0x40));
    const Reply past =
        run(*drive, scsi::write12({.lba = blocks_64 - 1, .blocks = 2}), pattern(2, 0x50));
    expect_sense(past, SenseKey::IllegalRequest, 0x21, 0x00);
    EXPECT_EQ(scsi::decode_sense(past.result.sense).information, blocks_64 - 1);
    EXPECT_EQ(std::filesystem::file_size(m_path), blocks_64 * block_size);
    good(*drive, scsi::synchronize_cache());
}

TEST_F(PseudoDriveTest, ExistingFileIsRecordedUpToItsLastWholeBlock) {
    std::ofstream(m_path, std::ios::binary) << std::string(5000, 'x');
    auto drive = open_new();
    EXPECT_EQ(scsi::decode_capacity(good(*drive, scsi::read_capacity()).data).last_lba, 1u);
    const auto data = good(*drive, scsi::read12({.lba = 1, .blocks = 1})).data;
    EXPECT_EQ(data, std::vector<std::byte>(block_size, std::byte{'x'}));
    expect_sense(run(*drive, scsi::read10({.lba = 2, .blocks = 1})), SenseKey::IllegalRequest, 0x21,
                 0x00);
}

TEST_F(PseudoDriveTest, DiscHasOneCompleteSessionWithOneTrack) {
    auto drive = open_new();
    good(*drive, scsi::write10({.lba = 0, .blocks = 4}), pattern(4, 1));

    const auto disc =
        scsi::decode_disc_information(good(*drive, scsi::read_disc_information()).data);
    EXPECT_EQ(disc.disc_status, DiscStatus::Complete);
    EXPECT_EQ(disc.last_session_state, SessionState::Complete);
    EXPECT_TRUE(disc.erasable);
    EXPECT_EQ(disc.number_of_sessions, 1);
    EXPECT_EQ(disc.last_track_in_last_session, 1);

    for (const auto& cdb :
         {scsi::read_track_information({.type = TrackAddressType::Lba, .address = 10}),
          scsi::read_track_information({.type = TrackAddressType::Track, .address = 1})}) {
        const auto track = scsi::decode_track_information(good(*drive, cdb).data);
        EXPECT_EQ(track.track_number, 1);
        EXPECT_EQ(track.track_start_address, 0u);
        EXPECT_EQ(track.track_size, blocks_64);
        EXPECT_EQ(track.free_blocks, blocks_64 - 4);
        EXPECT_EQ(track.last_recorded_address, 3u);
        EXPECT_FALSE(track.blank);
    }
    expect_sense(
        run(*drive, scsi::read_track_information({.type = TrackAddressType::Track, .address = 2})),
        SenseKey::IllegalRequest, 0x24, 0x00);
    expect_sense(run(*drive, scsi::read_track_information(
                                 {.type = TrackAddressType::Lba, .address = blocks_64})),
                 SenseKey::IllegalRequest, 0x21, 0x00);

    const auto toc =
        scsi::decode_toc(good(*drive, scsi::read_toc({.allocation_length = 100})).data);
    EXPECT_EQ(toc.first_track, 1);
    EXPECT_EQ(toc.last_track, 1);
    ASSERT_EQ(toc.entries.size(), 2u);
    EXPECT_EQ(toc.entries[0].track_number, 1);
    EXPECT_EQ(toc.entries[0].lba(TocAddressing::Lba), 0);
    EXPECT_EQ(toc.entries[1].track_number, 0xAA);
    EXPECT_EQ(toc.entries[1].lba(TocAddressing::Lba), static_cast<i64>(blocks_64));
    const auto msf = scsi::decode_toc(
        good(*drive, scsi::read_toc({.msf = true, .allocation_length = 100})).data);
    ASSERT_EQ(msf.entries.size(), 2u);
    EXPECT_EQ(msf.entries[1].lba(TocAddressing::Msf), static_cast<i64>(blocks_64));
    expect_sense(
        run(*drive, scsi::read_toc({.format = scsi::TocFormat::Atip, .allocation_length = 100})),
        SenseKey::IllegalRequest, 0x24, 0x00);
}

TEST_F(PseudoDriveTest, CapabilitiesPageAndSpeeds) {
    auto drive = open_new();
    const auto params = scsi::decode_mode_parameters(
        good(*drive, scsi::mode_sense10({.page_code = ModePageCode::CapabilitiesAndMechanicalStatus,
                                         .allocation_length = 512}))
            .data);
    EXPECT_FALSE(params.write_protected);
    const ModePage* page = params.find(ModePageCode::CapabilitiesAndMechanicalStatus);
    ASSERT_NE(page, nullptr);
    const auto caps = scsi::decode_capabilities_page(*page);
    EXPECT_TRUE(caps.dvd_ram_write);
    EXPECT_FALSE(caps.eject);
    ASSERT_EQ(caps.write_speeds.size(), 1u);
    expect_sense(run(*drive, scsi::mode_sense10({.page_code = ModePageCode::WriteParameters,
                                                 .allocation_length = 512})),
                 SenseKey::IllegalRequest, 0x24, 0x00);
    expect_sense(run(*drive, scsi::mode_sense10({.page_control = ModePageControl::Saved,
                                                 .page_code = ModePageCode::AllPages,
                                                 .allocation_length = 512})),
                 SenseKey::IllegalRequest, 0x39, 0x00);

    const auto perf = scsi::decode_performance(
        good(*drive, scsi::get_performance({.maximum_descriptors = 4})).data);
    ASSERT_EQ(perf.nominal.size(), 1u);
    EXPECT_EQ(perf.nominal[0].end_lba, blocks_64 - 1);
    EXPECT_GT(perf.nominal[0].end_performance, 0u);
    const auto speeds = scsi::decode_write_speed_performance(
        good(*drive, scsi::get_performance({.data_type = 0,
                                            .maximum_descriptors = 4,
                                            .type = scsi::PerformanceType::WriteSpeed}))
            .data);
    ASSERT_EQ(speeds.size(), 1u);
    EXPECT_EQ(speeds[0].write_speed, perf.nominal[0].end_performance);
}

TEST_F(PseudoDriveTest, AnswersLikeADriveToWhatItCannotDo) {
    auto drive = open_new();
    expect_sense(run(*drive, scsi::blank()), SenseKey::IllegalRequest, 0x20, 0x00);
    expect_sense(run(*drive, scsi::start_stop_unit({.action = scsi::StartStopAction::Eject})),
                 SenseKey::IllegalRequest, 0x24, 0x00);
    good(*drive, scsi::start_stop_unit({.action = scsi::StartStopAction::Start}));
    good(*drive, scsi::prevent_allow_medium_removal());
    // GET CONFIGURATION with the reserved RT value 11b.
    const std::array<std::byte, 10> bad_rt{
        std::byte{0x46}, std::byte{0x03}, {}, {}, {}, {}, {}, {}, std::byte{8}, {}};
    expect_sense(run(*drive, scsi::Cdb::from_bytes(bad_rt, DataDirection::FromDevice, 8)),
                 SenseKey::IllegalRequest, 0x24, 0x00);
}

TEST_F(PseudoDriveTest, ReadOnlyFileIsWriteProtected) {
    if (geteuid() == 0) GTEST_SKIP() << "root writes read-only files";
    std::ofstream(m_path, std::ios::binary) << std::string(4 * block_size, 'r');
    chmod(m_path.c_str(), 0444);
    auto drive = open_new();
    expect_sense(run(*drive, scsi::write10({.lba = 0, .blocks = 1}), pattern(1, 0)),
                 SenseKey::DataProtect, 0x27, 0x00);
    const auto config = scsi::decode_configuration(
        good(*drive, scsi::get_configuration({.allocation_length = 4096})).data);
    ASSERT_NE(config.find(FeatureCode::RandomWritable), nullptr);
    EXPECT_FALSE(config.find(FeatureCode::RandomWritable)->current);
    EXPECT_EQ(good(*drive, scsi::read10({.lba = 3, .blocks = 1})).data.size(), block_size);
}

TEST_F(PseudoDriveTest, DefaultMaximumIsTheFreeSpace) {
    auto drive = open_pseudo_drive(m_path);
    const auto config = scsi::decode_configuration(
        good(*drive, scsi::get_configuration({.allocation_length = 4096})).data);
    // Any real file system holding the test folder has at least a few blocks free.
    EXPECT_GT(
        scsi::decode_random_writable_feature(*config.find(FeatureCode::RandomWritable)).last_lba,
        0u);
}

TEST_F(PseudoDriveTest, WhatCannotBeAMediumIsNotFound) {
    test::expect_error(ErrorCode::RecorderNotFound,
                       [&] { (void)open_pseudo_drive(m_dir / "no-folder" / "x.img"); });
    test::expect_error(ErrorCode::RecorderNotFound, [&] { (void)open_pseudo_drive(m_dir.path()); });
}

} // namespace
} // namespace discwright::virtual_recorder
