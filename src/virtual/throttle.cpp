#include "virtual/throttle.h"

#include <algorithm>
#include <thread>

namespace discwright::virtual_recorder {

namespace {
constexpr auto min_sleep = std::chrono::milliseconds(10);
} // namespace

Throttle::Throttle(std::optional<double> blocks_per_second) {
    if (blocks_per_second && *blocks_per_second > 0) m_rate = blocks_per_second;
}

Throttle::Step Throttle::step(Clock::time_point previous_deadline, Clock::time_point now,
                              u64 blocks, double blocks_per_second) {
    const auto start = std::max(previous_deadline, now);
    const auto cost = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(blocks) / blocks_per_second));
    const auto deadline = start + cost;
    return {deadline, deadline - now};
}

void Throttle::pace(u64 blocks) {
    if (!m_rate || blocks == 0) return;
    const auto s = step(m_deadline, Clock::now(), blocks, *m_rate);
    m_deadline = s.deadline;
    // A real drive costs the host nothing while it paces; sleeping after every command would
    // (a context switch per WRITE). The deadline accumulates, so waiting only once the drive
    // is a few milliseconds ahead keeps the same average speed.
    if (s.wait > min_sleep) std::this_thread::sleep_for(s.wait);
}

} // namespace discwright::virtual_recorder
