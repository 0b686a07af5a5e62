// The virtual recorder driven as a host drives a drive: CDBs from the scsi/ builders, replies
// read with the scsi/ decoders, sense decoded by scsi::decode_sense. Expectations cite MMC-6.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "discwright/virtual_recorder.h"
#include "scsi/capacity.h"
#include "scsi/commands.h"
#include "scsi/configuration.h"
#include "scsi/disc_information.h"
#include "scsi/disc_structure.h"
#include "scsi/event_status.h"
#include "scsi/feature_descriptors.h"
#include "scsi/inquiry.h"
#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "scsi/sense.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"
#include "support/temp_tree.h"
#include "virtual/virtual_drive.h"

namespace discwright::virtual_recorder {
namespace {

using scsi::SenseKey;

struct Run {
    scsi::CommandResult result;
    std::vector<std::byte> data;
    [[nodiscard]] bool good() const { return result.good(); }
    [[nodiscard]] scsi::SenseInfo sense() const { return scsi::decode_sense(result.sense); }
};

::testing::AssertionResult has_sense(const Run& run, SenseKey key, u8 asc, u8 ascq) {
    if (run.good()) return ::testing::AssertionFailure() << "command succeeded";
    const auto s = run.sense();
    if (s.key == key && s.asc == asc && s.ascq == ascq) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "sense " << static_cast<int>(s.key) << "/" << std::hex << static_cast<int>(s.asc)
           << "/" << static_cast<int>(s.ascq) << " " << s.description;
}

std::vector<std::byte> pattern(u64 blocks, u8 seed) {
    std::vector<std::byte> v(blocks * block_size);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<std::byte>((i / block_size) * 31 + seed + i % 251);
    return v;
}

class Drive {
public:
    Drive(const std::filesystem::path& path) : m_target(open_virtual_drive(path)) {}

    Run run(const scsi::Cdb& cdb, std::span<const std::byte> out = {}) {
        Run r;
        r.data.assign(cdb.transfer_length, std::byte{0});
        if (!out.empty()) std::copy(out.begin(), out.end(), r.data.begin());
        r.result = m_target->execute(cdb, r.data);
        if (cdb.direction == DataDirection::FromDevice) r.data.resize(r.result.transferred);
        return r;
    }
    Run write(u32 lba, std::span<const std::byte> data) {
        return run(
            scsi::write10({.lba = lba, .blocks = static_cast<u16>(data.size() / block_size)}),
            data);
    }
    Run read(u32 lba, u16 blocks) { return run(scsi::read10({.lba = lba, .blocks = blocks})); }
    TrackInformation track(TrackAddressType type, u32 address) {
        const auto r = run(scsi::read_track_information({.type = type, .address = address}));
        EXPECT_TRUE(r.good());
        return scsi::decode_track_information(r.data);
    }
    u32 nwa() { return track(TrackAddressType::Track, 0xFF).next_writable_address.value_or(0); }
    DiscInformation disc() {
        const auto r = run(scsi::read_disc_information({.allocation_length = 34}));
        EXPECT_TRUE(r.good());
        return scsi::decode_disc_information(r.data);
    }
    Configuration configuration() {
        const auto r = run(scsi::get_configuration({.allocation_length = 4096}));
        EXPECT_TRUE(r.good());
        return scsi::decode_configuration(r.data);
    }
    Run close(scsi::CloseFunction f, u16 number = 0) {
        return run(scsi::close_track_session(
            {.immed = false, .function = f, .track_session_number = number}));
    }
    Run sync() { return run(scsi::synchronize_cache()); }
    Run tur() { return run(scsi::test_unit_ready()); }
    void keep_appendable() {
        WriteParametersPage wp;
        wp.write_type = WriteType::TrackAtOnce;
        wp.multi_session = MultiSession::NextSessionAllowed;
        set_write_parameters(wp);
    }
    void set_write_parameters(const WriteParametersPage& wp) {
        ModeParameters p;
        p.pages.push_back(scsi::encode_mode_page(wp));
        const auto bytes = scsi::encode_mode_parameters(p, scsi::ModeParameterUse::ModeSelect);
        const auto r = run(
            scsi::mode_select10({.parameter_list_length = static_cast<u16>(bytes.size())}), bytes);
        ASSERT_TRUE(r.good()) << r.sense().description;
    }
    /// Polls TEST UNIT READY until GOOD; returns the progress values seen.
    std::vector<u16> poll_until_ready() {
        std::vector<u16> seen;
        for (int i = 0; i < 100; ++i) {
            const auto r = tur();
            if (r.good()) return seen;
            seen.push_back(r.sense().progress.value_or(0xFFFF));
        }
        ADD_FAILURE() << "never ready";
        return seen;
    }
    MmcTarget& target() { return *m_target; }

private:
    std::unique_ptr<MmcTarget> m_target;
};

class VirtualDriveTest : public ::testing::Test {
protected:
    std::filesystem::path make(MediaType media, FaultPlan faults = {}) {
        VirtualRecorder::create(
            m_path, {.media = media, .existing = ExistingMedium::Replace, .faults = faults});
        return m_path;
    }
    test::TempDir m_dir;
    std::filesystem::path m_path = m_dir.path() / "disc.img";
};

// ---- identity and per-medium facts --------------------------------------------------------

TEST_F(VirtualDriveTest, InquiryNamesTheVirtualRecorder) {
    Drive d(make(MediaType::DvdPlusR));
    const auto r = d.run(scsi::inquiry());
    ASSERT_TRUE(r.good());
    const auto id = scsi::decode_inquiry(r.data);
    EXPECT_EQ(id.peripheral_device_type, 5); // SPC-4 6.4.2: CD/DVD device
    EXPECT_TRUE(id.removable);
    EXPECT_EQ(id.vendor, "DISCWRIT");
    EXPECT_EQ(id.product, "Virtual Recorder");
}

struct MediumCase {
    MediaType media;
    Profile profile;
    FeatureCode write_feature; // the feature MMC-6 5.4 makes current for writing this profile
    bool erasable;
    DiscStatus blank_status;
    u64 capacity;
};

class PerMedium : public VirtualDriveTest, public ::testing::WithParamInterface<MediumCase> {};

TEST_P(PerMedium, ProfileFeaturesAndBlankDisc) {
    const auto c = GetParam();
    Drive d(make(c.media));
    const auto config = d.configuration();
    EXPECT_EQ(config.current_profile, c.profile);
    // MMC-6 5.3.1: the profile list flags exactly the current profile.
    const auto* list = config.find(FeatureCode::ProfileList);
    ASSERT_NE(list, nullptr);
    const auto profiles = scsi::decode_profile_list(*list);
    EXPECT_EQ(std::count_if(profiles.begin(), profiles.end(),
                            [](const ProfileDescriptor& p) { return p.current; }),
              1);
    for (const auto& p : profiles)
        EXPECT_TRUE(!p.current || p.profile == c.profile);
    const auto* write = config.find(c.write_feature);
    ASSERT_NE(write, nullptr);
    EXPECT_TRUE(write->current) << to_string(c.write_feature);
    const auto* core = config.find(FeatureCode::Core);
    ASSERT_NE(core, nullptr);
    EXPECT_TRUE(core->current && core->persistent);

    const auto info = d.disc();
    EXPECT_EQ(info.erasable, c.erasable);
    EXPECT_EQ(info.disc_status, c.blank_status);
    EXPECT_EQ(info.number_of_sessions, 1);
    // MMC-6 6.27: track 1 of a blank medium starts at 0.
    const auto t = d.track(TrackAddressType::Track, 1);
    EXPECT_EQ(t.track_start_address, 0u);
    EXPECT_EQ(t.track_size, c.capacity);

    // GET PERFORMANCE type 03h: speeds fastest first, each for the whole medium.
    const auto perf = d.run(scsi::get_performance(
        {.data_type = 0, .maximum_descriptors = 8, .type = scsi::PerformanceType::WriteSpeed}));
    ASSERT_TRUE(perf.good());
    const auto speeds = scsi::decode_write_speed_performance(perf.data);
    ASSERT_FALSE(speeds.empty());
    EXPECT_TRUE(std::is_sorted(speeds.begin(), speeds.end(), [](const auto& a, const auto& b) {
        return a.write_speed > b.write_speed;
    }));
    EXPECT_EQ(speeds.front().end_lba, c.capacity - 1);
}

INSTANTIATE_TEST_SUITE_P(
    AllMedia, PerMedium,
    ::testing::Values(MediumCase{MediaType::CdR, Profile::CdR, FeatureCode::CdTrackAtOnce, false,
                                 DiscStatus::Empty, 359'849},
                      MediumCase{MediaType::CdRw, Profile::CdRw, FeatureCode::CdMastering, true,
                                 DiscStatus::Empty, 359'849},
                      MediumCase{MediaType::DvdDashR, Profile::DvdDashR,
                                 FeatureCode::DvdDashRRwWrite, false, DiscStatus::Empty, 2'298'496},
                      MediumCase{MediaType::DvdDashRw, Profile::DvdDashRwSequential,
                                 FeatureCode::IncrementalStreamingWritable, true, DiscStatus::Empty,
                                 2'298'496},
                      MediumCase{MediaType::DvdPlusR, Profile::DvdPlusR, FeatureCode::DvdPlusR,
                                 false, DiscStatus::Empty, 2'295'104},
                      MediumCase{MediaType::DvdPlusRDualLayer, Profile::DvdPlusRDualLayer,
                                 FeatureCode::DvdPlusRDualLayer, false, DiscStatus::Empty,
                                 4'173'824},
                      MediumCase{MediaType::DvdPlusRw, Profile::DvdPlusRw, FeatureCode::Formattable,
                                 true, DiscStatus::Empty, 2'295'104},
                      MediumCase{MediaType::DvdRam, Profile::DvdRam, FeatureCode::RandomWritable,
                                 true, DiscStatus::Other, 2'236'704},
                      MediumCase{MediaType::BdR, Profile::BdRSequential, FeatureCode::BdWrite,
                                 false, DiscStatus::Empty, 12'219'392},
                      MediumCase{MediaType::BdRDualLayer, Profile::BdRSequential,
                                 FeatureCode::BdWrite, false, DiscStatus::Empty, 24'438'784},
                      MediumCase{MediaType::BdRe, Profile::BdRe, FeatureCode::Formattable, true,
                                 DiscStatus::Empty, 11'826'176},
                      MediumCase{MediaType::BdReDualLayer, Profile::BdRe, FeatureCode::BdWrite,
                                 true, DiscStatus::Empty, 23'652'352}));

// ---- sequential recording -------------------------------------------------------------

TEST_F(VirtualDriveTest, SequentialMediaTakeWritesOnlyAtTheNextWritableAddress) {
    Drive d(make(MediaType::DvdPlusR));
    EXPECT_EQ(d.nwa(), 0u);
    // MMC-6 4.5.5: a write elsewhere than the NWA is INVALID ADDRESS FOR WRITE.
    EXPECT_TRUE(has_sense(d.write(32, pattern(16, 1)), SenseKey::IllegalRequest, 0x21, 0x02));
    ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
    EXPECT_EQ(d.nwa(), 16u);
    EXPECT_TRUE(has_sense(d.write(0, pattern(16, 2)), SenseKey::IllegalRequest, 0x21, 0x02));
    EXPECT_TRUE(has_sense(d.write(3'000'000, pattern(1, 2)), SenseKey::IllegalRequest, 0x21, 0x00));
    const auto r = d.read(0, 16);
    ASSERT_TRUE(r.good());
    EXPECT_EQ(r.data, pattern(16, 1));
    EXPECT_TRUE(has_sense(d.read(16, 1), SenseKey::IllegalRequest, 0x21, 0x00));
}

TEST_F(VirtualDriveTest, DvdPlusRSessionsGoBlankAppendableComplete) {
    Drive d(make(MediaType::DvdPlusR));
    EXPECT_EQ(d.disc().disc_status, DiscStatus::Empty);
    ASSERT_TRUE(d.write(0, pattern(100, 1)).good());
    auto info = d.disc();
    EXPECT_EQ(info.disc_status, DiscStatus::Incomplete);
    EXPECT_EQ(info.last_session_state, SessionState::Incomplete);
    ASSERT_TRUE(d.close(scsi::CloseFunction::CloseTrack, 1).good());
    const auto t1 = d.track(TrackAddressType::Track, 1);
    EXPECT_FALSE(t1.next_writable_address.has_value());
    EXPECT_EQ(t1.track_size, 112u); // padded to the 16-block ECC block
    ASSERT_TRUE(d.close(scsi::CloseFunction::CloseSession).good());
    // MMC-6 6.22.3.1: appendable disc, the new last session is empty.
    info = d.disc();
    EXPECT_EQ(info.disc_status, DiscStatus::Incomplete);
    EXPECT_EQ(info.last_session_state, SessionState::Empty);
    EXPECT_EQ(info.number_of_sessions, 2);
    EXPECT_EQ(info.first_track_in_last_session, 2);
    EXPECT_EQ(d.nwa(), 112u + 2'048u); // closure and next intro
    ASSERT_TRUE(d.write(d.nwa(), pattern(16, 2)).good());
    ASSERT_TRUE(d.close(scsi::CloseFunction::Finalize).good());
    info = d.disc();
    EXPECT_EQ(info.disc_status, DiscStatus::Complete);
    EXPECT_EQ(info.number_of_sessions, 2);
    EXPECT_TRUE(has_sense(d.write(5000, pattern(16, 3)), SenseKey::IllegalRequest, 0x21, 0x02));
    // READ TOC format 1: the first track of the last complete session.
    const auto toc =
        d.run(scsi::read_toc({.format = scsi::TocFormat::SessionInfo, .allocation_length = 12}));
    ASSERT_TRUE(toc.good());
    const auto si = scsi::decode_session_info(toc.data);
    EXPECT_EQ(si.last_complete_session, 2);
    EXPECT_EQ(si.first_track_in_last_session.address, 112u + 2'048u);
}

TEST_F(VirtualDriveTest, CdMultisessionLeavesLeadOutAndLeadInGaps) {
    Drive d(make(MediaType::CdR));
    d.keep_appendable();
    ASSERT_TRUE(d.write(0, pattern(300, 1)).good());
    ASSERT_TRUE(d.sync().good());
    ASSERT_TRUE(d.close(scsi::CloseFunction::CloseSession).good());
    // 300 blocks + 2 run-out; then lead-out 6,750, lead-in 4,500, pre-gap 150 (libburn's
    // cookbook: NWA = lead-out + 11,400 after the first session).
    EXPECT_EQ(d.nwa(), 302u + 11'400u);
    auto toc = d.run(scsi::read_toc({.format = scsi::TocFormat::Toc, .allocation_length = 100}));
    ASSERT_TRUE(toc.good());
    auto t = scsi::decode_toc(toc.data);
    ASSERT_EQ(t.entries.size(), 2u);
    EXPECT_EQ(t.entries[0].address, 0u);
    EXPECT_EQ(t.entries[1].track_number, 0xAA);
    EXPECT_EQ(t.entries[1].address, 302u);
    // MMC-6 4.2.3.7: the run-out blocks of a TAO track are not readable as data.
    EXPECT_TRUE(d.read(299, 1).good());
    EXPECT_TRUE(has_sense(d.read(300, 1), SenseKey::IllegalRequest, 0x64, 0x00));

    const u32 second = d.nwa();
    ASSERT_TRUE(d.write(second, pattern(300, 2)).good());
    ASSERT_TRUE(d.close(scsi::CloseFunction::CloseSession).good());
    EXPECT_EQ(d.nwa(), second + 302u + 6'900u);
    toc = d.run(scsi::read_toc({.format = scsi::TocFormat::Toc, .allocation_length = 100}));
    t = scsi::decode_toc(toc.data);
    ASSERT_EQ(t.entries.size(), 3u);
    EXPECT_EQ(t.entries[1].address, second);
    // Format 2: A0/A1/A2 per session, B0 pointing at the next program area.
    const auto full =
        d.run(scsi::read_toc({.format = scsi::TocFormat::FullToc, .allocation_length = 1000}));
    ASSERT_TRUE(full.good());
    const auto ft = scsi::decode_full_toc(full.data);
    EXPECT_EQ(ft.last_complete_session, 2);
    const auto b0 = std::find_if(ft.entries.begin(), ft.entries.end(),
                                 [](const FullTocEntry& e) { return e.point == 0xB0; });
    ASSERT_NE(b0, ft.entries.end());
    EXPECT_EQ(Msf(b0->min, b0->sec, b0->frame).to_lba(), static_cast<i64>(d.nwa()));
    // MSF addressing of the same TOC.
    toc = d.run(
        scsi::read_toc({.msf = true, .format = scsi::TocFormat::Toc, .allocation_length = 100}));
    t = scsi::decode_toc(toc.data);
    EXPECT_EQ(t.entries[1].lba(TocAddressing::Msf), static_cast<i64>(second));
}

TEST_F(VirtualDriveTest, CdFinalizesUnlessTheWriteParametersAskForAnotherSession) {
    Drive d(make(MediaType::CdR));
    ASSERT_TRUE(d.write(0, pattern(300, 1)).good());
    ASSERT_TRUE(d.close(scsi::CloseFunction::CloseSession).good());
    const auto info = d.disc();
    EXPECT_EQ(info.disc_status, DiscStatus::Complete); // Multi-session 00b (MMC-6 7.5.4.4)
    EXPECT_EQ(info.last_possible_lead_out_start_address, 0xFFFF'FFFFu);
}

TEST_F(VirtualDriveTest, AtipOnlyOnCd) {
    Drive cd(make(MediaType::CdRw));
    const auto r =
        cd.run(scsi::read_toc({.format = scsi::TocFormat::Atip, .allocation_length = 28}));
    ASSERT_TRUE(r.good());
    const auto atip = scsi::decode_atip(r.data);
    EXPECT_TRUE(atip.cd_rw);
    EXPECT_EQ(atip.last_possible_start_time_of_lead_out, (Msf{79, 59, 74}));
    EXPECT_TRUE(
        has_sense(cd.run(scsi::read_toc({.format = scsi::TocFormat::Toc, .allocation_length = 12})),
                  SenseKey::IllegalRequest, 0x24, 0x00)); // blank: no TOC
}

TEST_F(VirtualDriveTest, AtipRefusedOnDvd) {
    Drive dvd(make(MediaType::DvdDashR));
    EXPECT_TRUE(has_sense(
        dvd.run(scsi::read_toc({.format = scsi::TocFormat::Atip, .allocation_length = 28})),
        SenseKey::IllegalRequest, 0x24, 0x00));
}

TEST_F(VirtualDriveTest, ReservedTrackAndInvisibleTrack) {
    Drive d(make(MediaType::DvdDashR));
    ASSERT_TRUE(d.run(scsi::reserve_track({.reservation_size = 1000})).good());
    const auto reserved = d.track(TrackAddressType::Track, 1);
    EXPECT_TRUE(reserved.rt);
    EXPECT_EQ(reserved.track_size, 1008u); // rounded up to the ECC block
    const auto invisible = d.track(TrackAddressType::Track, 0xFF);
    EXPECT_EQ(invisible.track_number, 2);
    EXPECT_EQ(invisible.track_start_address, 1008u);
    EXPECT_TRUE(invisible.blank);
    // The reservation is written from its own NWA.
    ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
    EXPECT_EQ(d.track(TrackAddressType::Lba, 5).next_writable_address, 16u);
}

TEST_F(VirtualDriveTest, CapacityFollowsTheRecordedArea) {
    Drive d(make(MediaType::BdR));
    ASSERT_TRUE(d.write(0, pattern(64, 1)).good());
    const auto r = d.run(scsi::read_capacity());
    ASSERT_TRUE(r.good());
    EXPECT_EQ(scsi::decode_capacity(r.data).last_lba, 63u);
    EXPECT_EQ(scsi::decode_capacity(r.data).block_length, 2048u);
}

// ---- formatting and blanking ---------------------------------------------------------

TEST_F(VirtualDriveTest, FormatDvdPlusRwReportsProgressThenTakesRandomWrites) {
    Drive d(make(MediaType::DvdPlusRw));
    EXPECT_TRUE(has_sense(d.write(0, pattern(16, 1)), SenseKey::IllegalRequest, 0x30, 0x10));
    const auto fc = d.run(scsi::read_format_capacities());
    ASSERT_TRUE(fc.good());
    const auto caps = scsi::decode_format_capacities(fc.data);
    ASSERT_FALSE(caps.formattable.empty());
    EXPECT_EQ(caps.formattable.front().format_type, 0x26); // MMC-6 6.5.4.2.14
    const auto params = scsi::encode_format_parameters(
        {.immed = true,
         .descriptor = {.number_of_blocks = caps.formattable.front().number_of_blocks,
                        .format_type = 0x26}});
    ASSERT_TRUE(d.run(scsi::format_unit(), params).good());
    // SPC-4 4.5.2.4.4: NOT READY, FORMAT IN PROGRESS with a rising progress indication.
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::NotReady, 0x04, 0x04));
    const auto progress = d.poll_until_ready();
    ASSERT_GE(progress.size(), 5u);
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
    EXPECT_LT(progress.front(), progress.back());
    EXPECT_EQ(d.disc().disc_status, DiscStatus::Other);
    ASSERT_TRUE(d.write(4096, pattern(16, 2)).good());
    ASSERT_TRUE(d.write(0, pattern(16, 3)).good());
    EXPECT_EQ(d.read(4096, 16).data, pattern(16, 2));
}

TEST_F(VirtualDriveTest, FormatBdReWithoutSpareAreasGivesTheFullCapacity) {
    Drive d(make(MediaType::BdRe));
    const auto params = scsi::encode_format_parameters(
        {.immed = false, .descriptor = {.number_of_blocks = 12'219'392, .format_type = 0x31}});
    ASSERT_TRUE(d.run(scsi::format_unit(), params).good());
    EXPECT_TRUE(d.tur().good());
    const auto r = d.run(scsi::read_capacity());
    EXPECT_EQ(scsi::decode_capacity(r.data).last_lba, 12'219'391u);
    const auto config = d.configuration();
    EXPECT_TRUE(config.find(FeatureCode::RandomWritable)->current);
}

TEST_F(VirtualDriveTest, BlankCdRwWithProgress) {
    Drive d(make(MediaType::CdRw));
    ASSERT_TRUE(d.write(0, pattern(300, 1)).good());
    ASSERT_TRUE(d.close(scsi::CloseFunction::CloseSession).good());
    EXPECT_EQ(d.disc().disc_status, DiscStatus::Complete);
    ASSERT_TRUE(d.run(scsi::blank({.immed = true, .type = scsi::BlankingType::Minimal})).good());
    // MMC-6 6.2: REQUEST SENSE reports the progress of an IMMED blank.
    const auto rs = d.run(scsi::request_sense());
    ASSERT_TRUE(rs.good());
    const auto s = scsi::decode_sense(rs.data);
    EXPECT_EQ(s.key, SenseKey::NotReady);
    EXPECT_EQ(s.asc, 0x04);
    EXPECT_TRUE(s.progress.has_value());
    d.poll_until_ready();
    EXPECT_EQ(d.disc().disc_status, DiscStatus::Empty);
    EXPECT_EQ(d.nwa(), 0u);
}

TEST_F(VirtualDriveTest, BlankRefusedOnWriteOnceMedia) {
    Drive d(make(MediaType::CdR));
    EXPECT_TRUE(
        has_sense(d.run(scsi::blank({.immed = false})), SenseKey::IllegalRequest, 0x30, 0x05));
}

TEST_F(VirtualDriveTest, DvdRwQuickFormatToRestrictedOverwriteAndBlankBack) {
    Drive d(make(MediaType::DvdDashRw));
    const auto params = scsi::encode_format_parameters(
        {.immed = false,
         .descriptor = {
             .number_of_blocks = 2'298'496, .format_type = 0x15, .type_dependent_parameter = 16}});
    ASSERT_TRUE(d.run(scsi::format_unit(), params).good());
    EXPECT_EQ(d.configuration().current_profile, Profile::DvdDashRwRestrictedOverwrite);
    // MMC-6 4.4.5: restricted overwrite in whole ECC blocks.
    EXPECT_TRUE(d.write(64, pattern(16, 1)).good());
    EXPECT_TRUE(has_sense(d.write(65, pattern(16, 1)), SenseKey::IllegalRequest, 0x21, 0x02));
    ASSERT_TRUE(d.run(scsi::blank({.immed = false, .type = scsi::BlankingType::Full})).good());
    EXPECT_EQ(d.configuration().current_profile, Profile::DvdDashRwSequential);
}

// ---- persistence and locking ------------------------------------------------------------

TEST_F(VirtualDriveTest, StatePersistsAcrossDrives) {
    make(MediaType::DvdDashR);
    {
        Drive d(m_path);
        ASSERT_TRUE(d.write(0, pattern(32, 7)).good());
        ASSERT_TRUE(d.sync().good());
        // inspect() takes no lock and sees the last save.
        const auto state = VirtualRecorder::inspect(m_path);
        EXPECT_EQ(state.disc_status, DiscStatus::Incomplete);
        ASSERT_TRUE(state.next_writable.has_value());
        EXPECT_EQ(state.next_writable->value, 32u);
    }
    Drive again(m_path);
    EXPECT_EQ(again.nwa(), 32u);
    EXPECT_EQ(again.read(0, 32).data, pattern(32, 7));
}

TEST_F(VirtualDriveTest, SecondDriveOpensAndSeesTheFirstOnesClosedSession) {
    make(MediaType::DvdPlusR);
    Drive first(m_path);
    Drive second(m_path);
    // Opening and identifying a drive another initiator uses always works.
    const auto id = second.run(scsi::inquiry());
    ASSERT_TRUE(id.good());
    EXPECT_EQ(scsi::decode_inquiry(id.data).vendor, "DISCWRIT");
    EXPECT_EQ(second.disc().disc_status, DiscStatus::Empty);

    ASSERT_TRUE(first.write(0, pattern(32, 1)).good());
    ASSERT_TRUE(first.sync().good());
    ASSERT_TRUE(first.close(scsi::CloseFunction::CloseTrack, 1).good());
    ASSERT_TRUE(first.close(scsi::CloseFunction::CloseSession).good());

    const auto info = second.disc();
    EXPECT_EQ(info.disc_status, DiscStatus::Incomplete);
    EXPECT_EQ(info.last_session_state, SessionState::Empty);
    EXPECT_EQ(info.number_of_sessions, 2);
    EXPECT_EQ(second.nwa(), first.nwa());
    EXPECT_EQ(second.read(0, 32).data, pattern(32, 1));
    // Another initiator's writes are no medium change: no unit attention.
    EXPECT_TRUE(second.tur().good());
}

TEST_F(VirtualDriveTest, UnsyncedWritesHoldTheMediumUntilSynchronizeCache) {
    make(MediaType::DvdDashR);
    Drive first(m_path);
    Drive second(m_path);
    ASSERT_TRUE(first.write(0, pattern(16, 1)).good());
    ASSERT_TRUE(first.write(16, pattern(16, 2)).good());
    // MMC-6 6.41 / SPC-4 4.5: a drive busy writing answers other initiators LONG WRITE IN
    // PROGRESS; INQUIRY still answers.
    EXPECT_TRUE(has_sense(second.run(scsi::read_disc_information({.allocation_length = 34})),
                          SenseKey::NotReady, 0x04, 0x08));
    EXPECT_TRUE(has_sense(second.write(32, pattern(16, 3)), SenseKey::NotReady, 0x04, 0x08));
    EXPECT_TRUE(second.run(scsi::inquiry()).good());
    // The burn's own commands go on.
    EXPECT_EQ(first.nwa(), 32u);
    // Changes from outside would tear the burn.
    try {
        VirtualRecorder::eject(m_path);
        ADD_FAILURE() << "ejected a medium being written";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::RecorderLocked);
        EXPECT_NE(e.message().find("being written by another process"), std::string::npos);
    }
    // inspect() shows the last save: nothing written yet.
    EXPECT_EQ(VirtualRecorder::inspect(m_path).disc_status, DiscStatus::Empty);

    ASSERT_TRUE(first.sync().good());
    EXPECT_EQ(second.disc().disc_status, DiscStatus::Incomplete);
    EXPECT_EQ(second.nwa(), 32u);
    // Now the second drive may burn, and the first waits for it.
    ASSERT_TRUE(second.write(32, pattern(16, 3)).good());
    EXPECT_TRUE(has_sense(first.tur(), SenseKey::NotReady, 0x04, 0x08));
    ASSERT_TRUE(second.sync().good());
    EXPECT_EQ(first.nwa(), 48u);
    EXPECT_EQ(first.read(32, 16).data, pattern(16, 3));
}

TEST_F(VirtualDriveTest, EjectFromOutsideBetweenCommandsGivesUnitAttentionThenNoMedium) {
    make(MediaType::DvdPlusR);
    Drive d(m_path);
    ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
    ASSERT_TRUE(d.sync().good());
    VirtualRecorder::eject(m_path);
    EXPECT_TRUE(VirtualRecorder::inspect(m_path).tray_open);
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::UnitAttention, 0x28, 0x00));
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::NotReady, 0x3A, 0x02));
    EXPECT_TRUE(has_sense(d.run(scsi::read_disc_information()), SenseKey::NotReady, 0x3A, 0x02));
    const auto ev = d.run(scsi::get_event_status_notification({.allocation_length = 8}));
    ASSERT_TRUE(ev.good());
    const auto status = scsi::decode_event_status(ev.data);
    ASSERT_TRUE(status.media.has_value());
    EXPECT_EQ(status.media->event_code, MediaEventCode::MediaRemoval);

    VirtualRecorder::load(m_path);
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::UnitAttention, 0x28, 0x00));
    EXPECT_TRUE(d.tur().good());
    EXPECT_EQ(d.nwa(), 16u);

    // A new blank medium of another type is a medium change too; its fault plan counts from
    // when the drive sees it.
    VirtualRecorder::insert_blank(m_path, MediaType::CdR);
    VirtualRecorder::set_fault_plan(m_path, {.write_error_at_lba = 5});
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::UnitAttention, 0x28, 0x00));
    EXPECT_EQ(d.configuration().current_profile, Profile::CdR);
    EXPECT_EQ(d.nwa(), 0u);
    EXPECT_TRUE(has_sense(d.write(0, pattern(10, 2)), SenseKey::MediumError, 0x0C, 0x00));
}

TEST_F(VirtualDriveTest, ClosingADriveWithUnsyncedWritesSavesAndReleasesTheMedium) {
    make(MediaType::DvdPlusR);
    Drive second(m_path);
    {
        Drive first(m_path);
        ASSERT_TRUE(first.write(0, pattern(16, 1)).good());
        EXPECT_TRUE(has_sense(second.tur(), SenseKey::NotReady, 0x04, 0x08));
    }
    EXPECT_TRUE(second.tur().good());
    EXPECT_EQ(second.nwa(), 16u);
    VirtualRecorder::eject(m_path);
    EXPECT_TRUE(VirtualRecorder::inspect(m_path).tray_open);
}

TEST_F(VirtualDriveTest, DataFileHoldsUserDataAtLbaTimes2048) {
    make(MediaType::DvdPlusR);
    {
        Drive d(m_path);
        ASSERT_TRUE(d.write(0, pattern(20, 9)).good());
    }
    std::ifstream in(m_path, std::ios::binary);
    std::vector<char> bytes(20 * block_size);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    const auto expected = pattern(20, 9);
    EXPECT_EQ(std::memcmp(bytes.data(), expected.data(), bytes.size()), 0);
}

TEST_F(VirtualDriveTest, CreateRefusesAnExistingPathAndOpenNamesAMissingOne) {
    make(MediaType::CdR);
    try {
        VirtualRecorder::create(m_path, {.media = MediaType::CdR});
        ADD_FAILURE() << "created over an existing medium";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::FileExists);
    }
    const auto missing = m_dir.path() / "nothing.img";
    try {
        (void)open_virtual_drive(missing);
        ADD_FAILURE() << "opened a missing medium";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::RecorderNotFound);
        EXPECT_NE(e.message().find("nothing.img"), std::string::npos);
    }
    EXPECT_THROW(VirtualRecorder::create(m_dir.path() / "rom.img", {.media = MediaType::DvdRom}),
                 Error);
}

// ---- faults --------------------------------------------------------------------------

TEST_F(VirtualDriveTest, WriteErrorAtLbaReportsTheLba) {
    Drive d(make(MediaType::DvdPlusR, {.write_error_at_lba = 20}));
    const auto r = d.write(0, pattern(32, 1));
    ASSERT_TRUE(has_sense(r, SenseKey::MediumError, 0x0C, 0x00));
    EXPECT_EQ(r.sense().information, 20u); // SPC-4 4.5.3: INFORMATION = the failing LBA
    EXPECT_EQ(d.nwa(), 20u);
}

TEST_F(VirtualDriveTest, CorruptReadFlipsBytesSilently) {
    Drive d(make(MediaType::DvdPlusR, {.corrupt_read_at_lba = 3}));
    ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
    const auto r = d.read(0, 16);
    ASSERT_TRUE(r.good());
    const auto expected = pattern(16, 1);
    EXPECT_NE(r.data, expected);
    EXPECT_TRUE(std::equal(r.data.begin(), r.data.begin() + 3 * block_size, expected.begin()));
    EXPECT_TRUE(std::equal(r.data.begin() + 4 * block_size, r.data.end(),
                           expected.begin() + 4 * block_size));
}

TEST_F(VirtualDriveTest, PowerLossLosesEverythingSinceTheLastSync) {
    make(MediaType::DvdDashR, {.power_loss_after_sectors = 48});
    {
        Drive d(m_path);
        ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
        ASSERT_TRUE(d.sync().good());
        ASSERT_TRUE(d.write(16, pattern(16, 2)).good());
        EXPECT_THROW(d.write(32, pattern(32, 3)), Error);
        EXPECT_THROW(d.tur(), Error);
        // A drive without power holds nothing: others use the medium as last saved.
        Drive other(m_path);
        EXPECT_EQ(other.nwa(), 16u);
    }
    const auto state = VirtualRecorder::inspect(m_path);
    EXPECT_EQ(state.next_writable->value, 16u);
    EXPECT_FALSE(state.faults.power_loss_after_sectors.has_value());
    Drive d(m_path);
    EXPECT_EQ(d.nwa(), 16u);
    EXPECT_TRUE(d.write(16, pattern(16, 4)).good());
}

TEST_F(VirtualDriveTest, MediumRemovedDuringWrite) {
    Drive d(make(MediaType::DvdPlusR, {.remove_after_sectors = 16}));
    ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
    EXPECT_TRUE(has_sense(d.write(16, pattern(16, 2)), SenseKey::NotReady, 0x3A, 0x00));
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::NotReady, 0x3A, 0x02));
    const auto ev = d.run(scsi::get_event_status_notification({.allocation_length = 8}));
    ASSERT_TRUE(ev.good());
    const auto status = scsi::decode_event_status(ev.data);
    ASSERT_TRUE(status.media.has_value());
    EXPECT_EQ(status.media->event_code, MediaEventCode::MediaRemoval);
    ASSERT_TRUE(d.run(scsi::start_stop_unit({.action = scsi::StartStopAction::Load})).good());
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::UnitAttention, 0x28, 0x00));
    EXPECT_TRUE(d.tur().good());
    EXPECT_EQ(d.nwa(), 16u);
}

TEST_F(VirtualDriveTest, UnderrunUnlessBufferUnderrunFree) {
    Drive d(make(MediaType::CdR, {.underrun_after_sectors = 10}));
    const auto r = d.write(0, pattern(20, 1));
    EXPECT_TRUE(has_sense(r, SenseKey::MediumError, 0x0C, 0x09));
    EXPECT_EQ(r.sense().information, 10u);

    const auto other = m_dir.path() / "other.img";
    VirtualRecorder::create(other,
                            {.media = MediaType::CdR, .faults = {.underrun_after_sectors = 10}});
    Drive protected_drive(other);
    WriteParametersPage wp;
    wp.bufe = true;
    protected_drive.set_write_parameters(wp);
    EXPECT_TRUE(protected_drive.write(0, pattern(20, 1)).good());
}

TEST_F(VirtualDriveTest, LongWriteInProgressDuringSynchronizeCache) {
    Drive d(make(MediaType::DvdPlusR, {.long_write_in_progress_polls = 2}));
    ASSERT_TRUE(d.write(0, pattern(16, 1)).good());
    EXPECT_TRUE(has_sense(d.sync(), SenseKey::NotReady, 0x04, 0x08));
    EXPECT_TRUE(has_sense(d.sync(), SenseKey::NotReady, 0x04, 0x08));
    EXPECT_TRUE(d.sync().good());
}

// ---- tray, prevent, errors ------------------------------------------------------------

TEST_F(VirtualDriveTest, EjectRefusedWhilePreventedThenLoadGivesUnitAttention) {
    Drive d(make(MediaType::DvdPlusR));
    ASSERT_TRUE(d.run(scsi::prevent_allow_medium_removal({.prevent = true})).good());
    const auto eject = scsi::start_stop_unit({.action = scsi::StartStopAction::Eject});
    EXPECT_TRUE(has_sense(d.run(eject), SenseKey::IllegalRequest, 0x53, 0x02));
    ASSERT_TRUE(d.run(scsi::prevent_allow_medium_removal({.prevent = false})).good());
    ASSERT_TRUE(d.run(eject).good());
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::NotReady, 0x3A, 0x02));
    EXPECT_TRUE(has_sense(d.run(scsi::read_disc_information()), SenseKey::NotReady, 0x3A, 0x02));
    EXPECT_EQ(d.configuration().current_profile, Profile::Invalid);
    ASSERT_TRUE(d.run(scsi::start_stop_unit({.action = scsi::StartStopAction::Load})).good());
    EXPECT_TRUE(has_sense(d.tur(), SenseKey::UnitAttention, 0x28, 0x00));
    EXPECT_TRUE(d.tur().good());
}

TEST_F(VirtualDriveTest, UnknownOpcodeAndBadFields) {
    Drive d(make(MediaType::DvdPlusR));
    const auto unknown =
        scsi::Cdb::from_bytes(std::array<std::byte, 10>{std::byte{0x5F}}, DataDirection::None, 0);
    EXPECT_TRUE(has_sense(d.run(unknown), SenseKey::IllegalRequest, 0x20, 0x00));
    EXPECT_TRUE(has_sense(d.run(scsi::inquiry({.evpd = true, .page_code = 0x83})),
                          SenseKey::IllegalRequest, 0x24, 0x00));
    EXPECT_TRUE(has_sense(d.run(scsi::mode_sense10({.page_control = ModePageControl::Saved})),
                          SenseKey::IllegalRequest, 0x39, 0x00));
}

TEST_F(VirtualDriveTest, ModePagesRoundTrip) {
    Drive d(make(MediaType::CdR));
    d.keep_appendable();
    const auto r =
        d.run(scsi::mode_sense10({.page_code = ModePageCode::AllPages, .allocation_length = 4096}));
    ASSERT_TRUE(r.good());
    const auto p = scsi::decode_mode_parameters(r.data);
    ASSERT_NE(p.find(ModePageCode::WriteParameters), nullptr);
    const auto wp = scsi::decode_write_parameters_page(*p.find(ModePageCode::WriteParameters));
    EXPECT_EQ(wp.multi_session, MultiSession::NextSessionAllowed);
    ASSERT_NE(p.find(ModePageCode::CapabilitiesAndMechanicalStatus), nullptr);
    const auto cap =
        scsi::decode_capabilities_page(*p.find(ModePageCode::CapabilitiesAndMechanicalStatus));
    EXPECT_FALSE(cap.write_speeds.empty());
}

TEST_F(VirtualDriveTest, DiscStructureDescribesDvdAndBd) {
    Drive dvd(make(MediaType::DvdPlusRDualLayer));
    auto r = dvd.run(scsi::read_disc_structure({.allocation_length = 2052}));
    ASSERT_TRUE(r.good());
    const auto pf = scsi::decode_dvd_physical_format(scsi::decode_disc_structure(r.data).data);
    EXPECT_EQ(pf.book_type, 0xE);
    EXPECT_EQ(pf.number_of_layers, 2);
    EXPECT_TRUE(
        has_sense(dvd.run(scsi::read_disc_structure(
                      {.media_type = scsi::DiscStructureMedia::Bd, .allocation_length = 100})),
                  SenseKey::IllegalRequest, 0x30, 0x02));
}

} // namespace
} // namespace discwright::virtual_recorder
