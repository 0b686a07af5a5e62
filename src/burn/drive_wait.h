#pragma once
// Waiting for a drive that works in the background: after CLOSE TRACK/SESSION, BLANK or FORMAT
// UNIT with IMMED set, and after a SYNCHRONIZE CACHE the drive is still finishing, it answers
// TEST UNIT READY with NOT READY (02/04/04 format in progress, 02/04/07 operation in progress,
// 02/04/08 long write in progress) and, when it can, a progress indicator. MMC-6 4.1.6.

#include <chrono>
#include <functional>
#include <optional>

#include "discwright/cancellation.h"
#include "discwright/types.h"

namespace discwright {
class DiscRecorder;
}

namespace discwright::burn {

struct WaitOptions {
    /// Time between polls (the first ones are shorter: 5 ms, doubling up to this).
    std::chrono::milliseconds interval{200};
    /// Longest wait before giving up (IMAPI gives erasing an hour).
    std::chrono::seconds limit{3600};
    /// What the caller is waiting for, for the error message: "closing the session".
    const char* what = "the drive";
};

/// Called after each poll with the drive's fraction done (nullopt when it gives none).
using WaitProgress = std::function<void(std::optional<double> fraction)>;

/// Polls until the drive is ready. A NOT READY that is not a background operation (no medium,
/// becoming ready for too long) and any other CHECK CONDITION throw the runner's Error; past the
/// limit CommandTimeout naming `what`; cancellation RequestCancelled.
void wait_until_ready(DiscRecorder& recorder, const WaitOptions& options,
                      const WaitProgress& progress = {}, const CancellationToken& cancel = {});

} // namespace discwright::burn
