// Clock: the one source of time for recorded dates (STYLE.md section 8).

#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "discwright/clock.h"
#include "discwright/error.h"

namespace discwright {

namespace {

// reproducible-builds.org/specs/source-date-epoch: an ASCII decimal integer of seconds since
// the epoch, as `date +%s` prints it. Like GCC, accept only non-negative values written with
// digits alone: no sign, space or fraction.
UnixTime parse_source_date_epoch(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return Error(ErrorCode::InvalidParam, fmt::format("SOURCE_DATE_EPOCH: '{}' {}", text, why))
            .with_option("SOURCE_DATE_EPOCH");
    };
    const bool digits_only =
        !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits_only) throw bad("is not a decimal number of seconds");
    UnixTime t = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
    if (ec == std::errc::result_out_of_range) throw bad("is too large for seconds since 1970");
    if (ec != std::errc() || end != text.data() + text.size())
        throw bad("is not a decimal number of seconds");
    return t;
}

} // namespace

Clock Clock::from_environment() {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    if (epoch == nullptr) return Clock(std::nullopt);
    return Clock(parse_source_date_epoch(epoch));
}

UnixTime Clock::now() const {
    if (m_fixed) return *m_fixed;
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace discwright
