#include "device/command_runner.h"

#include <deque>
#include <numeric>
#include <optional>

#include <gtest/gtest.h>

#include "scsi/commands.h"
#include "scsi/sense.h"
#include "support/expect_error.h"

namespace discwright::device {
namespace {

using namespace std::chrono_literals;
using scsi::SenseKey;
using test::expect_error;

constexpr const char* fake_address = "virtual:/fake/drive";

/// One scripted answer: a status with sense, data for a data-in command, or a thrown Error.
struct Answer {
    scsi::ScsiStatus status = scsi::ScsiStatus::Good;
    std::vector<std::byte> sense;
    std::vector<std::byte> data;
    std::optional<Error> failure;
};

Answer good(std::vector<std::byte> data = {}) {
    return {.status = scsi::ScsiStatus::Good, .sense = {}, .data = std::move(data), .failure = {}};
}
Answer check(SenseKey key, u8 asc, u8 ascq, std::optional<u32> information = {}) {
    return {.status = scsi::ScsiStatus::CheckCondition,
            .sense = scsi::encode_fixed_sense(key, asc, ascq, information),
            .data = {},
            .failure = {}};
}
Answer status(scsi::ScsiStatus s) {
    return {.status = s, .sense = {}, .data = {}, .failure = {}};
}

/// A transport that plays a script and records what it was asked. Past the end of the script
/// it repeats the last answer, so "forever busy" is one line.
class ScriptedTransport final : public Transport {
public:
    struct Call {
        u8 opcode;
        std::vector<std::byte> data_out;
        std::chrono::milliseconds timeout;
    };

    explicit ScriptedTransport(std::deque<Answer> script) : m_script(std::move(script)) {}

    scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data,
                                std::chrono::milliseconds timeout) override {
        Call call{cdb.opcode(), {}, timeout};
        if (cdb.direction == DataDirection::ToDevice)
            call.data_out.assign(data.begin(), data.begin() + cdb.transfer_length);
        calls.push_back(std::move(call));
        Answer a = m_script.front();
        if (m_script.size() > 1) m_script.pop_front();
        if (a.failure) throw *a.failure;
        scsi::CommandResult r;
        r.status = a.status;
        r.sense = a.sense;
        const std::size_t n = std::min(a.data.size(), data.size());
        std::copy_n(a.data.begin(), n, data.begin());
        r.transferred = static_cast<u32>(n);
        return r;
    }
    [[nodiscard]] std::string address() const override { return fake_address; }
    [[nodiscard]] TransferLimits limits() const override { return {}; }

    std::vector<Call> calls;

private:
    std::deque<Answer> m_script;
};

/// A runner over a script, with a sleeper that records instead of sleeping.
struct Rig {
    explicit Rig(std::deque<Answer> script, RetryPolicy policy = {}) {
        auto t = std::make_unique<ScriptedTransport>(std::move(script));
        transport = t.get();
        runner = std::make_unique<CommandRunner>(std::move(t), policy);
        runner->set_sleeper([this](std::chrono::milliseconds d) { sleeps.push_back(d); });
    }
    ScriptedTransport* transport = nullptr;
    std::unique_ptr<CommandRunner> runner;
    std::vector<std::chrono::milliseconds> sleeps;
};

std::vector<std::byte> bytes(std::size_t n, u8 value) {
    return std::vector<std::byte>(n, std::byte{value});
}

TEST(CommandRunner, ReadReturnsWhatArrived) {
    Rig rig({good(bytes(36, 0x41))});
    auto data =
        rig.runner->read(scsi::inquiry({.evpd = false, .page_code = 0, .allocation_length = 96}));
    EXPECT_EQ(data, bytes(36, 0x41)); // resized from 96 to what the drive sent
    ASSERT_EQ(rig.transport->calls.size(), 1u);
    EXPECT_EQ(rig.transport->calls[0].opcode, 0x12);
    EXPECT_TRUE(rig.sleeps.empty());
}

TEST(CommandRunner, UnitAttentionIsRetriedAtOnce) {
    // SPC-4 4.5.6: 06/28/00 NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED.
    Rig rig({check(SenseKey::UnitAttention, 0x28, 0x00), good()});
    rig.runner->write(scsi::test_unit_ready());
    EXPECT_EQ(rig.transport->calls.size(), 2u);
    EXPECT_TRUE(rig.sleeps.empty());
}

TEST(CommandRunner, UnitAttentionGivesUpAfterThreeRetries) {
    Rig rig({check(SenseKey::UnitAttention, 0x29, 0x00)}); // POWER ON / RESET, forever
    auto e = expect_error(scsi::classify_sense(SenseKey::UnitAttention, 0x29, 0x00).error_code,
                          [&] { rig.runner->write(scsi::test_unit_ready()); });
    EXPECT_EQ(rig.transport->calls.size(), 4u); // the first try and three retries
    EXPECT_TRUE(rig.sleeps.empty());
    EXPECT_NE(e.message().find("3 immediate retries"), std::string::npos) << e.message();
    ASSERT_TRUE(e.context().sense.has_value());
    EXPECT_EQ(e.context().sense->key, 0x6);
    EXPECT_EQ(e.context().sense->asc, 0x29);
}

TEST(CommandRunner, BecomingReadyBacksOffUntilReady) {
    // SPC-4: 02/04/01 LOGICAL UNIT IS IN PROCESS OF BECOMING READY.
    Rig rig({check(SenseKey::NotReady, 0x04, 0x01), check(SenseKey::NotReady, 0x04, 0x01),
             check(SenseKey::NotReady, 0x04, 0x01), good()});
    rig.runner->write(scsi::test_unit_ready());
    EXPECT_EQ(rig.transport->calls.size(), 4u);
    EXPECT_EQ(rig.sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms}));
}

TEST(CommandRunner, LongWriteInProgressBacksOffWithinTheBudget) {
    // MMC-6: 02/04/08 LONG WRITE IN PROGRESS, forever.
    RetryPolicy policy{
        .immediate_retries = 3, .first_delay = 100ms, .max_delay = 1000ms, .delay_budget = 5000ms};
    Rig rig({check(SenseKey::NotReady, 0x04, 0x08)}, policy);
    auto e = expect_error(scsi::classify_sense(SenseKey::NotReady, 0x04, 0x08).error_code, [&] {
        rig.runner->write(scsi::synchronize_cache({.immed = false, .lba = 0, .blocks = 0}));
    });
    // 100, 200, 400, 800, then capped at 1000: 2500 ms after four sleeps, 3500, 4500; the next
    // 1000 would pass 5000.
    EXPECT_EQ(rig.sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms, 800ms,
                                                                  1000ms, 1000ms, 1000ms}));
    const auto total = std::accumulate(rig.sleeps.begin(), rig.sleeps.end(), 0ms);
    EXPECT_LE(total, policy.delay_budget);
    EXPECT_EQ(rig.transport->calls.size(), rig.sleeps.size() + 1);
    EXPECT_NE(e.message().find("SYNCHRONIZE CACHE failed: 2/04/08"), std::string::npos)
        << e.message();
    EXPECT_NE(e.message().find("4500 ms of waiting"), std::string::npos) << e.message();
}

TEST(CommandRunner, IllegalRequestFailsAtOnceNamingCommandSenseAndDrive) {
    // SPC-4: 05/20/00 INVALID COMMAND OPERATION CODE.
    Rig rig({check(SenseKey::IllegalRequest, 0x20, 0x00), good()});
    auto e = expect_error(ErrorCode::CommandNotSupported, [&] {
        (void)rig.runner->read(scsi::read_track_information({.type = TrackAddressType::Track,
                                                             .open = false,
                                                             .address = 1,
                                                             .allocation_length = 48}));
    });
    EXPECT_EQ(rig.transport->calls.size(), 1u);
    EXPECT_TRUE(rig.sleeps.empty());
    EXPECT_EQ(e.message().rfind("READ TRACK INFORMATION failed: 5/20/00 ", 0), 0u) << e.message();
    EXPECT_NE(e.message().find("(virtual:/fake/drive)"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().drive, fake_address);
    ASSERT_TRUE(e.context().sense.has_value());
    EXPECT_EQ(e.context().sense->key, 0x5);
    EXPECT_EQ(e.context().sense->asc, 0x20);
    EXPECT_EQ(e.context().sense->ascq, 0x00);
    EXPECT_FALSE(e.context().sense->description.empty());
}

TEST(CommandRunner, MediumErrorNamesTheLba) {
    // MMC-6: 03/11/00 UNRECOVERED READ ERROR with the LBA in INFORMATION.
    Rig rig({check(SenseKey::MediumError, 0x11, 0x00, 1234u)});
    auto e = expect_error(scsi::classify_sense(SenseKey::MediumError, 0x11, 0x00).error_code, [&] {
        (void)rig.runner->read(
            scsi::read10({.fua = false, .lba = 1234, .blocks = 1, .block_size = 2048}));
    });
    ASSERT_TRUE(e.context().lba.has_value());
    EXPECT_EQ(*e.context().lba, 1234u);
}

TEST(CommandRunner, DeferredErrorIsNotRetried) {
    auto answer = check(SenseKey::NotReady, 0x04, 0x01);
    answer.sense[0] = std::byte{0x71}; // SPC-4 4.5.3: deferred error, fixed format
    Rig rig({answer, good()});
    auto e = expect_error(scsi::classify_sense(SenseKey::NotReady, 0x04, 0x01).error_code,
                          [&] { rig.runner->write(scsi::test_unit_ready()); });
    EXPECT_EQ(rig.transport->calls.size(), 1u);
    EXPECT_NE(e.message().find("deferred"), std::string::npos) << e.message();
}

TEST(CommandRunner, RecoveredErrorIsSuccess) {
    Rig rig({check(SenseKey::RecoveredError, 0x17, 0x01)});
    rig.runner->write(scsi::test_unit_ready());
    EXPECT_EQ(rig.transport->calls.size(), 1u);
}

TEST(CommandRunner, CheckConditionWithoutSenseFails) {
    Rig rig({status(scsi::ScsiStatus::CheckCondition)});
    auto e = expect_error(ErrorCode::DeviceCommandFailed,
                          [&] { rig.runner->write(scsi::test_unit_ready()); });
    EXPECT_NE(e.message().find("without sense data"), std::string::npos) << e.message();
}

TEST(CommandRunner, BusyBacksOffThenSucceeds) {
    Rig rig({status(scsi::ScsiStatus::Busy), status(scsi::ScsiStatus::Busy), good()});
    rig.runner->write(scsi::test_unit_ready());
    EXPECT_EQ(rig.sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms}));
}

TEST(CommandRunner, BusyForeverIsMediaBusy) {
    Rig rig({status(scsi::ScsiStatus::Busy)},
            {.immediate_retries = 3, .first_delay = 10ms, .max_delay = 10ms, .delay_budget = 50ms});
    auto e =
        expect_error(ErrorCode::MediaBusy, [&] { rig.runner->write(scsi::test_unit_ready()); });
    EXPECT_EQ(rig.sleeps.size(), 5u);
    EXPECT_NE(e.message().find("BUSY"), std::string::npos) << e.message();
}

TEST(CommandRunner, ReservationConflictIsRecorderLocked) {
    Rig rig({status(scsi::ScsiStatus::ReservationConflict)});
    expect_error(ErrorCode::RecorderLocked, [&] { rig.runner->write(scsi::test_unit_ready()); });
    EXPECT_EQ(rig.transport->calls.size(), 1u);
}

TEST(CommandRunner, TransportFailureIsNotRetried) {
    Answer broken;
    broken.failure = Error(ErrorCode::TransportFailure, "link down (virtual:/fake/drive)");
    Rig rig({broken, good()});
    expect_error(ErrorCode::TransportFailure, [&] { rig.runner->write(scsi::test_unit_ready()); });
    EXPECT_EQ(rig.transport->calls.size(), 1u);
}

TEST(CommandRunner, ExecuteRawNeitherRetriesNorThrows) {
    Rig rig({check(SenseKey::UnitAttention, 0x28, 0x00), good()});
    auto r = rig.runner->execute_raw(scsi::test_unit_ready(), {});
    EXPECT_EQ(r.status, scsi::ScsiStatus::CheckCondition);
    EXPECT_EQ(r.sense, scsi::encode_fixed_sense(SenseKey::UnitAttention, 0x28, 0x00));
    EXPECT_EQ(rig.transport->calls.size(), 1u);
}

TEST(CommandRunner, WriteSendsTheData) {
    Rig rig({good()});
    auto block = bytes(2048, 0x99);
    rig.runner->write(scsi::write10({.fua = false, .lba = 16, .blocks = 1, .block_size = 2048}),
                      block);
    ASSERT_EQ(rig.transport->calls.size(), 1u);
    EXPECT_EQ(rig.transport->calls[0].data_out, block);
}

TEST(CommandRunner, WriteWithTooLittleDataIsRefused) {
    Rig rig({good()});
    auto half = bytes(1024, 0x99);
    expect_error(ErrorCode::InvalidParam, [&] {
        rig.runner->write(scsi::write10({.fua = false, .lba = 16, .blocks = 1, .block_size = 2048}),
                          half);
    });
    EXPECT_TRUE(rig.transport->calls.empty());
}

TEST(CommandRunner, TimeoutsDefaultPerCommandAndCanBeGiven) {
    Rig rig({good()});
    rig.runner->write(scsi::test_unit_ready());
    rig.runner->write(
        scsi::blank({.immed = false, .type = scsi::BlankingType::Minimal, .start_address = 0}));
    rig.runner->write(scsi::test_unit_ready(), {}, 3s);
    ASSERT_EQ(rig.transport->calls.size(), 3u);
    EXPECT_EQ(rig.transport->calls[0].timeout, 10s);
    EXPECT_EQ(rig.transport->calls[1].timeout, 1h);
    EXPECT_EQ(rig.transport->calls[2].timeout, 3s);
}

TEST(DefaultTimeout, FollowsTheImmedBit) {
    using scsi::BlankingType;
    EXPECT_EQ(default_timeout(scsi::inquiry()), 10s);
    EXPECT_EQ(default_timeout(
                  scsi::blank({.immed = true, .type = BlankingType::Full, .start_address = 0})),
              10s);
    EXPECT_EQ(default_timeout(
                  scsi::blank({.immed = false, .type = BlankingType::Full, .start_address = 0})),
              1h);
    EXPECT_EQ(default_timeout(scsi::synchronize_cache({.immed = true, .lba = 0, .blocks = 0})),
              10s);
    EXPECT_EQ(default_timeout(scsi::synchronize_cache({.immed = false, .lba = 0, .blocks = 0})),
              1h);
    EXPECT_EQ(
        default_timeout(scsi::close_track_session({.immed = false,
                                                   .function = scsi::CloseFunction::CloseSession,
                                                   .track_session_number = 0})),
        1h);
    EXPECT_EQ(
        default_timeout(scsi::close_track_session({.immed = true,
                                                   .function = scsi::CloseFunction::CloseTrack,
                                                   .track_session_number = 1})),
        10s);
    EXPECT_EQ(default_timeout(scsi::format_unit()), 1h);
    EXPECT_EQ(
        default_timeout(scsi::write10({.fua = false, .lba = 0, .blocks = 16, .block_size = 2048})),
        60s);
}

} // namespace
} // namespace discwright::device
