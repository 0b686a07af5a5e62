#pragma once
// ECMA-119 date encodings, always recorded in UTC (offset 0), so that an image does not depend
// on the time zone of the machine that made it.

#include "discwright/clock.h"
#include <optional>

#include "fs/iso9660/on_disk.h"

namespace discwright::fs::iso9660 {

/// UTC calendar fields of a time.
struct Civil {
    i64 year;
    int month, day, hour, minute, second;
};
/// By arithmetic: gmtime_r() takes the time zone lock and converts through the zone machinery,
/// and an image records several dates per file.
Civil civil_utc(UnixTime t);

/// ECMA-119 9.1.5. Times before 1900 or after 2155 (the 8-bit year field) are clamped to the range.
RecordingDateTime recording_date(UnixTime t);
/// ECMA-119 8.4.26.1.
VolumeDateTime volume_date(UnixTime t);
/// ECMA-119 8.4.26.1: "not specified" (all digits '0', offset 0).
VolumeDateTime unspecified_volume_date();

/// The time a recorded date names, its GMT offset applied. nullopt for an impossible date
/// (month 13, ...) or an all-zero one ("not specified").
std::optional<UnixTime> unix_time(const RecordingDateTime& d);
/// The same for a volume descriptor date; nullopt for "not specified" (all '0' digits) or
/// anything that is not 16 digits.
std::optional<UnixTime> unix_time(const VolumeDateTime& d);

} // namespace discwright::fs::iso9660
