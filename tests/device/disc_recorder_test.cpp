// DiscRecorder over the virtual recorder and the file pseudo-drive: every blank medium the
// virtual recorder models must look to a caller as MMC-6 says that blank medium looks in a real
// drive (profile, features, disc and track information, speeds), raw commands must behave as
// IDiscRecorder2Ex's SendCommand*, and exclusive access must hold across recorders and
// processes.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/virtual_recorder.h"
#include "support/expect_error.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::expect_error;

/// Sets an environment variable for the lifetime of the object, restoring the old value.
using test::ScopedEnv;

/// A private lock folder and an empty drive registry, so nothing of the machine leaks in.
class RecorderFixture {
protected:
    /// Creates a blank medium of `media` in a virtual drive; its address.
    std::string make_virtual(MediaType media, const std::string& name = "drive") {
        const std::filesystem::path path = std::filesystem::absolute(m_dir / name);
        VirtualRecorder::create(path, {.media = media});
        return "virtual:" + path.string();
    }

    test::TempDir m_dir;
    ScopedEnv m_locks{"DISCWRIGHT_LOCK_DIR", (m_dir / "locks").string()};
    ScopedEnv m_registry{"DISCWRIGHT_DRIVES_FILE", (m_dir / "no-such-registry").string()};
};

class DiscRecorderTest : public RecorderFixture, public ::testing::Test {};

/// What MMC-6 says a drive reports for a blank medium of one type.
struct BlankMedium {
    MediaType media;
    Profile profile;           // MMC-6 Table 89
    FeatureCode write_feature; // the feature that is current for writing this medium
    bool sequential;           // written from a next writable address, not in place
    bool cd;                   // has an ATIP (READ TOC format 0100b)
};

std::string medium_name(const ::testing::TestParamInfo<BlankMedium>& info) {
    std::string name(to_string(info.param.media));
    for (char& c : name)
        if (c == '-')
            c = '_';
        else if (c == '+')
            c = 'P';
    return name;
}

constexpr std::array<BlankMedium, 12> blank_media{{
    {MediaType::CdR, Profile::CdR, FeatureCode::CdTrackAtOnce, true, true},
    {MediaType::CdRw, Profile::CdRw, FeatureCode::CdTrackAtOnce, true, true},
    {MediaType::DvdDashR, Profile::DvdDashR, FeatureCode::DvdDashRRwWrite, true, false},
    // A blank DVD-RW comes in sequential recording mode until it is formatted.
    {MediaType::DvdDashRw, Profile::DvdDashRwSequential, FeatureCode::DvdDashRRwWrite, true, false},
    {MediaType::DvdPlusR, Profile::DvdPlusR, FeatureCode::DvdPlusR, true, false},
    {MediaType::DvdPlusRDualLayer, Profile::DvdPlusRDualLayer, FeatureCode::DvdPlusRDualLayer, true,
     false},
    {MediaType::DvdPlusRw, Profile::DvdPlusRw, FeatureCode::DvdPlusRw, false, false},
    {MediaType::DvdRam, Profile::DvdRam, FeatureCode::RandomWritable, false, false},
    {MediaType::BdR, Profile::BdRSequential, FeatureCode::BdWrite, true, false},
    {MediaType::BdRDualLayer, Profile::BdRSequential, FeatureCode::BdWrite, true, false},
    {MediaType::BdRe, Profile::BdRe, FeatureCode::BdWrite, false, false},
    {MediaType::BdReDualLayer, Profile::BdRe, FeatureCode::BdWrite, false, false},
}};

class BlankMediumTest : public RecorderFixture, public ::testing::TestWithParam<BlankMedium> {};

template <class T> bool contains(const std::vector<T>& v, T x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

TEST_P(BlankMediumTest, LooksAsMmcDescribesTheBlankMedium) {
    const BlankMedium m = GetParam();
    const std::string address = make_virtual(m.media);
    DiscRecorder rec(address);

    EXPECT_EQ(rec.vendor_id(), "DISCWRIT");
    EXPECT_EQ(rec.unique_id(), address);

    EXPECT_EQ(rec.current_profile(), m.profile);
    EXPECT_TRUE(contains(rec.supported_profiles(), m.profile));
    EXPECT_TRUE(contains(rec.current_profiles(), m.profile));
    EXPECT_EQ(rec.current_media_type(), m.media);
    EXPECT_TRUE(rec.media_present());

    const MediaState state = rec.media_state();
    if (m.sequential) {
        EXPECT_TRUE(has(state, MediaState::Blank)) << to_strings(state).front();
        EXPECT_TRUE(has(state, MediaState::Appendable)) << to_strings(state).front();
        EXPECT_FALSE(has(state, MediaState::OverwriteOnly));
        EXPECT_EQ(rec.disc_information().disc_status, DiscStatus::Empty);
        // MMC-6 6.27.3: the invisible track of a blank disc starts at LBA 0 and is written
        // from there (for CD, track 1's pre-gap lies before LBA 0 in the lead-in area).
        const TrackInformation t = rec.track_information(1, TrackAddressType::Track);
        EXPECT_EQ(t.track_number, 1);
        EXPECT_EQ(t.track_start_address, 0u);
        ASSERT_TRUE(t.next_writable_address.has_value());
        EXPECT_EQ(*t.next_writable_address, 0u);
        EXPECT_TRUE(t.blank);
        EXPECT_GT(t.free_blocks, 0u);
    } else {
        EXPECT_TRUE(has(state, MediaState::OverwriteOnly)) << to_strings(state).front();
        EXPECT_FALSE(has(state, MediaState::Appendable));
        EXPECT_FALSE(has(state, MediaState::Finalized));
    }
    EXPECT_FALSE(unusable(state));

    const std::vector<WriteSpeedDescriptor> speeds = rec.write_speed_descriptors();
    ASSERT_FALSE(speeds.empty());
    for (std::size_t i = 0; i < speeds.size(); ++i) {
        EXPECT_GT(speeds[i].write_speed, 0u);
        EXPECT_EQ(speeds[i].media_type, m.media);
        if (i > 0) {
            EXPECT_GE(speeds[i - 1].write_speed, speeds[i].write_speed) << "fastest first";
        }
    }

    EXPECT_TRUE(contains(rec.supported_feature_pages(), m.write_feature));
    EXPECT_TRUE(contains(rec.supported_feature_pages(FeatureScope::CurrentOnly), m.write_feature));
    const std::vector<std::byte> feature =
        rec.feature_page(m.write_feature, FeatureScope::CurrentOnly);
    ASSERT_GE(feature.size(), 4u);
    const auto code = static_cast<u16>(m.write_feature);
    EXPECT_EQ(std::to_integer<unsigned>(feature[0]), code >> 8u);
    EXPECT_EQ(std::to_integer<unsigned>(feature[1]), code & 0xFFu);

    const std::vector<std::byte> page =
        rec.mode_page(ModePageCode::CapabilitiesAndMechanicalStatus, ModePageControl::Current);
    ASSERT_FALSE(page.empty());
    EXPECT_EQ(std::to_integer<unsigned>(page[0]) & 0x3Fu, 0x2Au);

    EXPECT_NO_THROW((void)rec.capacity());
    EXPECT_NO_THROW((void)rec.format_capacities());

    if (m.cd)
        EXPECT_TRUE(rec.atip().has_value());
    else
        EXPECT_FALSE(rec.atip().has_value());
}

INSTANTIATE_TEST_SUITE_P(EveryModelledMedium, BlankMediumTest, ::testing::ValuesIn(blank_media),
                         medium_name);

/// A 10-byte CDB with only the opcode and the bytes given set.
std::array<std::byte, 10> cdb10(u8 opcode, std::initializer_list<std::pair<std::size_t, u8>> set) {
    std::array<std::byte, 10> cdb{};
    cdb[0] = std::byte{opcode};
    for (const auto& [at, value] : set)
        cdb[at] = std::byte{value};
    return cdb;
}

TEST_F(DiscRecorderTest, WritingAndClosingADvdPlusRSessionLeavesItAppendable) {
    DiscRecorder rec(make_virtual(MediaType::DvdPlusR));
    ASSERT_TRUE(has(rec.media_state(), MediaState::Blank));

    // MMC-6 6.45 WRITE(10): LBA 0 (bytes 2-5), 16 blocks (bytes 7-8).
    std::vector<std::byte> data(16 * 2048, std::byte{0x5A});
    const auto write = cdb10(0x2A, {{8, 16}});
    const CommandOutcome w = rec.send_command(write, DataDirection::ToDevice, data);
    ASSERT_EQ(w.status, 0) << describe_sense(w.sense);
    EXPECT_EQ(w.transferred, data.size());

    const CommandOutcome sync = rec.send_command(cdb10(0x35, {}), DataDirection::None, {});
    ASSERT_EQ(sync.status, 0) << describe_sense(sync.sense);
    // MMC-6 6.3.3.6 (DVD+R): close track 1 (function 001b), then the session (010b), which
    // leaves the disc appendable; only 101b/110b finalize a DVD+R.
    const CommandOutcome close_track =
        rec.send_command(cdb10(0x5B, {{2, 0x01}, {5, 1}}), DataDirection::None, {});
    ASSERT_EQ(close_track.status, 0) << describe_sense(close_track.sense);
    const CommandOutcome close_session =
        rec.send_command(cdb10(0x5B, {{2, 0x02}}), DataDirection::None, {});
    ASSERT_EQ(close_session.status, 0) << describe_sense(close_session.sense);

    const MediaState state = rec.media_state();
    EXPECT_TRUE(has(state, MediaState::Appendable));
    EXPECT_FALSE(has(state, MediaState::Blank));
    EXPECT_FALSE(has(state, MediaState::Finalized));
    EXPECT_EQ(rec.disc_information().disc_status, DiscStatus::Incomplete);

    const TrackInformation t = rec.track_information(1, TrackAddressType::Track);
    EXPECT_EQ(t.track_number, 1);
    EXPECT_EQ(t.session_number, 1);
    EXPECT_EQ(t.track_start_address, 0u);
    EXPECT_FALSE(t.blank);
    EXPECT_GE(t.track_size, 16u);
    EXPECT_FALSE(t.next_writable_address.has_value()) << "a closed track has no NWA";
    // The next track starts the second session, after the first.
    const TrackInformation next = rec.track_information(2, TrackAddressType::Track);
    EXPECT_EQ(next.session_number, 2);
    EXPECT_TRUE(next.blank);
    EXPECT_GE(next.track_start_address, 16u);
}

TEST_F(DiscRecorderTest, SendCommandRefusesACdbOfNoScsiLength) {
    DiscRecorder rec(make_virtual(MediaType::DvdPlusR));
    const std::array<std::byte, 7> seven{};
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)rec.send_command(seven, DataDirection::None, {}); });
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)rec.send_command({}, DataDirection::None, {}); });
}

TEST_F(DiscRecorderTest, SendCommandReturnsCheckConditionForAnUnknownOpcode) {
    DiscRecorder rec(make_virtual(MediaType::DvdPlusR));
    std::array<std::byte, 12> vendor{};
    vendor[0] = std::byte{0xD0};
    const CommandOutcome r = rec.send_command(vendor, DataDirection::None, {});
    EXPECT_EQ(r.status, 2);
    ASSERT_TRUE(r.has_sense());
    const std::string described = describe_sense(r.sense);
    // SPC-4 Annex D: 20h/00h.
    EXPECT_NE(described.find("INVALID COMMAND OPERATION CODE"), std::string::npos) << described;
    EXPECT_NE(described.find("5/20/00"), std::string::npos) << described;
}

TEST_F(DiscRecorderTest, ExclusiveAccessNamesItsHolderToOtherRecorders) {
    const std::string address = make_virtual(MediaType::DvdPlusR);
    DiscRecorder first(address);
    first.acquire_exclusive_access(ExclusiveAccessMode::Polite, "TestA");

    DiscRecorder second(address);
    EXPECT_EQ(second.exclusive_access_owner(), std::optional<std::string>("TestA"));
    const Error e = expect_error(ErrorCode::RecorderLocked, [&] {
        second.acquire_exclusive_access(ExclusiveAccessMode::Polite, "TestB");
    });
    EXPECT_EQ(e.context().owner, "TestA");

    first.release_exclusive_access();
    EXPECT_EQ(second.exclusive_access_owner(), std::nullopt);
    EXPECT_NO_THROW(second.acquire_exclusive_access(ExclusiveAccessMode::Polite, "TestB"));
    EXPECT_EQ(first.exclusive_access_owner(), std::optional<std::string>("TestB"));
    second.release_exclusive_access();
}

TEST_F(DiscRecorderTest, ExclusiveAccessHoldsAcrossProcesses) {
    const std::string address = make_virtual(MediaType::DvdPlusR);
    int up[2], down[2];
    ASSERT_EQ(pipe(up), 0);
    ASSERT_EQ(pipe(down), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(up[0]);
        close(down[1]);
        char ok = 1;
        try {
            DiscRecorder rec(address);
            rec.acquire_exclusive_access(ExclusiveAccessMode::Polite, "ChildBurner");
            if (write(up[1], &ok, 1) != 1) _exit(3);
            char go = 0;
            if (read(down[0], &go, 1) != 1) _exit(4);
            rec.release_exclusive_access();
        } catch (...) {
            ok = 0;
            if (write(up[1], &ok, 1) != 1) _exit(3);
            _exit(2);
        }
        _exit(0);
    }
    close(up[1]);
    close(down[0]);
    char ok = 0;
    const bool holding = read(up[0], &ok, 1) == 1 && ok == 1;
    EXPECT_TRUE(holding) << "the child could not take exclusive access";
    if (holding) {
        // Opening succeeds while another process holds the drive (IMAPI InitializeDiscRecorder);
        // only taking it fails.
        try {
            DiscRecorder rec(address);
            EXPECT_EQ(rec.exclusive_access_owner(), std::optional<std::string>("ChildBurner"));
            const Error e = expect_error(ErrorCode::RecorderLocked, [&] {
                rec.acquire_exclusive_access(ExclusiveAccessMode::Polite, "Parent");
            });
            EXPECT_EQ(e.context().owner, "ChildBurner");
        } catch (const Error& e) {
            ADD_FAILURE() << "opening the drive held by another process failed: " << e.what();
        }
    }
    const char go = 1;
    EXPECT_EQ(write(down[1], &go, 1), 1);
    int status = 0;
    waitpid(child, &status, 0);
    close(up[0]);
    close(down[1]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;

    DiscRecorder after(address);
    EXPECT_NO_THROW(after.acquire_exclusive_access(ExclusiveAccessMode::Polite, "Parent"));
    after.release_exclusive_access();
}

TEST_F(DiscRecorderTest, EjectAndCloseTrayTakeTheMediumOutAndBack) {
    DiscRecorder rec(make_virtual(MediaType::BdR));
    ASSERT_TRUE(rec.media_present());
    rec.eject_media();
    EXPECT_FALSE(rec.media_present());
    EXPECT_EQ(rec.current_media_type(), MediaType::Unknown);
    rec.close_tray();
    EXPECT_TRUE(rec.media_present());
    EXPECT_EQ(rec.current_media_type(), MediaType::BdR);
}

TEST_F(DiscRecorderTest, FilePseudoDriveIsARandomWritableDisk) {
    const std::filesystem::path image = std::filesystem::absolute(m_dir / "stick.img");
    std::ofstream(image).close();
    std::filesystem::resize_file(image, 4 * test::kMiB);
    DiscRecorder rec("file:" + image.string());
    EXPECT_TRUE(rec.media_present());
    EXPECT_EQ(rec.current_media_type(), MediaType::Disk);
    EXPECT_TRUE(has(rec.media_state(), MediaState::OverwriteOnly));
}

} // namespace
} // namespace discwright
