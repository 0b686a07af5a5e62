#include "burn/drive_wait.h"

#include <thread>

#include <fmt/format.h>

#include "device/command_runner.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "scsi/commands.h"
#include "scsi/sense.h"

namespace discwright::burn {

namespace {

/// 02/04/xx answers that mean "busy with a background operation, ask again".
bool still_working(const scsi::SenseInfo& s) {
    if (s.key != scsi::SenseKey::NotReady || s.asc != 0x04) return false;
    switch (s.ascq) {
    case 0x01: // becoming ready
    case 0x04: // format in progress
    case 0x07: // operation in progress (blank, close)
    case 0x08: // long write in progress
        return true;
    default:
        return false;
    }
}

} // namespace

void wait_until_ready(DiscRecorder& recorder, const WaitOptions& options,
                      const WaitProgress& progress, const CancellationToken& cancel) {
    auto& runner = recorder.runner();
    const auto deadline = std::chrono::steady_clock::now() + options.limit;
    // Short operations (a close, a flush) end within milliseconds: poll quickly at first,
    // then settle at the interval.
    auto pause =
        std::min<std::chrono::milliseconds>(std::chrono::milliseconds(5), options.interval);
    for (;;) {
        std::array<std::byte, 1> none{};
        const auto result = runner.execute_raw(scsi::test_unit_ready(), std::span(none).first(0));
        if (result.good()) {
            if (progress) progress(1.0);
            return;
        }
        const auto sense =
            result.sense.empty() ? scsi::SenseInfo{} : scsi::decode_sense(result.sense);
        if (!still_working(sense)) {
            // Let the runner turn the answer into its usual Error (or find the drive ready now).
            runner.write(scsi::test_unit_ready());
            if (progress) progress(1.0);
            return;
        }
        if (progress)
            progress(sense.progress ? std::optional<double>(*sense.progress / 65536.0)
                                    : std::nullopt);
        if (cancel.cancelled())
            throw Error(ErrorCode::RequestCancelled,
                        fmt::format("stopped waiting for {}: the drive at {} goes on by itself",
                                    options.what, recorder.address()))
                .with_drive(recorder.address());
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(ErrorCode::CommandTimeout,
                        fmt::format("{} did not finish within {} s ({})", options.what,
                                    options.limit.count(), recorder.address()))
                .with_drive(recorder.address());
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, options.interval);
    }
}

} // namespace discwright::burn
