// Judged: discs burned through the C++ API on the virtual recorder and the file pseudo-drive,
// read by xorriso, isoinfo and 7-Zip from the medium's data file. Every medium; three sessions
// on sequential and overwritable media; faults in the middle of a second session; two burns at
// once.

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/data_disc_writer.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/multisession.h"
#include "discwright/virtual_recorder.h"
#include "support/expect_error.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::expect_error;
using test::Manifest;

class BurnJudged : public ::testing::Test {
protected:
    /// A virtual drive (or, for MediaType::Disk, a file pseudo-drive) and its data file.
    std::pair<std::string, std::filesystem::path> make_drive(MediaType media,
                                                             const std::string& name) {
        const auto path = std::filesystem::absolute(m_dir / name);
        if (media == MediaType::Disk) return {"file:" + path.string(), path};
        VirtualRecorder::create(path, {.media = media});
        return {"virtual:" + path.string(), path};
    }

    /// Stages `tree` (and removes `remove`) as the disc's next session and burns it.
    static u64 burn_session(DiscRecorder& recorder, const std::filesystem::path& tree,
                            const std::string& remove = {},
                            VerificationLevel level = VerificationLevel::Full) {
        FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
        prepare_next_session(image, recorder);
        if (!remove.empty()) image.root().remove(remove);
        image.root().add_tree(tree.string());
        DataDiscWriter writer(recorder);
        writer.disable_consumer_dvd_compatibility_mode = true;
        writer.verification_level = level;
        const auto result = image.create_result_image();
        writer.write(result);
        return result.start_block().value;
    }

    /// xorriso's extraction of the session at `lba` (0: the one the data file mounts).
    Manifest xorriso_view(const std::filesystem::path& data, u64 lba = 0) {
        const auto out = m_dir / ("x" + std::to_string(m_views++));
        std::vector<std::string> argv = {"xorriso", "-osirrox", "on"};
        if (lba) argv.insert(argv.end(), {"-load", "sbsector", std::to_string(lba)});
        argv.insert(argv.end(), {"-indev", data.string(), "-extract", "/", out.string()});
        const auto r = test::run(argv);
        EXPECT_EQ(r.exit_status, 0) << r.describe();
        return Manifest::of_tree(out);
    }

    static Manifest merged(std::initializer_list<const test::TempTree*> trees) {
        Manifest m;
        for (const auto* t : trees) {
            const Manifest part = Manifest::of_tree(t->path());
            for (const auto& [path, entry] : part.entries())
                m.add(path, entry);
        }
        return m;
    }

    test::TempDir m_dir;
    test::ScopedEnv m_locks{"DISCWRIGHT_LOCK_DIR", (m_dir / "locks").string()};
    test::ScopedEnv m_registry{"DISCWRIGHT_DRIVES_FILE", (m_dir / "no-registry").string()};
    int m_views = 0;
    test::TempTree m_one{{"docs/readme.txt", "session one\n"},
                         {"docs/empty", ""},
                         {"Überraschung/ñandú.txt", "unicode\n"},
                         {"block.bin", test::PseudoRandom{2048, 1}},
                         {"noise.bin", test::PseudoRandom{2 * test::kMiB + 17, 2}}};
    test::TempTree m_two{{"two/added.txt", "session two\n"},
                         {"two/noise.bin", test::PseudoRandom{300 * test::kKiB, 3}}};
    test::TempTree m_three{{"three/last.txt", "session three\n"}};
};

/// "dvdplusr_dl" for dvd+r-dl: gtest names allow letters, digits and '_'.
std::string test_name(MediaType m) {
    std::string name;
    for (char c : to_string(m))
        name += c == '+' ? std::string("plus") : c == '-' ? std::string("_") : std::string(1, c);
    return name;
}

class EveryMediumJudged : public BurnJudged, public ::testing::WithParamInterface<MediaType> {};

TEST_P(EveryMediumJudged, IndependentReadersReadTheDisc) {
    const auto [address, data] = make_drive(GetParam(), "drive");
    DiscRecorder recorder(address);
    burn_session(recorder, m_one.path());
    const Manifest want = Manifest::of_tree(m_one.path());
    EXPECT_TRUE(test::manifests_match("xorriso", want, xorriso_view(data), test::kContentFields));
    // 7-Zip reads the Joliet tree; isoinfo lists Rock Ridge names.
    EXPECT_TRUE(
        test::readers_extract_as(data, want, test::kContentFields, {test::Reader::SevenZip}));
    const auto isoinfo = test::run({"isoinfo", "-R", "-f", "-i", data.string()});
    ASSERT_EQ(isoinfo.exit_status, 0) << isoinfo.describe();
    EXPECT_NE(isoinfo.out.find("/Überraschung/ñandú.txt"), std::string::npos) << isoinfo.out;
}

INSTANTIATE_TEST_SUITE_P(Media, EveryMediumJudged,
                         ::testing::Values(MediaType::CdR, MediaType::CdRw, MediaType::DvdDashR,
                                           MediaType::DvdDashRw, MediaType::DvdPlusR,
                                           MediaType::DvdPlusRDualLayer, MediaType::DvdPlusRw,
                                           MediaType::DvdRam, MediaType::BdR, MediaType::BdRe,
                                           MediaType::Disk),
                         [](const auto& info) { return test_name(info.param); });

class ThreeSessions : public BurnJudged, public ::testing::WithParamInterface<MediaType> {};

TEST_P(ThreeSessions, EachSessionShowsItsTreeAndOldFilesStayReadable) {
    const MediaType media = GetParam();
    const auto [address, data] = make_drive(media, "ms");
    DiscRecorder recorder(address);
    const u64 s1 = burn_session(recorder, m_one.path());
    const u64 s2 = burn_session(recorder, m_two.path());
    const u64 s3 = burn_session(recorder, m_three.path(), "docs/readme.txt");
    EXPECT_EQ(s1, 0u);
    EXPECT_GT(s2, s1);
    EXPECT_GT(s3, s2);

    Manifest want3 = merged({&m_one, &m_two, &m_three}).without("docs/readme.txt");
    const bool sequential =
        media == MediaType::CdR || media == MediaType::DvdPlusR || media == MediaType::BdR;
    if (sequential) {
        // Each session on its own, as a drive's TOC would show it to xorriso.
        EXPECT_TRUE(test::manifests_match("xorriso session 1", Manifest::of_tree(m_one.path()),
                                          xorriso_view(data, 0), test::kContentFields));
        EXPECT_TRUE(test::manifests_match("xorriso session 2", merged({&m_one, &m_two}),
                                          xorriso_view(data, s2), test::kContentFields));
        EXPECT_TRUE(test::manifests_match("xorriso session 3", want3, xorriso_view(data, s3),
                                          test::kContentFields));
        const auto isoinfo =
            test::run({"isoinfo", "-R", "-f", "-T", std::to_string(s3), "-i", data.string()});
        EXPECT_NE(isoinfo.out.find("/three/last.txt"), std::string::npos) << isoinfo.describe();
    } else {
        // One physical session: the descriptors at 16 now name the newest tree.
        EXPECT_TRUE(
            test::manifests_match("xorriso", want3, xorriso_view(data), test::kContentFields));
        EXPECT_TRUE(
            test::readers_extract_as(data, want3, test::kContentFields, {test::Reader::SevenZip}));
    }
    // discwright's own reader of the disc agrees.
    const ImageReader reader = read_last_session(recorder);
    EXPECT_EQ(reader.session().start_block, sequential ? s3 : 0u);
    const ImageTree tree = reader.read_tree(FsType::RockRidge);
    EXPECT_TRUE(tree.find("/noise.bin"));
    EXPECT_FALSE(tree.find("/docs/readme.txt"));
}

INSTANTIATE_TEST_SUITE_P(Media, ThreeSessions,
                         ::testing::Values(MediaType::CdR, MediaType::DvdPlusR, MediaType::BdR,
                                           MediaType::DvdPlusRw, MediaType::Disk),
                         [](const auto& info) { return test_name(info.param); });

struct FaultCase {
    const char* name;
    MediaType media;
    FaultPlan plan;
    ErrorCode expected;
    /// Put a write error 30 sectors into the new session (its LBA is known only then).
    bool write_error_in_session = false;
};

class FaultsInASecondSession : public BurnJudged,
                               public ::testing::WithParamInterface<FaultCase> {};

TEST_P(FaultsInASecondSession, GiveClearErrorsAndLeaveTheFirstSessionIntact) {
    const FaultCase& c = GetParam();
    const auto [address, data] = make_drive(c.media, "fault");
    {
        DiscRecorder recorder(address);
        burn_session(recorder, m_one.path());
    }
    FaultPlan plan = c.plan;
    if (c.write_error_in_session) {
        DiscRecorder recorder(address);
        DataDiscWriter writer(recorder);
        plan.write_error_at_lba = writer.multisession_interfaces().front().new_session_start() + 30;
    }
    VirtualRecorder::set_fault_plan(data, plan);
    {
        DiscRecorder recorder(address);
        FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
        prepare_next_session(image, recorder);
        image.root().add_tree(m_two.path().string());
        DataDiscWriter writer(recorder);
        writer.disable_consumer_dvd_compatibility_mode = true;
        writer.buffer_underrun_free_disabled = true;
        const auto result = image.create_result_image();
        const auto e = expect_error(c.expected, [&] { writer.write(result); });
        EXPECT_EQ(e.context().drive, address) << e.what();
    }
    VirtualRecorder::set_fault_plan(data, {});
    if (VirtualRecorder::inspect(data).tray_open) VirtualRecorder::load(data);
    // The first session, as xorriso mounts the data file, is what it was.
    EXPECT_TRUE(test::manifests_match("xorriso after the fault", Manifest::of_tree(m_one.path()),
                                      xorriso_view(data), test::kContentFields));
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultsInASecondSession,
                         ::testing::Values(FaultCase{"write_error_dvdplusr", MediaType::DvdPlusR,
                                                     FaultPlan{}, ErrorCode::MediaWriteError, true},
                                           FaultCase{"power_loss_bdr", MediaType::BdR,
                                                     FaultPlan{.power_loss_after_sectors = 40},
                                                     ErrorCode::TransportFailure},
                                           FaultCase{"medium_removed_cdr", MediaType::CdR,
                                                     FaultPlan{.remove_after_sectors = 40},
                                                     ErrorCode::MediaNoMedia},
                                           FaultCase{"underrun_cdr", MediaType::CdR,
                                                     FaultPlan{.underrun_after_sectors = 40},
                                                     ErrorCode::LossOfStreaming},
                                           FaultCase{"write_error_dvdplusrw", MediaType::DvdPlusRw,
                                                     FaultPlan{}, ErrorCode::MediaWriteError, true},
                                           FaultCase{"power_loss_bdre", MediaType::BdRe,
                                                     FaultPlan{.power_loss_after_sectors = 100},
                                                     ErrorCode::TransportFailure}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(BurnJudged, CancellingAnAppendOnOverwritableMediaKeepsThePreviousTreeMounted) {
    const auto [address, data] = make_drive(MediaType::BdRe, "cancel");
    DiscRecorder recorder(address);
    burn_session(recorder, m_one.path());
    test::TempTree big{{"big.bin", test::PseudoRandom{24 * test::kMiB, 8}}};
    FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
    prepare_next_session(image, recorder);
    image.root().add_tree(big.path().string());
    DataDiscWriter writer(recorder);
    writer.engine_options.progress_interval = std::chrono::milliseconds(1);
    writer.engine_options.buffer_bytes = 2u << 20;
    CancellationSource cancel;
    const auto result = image.create_result_image();
    expect_error(ErrorCode::RequestCancelled, [&] {
        writer.write(
            result,
            [&](const BurnEvent& e) {
                const auto* p = std::get_if<DataWriterProgress>(&e);
                if (p && p->action == DataWriteAction::WritingData && p->engine.sectors_done() > 0)
                    cancel.cancel();
            },
            cancel.token());
    });
    EXPECT_TRUE(test::manifests_match("xorriso after cancel", Manifest::of_tree(m_one.path()),
                                      xorriso_view(data), test::kContentFields));
}

TEST_F(BurnJudged, TwoDrivesBurnAtTheSameTimeWithoutCrossTalk) {
    const auto [a_address, a_data] = make_drive(MediaType::BdRe, "a");
    const auto [b_address, b_data] = make_drive(MediaType::DvdPlusR, "b");
    test::TempTree ta{{"a.bin", test::PseudoRandom{48 * test::kMiB, 21}}};
    test::TempTree tb{{"b.bin", test::PseudoRandom{48 * test::kMiB, 22}}};
    auto burn = [&](const std::string& address, const test::TempTree& tree) {
        DiscRecorder recorder(address);
        burn_session(recorder, tree.path());
    };
    std::exception_ptr fa, fb;
    std::thread a([&] {
        try {
            burn(a_address, ta);
        } catch (...) {
            fa = std::current_exception();
        }
    });
    std::thread b([&] {
        try {
            burn(b_address, tb);
        } catch (...) {
            fb = std::current_exception();
        }
    });
    a.join();
    b.join();
    if (fa) std::rethrow_exception(fa);
    if (fb) std::rethrow_exception(fb);
    EXPECT_TRUE(test::manifests_match("xorriso, drive a", Manifest::of_tree(ta.path()),
                                      xorriso_view(a_data), test::kContentFields));
    EXPECT_TRUE(test::manifests_match("xorriso, drive b", Manifest::of_tree(tb.path()),
                                      xorriso_view(b_data), test::kContentFields));
}

} // namespace
} // namespace discwright
