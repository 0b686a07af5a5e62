#pragma once
// Optional pacing of the virtual drive to a real speed (e.g. 16x DVD), so progress reporting,
// buffer handling and underrun tests see realistic timing. Off by default: then the drive runs
// as fast as its files allow. Pacing keeps a deadline that advances by each command's blocks
// at the chosen rate, so many small commands add no drift.

#include <chrono>
#include <optional>

#include "discwright/types.h"

namespace discwright::virtual_recorder {

class Throttle {
public:
    using Clock = std::chrono::steady_clock;

    /// `blocks_per_second` nullopt or not positive: no pacing.
    explicit Throttle(std::optional<double> blocks_per_second = std::nullopt);

    /// Sleeps until `blocks` more blocks are due at the configured rate.
    void pace(u64 blocks);

    /// The pure part of pace(): the new deadline and how long to wait at `now`, given the
    /// previous deadline. A deadline in the past restarts from `now` (an idle drive does not
    /// bank speed).
    struct Step {
        Clock::time_point deadline;
        Clock::duration wait;
    };
    [[nodiscard]] static Step step(Clock::time_point previous_deadline, Clock::time_point now,
                                   u64 blocks, double blocks_per_second);

    [[nodiscard]] bool active() const { return m_rate.has_value(); }

private:
    std::optional<double> m_rate;
    Clock::time_point m_deadline{};
};

} // namespace discwright::virtual_recorder
