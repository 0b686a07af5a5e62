// DiscEraser on the virtual recorder: rewritable discs come back blank (or formatted and
// empty), write-once discs are refused before anything is sent, progress comes from the
// drive's indicator, and the drive is released on every path.

#include <filesystem>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/data_disc_writer.h"
#include "discwright/disc_eraser.h"
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

class DiscEraserTest : public ::testing::Test {
protected:
    std::filesystem::path make_drive(MediaType media, const std::string& name = "drive") {
        const auto path = std::filesystem::absolute(m_dir / name);
        VirtualRecorder::create(path, {.media = media});
        return path;
    }
    /// Burns a small image so the disc is not blank.
    static void fill(DiscRecorder& recorder) {
        FileSystemImage image;
        ImageOptions o = image.options();
        o.max_media_blocks = 0;
        image.set_options(o);
        image.root().add_file("a.txt", MemoryStream::from_string("data\n"));
        DataDiscWriter writer(recorder);
        writer.disable_consumer_dvd_compatibility_mode = true;
        writer.verification_level = VerificationLevel::None;
        writer.write(image.create_result_image());
    }

    test::TempDir m_dir;
    test::ScopedEnv m_locks{"DISCWRIGHT_LOCK_DIR", (m_dir / "locks").string()};
    test::ScopedEnv m_registry{"DISCWRIGHT_DRIVES_FILE", (m_dir / "no-registry").string()};
};

class Rewritable : public DiscEraserTest,
                   public ::testing::WithParamInterface<std::pair<MediaType, bool>> {};

TEST_P(Rewritable, EraseLeavesTheDiscEmptyAndReportsProgress) {
    const auto [media, full] = GetParam();
    const auto path = make_drive(media);
    DiscRecorder recorder("virtual:" + path.string());
    fill(recorder);
    DataDiscWriter writer(recorder);
    ASSERT_FALSE(writer.media_heuristically_blank());

    DiscEraser eraser(recorder);
    ASSERT_TRUE(eraser.is_current_media_supported());
    eraser.full_erase = full;
    eraser.poll_interval = std::chrono::milliseconds(1);
    std::vector<double> fractions;
    eraser.erase_media([&](const EraseProgress& p) { fractions.push_back(p.fraction_done); });

    EXPECT_TRUE(writer.media_heuristically_blank());
    EXPECT_FALSE(recorder.exclusive_access_owner().has_value());
    ASSERT_FALSE(fractions.empty());
    EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
    EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
    // The disc takes a new first session.
    fill(recorder);
}

INSTANTIATE_TEST_SUITE_P(
    Media, Rewritable,
    ::testing::Values(std::pair{MediaType::CdRw, false}, std::pair{MediaType::CdRw, true},
                      std::pair{MediaType::DvdDashRw, false},
                      std::pair{MediaType::DvdPlusRw, false}, std::pair{MediaType::DvdRam, true},
                      std::pair{MediaType::BdRe, false}, std::pair{MediaType::BdRe, true}));

TEST_F(DiscEraserTest, WriteOnceDiscsAreNotErasable) {
    for (MediaType m : {MediaType::CdR, MediaType::DvdPlusR, MediaType::BdR}) {
        const auto path = make_drive(m, std::string(to_string(m)));
        DiscRecorder recorder("virtual:" + path.string());
        DiscEraser eraser(recorder);
        EXPECT_FALSE(eraser.is_current_media_supported());
        const auto e = expect_error(ErrorCode::MediaNotErasable, [&] { eraser.erase_media(); });
        EXPECT_EQ(e.context().drive, "virtual:" + path.string());
    }
}

TEST_F(DiscEraserTest, AnEmptyDriveAndAHeldDriveAreRefused) {
    const auto path = make_drive(MediaType::CdRw);
    DiscRecorder recorder("virtual:" + path.string());
    DiscRecorder other("virtual:" + path.string());
    other.acquire_exclusive_access(ExclusiveAccessMode::Polite, "other_app");
    DiscEraser eraser(recorder);
    const auto locked = expect_error(ErrorCode::RecorderLocked, [&] { eraser.erase_media(); });
    EXPECT_EQ(locked.context().owner, "other_app");
    other.release_exclusive_access();
    VirtualRecorder::eject(path);
    expect_error(ErrorCode::MediaNoMedia, [&] { eraser.erase_media(); });
    expect_error(ErrorCode::ClientNameIsNotValid, [&] { eraser.set_client_name("bad name!"); });
}

TEST_F(DiscEraserTest, CancellingStopsWaitingAndSaysToEraseAgain) {
    const auto path = make_drive(MediaType::DvdDashRw);
    DiscRecorder recorder("virtual:" + path.string());
    DiscEraser eraser(recorder);
    eraser.poll_interval = std::chrono::milliseconds(1);
    CancellationSource cancel;
    const auto e = expect_error(ErrorCode::RequestCancelled, [&] {
        eraser.erase_media([&](const EraseProgress&) { cancel.cancel(); }, cancel.token());
    });
    EXPECT_NE(std::string(e.what()).find("erase the disc again"), std::string::npos) << e.what();
    EXPECT_FALSE(recorder.exclusive_access_owner().has_value());
}

} // namespace
} // namespace discwright
