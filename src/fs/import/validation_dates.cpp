#include "fs/import/validation_dates.h"

#include <algorithm>

#include <fmt/format.h>

namespace discwright::fs::import {

namespace {

// ECMA-119 9.1.5 / 8.4.26.1: the offset from GMT in 15-minute steps, -48 (west) to +52 (east).
bool offset_ok(u8 raw) {
    const int v = raw >= 128 ? raw - 256 : raw;
    return v >= -48 && v <= 52;
}

std::optional<std::string> fields_problem(int month, int day, int hour, int minute, int second) {
    if (month < 1 || month > 12) return fmt::format("month {}", month);
    if (day < 1 || day > 31) return fmt::format("day {}", day);
    if (hour > 23) return fmt::format("hour {}", hour);
    if (minute > 59) return fmt::format("minute {}", minute);
    if (second > 59) return fmt::format("second {}", second);
    return std::nullopt;
}

} // namespace

std::optional<std::string> date_problem(const iso9660::RecordingDateTime& d) {
    if (d.years_since_1900 == 0 && d.month == 0 && d.day == 0 && d.hour == 0 && d.minute == 0 &&
        d.second == 0 && d.gmt_offset == 0)
        return std::nullopt;
    if (auto p = fields_problem(d.month, d.day, d.hour, d.minute, d.second)) return p;
    if (!offset_ok(d.gmt_offset))
        return fmt::format("GMT offset {}",
                           static_cast<int>(static_cast<signed char>(d.gmt_offset)));
    return std::nullopt;
}

std::optional<std::string> date_problem(const iso9660::VolumeDateTime& d) {
    const auto& t = d.digits;
    if (!std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::string("characters other than digits");
    if (std::all_of(t.begin(), t.end(), [](char c) { return c == '0'; }) && d.gmt_offset == 0)
        return std::nullopt; // not specified
    const auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i)
            v = v * 10 + (t[i] - '0');
        return v;
    };
    if (num(0, 4) == 0) return std::string("year 0");
    if (auto p = fields_problem(num(4, 2), num(6, 2), num(8, 2), num(10, 2), num(12, 2))) return p;
    if (!offset_ok(d.gmt_offset))
        return fmt::format("GMT offset {}",
                           static_cast<int>(static_cast<signed char>(d.gmt_offset)));
    return std::nullopt;
}

} // namespace discwright::fs::import
