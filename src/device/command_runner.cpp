#include "device/command_runner.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "discwright/error.h"
#include "scsi/commands.h"
#include "scsi/opcodes.h"
#include "scsi/sense.h"

namespace discwright::device {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds ordinary_timeout{10'000};
constexpr milliseconds media_access_timeout{60'000};
constexpr milliseconds long_operation_timeout{3'600'000};

bool bit(const scsi::Cdb& cdb, std::size_t index, u8 mask) {
    return cdb.length > index && (cdb.byte(index) & mask) != 0;
}

std::string command_label(const scsi::Cdb& cdb) {
    return std::string(scsi::command_name(cdb.opcode()));
}

std::string_view status_name(scsi::ScsiStatus status) {
    switch (status) {
    case scsi::ScsiStatus::Good:
        return "GOOD";
    case scsi::ScsiStatus::CheckCondition:
        return "CHECK CONDITION";
    case scsi::ScsiStatus::ConditionMet:
        return "CONDITION MET";
    case scsi::ScsiStatus::Busy:
        return "BUSY";
    case scsi::ScsiStatus::ReservationConflict:
        return "RESERVATION CONFLICT";
    case scsi::ScsiStatus::TaskSetFull:
        return "TASK SET FULL";
    case scsi::ScsiStatus::AcaActive:
        return "ACA ACTIVE";
    case scsi::ScsiStatus::TaskAborted:
        return "TASK ABORTED";
    }
    return "unknown status";
}

} // namespace

milliseconds default_timeout(const scsi::Cdb& cdb) {
    using scsi::Opcode;
    switch (static_cast<Opcode>(cdb.opcode())) {
    case Opcode::Blank: // MMC-6 6.2.1: IMMED is byte 1 bit 4
        return bit(cdb, 1, 0x10) ? ordinary_timeout : long_operation_timeout;
    case Opcode::CloseTrackSession: // MMC-6 6.3.1: IMMED is byte 1 bit 0
        return bit(cdb, 1, 0x01) ? ordinary_timeout : long_operation_timeout;
    case Opcode::SynchronizeCache: // MMC-6 6.41.1: IMMED is byte 1 bit 1
        return bit(cdb, 1, 0x02) ? ordinary_timeout : long_operation_timeout;
    case Opcode::FormatUnit:
        return long_operation_timeout;
    case Opcode::Read10:
    case Opcode::Read12:
    case Opcode::ReadCd:
    case Opcode::ReadCdMsf:
    case Opcode::Write10:
    case Opcode::Write12:
    case Opcode::WriteAndVerify10:
    case Opcode::Verify10:
    case Opcode::StartStopUnit:
    case Opcode::LoadUnloadMedium:
    case Opcode::ReserveTrack:
    case Opcode::SendOpcInformation:
    case Opcode::SendCueSheet:
    case Opcode::RepairTrack:
        return media_access_timeout;
    default:
        return ordinary_timeout;
    }
}

CommandRunner::CommandRunner(std::unique_ptr<Transport> transport, RetryPolicy policy)
    : m_transport(std::move(transport)), m_policy(policy),
      m_sleeper([](milliseconds d) { std::this_thread::sleep_for(d); }) {
    if (!m_transport) throw Error(ErrorCode::Internal, "command runner: no transport");
    m_address = m_transport->address();
}

void CommandRunner::set_sleeper(Sleeper sleeper) {
    m_sleeper = std::move(sleeper);
}

std::vector<std::byte> CommandRunner::read(const scsi::Cdb& cdb,
                                           std::optional<milliseconds> timeout) {
    std::vector<std::byte> data(cdb.transfer_length);
    const scsi::CommandResult result = run(cdb, data, timeout.value_or(default_timeout(cdb)));
    data.resize(std::min<std::size_t>(result.transferred, data.size()));
    return data;
}

u32 CommandRunner::read_into(const scsi::Cdb& cdb, std::span<std::byte> data,
                             std::optional<milliseconds> timeout) {
    const scsi::CommandResult result = run(cdb, data, timeout.value_or(default_timeout(cdb)));
    return std::min<u32>(result.transferred, cdb.transfer_length);
}

void CommandRunner::write(const scsi::Cdb& cdb, std::span<const std::byte> data,
                          std::optional<milliseconds> timeout) {
    // Transport::execute takes one mutable buffer for both directions and only reads it for a
    // data-out command; nothing writes through this span.
    std::span<std::byte> buffer{const_cast<std::byte*>(data.data()), data.size()};
    (void)run(cdb, buffer, timeout.value_or(default_timeout(cdb)));
}

scsi::CommandResult CommandRunner::execute_raw(const scsi::Cdb& cdb, std::span<std::byte> data,
                                               std::optional<milliseconds> timeout) {
    return m_transport->execute(cdb, data, timeout.value_or(default_timeout(cdb)));
}

scsi::CommandResult CommandRunner::run(const scsi::Cdb& cdb, std::span<std::byte> data,
                                       milliseconds timeout) {
    if (data.size() < cdb.transfer_length)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("{} needs {} bytes of data, {} given ({})", command_label(cdb),
                                cdb.transfer_length, data.size(), m_address))
            .with_drive(m_address);

    unsigned immediate_retries = 0;
    milliseconds slept{0};
    milliseconds next_delay = m_policy.first_delay;
    // Sleeps before the next attempt if the budget allows; false when it is spent.
    auto wait_and_retry = [&] {
        if (slept + next_delay > m_policy.delay_budget) return false;
        m_sleeper(next_delay);
        slept += next_delay;
        next_delay = std::min(next_delay * 2, m_policy.max_delay);
        return true;
    };
    auto retry_note = [&] {
        if (immediate_retries == 0 && slept.count() == 0) return std::string();
        return fmt::format("; gave up after {} immediate retries and {} ms of waiting",
                           immediate_retries, slept.count());
    };

    for (;;) {
        scsi::CommandResult result = m_transport->execute(cdb, data, timeout);
        switch (result.status) {
        case scsi::ScsiStatus::Good:
        case scsi::ScsiStatus::ConditionMet:
            return result;
        case scsi::ScsiStatus::CheckCondition:
            break;
        case scsi::ScsiStatus::Busy:
        case scsi::ScsiStatus::TaskSetFull:
            // SAM-5 5.3.1: the drive cannot take a command now; try again later.
            if (wait_and_retry()) continue;
            throw Error(ErrorCode::MediaBusy,
                        fmt::format("{} failed: the drive stayed {}{} ({})", command_label(cdb),
                                    status_name(result.status), retry_note(), m_address))
                .with_drive(m_address);
        case scsi::ScsiStatus::TaskAborted:
            // SAM-5 5.3.1: another initiator's action aborted it; the command itself was fine.
            if (immediate_retries < m_policy.immediate_retries) {
                ++immediate_retries;
                continue;
            }
            throw Error(ErrorCode::DeviceCommandFailed,
                        fmt::format("{} failed: status TASK ABORTED{} ({})", command_label(cdb),
                                    retry_note(), m_address))
                .with_drive(m_address);
        case scsi::ScsiStatus::ReservationConflict:
            throw Error(ErrorCode::RecorderLocked,
                        fmt::format("{} failed: status RESERVATION CONFLICT, another initiator "
                                    "has reserved the drive ({})",
                                    command_label(cdb), m_address))
                .with_drive(m_address);
        default:
            throw Error(ErrorCode::UnexpectedResponseFromDevice,
                        fmt::format("{} failed: status {} (0x{:02X}) ({})", command_label(cdb),
                                    status_name(result.status),
                                    static_cast<unsigned>(result.status), m_address))
                .with_drive(m_address);
        }

        if (result.sense.empty())
            throw Error(ErrorCode::DeviceCommandFailed,
                        fmt::format("{} failed: CHECK CONDITION without sense data ({})",
                                    command_label(cdb), m_address))
                .with_drive(m_address);
        const scsi::SenseInfo info = scsi::decode_sense(result.sense);
        if (info.key == scsi::SenseKey::RecoveredError) {
            // SPC-4 4.5.6: the command completed; the drive only reports that it had to work
            // for it.
            return result;
        }
        // A deferred error reports a failure of an earlier command; retrying this one would
        // hide it.
        const scsi::RetryAdvice advice = info.deferred ? scsi::RetryAdvice::Fail : info.retry;
        if (advice == scsi::RetryAdvice::Immediately &&
            immediate_retries < m_policy.immediate_retries) {
            ++immediate_retries;
            continue;
        }
        if (advice == scsi::RetryAdvice::AfterDelay && wait_and_retry()) continue;

        // SPC-4 4.5.5: a deferred error belongs to an earlier command (typically a write
        // the drive had buffered); this command was not run.
        // INFORMATION of a command on blocks is the LBA that failed: users need it in words.
        const bool at_lba = info.information && scsi::block_extent(cdb);
        Error error(info.error_code,
                    fmt::format("{} failed{}: {}{}{} ({})", command_label(cdb),
                                at_lba ? fmt::format(" at LBA {}", *info.information) : "", info,
                                info.deferred ? " (deferred error of an earlier command)" : "",
                                retry_note(), m_address));
        error.with_drive(m_address).with_sense(info.code());
        if (at_lba) error.with_lba(*info.information);
        throw error;
    }
}

} // namespace discwright::device
