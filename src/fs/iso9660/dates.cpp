#include "fs/iso9660/dates.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace discwright::fs::iso9660 {

namespace {

constexpr UnixTime min_recordable = -2208988800; // 1900-01-01T00:00:00Z
constexpr UnixTime max_recordable = 5869583999;  // 2155-12-31T23:59:59Z

Civil utc(UnixTime t) { return civil_utc(std::clamp(t, min_recordable, max_recordable)); }

} // namespace

Civil civil_utc(UnixTime t) {
    const i64 days = (t >= 0 ? t : t - 86399) / 86400;
    const i64 secs = t - days * 86400;
    // Shift the epoch to 0000-03-01, so that the leap day ends a 400-year era's year.
    const i64 z = days + 719468;
    const i64 era = (z >= 0 ? z : z - 146096) / 146097;
    const i64 day_of_era = z - era * 146097;
    const i64 year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const i64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const i64 month_from_march = (5 * day_of_year + 2) / 153;
    const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    const int month =
        static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    const i64 year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return {year,
            month,
            day,
            static_cast<int>(secs / 3600),
            static_cast<int>(secs / 60 % 60),
            static_cast<int>(secs % 60)};
}

RecordingDateTime recording_date(UnixTime t) {
    const Civil c = utc(t);
    const i64 years = std::clamp<i64>(c.year - 1900, 0, 255);
    return {static_cast<u8>(years),
            static_cast<u8>(c.month),
            static_cast<u8>(c.day),
            static_cast<u8>(c.hour),
            static_cast<u8>(c.minute),
            static_cast<u8>(c.second),
            0};
}

VolumeDateTime volume_date(UnixTime t) {
    const Civil c = utc(t);
    VolumeDateTime v{};
    const std::string digits = fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}00", c.year, c.month,
                                           c.day, c.hour, c.minute, c.second);
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
