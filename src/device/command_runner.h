#pragma once
// The one place where a drive's CHECK CONDITION becomes a retry or an Error (STYLE.md section
// 6). Transports move bytes and report sense; scsi::decode_sense says what the sense means and
// whether to retry; the runner does the retrying, with an injected sleeper so tests need no
// wall time, and throws an Error that names the command, the sense in words and the drive.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "device/transport.h"
#include "scsi/cdb.h"

namespace discwright::device {

/// How long to wait for `cdb` when the caller does not say: 10 s for most commands
/// (IMAPI2_DEFAULT_COMMAND_TIMEOUT), 60 s for media access that may recalibrate or retry
/// internally (READ/WRITE, START STOP UNIT, RESERVE TRACK, SEND OPC INFORMATION), and one hour
/// for BLANK, FORMAT UNIT, CLOSE TRACK/SESSION and SYNCHRONIZE CACHE unless their IMMED bit is
/// set (FORMAT UNIT keeps IMMED in its parameter list, so it always gets the hour).
[[nodiscard]] std::chrono::milliseconds default_timeout(const scsi::Cdb& cdb);

/// Retry limits. RetryAdvice::Immediately (unit attention, aborted command) retries at once up
/// to `immediate_retries` times; RetryAdvice::AfterDelay (becoming ready, long write in
/// progress, busy) sleeps `first_delay`, doubling up to `max_delay`, while the sum of the sleeps
/// stays within `delay_budget`.
struct RetryPolicy {
    unsigned immediate_retries = 3;
    std::chrono::milliseconds first_delay{100};
    std::chrono::milliseconds max_delay{2000};
    std::chrono::milliseconds delay_budget{60000};
};

class CommandRunner {
public:
    using Sleeper = std::function<void(std::chrono::milliseconds)>;

    explicit CommandRunner(std::unique_ptr<Transport> transport, RetryPolicy policy = {});

    /// Data-in command: the bytes received, resized to what arrived. After the retries the
    /// sense allows, a CHECK CONDITION throws Error with the code decode_sense gives,
    /// with_drive(address), with_sense(...), message "READ TRACK INFORMATION failed: <sense in
    /// words> (<address>)". A path failure is the transport's TransportFailure or
    /// CommandTimeout, not retried.
    [[nodiscard]] std::vector<std::byte>
    read(const scsi::Cdb& cdb, std::optional<std::chrono::milliseconds> timeout = {});
    /// Data-in command into the caller's buffer (at least cdb.transfer_length bytes): the bytes
    /// received. For bulk reads that should not allocate. Errors as read().
    u32 read_into(const scsi::Cdb& cdb, std::span<std::byte> data,
                  std::optional<std::chrono::milliseconds> timeout = {});
    /// Data-out or no-data command; `data` holds at least cdb.transfer_length bytes. Errors as
    /// read().
    void write(const scsi::Cdb& cdb, std::span<const std::byte> data = {},
               std::optional<std::chrono::milliseconds> timeout = {});
    /// One attempt, no retries, and a CHECK CONDITION comes back as a result: for raw
    /// pass-through and for callers that branch on the sense. Path failures still throw.
    [[nodiscard]] scsi::CommandResult
    execute_raw(const scsi::Cdb& cdb, std::span<std::byte> data,
                std::optional<std::chrono::milliseconds> timeout = {});

    [[nodiscard]] Transport& transport() { return *m_transport; }
    [[nodiscard]] const std::string& address() const { return m_address; }
    /// Replaces std::this_thread::sleep_for between retries.
    void set_sleeper(Sleeper sleeper);

private:
    scsi::CommandResult run(const scsi::Cdb& cdb, std::span<std::byte> data,
                            std::chrono::milliseconds timeout);

    std::unique_ptr<Transport> m_transport;
    RetryPolicy m_policy;
    std::string m_address;
    Sleeper m_sleeper;
};

} // namespace discwright::device
