// DataDiscWriter on the virtual recorder: every medium it writes takes an image byte for byte,
// ends in the state IMAPI's closing rules give, refuses what it must refuse before writing, and
// reports faults and failed verification with the drive and LBA.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "burn/media_rules.h"
#include "discwright/data_disc_writer.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/virtual_recorder.h"
#include "support/expect_error.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::expect_error;

std::vector<std::byte> stream_bytes(const Stream& s) {
    std::vector<std::byte> out(s.size());
    EXPECT_EQ(s.read_at(0, out), out.size());
    return out;
}

std::vector<std::byte> file_bytes(const std::filesystem::path& p, u64 offset, u64 size) {
    std::vector<std::byte> out(size);
    std::ifstream in(p, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
    out.resize(static_cast<std::size_t>(in.gcount()));
    return out;
}

class DataDiscWriterTest : public ::testing::Test {
protected:
    std::filesystem::path make_drive(MediaType media, const std::string& name = "drive") {
        const auto path = std::filesystem::absolute(m_dir / name);
        VirtualRecorder::create(path, {.media = media});
        return path;
    }

    /// A small image with a 3 MiB file of noise, laid out at `start`.
    static FileSystemImageResult make_image(u32 start = 0, u32 seed = 1) {
        FileSystemImage image;
        ImageOptions o = image.options();
        o.max_media_blocks = 0;
        o.session_start_block = start;
        o.volume_date = 1'700'000'000;
        image.set_options(o);
        image.root().add_file("readme.txt", MemoryStream::from_string("hello disc\n"));
        image.root().add_directory("data");
        image.root().add_file("data/noise.bin",
                              std::make_shared<PseudoRandomStream>(3 * test::kMiB + 5, seed));
        return image.create_result_image();
    }

    test::TempDir m_dir;
    test::ScopedEnv m_locks{"DISCWRIGHT_LOCK_DIR", (m_dir / "locks").string()};
    test::ScopedEnv m_registry{"DISCWRIGHT_DRIVES_FILE", (m_dir / "no-registry").string()};
};

struct MediumCase {
    MediaType media;
    bool appendable_after; // with IMAPI's default closing
};

class EveryMedium : public DataDiscWriterTest, public ::testing::WithParamInterface<MediumCase> {};

TEST_P(EveryMedium, BurnsTheImageByteForByteAndVerifiesIt) {
    const auto path = make_drive(GetParam().media);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    ASSERT_TRUE(writer.is_current_media_supported());
    writer.verification_level = VerificationLevel::Full;
    const auto image = make_image();
    std::vector<DataWriteAction> actions;
    writer.write(image, [&](const BurnEvent& e) {
        if (const auto* p = std::get_if<DataWriterProgress>(&e))
            if (actions.empty() || actions.back() != p->action) actions.push_back(p->action);
    });

    const auto want = stream_bytes(*image.image_stream());
    EXPECT_EQ(file_bytes(path, 0, want.size()), want);
    ASSERT_TRUE(writer.last_verification());
    EXPECT_TRUE(writer.last_verification()->passed());
    EXPECT_EQ(writer.last_verification()->sectors_compared, want.size() / block_size);

    ASSERT_GE(actions.size(), 5u);
    EXPECT_EQ(actions.front(), DataWriteAction::ValidatingMedia);
    EXPECT_NE(std::find(actions.begin(), actions.end(), DataWriteAction::WritingData),
              actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), DataWriteAction::Finalization),
              actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), DataWriteAction::Verifying), actions.end());
    EXPECT_EQ(actions.back(), DataWriteAction::Completed);

    const MediaState state = writer.current_media_status();
    EXPECT_FALSE(unusable(state) && !has(state, MediaState::Finalized))
        << to_strings(state).front();
    if (GetParam().appendable_after) {
        EXPECT_TRUE(has(state, MediaState::Appendable));
    }
    EXPECT_FALSE(recorder.exclusive_access_owner().has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Media, EveryMedium,
    ::testing::Values(MediumCase{MediaType::CdR, true}, MediumCase{MediaType::CdRw, true},
                      MediumCase{MediaType::DvdDashR, true}, MediumCase{MediaType::DvdDashRw, true},
                      MediumCase{MediaType::DvdPlusR, false},
                      MediumCase{MediaType::DvdPlusRDualLayer, false},
                      MediumCase{MediaType::DvdPlusRw, false}, MediumCase{MediaType::DvdRam, false},
                      MediumCase{MediaType::BdR, true}, MediumCase{MediaType::BdRe, false}),
    [](const auto& info) {
        std::string name;
        for (char c : to_string(info.param.media))
            name += c == '+'   ? std::string("plus")
                    : c == '-' ? std::string("_")
                               : std::string(1, c);
        return name;
    });

TEST_F(DataDiscWriterTest, DvdPlusRStaysAppendableOnlyWithoutCompatibilityMode) {
    const auto path = make_drive(MediaType::DvdPlusR);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.disable_consumer_dvd_compatibility_mode = true;
    writer.write(make_image());
    EXPECT_TRUE(has(writer.current_media_status(), MediaState::Appendable));
    EXPECT_GT(writer.next_writable_address(), 0);
    EXPECT_EQ(writer.start_address_of_previous_session(), 0);
}

TEST_F(DataDiscWriterTest, DvdDashRDiscAtOnceReservesTheSessionAndClosesTheDisc) {
    const auto path = make_drive(MediaType::DvdDashR);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.disc_at_once = true;
    writer.verification_level = VerificationLevel::Full;
    const auto image = make_image();
    writer.write(image);
    const auto want = stream_bytes(*image.image_stream());
    EXPECT_EQ(file_bytes(path, 0, want.size()), want);
    EXPECT_TRUE(has(writer.current_media_status(), MediaState::Finalized));
    const auto state = VirtualRecorder::inspect(path);
    ASSERT_EQ(state.sessions.size(), 1u);
    ASSERT_EQ(state.sessions[0].tracks.size(), 1u);
    // A second disc-at-once session is refused before anything is written.
    const auto blank = make_drive(MediaType::DvdDashR, "second");
    DiscRecorder second("virtual:" + blank.string());
    DataDiscWriter incremental(second);
    incremental.disable_consumer_dvd_compatibility_mode = true;
    incremental.write(make_image());
    incremental.disc_at_once = true;
    expect_error(ErrorCode::InvalidMediaState, [&] {
        incremental.write(make_image(static_cast<u32>(incremental.next_writable_address()), 3));
    });
}

TEST_F(DataDiscWriterTest, AStandaloneImageIsRefusedAtALaterNextWritableAddress) {
    const auto path = make_drive(MediaType::BdR);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.write(make_image());
    const auto state_before = VirtualRecorder::inspect(path);
    const auto image = make_image(0, 2);
    expect_error(ErrorCode::SessionStartMismatch, [&] { writer.write(image); });
    // The same bytes as a plain stream: caught by the root folder's LBA.
    expect_error(ErrorCode::SessionStartMismatch, [&] { writer.write(*image.image_stream()); });
    EXPECT_EQ(VirtualRecorder::inspect(path).sessions.size(), state_before.sessions.size());
}

TEST_F(DataDiscWriterTest, OverwritableMediaWithDataNeedForceOverwrite) {
    const auto path = make_drive(MediaType::DvdPlusRw);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.write(make_image(0, 1));
    EXPECT_FALSE(writer.media_heuristically_blank());
    expect_error(ErrorCode::MediaNotBlank, [&] { writer.write(make_image(0, 2)); });
    writer.force_overwrite = true;
    const auto second = make_image(0, 2);
    writer.write(second);
    const auto want = stream_bytes(*second.image_stream());
    EXPECT_EQ(file_bytes(path, 0, want.size()), want);
}

TEST_F(DataDiscWriterTest, RefusesStreamsThatAreNotWholeSectorsOrTooLarge) {
    const auto path = make_drive(MediaType::CdR);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    expect_error(ErrorCode::StreamNotSupported, [&] { writer.write(ZeroStream(2049)); });
    expect_error(ErrorCode::StreamTooLarge,
                 [&] { writer.write(ZeroStream(u64{400'000} * block_size)); });
    EXPECT_TRUE(writer.media_physically_blank());
}

TEST_F(DataDiscWriterTest, ClosedAndWriteOnceFullDiscsAreInvalidMediaState) {
    const auto path = make_drive(MediaType::DvdPlusR);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.write(make_image()); // compatible mode closes it
    expect_error(ErrorCode::InvalidMediaState, [&] { writer.write(ZeroStream(32 * block_size)); });
}

TEST_F(DataDiscWriterTest, AWriteErrorNamesTheLbaAndLeavesNothingHeld) {
    const auto path = make_drive(MediaType::DvdPlusRw);
    VirtualRecorder::set_fault_plan(path, {.write_error_at_lba = 700});
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    const auto e = expect_error(ErrorCode::MediaWriteError, [&] { writer.write(make_image()); });
    EXPECT_EQ(e.context().lba, 700u);
    EXPECT_EQ(e.context().drive, "virtual:" + path.string());
    EXPECT_FALSE(recorder.exclusive_access_owner().has_value());
    EXPECT_FALSE(writer.write_in_progress());
}

TEST_F(DataDiscWriterTest, FullVerificationCatchesSilentCorruption) {
    const auto path = make_drive(MediaType::BdRe);
    VirtualRecorder::set_fault_plan(path, {.corrupt_read_at_lba = 1000});
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.verification_level = VerificationLevel::Full;
    const auto e =
        expect_error(ErrorCode::BurnVerificationFailed, [&] { writer.write(make_image()); });
    EXPECT_EQ(e.context().lba, 1000u);
    ASSERT_TRUE(writer.last_verification());
    EXPECT_EQ(writer.last_verification()->first_mismatch_lba, 1000u);
}

TEST_F(DataDiscWriterTest, QuickVerificationCatchesACorruptDescriptorArea) {
    const auto path = make_drive(MediaType::DvdPlusR);
    VirtualRecorder::set_fault_plan(path, {.corrupt_read_at_lba = 16});
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.verification_level = VerificationLevel::Quick;
    const auto e =
        expect_error(ErrorCode::BurnVerificationFailed, [&] { writer.write(make_image()); });
    EXPECT_EQ(e.context().lba, 16u);
}

TEST_F(DataDiscWriterTest, CancelFromTheEventHandlerStopsTheWrite) {
    const auto path = make_drive(MediaType::DvdDashR);
    DiscRecorder recorder("virtual:" + path.string());
    DataDiscWriter writer(recorder);
    writer.engine_options.progress_interval = std::chrono::milliseconds(1);
    writer.engine_options.buffer_bytes = 2u << 20;
    CancellationSource cancel;
    expect_error(ErrorCode::RequestCancelled, [&] {
        writer.write(
            make_image(),
            [&](const BurnEvent& e) {
                if (const auto* p = std::get_if<DataWriterProgress>(&e))
                    if (p->action == DataWriteAction::WritingData) cancel.cancel();
            },
            cancel.token());
    });
    EXPECT_FALSE(writer.write_in_progress());
    EXPECT_FALSE(recorder.exclusive_access_owner().has_value());
    expect_error(ErrorCode::WriteNotInProgress, [&] { writer.cancel_write(); });
}

TEST(MediaRules, ClosingFollowsImapisMatrix) {
    using burn::session_close;
    const auto dvd_plus = [](bool disable, bool force) {
        return session_close(Profile::DvdPlusR,
                             {.force_media_to_be_closed = force,
                              .disable_consumer_dvd_compatibility_mode = disable});
    };
    EXPECT_TRUE(dvd_plus(false, false).finalize);
    EXPECT_EQ(dvd_plus(false, true).function, scsi::CloseFunction::Finalize);
    EXPECT_EQ(dvd_plus(true, true).function, scsi::CloseFunction::FinalizeMinimalRadius);
    EXPECT_FALSE(dvd_plus(true, false).finalize);
    EXPECT_TRUE(
        session_close(Profile::DvdPlusRDualLayer, {.disable_consumer_dvd_compatibility_mode = true})
            .finalize);
    EXPECT_FALSE(session_close(Profile::CdR, {}).finalize);
    EXPECT_EQ(session_close(Profile::CdR, {}).multi_session, MultiSession::NextSessionAllowed);
    EXPECT_EQ(session_close(Profile::CdR, {.nearly_full = true}).multi_session,
              MultiSession::NextSessionNotAllowed);
    EXPECT_EQ(session_close(Profile::BdRSequential, {.force_media_to_be_closed = true}).function,
              scsi::CloseFunction::Finalize);
    EXPECT_FALSE(burn::media_rules(Profile::DvdRom));
    EXPECT_EQ(burn::media_rules(Profile::BdRe)->write_unit, 32u);
}

} // namespace
} // namespace discwright
