// ECMA-119 dates: what the writer records, the reader gives back; offsets are applied.

#include <ctime>
#include <random>

#include <gtest/gtest.h>

#include "fs/iso9660/dates.h"

namespace discwright::fs::iso9660 {
namespace {

TEST(Dates, RecordedTimesReadBackAcrossTheRecordableRange) {
    for (UnixTime t : {UnixTime{-2'208'988'800}, UnixTime{-1}, UnixTime{0}, UnixTime{951'782'400},
                       UnixTime{1'700'000'000}, UnixTime{4'107'542'400}, UnixTime{5'869'583'999}}) {
        EXPECT_EQ(unix_time(recording_date(t)), t) << t;
        EXPECT_EQ(unix_time(volume_date(t)), t) << t;
    }
}

TEST(Dates, RoundTripThroughGmtimeOnRandomTimes) {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<i64> any(-2'208'988'800, 5'869'583'999);
    for (int i = 0; i < 20000; ++i) {
        const UnixTime t = any(rng);
        ASSERT_EQ(unix_time(recording_date(t)), t) << t;
    }
}

TEST(Dates, RecordedFieldsAgreeWithTheCLibrary) {
    // The writer converts by arithmetic; gmtime_r is the independent judge.
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<i64> any(-2'208'988'800, 5'869'583'999);
    for (int i = 0; i < 20000; ++i) {
        const UnixTime t = i < 3 ? UnixTime{-2'208'988'800 + i * 86399} : any(rng);
        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
        const RecordingDateTime d = recording_date(t);
        ASSERT_EQ(d.years_since_1900, tm.tm_year) << t;
        ASSERT_EQ(d.month, tm.tm_mon + 1) << t;
        ASSERT_EQ(d.day, tm.tm_mday) << t;
        ASSERT_EQ(d.hour, tm.tm_hour) << t;
        ASSERT_EQ(d.minute, tm.tm_min) << t;
        ASSERT_EQ(d.second, tm.tm_sec) << t;
        ASSERT_EQ(d.gmt_offset, 0) << t;
    }
}

TEST(Dates, TheOffsetNamesTheZoneOfTheRecordedTime) {
    // 01:00 at UTC+01:00 is midnight UTC.
    RecordingDateTime d{70, 1, 2, 1, 0, 0, 4};
    EXPECT_EQ(unix_time(d), 86400);
    d.gmt_offset = static_cast<u8>(-8); // 01:00 at UTC-02:00 is 03:00 UTC
    EXPECT_EQ(unix_time(d), 86400 + 3 * 3600);
}

TEST(Dates, ImpossibleAndUnspecifiedDatesAreNone) {
    EXPECT_FALSE(unix_time(RecordingDateTime{}));
    EXPECT_FALSE(unix_time(RecordingDateTime{100, 13, 1, 0, 0, 0, 0}));
    EXPECT_FALSE(unix_time(unspecified_volume_date()));
    VolumeDateTime v = volume_date(0);
    v.digits[3] = 'x';
    EXPECT_FALSE(unix_time(v));
}

} // namespace
} // namespace discwright::fs::iso9660
