// The pure parts of the virtual recorder: the medium model's state machine, the media catalog,
// fault decisions, pacing and the metadata format.

#include <gtest/gtest.h>

#include "virtual/fault_plan.h"
#include "virtual/media_catalog.h"
#include "virtual/medium.h"
#include "virtual/medium_store.h"
#include "virtual/throttle.h"

namespace discwright::virtual_recorder {
namespace {

TEST(MediaCatalog, CapacitiesAndSpeedsMatchWhatDrivesReport) {
    // 80-minute CD: last possible lead-out 79:59:74.
    EXPECT_EQ(require_media_spec(MediaType::CdR).capacity_blocks,
              static_cast<u64>(Msf{79, 59, 74}.to_lba()));
    EXPECT_EQ(require_media_spec(MediaType::DvdPlusR).capacity_blocks, 2'295'104u);
    EXPECT_EQ(require_media_spec(MediaType::BdRe).capacity_blocks, 11'826'176u);
    EXPECT_EQ(require_media_spec(MediaType::BdRe).max_format_blocks, 12'219'392u);
    // 16x DVD is 22,160 kB/s; 1x CD is 75 blocks a second.
    EXPECT_EQ(kbytes_per_second(require_media_spec(MediaType::DvdPlusR), 16), 22'160u);
    EXPECT_DOUBLE_EQ(blocks_per_second_1x(require_media_spec(MediaType::CdR)), 75.0);
    EXPECT_FALSE(media_spec(MediaType::DvdRom).has_value());
    EXPECT_EQ(all_media_specs().size(), 12u);
    for (const auto& s : all_media_specs()) {
        EXPECT_FALSE(s.write_speeds_x.empty()) << to_string(s.type);
        EXPECT_EQ(media_spec(s.type)->capacity_blocks, s.capacity_blocks);
    }
}

TEST(Medium, BlankStates) {
    EXPECT_EQ(Medium::blank(MediaType::CdR).disc_status(), DiscStatus::Empty);
    EXPECT_TRUE(Medium::blank(MediaType::DvdRam).formatted());
    EXPECT_FALSE(Medium::blank(MediaType::DvdPlusRw).formatted());
    EXPECT_EQ(Medium::blank(MediaType::DvdDashRw).profile(), Profile::DvdDashRwSequential);
    EXPECT_THROW((void)Medium::blank(MediaType::BdRom), Error);
}

TEST(Medium, ReservedTrackIsWrittenFromItsOwnNwaAndPaddedOnClose) {
    auto m = Medium::blank(MediaType::DvdDashR);
    ASSERT_FALSE(m.reserve_track(100));
    const auto tracks = m.tracks();
    ASSERT_EQ(tracks.size(), 2u);
    EXPECT_EQ(tracks[0].status, TrackStatus::Reserved);
    EXPECT_EQ(tracks[0].size, 112u);
    EXPECT_EQ(tracks[1].start, 112u);
    EXPECT_FALSE(m.check_write(0, 16));
    m.commit_write(0, 16);
    EXPECT_EQ(m.track(1)->next_writable, 16u);
    // Writing past the reservation is refused; closing pads it.
    EXPECT_EQ(m.check_write(16, 100), sense::invalid_address_for_write);
    ASSERT_FALSE(m.close_track(1));
    EXPECT_EQ(m.track(1)->status, TrackStatus::Complete);
    EXPECT_EQ(m.track(1)->written, 112u);
    EXPECT_EQ(m.next_writable(), 112u);
}

TEST(Medium, CloseSessionWithNothingOpenIsASequenceError) {
    auto m = Medium::blank(MediaType::DvdPlusR);
    EXPECT_EQ(m.close_session(SessionClosing::KeepAppendable), sense::sequence_error);
    m.commit_write(0, 16);
    EXPECT_FALSE(m.close_session(SessionClosing::KeepAppendable));
    EXPECT_EQ(m.close_session(SessionClosing::KeepAppendable), sense::sequence_error);
    EXPECT_FALSE(m.close_session(SessionClosing::Finalize));
    EXPECT_EQ(m.disc_status(), DiscStatus::Complete);
}

TEST(Medium, WriteProtectionRefusesEveryChange) {
    auto m = Medium::blank(MediaType::CdRw);
    m.set_write_protected(true);
    EXPECT_EQ(m.check_write(0, 1), sense::write_protected);
    EXPECT_EQ(m.blank_medium(BlankType::Full), sense::write_protected);
    EXPECT_EQ(m.reserve_track(300), sense::write_protected);
}

TEST(Medium, FromRecordRejectsInconsistentMetadata) {
    auto m = Medium::blank(MediaType::DvdPlusR);
    m.commit_write(0, 32);
    auto r = m.record();
    r.sessions[0].tracks[0].written = 64; // more written than the track holds
    EXPECT_THROW((void)Medium::from_record(r), Error);
    r = m.record();
    r.capacity = 99'999'999;
    EXPECT_THROW((void)Medium::from_record(r), Error);
    EXPECT_EQ(Medium::from_record(m.record()).record(), m.record());
}

TEST(Medium, HugeRequestsDoNotWrap) {
    auto m = Medium::blank(MediaType::DvdRam);
    EXPECT_EQ(m.check_write(0xFFFF'FFFF'FFFF'FFF0ull, 0x20), sense::lba_out_of_range);
    EXPECT_EQ(m.check_read(1, ~0ull), sense::lba_out_of_range);
}

TEST(FaultInjector, FirstFaultWinsAndOneShotFaultsAreSpent) {
    FaultInjector f({.write_error_at_lba = 50, .power_loss_after_sectors = 30});
    auto hit = f.on_write(40, 20, UnderrunProtection::Off);
    EXPECT_EQ(hit.fault, WriteFault::WriteError);
    EXPECT_EQ(hit.blocks_before, 10u);
    f.written(10);
    hit = f.on_write(50 + 0, 30, UnderrunProtection::Off);
    EXPECT_EQ(hit.fault, WriteFault::WriteError); // still there: a bad spot stays bad
    hit = f.on_write(100, 30, UnderrunProtection::Off);
    EXPECT_EQ(hit.fault, WriteFault::PowerLoss);
    EXPECT_EQ(hit.blocks_before, 20u);
    EXPECT_FALSE(f.plan().power_loss_after_sectors.has_value());
}

TEST(FaultInjector, UnderrunAbsorbedByBufe) {
    FaultInjector f({.underrun_after_sectors = 5});
    EXPECT_EQ(f.on_write(0, 10, UnderrunProtection::On).fault, WriteFault::None);
    EXPECT_FALSE(f.plan().underrun_after_sectors.has_value());
}

TEST(Throttle, PacesByDeadlineWithoutDrift) {
    using namespace std::chrono;
    const Throttle::Clock::time_point t0{};
    // 75 blocks at 75 blocks a second (1x CD) take one second.
    auto s = Throttle::step(t0, t0, 75, 75.0);
    EXPECT_EQ(duration_cast<milliseconds>(s.wait).count(), 1000);
    // The next command right after continues from the deadline, not from now.
    s = Throttle::step(s.deadline, t0 + milliseconds(10), 75, 75.0);
    EXPECT_EQ(duration_cast<milliseconds>(s.wait).count(), 1990);
    // An idle drive does not bank speed.
    s = Throttle::step(t0, t0 + seconds(10), 75, 75.0);
    EXPECT_EQ(duration_cast<milliseconds>(s.wait).count(), 1000);
}

TEST(DriveRecord, JsonRoundTripAndRejection) {
    auto m = Medium::blank(MediaType::CdR);
    m.commit_write(0, 300);
    ASSERT_FALSE(m.close_session(SessionClosing::KeepAppendable));
    DriveRecord r;
    r.medium = m.record();
    r.faults = {.corrupt_read_at_lba = 7, .long_write_in_progress_polls = 3};
    r.throttle_speed_x = 16;
    const auto text = encode_drive_record(r);
    EXPECT_EQ(decode_drive_record(text, "x.json"), r);
    EXPECT_THROW((void)decode_drive_record("{}", "x.json"), Error);
    EXPECT_THROW((void)decode_drive_record("not json", "x.json"), Error);
    auto broken = text;
    broken.replace(broken.find("\"cd-r\""), 6, "\"cd-x\"");
    try {
        (void)decode_drive_record(broken, "x.json");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParam);
        EXPECT_NE(e.message().find("x.json"), std::string::npos);
    }
}

} // namespace
} // namespace discwright::virtual_recorder
