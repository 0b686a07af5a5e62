#pragma once
// Time for everything discwright records. Nothing that encodes a record reads the system clock:
// the image builder asks a Clock once. SOURCE_DATE_EPOCH (reproducible-builds.org) wins over
// the system time, and an explicit time wins over both.

#include <chrono>
#include <optional>

#include "discwright/types.h"

namespace discwright {

/// Seconds since 1970-01-01T00:00:00Z.
using UnixTime = i64;

class Clock {
public:
    /// The system clock, unless SOURCE_DATE_EPOCH is set in the environment (then that).
    /// A malformed SOURCE_DATE_EPOCH throws Error(InvalidParam) naming the variable.
    static Clock from_environment();
    /// A fixed time, for --date and for tests.
    static Clock fixed(UnixTime t) { return Clock(t); }

    [[nodiscard]] UnixTime now() const;
    [[nodiscard]] bool is_fixed() const { return m_fixed.has_value(); }

private:
    explicit Clock(std::optional<UnixTime> t) : m_fixed(t) {}
    std::optional<UnixTime> m_fixed;
};

} // namespace discwright
