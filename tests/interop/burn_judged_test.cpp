// Judged: discs burned through the C++ API on the virtual recorder and the file pseudo-drive,
// read by xorriso, isoinfo and 7-Zip from the medium's data file. Every medium; three sessions
// on sequential and overwritable media; faults in the middle of a second session; two burns at
// once.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "discwright/data_disc_writer.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/multisession.h"
#include "discwright/virtual_recorder.h"
#include "support/expect_error.h"
#include "support/isoinfo_listing.h"
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
    // 7-Zip reads the Joliet tree, bsdtar Rock Ridge.
    EXPECT_TRUE(test::readers_extract_as(data, want, test::kContentFields,
                                         {test::Reader::SevenZip, test::Reader::Bsdtar}));
    // isoinfo's Rock Ridge listing: every file of the source, with its size.
    const auto isoinfo = test::run({"isoinfo", "-R", "-l", "-i", data.string()});
    ASSERT_EQ(isoinfo.exit_status, 0) << isoinfo.describe();
    const auto lines = test::parse_isoinfo_lines(isoinfo.out);
    for (const auto& [path, entry] : want.entries()) {
        if (entry.type != test::EntryType::File) continue;
        const auto slash = path.rfind('/');
        const std::string folder = slash == std::string::npos ? "" : path.substr(0, slash + 1);
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        const auto it = std::find_if(lines.begin(), lines.end(), [&](const auto& l) {
            return l.folder == folder && l.name == name;
        });
        ASSERT_NE(it, lines.end()) << path << " missing from\n" << isoinfo.out;
        EXPECT_EQ(it->size, entry.size) << path;
    }
    // 7-Zip's listing names the Unicode file (from Joliet).
    const auto seven = test::run({"7z", "l", "-slt", data.string()});
    ASSERT_EQ(seven.exit_status, 0) << seven.describe();
    EXPECT_NE(seven.out.find("Path = Überraschung/ñandú.txt"), std::string::npos) << seven.out;
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
        // The message names the drive: its address, or for a drive that lost power the
        // virtual recorder's path.
        EXPECT_NE(std::string(e.what()).find(data.string()), std::string::npos) << e.what();
        if (plan.write_error_at_lba) {
            EXPECT_EQ(e.context().lba, plan.write_error_at_lba) << e.what();
            // The message itself says where the bad spot is (the CLI prints only it).
            EXPECT_NE(std::string(e.what()).find(std::to_string(*plan.write_error_at_lba)),
                      std::string::npos)
                << e.what();
        }
        EXPECT_FALSE(writer.write_in_progress());
        if (c.plan.power_loss_after_sectors) {
            // The drive lost power: this recorder object stays dead, a new one is needed.
            expect_error(ErrorCode::TransportFailure, [&] { (void)recorder.media_state(); });
        }
    }
    VirtualRecorder::set_fault_plan(data, {});
    if (VirtualRecorder::inspect(data).tray_open) VirtualRecorder::load(data);
    // The first session, as xorriso mounts the data file, is what it was.
    EXPECT_TRUE(test::manifests_match("xorriso after the fault", Manifest::of_tree(m_one.path()),
                                      xorriso_view(data), test::kContentFields));
    const auto isoinfo = test::run({"isoinfo", "-R", "-f", "-i", data.string()});
    EXPECT_NE(isoinfo.out.find("/noise.bin"), std::string::npos) << isoinfo.describe();
    EXPECT_EQ(isoinfo.out.find("/two"), std::string::npos) << isoinfo.describe();
    // A freshly opened drive still finds the first session's tree.
    DiscRecorder reopened(address);
    const ImageReader reader = read_last_session(reopened);
    EXPECT_EQ(reader.session().start_block, 0u);
    const ImageTree tree = reader.read_tree(FsType::RockRidge);
    EXPECT_TRUE(tree.find("/noise.bin"));
    EXPECT_TRUE(tree.find("/docs/readme.txt"));
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultsInASecondSession,
    ::testing::Values(
        FaultCase{"write_error_dvdplusr", MediaType::DvdPlusR, FaultPlan{},
                  ErrorCode::MediaWriteError, true},
        FaultCase{"power_loss_bdr", MediaType::BdR, FaultPlan{.power_loss_after_sectors = 40},
                  ErrorCode::TransportFailure},
        FaultCase{"medium_removed_cdr", MediaType::CdR, FaultPlan{.remove_after_sectors = 40},
                  ErrorCode::MediaNoMedia},
        FaultCase{"underrun_cdr", MediaType::CdR, FaultPlan{.underrun_after_sectors = 40},
                  ErrorCode::LossOfStreaming},
        FaultCase{"write_error_dvdplusrw", MediaType::DvdPlusRw, FaultPlan{},
                  ErrorCode::MediaWriteError, true},
        FaultCase{"power_loss_dvdplusrw", MediaType::DvdPlusRw,
                  FaultPlan{.power_loss_after_sectors = 100}, ErrorCode::TransportFailure},
        FaultCase{"medium_removed_dvdplusrw", MediaType::DvdPlusRw,
                  FaultPlan{.remove_after_sectors = 100}, ErrorCode::MediaNoMedia},
        FaultCase{"power_loss_bdre", MediaType::BdRe, FaultPlan{.power_loss_after_sectors = 100},
                  ErrorCode::TransportFailure}),
    [](const auto& info) { return std::string(info.param.name); });

class CancelledAppend : public BurnJudged, public ::testing::WithParamInterface<MediaType> {};

TEST_P(CancelledAppend, KeepsThePreviousTreeMounted) {
    const auto [address, data] = make_drive(GetParam(), "cancel");
    DiscRecorder recorder(address);
    burn_session(recorder, m_one.path());
    test::TempTree big{{"big.bin", test::PseudoRandom{24 * test::kMiB, 8}}};
    FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
    prepare_next_session(image, recorder);
    image.root().add_tree(big.path().string());
    DataDiscWriter writer(recorder);
    writer.disable_consumer_dvd_compatibility_mode = true;
    writer.engine_options.progress_interval = std::chrono::milliseconds(1);
    writer.engine_options.buffer_bytes = 2u << 20;
    CancellationSource cancel;
    const auto result = image.create_result_image();
    u64 sectors_when_cancelled = 0;
    expect_error(ErrorCode::RequestCancelled, [&] {
        writer.write(
            result,
            [&](const BurnEvent& e) {
                const auto* p = std::get_if<DataWriterProgress>(&e);
                if (p && p->action == DataWriteAction::WritingData &&
                    p->engine.sectors_done() > 0 && !sectors_when_cancelled) {
                    sectors_when_cancelled = p->engine.sectors_done();
                    cancel.cancel();
                }
            },
            cancel.token());
    });
    // The cancel came in the middle, not after the whole session was written.
    EXPECT_GT(sectors_when_cancelled, 0u);
    EXPECT_LT(sectors_when_cancelled, result.total_blocks().value);
    EXPECT_FALSE(writer.write_in_progress());
    EXPECT_TRUE(test::manifests_match("xorriso after cancel", Manifest::of_tree(m_one.path()),
                                      xorriso_view(data), test::kContentFields));
    const ImageReader reader = read_last_session(recorder);
    EXPECT_EQ(reader.session().start_block, 0u);
    EXPECT_FALSE(reader.read_tree(FsType::RockRidge).find("/big.bin"));
}

INSTANTIATE_TEST_SUITE_P(Media, CancelledAppend,
                         ::testing::Values(MediaType::DvdPlusRw, MediaType::BdRe, MediaType::CdR,
                                           MediaType::DvdPlusR),
                         [](const auto& info) { return test_name(info.param); });

struct CorruptionCase {
    const char* name;
    MediaType media;
    VerificationLevel level;
    /// Where the medium reads back wrong, counted from the second session's start.
    u64 offset_in_session;
};

class VerificationOfASecondSession : public BurnJudged,
                                     public ::testing::WithParamInterface<CorruptionCase> {};

TEST_P(VerificationOfASecondSession, NamesTheCorruptSector) {
    const CorruptionCase& c = GetParam();
    const auto [address, data] = make_drive(c.media, "verify");
    DiscRecorder recorder(address);
    burn_session(recorder, m_one.path());
    FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
    prepare_next_session(image, recorder);
    image.root().add_tree(m_two.path().string());
    const auto result = image.create_result_image();
    const u64 start = result.start_block().value;
    ASSERT_GT(start, 0u);
    ASSERT_LT(c.offset_in_session, result.total_blocks().value);
    const u64 bad = start + c.offset_in_session;
    VirtualRecorder::set_fault_plan(data, {.corrupt_read_at_lba = bad});
    DataDiscWriter writer(recorder);
    writer.disable_consumer_dvd_compatibility_mode = true;
    writer.verification_level = c.level;
    const auto e = expect_error(ErrorCode::BurnVerificationFailed, [&] { writer.write(result); });
    EXPECT_EQ(e.context().lba, bad) << e.what();
    EXPECT_EQ(e.context().drive, address) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(bad)), std::string::npos) << e.what();
    ASSERT_TRUE(writer.last_verification());
    EXPECT_EQ(writer.last_verification()->first_mismatch_lba, bad);
    EXPECT_EQ(writer.last_verification()->level, c.level);
    // Only reads were corrupt: the sectors on the medium are right, as xorriso sees them.
    VirtualRecorder::set_fault_plan(data, {});
    const u64 mount = c.media == MediaType::DvdPlusR || c.media == MediaType::BdR ? start : 0;
    EXPECT_TRUE(test::manifests_match("xorriso", merged({&m_one, &m_two}),
                                      xorriso_view(data, mount), test::kContentFields));
}

INSTANTIATE_TEST_SUITE_P(
    Levels, VerificationOfASecondSession,
    ::testing::Values(CorruptionCase{"full_bdr_file_data", MediaType::BdR, VerificationLevel::Full,
                                     60},
                      CorruptionCase{"full_dvdplusrw_file_data", MediaType::DvdPlusRw,
                                     VerificationLevel::Full, 60},
                      CorruptionCase{"quick_dvdplusr_descriptor", MediaType::DvdPlusR,
                                     VerificationLevel::Quick, 16},
                      CorruptionCase{"quick_dvdplusrw_descriptor", MediaType::DvdPlusRw,
                                     VerificationLevel::Quick, 16}),
    [](const auto& info) { return std::string(info.param.name); });

/// True when the data file holds `image` from LBA `start` on, byte for byte.
testing::AssertionResult data_file_holds(const std::filesystem::path& data, u64 start,
                                         const FileSystemImageResult& image) {
    const StreamPtr stream = image.image_stream();
    std::ifstream in(data, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(start * block_size));
    std::vector<std::byte> want(1u << 20), got(1u << 20);
    for (u64 offset = 0; offset < stream->size();) {
        const std::size_t n = stream->read_at(offset, want);
        if (n == 0) return testing::AssertionFailure() << "image stream ended at " << offset;
        in.read(reinterpret_cast<char*>(got.data()), static_cast<std::streamsize>(n));
        if (static_cast<std::size_t>(in.gcount()) != n)
            return testing::AssertionFailure() << data << " ends at image byte " << offset;
        if (std::memcmp(want.data(), got.data(), n) != 0)
            return testing::AssertionFailure()
                   << data << " differs from the image in the MiB at image byte " << offset;
        offset += n;
    }
    return testing::AssertionSuccess();
}

TEST_F(BurnJudged, TwoDrivesBurnAtTheSameTimeWithoutCrossTalk) {
    const auto [a_address, a_data] = make_drive(MediaType::BdRe, "a");
    const auto [b_address, b_data] = make_drive(MediaType::DvdPlusR, "b");
    const auto [solo_a_address, solo_a_data] = make_drive(MediaType::BdRe, "solo-a");
    const auto [solo_b_address, solo_b_data] = make_drive(MediaType::DvdPlusR, "solo-b");
    test::TempTree ta{{"a.bin", test::PseudoRandom{64 * test::kMiB, 21}}};
    test::TempTree tb{{"b.bin", test::PseudoRandom{64 * test::kMiB, 22}}};
    struct Outcome {
        std::optional<VerificationReport> verification;
        std::exception_ptr failure;
        double seconds = 0;
    };
    auto burn = [](const std::string& address, const FileSystemImageResult& image, Outcome& out) {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            DiscRecorder recorder(address);
            DataDiscWriter writer(recorder);
            writer.disable_consumer_dvd_compatibility_mode = true;
            writer.verification_level = VerificationLevel::Full;
            writer.write(image);
            out.verification = writer.last_verification();
        } catch (...) {
            out.failure = std::current_exception();
        }
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    auto make_image = [](const test::TempTree& tree) {
        FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
        image.root().add_tree(tree.path().string());
        return image.create_result_image();
    };
    const auto ia = make_image(ta);
    const auto ib = make_image(tb);

    // The same two burns one after the other first, for the timing report.
    Outcome solo_a, solo_b;
    burn(solo_a_address, ia, solo_a);
    burn(solo_b_address, ib, solo_b);
    if (solo_a.failure) std::rethrow_exception(solo_a.failure);
    if (solo_b.failure) std::rethrow_exception(solo_b.failure);

    Outcome oa, ob;
    const auto t0 = std::chrono::steady_clock::now();
    std::thread a([&] { burn(a_address, ia, oa); });
    std::thread b([&] { burn(b_address, ib, ob); });
    a.join();
    b.join();
    const double both =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (oa.failure) std::rethrow_exception(oa.failure);
    if (ob.failure) std::rethrow_exception(ob.failure);
    // Reported, not asserted: wall time depends on the machine.
    std::cout << fmt::format("[ timing   ] 64 MiB each, alone: BD-RE {:.2f} s, DVD+R {:.2f} s; "
                             "at once: {:.2f} s (BD-RE {:.2f} s, DVD+R {:.2f} s)\n",
                             solo_a.seconds, solo_b.seconds, both, oa.seconds, ob.seconds);
    RecordProperty("alone_seconds", fmt::format("{:.2f}", solo_a.seconds + solo_b.seconds));
    RecordProperty("at_once_seconds", fmt::format("{:.2f}", both));

    for (const Outcome* o : {&oa, &ob}) {
        ASSERT_TRUE(o->verification);
        EXPECT_EQ(o->verification->level, VerificationLevel::Full);
        EXPECT_TRUE(o->verification->passed());
        EXPECT_EQ(o->verification->sectors_compared, o->verification->sectors);
    }
    EXPECT_TRUE(data_file_holds(a_data, 0, ia));
    EXPECT_TRUE(data_file_holds(b_data, 0, ib));
    EXPECT_TRUE(test::manifests_match("xorriso, drive a", Manifest::of_tree(ta.path()),
                                      xorriso_view(a_data), test::kContentFields));
    EXPECT_TRUE(test::manifests_match("xorriso, drive b", Manifest::of_tree(tb.path()),
                                      xorriso_view(b_data), test::kContentFields));
}

} // namespace
} // namespace discwright
