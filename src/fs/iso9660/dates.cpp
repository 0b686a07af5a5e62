#include "fs/iso9660/dates.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>

#include <fmt/format.h>

namespace discwright::fs::iso9660 {

namespace {

constexpr UnixTime min_recordable = -2208988800; // 1900-01-01T00:00:00Z
constexpr UnixTime max_recordable = 5869583999;  // 2155-12-31T23:59:59Z

std::tm utc(UnixTime t) {
    std::time_t tt = static_cast<std::time_t>(std::clamp(t, min_recordable, max_recordable));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

} // namespace

RecordingDateTime recording_date(UnixTime t) {
    std::tm tm = utc(t);
    int years = std::clamp(tm.tm_year, 0, 255);
    return {static_cast<u8>(years),
            static_cast<u8>(tm.tm_mon + 1),
            static_cast<u8>(tm.tm_mday),
            static_cast<u8>(tm.tm_hour),
            static_cast<u8>(tm.tm_min),
            static_cast<u8>(tm.tm_sec),
            0};
}

VolumeDateTime volume_date(UnixTime t) {
    std::tm tm = utc(t);
    VolumeDateTime v{};
    const std::string digits =
        fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}00", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::copy_n(digits.begin(), 16, v.digits.begin());
    v.gmt_offset = 0;
    return v;
}

VolumeDateTime unspecified_volume_date() {
    VolumeDateTime v{};
    v.digits.fill('0');
    v.gmt_offset = 0;
    return v;
}

namespace {

/// Days from 1970-01-01 to a proleptic Gregorian date: pure arithmetic, because timegm()
/// consults the time zone machinery and a listing converts four times per file.
i64 days_since_epoch(i64 year, int month, int day) {
    // Count years from March, so that the leap day is the last day of the year.
    const i64 y = month <= 2 ? year - 1 : year;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const i64 year_of_era = y - era * 400;
    const i64 month_from_march = month > 2 ? month - 3 : month + 9;
    const i64 day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    const i64 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

std::optional<UnixTime> to_unix(int year, int month, int day, int hour, int minute, int second,
                                int offset_quarters) {
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    const i64 seconds =
        days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    // The offset is the zone the time was recorded in: local = UTC + offset.
    return seconds - static_cast<i64>(offset_quarters) * 15 * 60;
}

} // namespace

std::optional<UnixTime> unix_time(const RecordingDateTime& d) {
    if (d.month == 0 && d.day == 0) return std::nullopt;
    return to_unix(1900 + d.years_since_1900, d.month, d.day, d.hour, d.minute, d.second,
                   static_cast<std::int8_t>(d.gmt_offset));
}

std::optional<UnixTime> unix_time(const VolumeDateTime& d) {
    int v[7] = {};
    const int widths[7] = {4, 2, 2, 2, 2, 2, 2};
    std::size_t pos = 0;
    bool all_zero = true;
    for (int i = 0; i < 7; ++i) {
        for (int k = 0; k < widths[i]; ++k, ++pos) {
            const char c = d.digits[pos];
            if (c < '0' || c > '9') return std::nullopt;
            if (c != '0') all_zero = false;
            v[i] = v[i] * 10 + (c - '0');
        }
    }
    if (all_zero) return std::nullopt;
    return to_unix(v[0], v[1], v[2], v[3], v[4], v[5], static_cast<std::int8_t>(d.gmt_offset));
}

} // namespace discwright::fs::iso9660
