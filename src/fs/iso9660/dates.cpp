#include "fs/iso9660/dates.h"

#include <algorithm>
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

} // namespace discwright::fs::iso9660
