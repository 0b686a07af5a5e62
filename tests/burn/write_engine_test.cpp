// WriteEngine on the virtual recorder: a section lands at its LBAs in write units, the
// observer sees every sector once and in order, progress only moves forward, and bad options
// and short streams are refused before the first WRITE.

#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "device/command_runner.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/virtual_recorder.h"
#include "discwright/write_engine.h"
#include "scsi/commands.h"
#include "support/expect_error.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::expect_error;

class WriteEngineTest : public ::testing::Test {
protected:
    WriteEngineTest() {
        VirtualRecorder::create(m_path, {.media = MediaType::DvdPlusR});
        m_recorder.emplace("virtual:" + m_path.string());
    }
    std::vector<std::byte> medium(u64 lba, u64 sectors) {
        std::vector<std::byte> out(sectors * 2048);
        std::ifstream in(m_path, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(lba * 2048));
        in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
        return out;
    }

    test::TempDir m_dir;
    test::ScopedEnv m_locks{"DISCWRIGHT_LOCK_DIR", (m_dir / "locks").string()};
    std::filesystem::path m_path = std::filesystem::absolute(m_dir / "drive");
    std::optional<DiscRecorder> m_recorder;
};

TEST_F(WriteEngineTest, WritesTheSectionAndTellsWhereItIs) {
    const u32 sectors = 3000; // several ring slots and a short last write
    const PseudoRandomStream data(u64{sectors} * 2048 + 4096, 77);
    WriteEngine engine(*m_recorder, {.write_unit_sectors = 16,
                                     .buffer_bytes = 2u << 20,
                                     .progress_interval = std::chrono::milliseconds(1)});
    std::vector<WriteEngineProgress> seen;
    u64 observed = 0;
    engine.write_section(
        data, 0, sectors, 4096, [&](const WriteEngineProgress& p) { seen.push_back(p); }, {},
        [&](u64 first, std::span<const std::byte> bytes) {
            EXPECT_EQ(first, observed);
            observed += bytes.size() / 2048;
        });
    EXPECT_EQ(observed, sectors);
    std::vector<std::byte> want(u64{sectors} * 2048);
    ASSERT_EQ(data.read_at(4096, want), want.size());
    m_recorder->runner().write(scsi::synchronize_cache());
    EXPECT_EQ(medium(0, sectors), want);
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen.front().last_written_lba, -1);
    EXPECT_EQ(seen.back().last_written_lba, sectors - 1);
    EXPECT_EQ(seen.back().sectors_done(), sectors);
    for (std::size_t i = 1; i < seen.size(); ++i) {
        EXPECT_GE(seen[i].last_written_lba, seen[i - 1].last_written_lba);
        EXPECT_LE(seen[i].used_system_buffer, seen[i].total_system_buffer);
    }
    EXPECT_FALSE(engine.write_in_progress());
}

TEST_F(WriteEngineTest, RefusesShortStreamsAndBadOptions) {
    WriteEngine engine(*m_recorder);
    expect_error(ErrorCode::StreamNotSupported,
                 [&] { engine.write_section(ZeroStream(10 * 2048), 0, 11); });
    expect_error(ErrorCode::InvalidParam, [&] { engine.set_options({.bytes_per_sector = 0}); });
    expect_error(ErrorCode::InvalidParam,
                 [&] { engine.set_options({.write_unit_sectors = 16, .sectors_per_write = 20}); });
    EXPECT_EQ(VirtualRecorder::inspect(m_path).next_writable, Lba{0});
}

TEST_F(WriteEngineTest, AStreamThatFailsStopsTheWriteWithItsError) {
    class Failing final : public Stream {
    public:
        u64 size() const override { return 8u << 20; }
        std::size_t read_at(u64 offset, std::span<std::byte> b) const override {
            if (offset >= (2u << 20))
                throw Error(ErrorCode::DataStreamReadFailure, "source went away").with_path("src");
            std::fill(b.begin(), b.end(), std::byte{7});
            return b.size();
        }
        std::string description() const override { return "failing"; }
    };
    WriteEngine engine(*m_recorder, {.buffer_bytes = 4u << 20});
    expect_error(ErrorCode::DataStreamReadFailure,
                 [&] { engine.write_section(Failing(), 0, 4096); });
    EXPECT_FALSE(engine.write_in_progress());
}

} // namespace
} // namespace discwright
